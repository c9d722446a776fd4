"""The interview itself: a candidate's attempt, the question set drawn for it, answers, scores
and the reviewers' overrides.

An attempt belongs to one candidate assignment (``PanelCandidate``) and is created by the first
start; its items are the drawn question set, frozen: each names the ``QuestionVersion`` the
candidate saw, so later edits of the bank never change what was asked or how it is scored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bank import Question, QuestionVersion
from .organizations import PublicIdModel
from .panels import InterviewPanel, PanelCandidate


class AttemptState(models.TextChoices):
    """Where an attempt stands. ``expired`` is also what an unsubmitted attempt past its deadline
    reads as before anything has stored it."""

    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Expired")
    # Closed because a manager removed the candidate from the panel while it was open.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ItemStatus(models.TextChoices):
    """Where the scoring of one answer stands."""

    # Not scored yet: the attempt is open, or its evaluation has not run.
    PENDING = "pending", _("Pending")
    # Scored by its kind's rule (choices, short answers, numbers).
    SCORED = "scored", _("Scored")
    # Scored by the evaluator.
    EVALUATED = "evaluated", _("Evaluated")
    # Waits for a reviewer: the evaluator failed or could not judge it.
    NEEDS_REVIEW = "needs_review", _("Needs review")
    # A reviewer set its score.
    REVIEWED = "reviewed", _("Reviewed")


class Attempt(PublicIdModel):
    """One candidate's interview: the question set drawn at the first start, and its state."""

    assignment = models.OneToOneField(
        PanelCandidate,
        on_delete=models.CASCADE,
        related_name="attempt",
        verbose_name=_("candidate assignment"),
    )
    # Denormalized from the assignment: exposure counts and results read a panel's attempts.
    panel = models.ForeignKey(
        InterviewPanel,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("interview panel"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS
    )
    # The draw: 256 random bits from ``secrets`` (hex) and the algorithm that used them, so the
    # same seed over the same pool gives the same set (interviews/draws.py).
    seed = models.CharField(_("draw seed"), max_length=64, editable=False)
    algorithm_version = models.PositiveSmallIntegerField(_("draw algorithm version"))
    started_at = models.DateTimeField(_("started at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # When the attempt was closed (submitted, or found expired): the end of answering.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The candidate's last start or save: where the next save's time spent is counted from.
    last_activity_at = models.DateTimeField(_("last activity at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        indexes = [models.Index(fields=["panel", "state"], name="ip_attempt_panel_state_idx")]

    def __str__(self) -> str:
        return f"{self.assignment} ({self.state})"


class AttemptItem(PublicIdModel):
    """One question of an attempt's set, in its place, with the candidate's answer and score."""

    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="items", verbose_name=_("attempt")
    )
    position = models.PositiveIntegerField(_("position"))
    question_version = models.ForeignKey(
        QuestionVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    # Denormalized from the version: exposure and results group by question.
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    # The order the candidate sees the choices in, as indexes into the version's ``choices``
    # (empty: the stored order). Answers name options by their displayed position.
    choice_order = models.JSONField(_("choice order"), default=list, blank=True)
    # The candidate's answer as sent (null: not answered); its shape depends on the kind.
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.PENDING
    )
    points_earned = models.DecimalField(
        _("points earned"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    # {rubric dimension UUID: score 0..100}, from the evaluator or the latest review.
    dimension_scores = models.JSONField(_("dimension scores"), default=dict, blank=True)
    rationale = models.TextField(_("rationale"), blank=True, default="")
    # "name/version" of the evaluator that scored it; empty for rule-scored or unscored items.
    evaluator = models.CharField(_("evaluator"), max_length=200, blank=True, default="")
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    # Seconds the candidate spent on this item, as measured by the server between saves
    # (docs/reviews-and-results.md "Time spent").
    time_spent_seconds = models.PositiveIntegerField(_("time spent (seconds)"), default=0)

    class Meta:
        ordering = ["attempt_id", "position"]
        verbose_name = _("attempt item")
        verbose_name_plural = _("attempt items")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="interview_panels_item_position_unique"
            ),
        ]
        indexes = [
            # The review queue: an organization's items waiting for a reviewer.
            models.Index(
                fields=["status", "id"],
                condition=Q(status="needs_review"),
                name="ip_item_review_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.position} of {self.attempt_id}"


class ItemReview(models.Model):
    """A reviewer's score for one item: kept, never edited, so every override says who and
    when. The latest one is the item's score."""

    item = models.ForeignKey(
        AttemptItem, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("item")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    # Who reviewed, as text: stays when the user is deleted.
    reviewer_name = models.CharField(_("reviewer name"), max_length=255, blank=True, default="")
    points_earned = models.DecimalField(_("points earned"), max_digits=12, decimal_places=4)
    dimension_scores = models.JSONField(_("dimension scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True, default="")
    # What the item's score was before this review (null: unscored).
    previous_points = models.DecimalField(
        _("previous points"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["item_id", "id"]
        verbose_name = _("item review")
        verbose_name_plural = _("item reviews")

    def __str__(self) -> str:
        return f"review of {self.item} by {self.reviewer_name or self.reviewer_id}"


class QuestionExposure(models.Model):
    """How many of a panel's question sets hold one question: what balances the draws."""

    panel = models.ForeignKey(
        InterviewPanel, on_delete=models.CASCADE, related_name="+", verbose_name=_("panel")
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    draws = models.PositiveIntegerField(_("draws"), default=0)

    class Meta:
        verbose_name = _("question exposure")
        verbose_name_plural = _("question exposures")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "question"], name="interview_panels_exposure_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} drawn {self.draws} times on {self.panel_id}"

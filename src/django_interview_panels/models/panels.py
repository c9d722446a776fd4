"""Interview panels, their question distributions and their candidate assignments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..conf import CANDIDATE_MODEL, ORGANIZATION_MODEL
from ..querysets import PanelCandidateQuerySet, PanelQuerySet
from ..tokens import new_token
from .bank import Category, Subtopic, Topic
from .organizations import PublicIdModel

# A week: longer is not one sitting of an interview.
MAX_TIME_LIMIT_MINUTES = 10_080


class InterviewPanel(PublicIdModel):
    """An interview panel of one organization: a question mix from one category and candidates."""

    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True, default="")
    total_number_of_questions = models.PositiveIntegerField(_("total number of questions"))
    start_datetime = models.DateTimeField(_("start"))
    end_datetime = models.DateTimeField(_("end"))
    # An extension of the spec: minutes a candidate has from their start (None: until the end).
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TIME_LIMIT_MINUTES)],
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("interview panel")
        verbose_name_plural = _("interview panels")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_datetime__gt=F("start_datetime")),
                name="interview_panels_panel_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(total_number_of_questions__gte=1),
                name="interview_panels_panel_total_at_least_one",
            ),
        ]
        # One partial index per way the list is read (docs/performance.md): the default order
        # and `search` (a filter within the organization's rows), each other filter and ordering.
        # Each ends with the id tiebreaker the list sorts by, so no page needs a sort step.
        indexes = [
            models.Index(
                fields=["organization", "-created_at", "-id"],
                condition=Q(is_deleted=False),
                name="ip_panel_org_created_idx",
            ),
            models.Index(
                fields=["organization", "category", "-created_at", "-id"],
                condition=Q(is_deleted=False),
                name="ip_panel_org_category_idx",
            ),
            models.Index(
                fields=["organization", "start_datetime", "id"],
                condition=Q(is_deleted=False),
                name="ip_panel_org_start_idx",
            ),
            models.Index(
                fields=["organization", "end_datetime"],
                condition=Q(is_deleted=False),
                name="ip_panel_org_end_idx",
            ),
            models.Index(
                fields=["organization", "name", "id"],
                condition=Q(is_deleted=False),
                name="ip_panel_org_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class QuestionDistribution(PublicIdModel):
    """How many easy, medium and hard questions one subtopic contributes to a panel."""

    panel = models.ForeignKey(
        InterviewPanel,
        on_delete=models.CASCADE,
        related_name="question_distributions",
        verbose_name=_("interview panel"),
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="+", verbose_name=_("topic")
    )
    subtopic = models.ForeignKey(
        Subtopic, on_delete=models.PROTECT, related_name="+", verbose_name=_("subtopic")
    )
    easy = models.PositiveIntegerField(_("easy"), default=0)
    medium = models.PositiveIntegerField(_("medium"), default=0)
    hard = models.PositiveIntegerField(_("hard"), default=0)

    class Meta:
        ordering = ["id"]
        verbose_name = _("question distribution")
        verbose_name_plural = _("question distributions")
        constraints = [
            models.CheckConstraint(
                condition=Q(easy__gte=0) & Q(medium__gte=0) & Q(hard__gte=0),
                name="interview_panels_distribution_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(easy__gt=0) | Q(medium__gt=0) | Q(hard__gt=0),
                name="interview_panels_distribution_not_empty",
            ),
            models.UniqueConstraint(
                fields=["panel", "subtopic"], name="interview_panels_distribution_subtopic_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subtopic}: {self.easy}/{self.medium}/{self.hard}"

    @property
    def total(self) -> int:
        return self.easy + self.medium + self.hard


class PanelCandidate(PublicIdModel):
    """A candidate assigned to a panel, with the access token valid until the panel ends."""

    panel = models.ForeignKey(
        InterviewPanel,
        on_delete=models.CASCADE,
        related_name="candidates",
        verbose_name=_("interview panel"),
    )
    # Null once the candidate's personal data has been erased from the panel (``erased_at``): the
    # answers and scores stay, de-identified (docs/candidates.md "Erasure"). Not blank: a form
    # (the admin's) requires a candidate; the admin's form lets an erased row keep none.
    candidate = models.ForeignKey(
        CANDIDATE_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        verbose_name=_("candidate"),
    )
    token = models.CharField(
        _("token"), max_length=128, unique=True, editable=False, default=new_token
    )
    # Always the candidate's effective end: ``window_ends_at`` when set, else the panel's end.
    # A removed or erased candidate's token is expired (set to the removal time).
    token_expires_at = models.DateTimeField(_("token expires at"))
    score = models.IntegerField(_("score"), default=0)
    # Per-candidate access (docs/candidates.md "Access"): a window of the candidate's own within
    # which an attempt may start (either bound falls back to the panel's), and accommodations
    # that lengthen the panel's time limit: limit x multiplier + extra minutes.
    window_starts_at = models.DateTimeField(_("window starts at"), null=True, blank=True)
    window_ends_at = models.DateTimeField(_("window ends at"), null=True, blank=True)
    extra_minutes = models.PositiveIntegerField(_("extra minutes"), default=0)
    time_multiplier = models.DecimalField(
        _("time multiplier"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    # Invitations sent through the API's resend endpoint (the first one is the host's business).
    invitations_sent = models.PositiveIntegerField(_("invitations sent"), default=0)
    last_invited_at = models.DateTimeField(_("last invited at"), null=True, blank=True)
    # Set when a manager removes the candidate: the token stops working, the record stays.
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    # Set when the candidate's personal data was erased (implies removed).
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = PanelCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("panel candidate")
        verbose_name_plural = _("panel candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "candidate"], name="interview_panels_candidate_once_per_panel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} on {self.panel}"

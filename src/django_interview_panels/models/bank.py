"""The question bank: category -> topic -> subtopic -> question, its versions, and the rubric.

A question's kind says how an answer is scored; its answer key (``answer_key``) holds what the
scorer needs and only managers may read. Editing a question that a candidate's question set has
used makes a new ``QuestionVersion``, so what a candidate saw stays readable as it was.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..conf import ORGANIZATION_MODEL
from ..querysets import BankQuerySet, QuestionQuerySet
from .organizations import PublicIdModel


class BankEntry(PublicIdModel):
    """A bank entry belongs to one organization, or to none: then every organization may use it."""

    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
        help_text=_("Leave empty for a global entry that every organization may use."),
    )
    name = models.CharField(_("name"), max_length=255)

    objects = BankQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def check_parent(entry: models.Model, parent: models.Model | None, field: str) -> None:
    """An entry hangs under a global parent or one of its own organization's (the API's rule,
    also checked when the admin saves)."""
    if parent is None:
        return
    if parent.organization_id not in (None, entry.organization_id):  # type: ignore[attr-defined]
        raise ValidationError(
            {field: _("The parent belongs to another organization than this entry.")}
        )


class Category(BankEntry):
    """Top level of the question bank, e.g. "Python"."""

    class Meta(BankEntry.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Topic(BankEntry):
    """A topic of a category, e.g. "Data Structures"."""

    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="topics", verbose_name=_("category")
    )

    def clean(self) -> None:
        check_parent(self, getattr(self, "category", None), "category")

    class Meta(BankEntry.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Subtopic(BankEntry):
    """A subtopic of a topic, e.g. "Lists"; questions hang from here."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="subtopics", verbose_name=_("topic")
    )

    def clean(self) -> None:
        check_parent(self, getattr(self, "topic", None), "topic")

    class Meta(BankEntry.Meta):
        verbose_name = _("subtopic")
        verbose_name_plural = _("subtopics")


class Difficulty(models.TextChoices):
    """How hard a question is; a distribution asks for a count of each."""

    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionKind(models.TextChoices):
    """How a question is answered, and so how its answer is scored (docs/bank.md)."""

    OPEN = "open", _("Open (free text)")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SHORT_ANSWER = "short_answer", _("Short answer")
    NUMERIC = "numeric", _("Numeric")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# Two minutes: what an easy open question takes; a question states its own when it knows better.
DEFAULT_EXPECTED_TIME_SECONDS = 120
MAX_POINTS = 1000
# A day: longer is a take-home task, not an interview question.
MAX_EXPECTED_TIME_SECONDS = 86_400


class QuestionContent(models.Model):
    """What a candidate is asked and how the answer is scored: the part of a question that is
    versioned."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.OPEN
    )
    text = models.TextField(_("text"))
    difficulty = models.CharField(_("difficulty"), max_length=6, choices=Difficulty.choices)
    points = models.PositiveIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_POINTS)]
    )
    expected_time_seconds = models.PositiveIntegerField(
        _("expected time (seconds)"),
        default=DEFAULT_EXPECTED_TIME_SECONDS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPECTED_TIME_SECONDS)],
    )
    # The options of a choice question, in their canonical order (a draw may shuffle them).
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # Kind-specific; see docs/bank.md. Only managers read it.
    answer_key = models.JSONField(_("answer key"), default=dict, blank=True)
    # {rubric dimension UUID: weight}: overrides the organization's weights for this question.
    rubric_weights = models.JSONField(_("rubric weights"), default=dict, blank=True)

    class Meta:
        abstract = True

    CONTENT_FIELDS = (
        "kind",
        "text",
        "difficulty",
        "points",
        "expected_time_seconds",
        "choices",
        "answer_key",
        "rubric_weights",
    )

    def content(self) -> dict[str, object]:
        """The versioned fields, by name."""
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}


class Question(PublicIdModel, QuestionContent):
    """One question of the bank: its current content, and its versions in ``versions``."""

    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
        help_text=_("Leave empty for a global question that every organization may use."),
    )
    subtopic = models.ForeignKey(
        Subtopic, on_delete=models.CASCADE, related_name="questions", verbose_name=_("subtopic")
    )
    # The number of the current version (the latest ``QuestionVersion``).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # A retired question is left out of future draws; the question sets that used it keep it.
    is_retired = models.BooleanField(_("retired"), default=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["subtopic_id", "difficulty", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values),
                name="interview_panels_question_difficulty_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values),
                name="interview_panels_question_kind_valid",
            ),
        ]
        indexes = [
            # The bank list: an organization's live questions of a subtopic and difficulty.
            models.Index(
                fields=["organization", "subtopic", "difficulty", "id"],
                condition=Q(is_retired=False),
                name="ip_question_stock_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        check_parent(self, getattr(self, "subtopic", None), "subtopic")


class QuestionVersion(QuestionContent):
    """One version of a question's content, immutable once a question set has used it."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="versions", verbose_name=_("question")
    )
    number = models.PositiveIntegerField(_("number"))
    # Set by the first draw that puts this version in a candidate's question set; an edit of a
    # used version makes the next one instead of changing it.
    is_used = models.BooleanField(_("used"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["question_id", "-number"]
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="interview_panels_question_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question} (v{self.number})"


class RubricDimension(BankEntry):
    """A dimension answers are reviewed on (technical, communication, ...), with its weight.

    Dimensions are rows: an organization adds one without a migration. A question may override
    the weights in ``Question.rubric_weights``.
    """

    description = models.TextField(_("description"), blank=True, default="")
    weight = models.PositiveIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )

    class Meta(BankEntry.Meta):
        verbose_name = _("rubric dimension")
        verbose_name_plural = _("rubric dimensions")

"""Models: the question bank, interview panels, and default organization/candidate/membership.

Public identifiers are UUIDs; integer primary keys stay internal. ``Organization`` and
``Candidate`` are swappable (see ``conf.py``); everything else points at them through the
settings, the way Django points at ``AUTH_USER_MODEL``.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .conf import CANDIDATE_MODEL, ORGANIZATION_MODEL
from .querysets import BankQuerySet, PanelCandidateQuerySet, PanelQuerySet
from .tokens import new_token


def get_organization_model() -> type[models.Model]:
    """Return the organization model this project uses."""
    return apps.get_model(ORGANIZATION_MODEL, require_ready=False)


def get_candidate_model() -> type[models.Model]:
    """Return the candidate model this project uses."""
    return apps.get_model(CANDIDATE_MODEL, require_ready=False)


class PublicIdModel(models.Model):
    """Adds the public UUID that the API exposes instead of the primary key."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


# --- Organizations, candidates and memberships (defaults a host may replace) ------------------


class AbstractOrganization(PublicIdModel):
    """Fields of the default organization; subclass it or bring any model with a UUID field."""

    name = models.CharField(_("name"), max_length=255)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(AbstractOrganization):
    """The default organization model."""

    class Meta(AbstractOrganization.Meta):
        swappable = "INTERVIEW_PANELS_ORGANIZATION_MODEL"
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")


class AbstractCandidate(PublicIdModel):
    """Fields of the default candidate: a person of one organization who can be interviewed."""

    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("email"))

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Candidate(AbstractCandidate):
    """The default candidate model."""

    class Meta(AbstractCandidate.Meta):
        swappable = "INTERVIEW_PANELS_CANDIDATE_MODEL"
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")


class Role(models.TextChoices):
    """Roles of the default membership; any string is accepted, these are the usual ones."""

    ADMIN = "Admin", _("Admin")
    HR = "HR", _("HR")
    MEMBER = "Member", _("Member")


class Membership(models.Model):
    """Which organization a user belongs to and with which role (read by the default resolvers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interview_panels_membership",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=64, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


# --- Question bank ------------------------------------------------------------------------------


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

    class Meta(BankEntry.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class Subtopic(BankEntry):
    """A subtopic of a topic, e.g. "Lists"; questions hang from here."""

    topic = models.ForeignKey(
        Topic, on_delete=models.CASCADE, related_name="subtopics", verbose_name=_("topic")
    )

    class Meta(BankEntry.Meta):
        verbose_name = _("subtopic")
        verbose_name_plural = _("subtopics")


class Difficulty(models.TextChoices):
    """How hard a question is; a distribution asks for a count of each."""

    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class Question(PublicIdModel):
    """One question of the bank."""

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
    text = models.TextField(_("text"))
    difficulty = models.CharField(_("difficulty"), max_length=6, choices=Difficulty.choices)

    objects = BankQuerySet.as_manager()

    class Meta:
        ordering = ["subtopic_id", "difficulty", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__in=Difficulty.values),
                name="interview_panels_question_difficulty_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# --- Interview panels ---------------------------------------------------------------------------


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
    candidate = models.ForeignKey(
        CANDIDATE_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("candidate"),
    )
    token = models.CharField(
        _("token"), max_length=128, unique=True, editable=False, default=new_token
    )
    token_expires_at = models.DateTimeField(_("token expires at"))
    score = models.IntegerField(_("score"), default=0)

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

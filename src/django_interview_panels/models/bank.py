"""The question bank: category -> topic -> subtopic -> question."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..conf import ORGANIZATION_MODEL
from ..querysets import BankQuerySet
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

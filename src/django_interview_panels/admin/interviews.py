"""Admin for attempts: read-only, for the record; scores change through the reviews API, which
keeps who and when."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Attempt, AttemptItem


class ReadOnlyMixin:
    """Nothing here is added, changed or deleted by hand: attempts are the candidates' record."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptItemInline(ReadOnlyMixin, admin.TabularInline):
    """The attempt's question set, in order, with answers and scores."""

    model = AttemptItem
    fields = ("position", "question_version", "answer", "status", "points_earned", "evaluator")
    readonly_fields = fields
    ordering = ("position",)
    extra = 0


class AttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Attempts, their state and set; read-only."""

    list_display = ("uuid", "panel", "candidate", "state", "started_at", "submitted_at", "score")
    list_filter = ("state",)
    list_select_related = ("panel", "assignment__candidate")
    search_fields = ("uuid", "panel__name")
    readonly_fields = (
        "uuid",
        "assignment",
        "panel",
        "state",
        "seed",
        "algorithm_version",
        "started_at",
        "submitted_at",
        "closed_at",
    )
    inlines = [AttemptItemInline]

    @admin.display(description=_("candidate"))
    def candidate(self, obj: Attempt) -> Any:
        # None once the candidate's personal data was erased (docs/candidates-access.md).
        return obj.assignment.candidate or _("(erased)")

    @admin.display(description=_("score"))
    def score(self, obj: Attempt) -> int:
        return obj.assignment.score


class ItemReviewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Reviewers' scores, with who and when; read-only."""

    list_display = ("item", "reviewer_name", "points_earned", "previous_points", "created_at")
    list_select_related = ("item",)
    readonly_fields = (
        "item",
        "reviewer",
        "reviewer_name",
        "points_earned",
        "previous_points",
        "dimension_scores",
        "comment",
        "created_at",
    )


class QuestionExposureAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """How often each question was drawn per panel: what the draws balance; read-only."""

    list_display = ("panel", "question", "draws")
    list_select_related = ("panel", "question")
    search_fields = ("panel__name", "question__text")
    readonly_fields = ("panel", "question", "draws")


__all__ = ["AttemptAdmin", "ItemReviewAdmin", "QuestionExposureAdmin"]

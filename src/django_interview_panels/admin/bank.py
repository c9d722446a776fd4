"""Admin for the question bank: categories, topics, subtopics and questions."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    Category,
    Question,
    Subtopic,
)
from .base import GLOBAL_ENTRY, ForeignRelationsMixin


class BankEntryAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """Shared by categories, topics, subtopics and questions; an empty organization is global."""

    empty_value_display = GLOBAL_ENTRY
    readonly_fields = ("uuid",)
    foreign_autocomplete_fields = ("organization",)


class CategoryAdmin(BankEntryAdmin):
    """Top level of the question bank."""

    list_display = ("name", "organization", "uuid")
    list_select_related = ("organization",)
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "=uuid")


class TopicAdmin(BankEntryAdmin):
    """Topics of a category."""

    list_display = ("name", "category", "organization", "uuid")
    list_select_related = ("category", "organization")
    list_filter = (
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "category__name", "=uuid")
    autocomplete_fields = ("category",)


class SubtopicAdmin(BankEntryAdmin):
    """Subtopics of a topic."""

    list_display = ("name", "topic", "category", "organization", "uuid")
    list_select_related = ("topic__category", "organization")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "topic__name", "topic__category__name", "=uuid")
    autocomplete_fields = ("topic",)

    @admin.display(description=_("category"), ordering="topic__category__name")
    def category(self, obj: Subtopic) -> Category:
        return obj.topic.category


class QuestionAdmin(BankEntryAdmin):
    """Questions of a subtopic, one difficulty each."""

    list_display = ("short_text", "difficulty", "subtopic", "organization")
    list_select_related = ("subtopic", "organization")
    list_filter = ("difficulty", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("text", "subtopic__name", "=uuid")
    autocomplete_fields = ("subtopic",)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj: Question) -> str:
        return str(obj)

"""Admin for the question bank: categories, topics, subtopics, questions and rubric dimensions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..bank import services
from ..bank.serializers import content_errors
from ..models import (
    Category,
    Question,
    QuestionVersion,
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


class QuestionVersionInline(admin.TabularInline):
    """A question's versions, newest first: read-only, as candidates saw them."""

    model = QuestionVersion
    extra = 0
    can_delete = False
    fields = (
        "number",
        "kind",
        "text",
        "difficulty",
        "points",
        "expected_time_seconds",
        "choices",
        "answer_key",
        "is_used",
        "created_at",
    )
    readonly_fields = fields
    ordering = ("-number",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class QuestionForm(forms.ModelForm):
    """The API's kind rules on the admin's form: choices and answer key fit the kind."""

    class Meta:
        model = Question
        # No relation here: a form class lists its fields when the module is imported, and a
        # swappable setting naming no installed model would fail there, before the app's check
        # (E006) can say why. The admin adds the relations when it builds the form per request.
        fields = (*Question.CONTENT_FIELDS, "is_retired")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if all(name in cleaned for name in ("kind", "choices", "answer_key")):
            answer_key, errors = content_errors(
                {name: cleaned[name] for name in ("kind", "choices", "answer_key")}
            )
            for field, messages in errors.items():
                self.add_error(field, str(messages))
            if not errors:
                cleaned["answer_key"] = answer_key
        return cleaned


class QuestionAdmin(BankEntryAdmin):
    """Questions of a subtopic, one difficulty each; edits go through the bank's services, so a
    used version is never changed in place."""

    list_display = ("short_text", "kind", "difficulty", "subtopic", "organization", "is_retired")
    list_select_related = ("subtopic", "organization")
    list_filter = (
        "kind",
        "difficulty",
        "is_retired",
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    readonly_fields = ("uuid", "version", "retired_at")
    inlines = [QuestionVersionInline]
    form = QuestionForm
    # The form class names the content only; the relations join here, per request.
    fields = (
        "uuid",
        "organization",
        "subtopic",
        *Question.CONTENT_FIELDS,
        "version",
        "is_retired",
        "retired_at",
    )
    search_fields = ("text", "subtopic__name", "=uuid")
    autocomplete_fields = ("subtopic",)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj: Question) -> str:
        return str(obj)

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        if not change:
            content = {name: getattr(obj, name) for name in Question.CONTENT_FIELDS}
            created = services.create_question(
                organization=obj.organization, subtopic=obj.subtopic, content=content
            )
            obj.pk, obj.uuid = created.pk, created.uuid
            if obj.is_retired:
                services.retire_question(question=created)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        retire = changes.pop("is_retired", None)
        updated = services.update_question(question=obj, changes=changes)
        if retire is True:
            services.retire_question(question=updated)
        elif retire is False:
            services.restore_question(question=updated)
        obj.refresh_from_db()


class RubricDimensionAdmin(BankEntryAdmin):
    """An organization's rubric dimensions and their weights."""

    list_display = ("name", "weight", "organization", "uuid")
    list_select_related = ("organization",)
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "=uuid")

"""Filters of the bank lists, one django-filter ``FilterSet`` per resource, on the strict fields
of ``api/filters.py``: a malformed value is a 400 naming the parameter, never ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..api.fields import MAX_NAME_LENGTH
from ..api.filters import (
    CanonicalUUIDFilter,
    SearchFilter,
    StrictBooleanFilter,
    StrictFilterForm,
)
from ..models import Category, Difficulty, Question, QuestionKind, RubricDimension, Subtopic, Topic


def _name_search() -> SearchFilter:
    # No name is longer, so a longer search could match nothing.
    return SearchFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=MAX_NAME_LENGTH,
        help_text=_("Entries whose name contains this text, ignoring case."),
    )


class CategoryFilterSet(django_filters.FilterSet):
    """``search``."""

    search = _name_search()

    class Meta:
        model = Category
        fields: list[str] = []
        form = StrictFilterForm


class TopicFilterSet(django_filters.FilterSet):
    """``search`` and ``category``."""

    search = _name_search()
    category = CanonicalUUIDFilter(
        field_name="category__uuid", help_text=_("UUID of the topics' category.")
    )

    class Meta:
        model = Topic
        fields: list[str] = []
        form = StrictFilterForm


class SubtopicFilterSet(django_filters.FilterSet):
    """``search``, ``topic`` and ``category``."""

    search = _name_search()
    topic = CanonicalUUIDFilter(
        field_name="topic__uuid", help_text=_("UUID of the subtopics' topic.")
    )
    category = CanonicalUUIDFilter(
        field_name="topic__category__uuid", help_text=_("UUID of the subtopics' category.")
    )

    class Meta:
        model = Subtopic
        fields: list[str] = []
        form = StrictFilterForm


class RubricDimensionFilterSet(django_filters.FilterSet):
    """``search``."""

    search = _name_search()

    class Meta:
        model = RubricDimension
        fields: list[str] = []
        form = StrictFilterForm


class QuestionFilterSet(django_filters.FilterSet):
    """Kind, difficulty, place in the bank, text, and retired or not (default: not retired)."""

    kind = django_filters.ChoiceFilter(
        choices=QuestionKind.choices, help_text=_("Questions of this kind.")
    )
    difficulty = django_filters.ChoiceFilter(
        choices=Difficulty.choices, help_text=_("Questions of this difficulty.")
    )
    category = CanonicalUUIDFilter(
        field_name="subtopic__topic__category__uuid", help_text=_("UUID of a category.")
    )
    topic = CanonicalUUIDFilter(field_name="subtopic__topic__uuid", help_text=_("UUID of a topic."))
    subtopic = CanonicalUUIDFilter(field_name="subtopic__uuid", help_text=_("UUID of a subtopic."))
    # A search phrase, not a whole text: longer ones would make URLs that servers refuse
    # outright (gunicorn's request line is at most 4,094 bytes), before the app could answer.
    search = SearchFilter(
        field_name="text",
        lookup_expr="icontains",
        max_length=MAX_NAME_LENGTH,
        help_text=_("Questions whose text contains this text, ignoring case."),
    )
    retired = StrictBooleanFilter(
        field_name="is_retired",
        help_text=_(
            "true: retired questions only; false (the default when absent): live questions only."
        ),
    )

    class Meta:
        model = Question
        fields: list[str] = []
        form = StrictFilterForm

    def filter_queryset(self, queryset: QuerySet) -> Any:
        if self.form.cleaned_data.get("retired") is None:
            # The bank shows what draws may pick; retired questions are asked for explicitly.
            queryset = queryset.filter(is_retired=False)
        return super().filter_queryset(queryset)

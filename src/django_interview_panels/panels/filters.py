"""Filters and ordering of the panel list (``GET get/``), as one django-filter ``FilterSet``."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from ..api.fields import MAX_NAME_LENGTH
from ..api.filters import (
    AwareDateTimeFilter,
    CanonicalUUIDFilter,
    SearchFilter,
    StrictBooleanFilter,
    StrictFilterForm,
    filter_errors,
)
from ..conf import app_settings
from ..models import Category, InterviewPanel
from ..querysets import PanelQuerySet

__all__ = ["ORDERINGS", "PanelFilterSet", "filter_errors"]

# Each ordering also sorts by id in the same direction: panels that tie (same instant, same
# name) keep one stable order across pages, and one index per ordering serves both directions.
ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "start_datetime": ("start_datetime", "id"),
    "-start_datetime": ("-start_datetime", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
}


class PanelFilterSet(django_filters.FilterSet):
    """The list's query parameters; expects a queryset from ``PanelQuerySet.with_is_active()``."""

    is_active = StrictBooleanFilter(
        method="filter_is_active",
        help_text=_("true: panels whose end_datetime is still ahead; false: ended panels."),
    )
    category = CanonicalUUIDFilter(
        method="filter_category", help_text=_("UUID of the panels' category.")
    )
    # No name is longer, so a longer search could match nothing.
    search = SearchFilter(
        field_name="name",
        lookup_expr="icontains",
        max_length=MAX_NAME_LENGTH,
        help_text=_("Panels whose name contains this text, ignoring case."),
    )
    start_after = AwareDateTimeFilter(
        field_name="start_datetime",
        lookup_expr="gte",
        help_text=_("Panels starting at or after this instant (ISO 8601 with an offset)."),
    )
    start_before = AwareDateTimeFilter(
        field_name="start_datetime",
        lookup_expr="lt",
        help_text=_("Panels starting before this instant (ISO 8601 with an offset)."),
    )
    candidate = CanonicalUUIDFilter(
        method="filter_candidate",
        help_text=_("Panels to which the candidate with this UUID is assigned (not removed)."),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="order",
        help_text=_("Sort key; a leading '-' sorts descending. Default: -created_at."),
    )

    class Meta:
        model = InterviewPanel
        fields: list[str] = []
        form = StrictFilterForm

    def filter_is_active(self, queryset: PanelQuerySet, name: str, value: bool) -> PanelQuerySet:
        # The annotation itself, not a second `end_datetime > now`: filter and field can never
        # disagree, even for a panel ending between two clock readings.
        return queryset.filter(is_active=value)

    def filter_category(self, queryset: PanelQuerySet, name: str, value: Any) -> PanelQuerySet:
        # `category_id = (subquery)` rather than a join on the category's UUID: PostgreSQL then
        # reads the (organization, category, created_at) index in order, with no sort step.
        category = Category.objects.filter(uuid=value).values("pk")[:1]
        return queryset.filter(category=Subquery(category))

    def filter_candidate(self, queryset: PanelQuerySet, name: str, value: Any) -> PanelQuerySet:
        # One assignment per (panel, candidate) and a unique candidate UUID: the join cannot
        # repeat a panel.
        # A removed candidate is no longer the panel's (as in the panel responses); one filter()
        # call, so both conditions apply to the same assignment.
        lookup = f"candidates__candidate__{app_settings.CANDIDATE_UUID_FIELD}"
        return queryset.filter(**{lookup: value, "candidates__removed_at__isnull": True})

    def order(self, queryset: PanelQuerySet, name: str, value: str) -> PanelQuerySet:
        return queryset.order_by(*ORDERINGS[value])

"""The review queue's filters, on the strict fields of ``api/filters.py``: a malformed value is a
400 naming the parameter, never ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..api.filters import CanonicalUUIDFilter, StrictFilterForm
from ..models import AttemptItem, ItemStatus


class ReviewQueueFilterSet(django_filters.FilterSet):
    """``status`` (default ``needs_review``) and ``panel``."""

    status = django_filters.ChoiceFilter(
        choices=ItemStatus.choices,
        help_text=_("Items of this status; needs_review when absent."),
    )
    panel = CanonicalUUIDFilter(
        field_name="attempt__panel__uuid", help_text=_("UUID of the items' interview panel.")
    )

    class Meta:
        model = AttemptItem
        fields: list[str] = []
        form = StrictFilterForm

    def filter_queryset(self, queryset: QuerySet) -> Any:
        if not self.form.cleaned_data.get("status"):
            # The queue is what waits for a reviewer; other statuses are asked for explicitly.
            queryset = queryset.filter(status=ItemStatus.NEEDS_REVIEW)
        return super().filter_queryset(queryset)

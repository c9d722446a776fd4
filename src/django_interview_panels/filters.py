"""Filters and ordering of the panel list (``GET get/``), as one django-filter ``FilterSet``.

Every value is parsed strictly: a malformed UUID, datetime, boolean or ordering is a 400 in the
envelope, never silently ignored. Parameters the set does not know are ignored, as usual for
query strings (cache busters and the like).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from .conf import panel_settings
from .models import Category, InterviewPanel
from .querysets import PanelQuerySet
from .serializers import (
    MAX_NAME_LENGTH,
    AwareDateTimeField,
    parse_canonical_uuid,
    parse_offset_datetime,
)

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


_EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


class StrictBooleanField(forms.Field):
    """``true`` or ``false``, as JSON spells them; anything else is an error."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class CanonicalUUIDField(forms.UUIDField):
    """A UUID in its canonical form (``parse_canonical_uuid``), the rule of paths and bodies."""

    def to_python(self, value: Any) -> uuid.UUID | None:
        if value in self.empty_values:
            return None
        parsed = parse_canonical_uuid(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class SearchField(forms.CharField):
    """Text to look for in names; its length, as sent, is checked before anything else."""

    default_error_messages = {
        "max_length": _("Ensure this value has at most %(limit_value)d characters."),
    }

    def to_python(self, value: Any) -> str:
        if isinstance(value, str) and self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                self.error_messages["max_length"],
                code="max_length",
                params={"limit_value": self.max_length},
            )
        return super().to_python(value)


class AwareDateTimeFormField(forms.Field):
    """An ISO 8601 datetime with a time zone offset, as in request bodies; returned in UTC."""

    default_error_messages = {
        key: AwareDateTimeField.default_error_messages[key] for key in ("invalid", "naive")
    }

    def to_python(self, value: Any) -> dt.datetime | None:
        if value in self.empty_values:
            return None
        try:
            parsed = parse_offset_datetime(value)
        except ValueError as exc:
            code = str(exc)
            raise ValidationError(self.error_messages[code], code=code) from None
        try:
            return parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            # A valid instant just outside the UTC range Python can hold (0001-01-01T00:00+01:00)
            # still bounds every stored datetime: compare with the nearest one Python can.
            ahead_of_utc = parsed.utcoffset() > dt.timedelta(0)
            return _EARLIEST if ahead_of_utc else _LATEST


class CanonicalUUIDFilter(django_filters.UUIDFilter):
    """Filter on a UUID in its canonical form."""

    field_class = CanonicalUUIDField


class SearchFilter(django_filters.CharFilter):
    """Filter on text contained in the name."""

    field_class = SearchField


class StrictBooleanFilter(django_filters.Filter):
    """Filter on ``true``/``false``; unlike django-filter's ``BooleanFilter``, junk is an error."""

    field_class = StrictBooleanField


class AwareDateTimeFilter(django_filters.Filter):
    """Filter on a datetime given with its offset (``Z`` or ``%2B05:30`` in a URL)."""

    field_class = AwareDateTimeFormField


class PanelFilterForm(forms.Form):
    """The FilterSet's form: a parameter sent with an empty value is an error, not "no filter"."""

    # An empty search matches every name, which is what an empty search box means.
    blank_allowed = frozenset({"search"})

    def clean(self) -> dict[str, Any]:
        for name in self.fields:
            raw = self.data.get(name)
            if name in self.blank_allowed or raw is None or str(raw).strip():
                continue
            if name not in self.errors:
                self.add_error(name, _("Give a value, or leave the parameter out."))
        return super().clean()


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
        help_text=_("Panels to which the candidate with this UUID is assigned."),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in ORDERINGS],
        method="order",
        help_text=_("Sort key; a leading '-' sorts descending. Default: -created_at."),
    )

    class Meta:
        model = InterviewPanel
        fields: list[str] = []
        form = PanelFilterForm

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
        lookup = f"candidates__candidate__{panel_settings.CANDIDATE_UUID_FIELD}"
        return queryset.filter(**{lookup: value})

    def order(self, queryset: PanelQuerySet, name: str, value: str) -> PanelQuerySet:
        return queryset.order_by(*ORDERINGS[value])


def filter_errors(filterset: PanelFilterSet) -> dict[str, list[str]]:
    """The form's errors as the envelope's ``errors``: parameter name -> messages."""
    return {
        field: [str(message) for message in messages]
        for field, messages in filterset.errors.items()
    }

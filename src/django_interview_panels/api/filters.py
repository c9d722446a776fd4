"""Query-parameter fields every list's FilterSet shares: strict UUIDs, booleans, datetimes and
searches, and the form that refuses a parameter sent empty.

Every value is parsed strictly: a malformed UUID, datetime, boolean or ordering is a 400 in the
envelope, never silently ignored. Parameters a set does not know are ignored, as usual for
query strings (cache busters and the like).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .fields import AwareDateTimeField, parse_canonical_uuid, parse_offset_datetime

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


class StrictFilterForm(forms.Form):
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


def filter_errors(filterset: django_filters.FilterSet) -> dict[str, list[str]]:
    """The form's errors as the envelope's ``errors``: parameter name -> messages."""
    return {
        field: [str(message) for message in messages]
        for field, messages in filterset.errors.items()
    }

"""Request fields every domain validates with, and the datetime format of responses.

Input goes through serializers: shape, types, limits and every rule that needs no database.
Every check runs in time linear in its input, and a length cap is checked before anything else
looks at a value. Output is built as plain dicts from fetched rows by each domain's ``reads.py``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty, get_error_detail

from ..conf import app_settings

# Database integer columns hold up to 2**31 - 1 on every backend.
MAX_DB_INT = 2**31 - 1
# UTC offsets stay within +-24 h, so a datetime at least a day inside Python's range can be shown
# in every time zone; one closer to datetime.min/max would make every later read of it fail.
EARLIEST_DATETIME = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
LATEST_DATETIME = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)
# The panel name column's length.
MAX_NAME_LENGTH = 255
# Far more than any ISO 8601 datetime needs (`2024-12-01T09:00:00.123456+05:30` is 32).
MAX_DATETIME_LENGTH = 64
# Most elements of one list whose errors a response reports; validation of the list stops there.
MAX_ELEMENT_ERRORS = 100
# The key, beside the elements' indexes, that says the element errors were cut short.
TRUNCATED_KEY = "truncated"


# --- UUIDs ----------------------------------------------------------------------------------------

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HYPHENS = (8, 13, 18, 23)


def parse_canonical_uuid(value: Any) -> uuid.UUID | None:
    """The UUID written ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` (hex digits in any case), or None.

    The one rule for paths, query parameters and bodies; Python's ``UUID()`` would also take
    braces, ``urn:uuid:`` prefixes, 32 bare digits, surrounding whitespace and non-ASCII digits.
    """
    if not isinstance(value, str) or len(value) != 36:
        return None
    for index, character in enumerate(value):
        if index in _HYPHENS:
            if character != "-":
                return None
        elif character not in _HEX_DIGITS:
            return None
    return uuid.UUID(value)


# --- Datetimes ------------------------------------------------------------------------------------


def parse_offset_datetime(value: Any) -> dt.datetime:
    """An ISO 8601 datetime with its time zone offset, as written (not converted to UTC).

    Raises ``ValueError("invalid")`` or ``ValueError("naive")`` (no offset).
    """
    # The length first: nothing else ever reads an over-long value. datetime.fromisoformat (which
    # parse_datetime tries first) takes a NUL or any other character as the date/time separator:
    # only printable ASCII can be ISO 8601.
    if not isinstance(value, str) or len(value) > MAX_DATETIME_LENGTH:
        raise ValueError("invalid")
    text = value.strip()
    if not (text.isascii() and text.isprintable()):
        raise ValueError("invalid")
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError("invalid")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("naive")
    return parsed


DATETIME_HELP = format_lazy(
    _(
        "ISO 8601 with a time zone offset, at most {length} characters. The instant, in UTC, "
        "must lie between {earliest} and {latest}."
    ),
    length=MAX_DATETIME_LENGTH,
    earliest=EARLIEST_DATETIME.isoformat().replace("+00:00", "Z"),
    latest=LATEST_DATETIME.isoformat().replace("+00:00", "Z"),
)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 datetime that must carry its time zone offset; stored in UTC."""

    default_error_messages = {
        "invalid": _(
            "Datetime has wrong format. Use ISO 8601 with a time zone offset, "
            "e.g. 2024-12-01T09:00:00Z."
        ),
        "naive": _(
            "Datetime has no time zone offset. Add one, e.g. 2024-12-01T09:00:00Z "
            "or 2024-12-01T09:00:00+05:30."
        ),
        "overflow": _("Datetime value out of range."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATETIME_HELP)
        super().__init__(**kwargs)

    def to_internal_value(self, value: Any) -> dt.datetime:
        try:
            parsed = parse_offset_datetime(value)
        except ValueError as exc:
            self.fail(str(exc))
        try:
            value = parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            self.fail("overflow")
        if not EARLIEST_DATETIME <= value <= LATEST_DATETIME:
            self.fail("overflow")
        return value


# --- Text -----------------------------------------------------------------------------------------

# Separators (spaces, line and paragraph separators), controls, format characters (zero-width
# and bidirectional marks, the BOM) and surrogates. Every other character is visible: letters,
# marks, numbers, punctuation, symbols, and also private-use and unassigned code points (a font
# may draw the first; a newer Unicode than the server's may have assigned the second).
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs"})

# The invisible characters of the Basic Multilingual Plane, as inclusive ranges, for the OpenAPI
# pattern (tests check them against unicodedata). OpenAPI patterns cannot portably name
# characters outside it, so the pattern lets through the ~120 invisible ones there.
INVISIBLE_BMP_RANGES = (
    (0x0000, 0x0020),
    (0x007F, 0x00A0),
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x1680, 0x1680),
    (0x180E, 0x180E),
    (0x2000, 0x200F),
    (0x2028, 0x202F),
    (0x205F, 0x2064),
    (0x2066, 0x206F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
)


def has_visible_character(text: str) -> bool:
    """True when a character of ``text`` is in none of ``INVISIBLE_CATEGORIES``."""
    category = unicodedata.category
    return any(category(character) not in INVISIBLE_CATEGORIES for character in text)


def _character_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


# At least one visible character, no NUL. Written so that no backtracking engine can take more
# than linear time on it: the leading run and the first visible character cannot overlap.
_INVISIBLE_BUT_NUL = ((0x0001, 0x0020), *INVISIBLE_BMP_RANGES[1:])
NAME_PATTERN_TEXT = (
    f"^[{_character_class(_INVISIBLE_BUT_NUL)}]*"
    f"[^{_character_class(INVISIBLE_BMP_RANGES)}]"
    "[^\\u0000]*$"
)
TEXT_PATTERN_TEXT = "^[^\\u0000]*$"


class DescribedRule(RegexValidator):
    """A rule enforced by plain code (``check``), described to OpenAPI by an equivalent regex.

    The regex is never run on input: a backtracking match can take time quadratic in its length.
    """

    def __init__(self, pattern: str, check: Callable[[str], bool], message: Any) -> None:
        super().__init__(pattern, message)
        self.check = check

    def __call__(self, value: Any) -> None:
        if not self.check(str(value)):
            raise DjangoValidationError(self.message, code=self.code)


def _no_nul(text: str) -> bool:
    return "\x00" not in text


NAME_RULE = DescribedRule(
    NAME_PATTERN_TEXT, has_visible_character, _("Enter a name with at least one visible character.")
)
TEXT_RULE = DescribedRule(TEXT_PATTERN_TEXT, _no_nul, _("Null characters are not allowed."))


class StrictTypeMixin:
    """Refuse a value of the wrong JSON type instead of coercing it as DRF does (``"6"`` to 6,
    ``6`` to ``"6"`` or to a UUID): ``json_types`` are the types accepted, never ``bool``."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, self.json_types):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictTypeMixin, serializers.CharField):
    """A JSON string. Its length, as sent, is checked before anything else reads it."""

    json_types = (str,)

    def run_validation(self, data: Any = empty) -> Any:
        # DRF runs MaxLengthValidator in the same list as every other validator, after them all
        # have been tried: the cap goes first, so no rule ever reads an over-long value.
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except serializers.ValidationError as exc:
            # A NUL breaks both DRF's rule and the schema's pattern: say so once.
            if isinstance(exc.detail, list):
                exc.detail = list(dict.fromkeys(exc.detail))
            raise


class StrictIntegerField(StrictTypeMixin, serializers.IntegerField):
    """A JSON integer (not a numeric string, float or boolean)."""

    json_types = (int,)


class StrictUUIDField(serializers.UUIDField):
    """A UUID in its canonical form in a JSON string (see ``parse_canonical_uuid``)."""

    def to_internal_value(self, data: Any) -> uuid.UUID:
        parsed = parse_canonical_uuid(data)
        if parsed is None:
            self.fail("invalid", value=data)
        return parsed


def name_field(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(max_length=MAX_NAME_LENGTH, validators=[NAME_RULE], **kwargs)


def description_field(**kwargs: Any) -> serializers.CharField:
    # Built per request: the limit comes from settings, so a changed setting applies at once.
    return StrictCharField(
        required=False,
        allow_blank=True,
        max_length=app_settings.MAX_DESCRIPTION_LENGTH,
        validators=[TEXT_RULE],
        **kwargs,
    )


# --- Lists ----------------------------------------------------------------------------------------


def validate_elements(items: list[Any], validate: Callable[[Any], Any]) -> list[Any]:
    """``validate`` applied to each item; errors keyed by index, at most ``MAX_ELEMENT_ERRORS``.

    At the cap the remaining items are not checked, and ``TRUNCATED_KEY`` says so.
    """
    values: list[Any] = []
    errors: dict[int | str, Any] = {}
    for index, item in enumerate(items):
        try:
            values.append(validate(item))
        except serializers.ValidationError as exc:
            errors[index] = exc.detail
        except DjangoValidationError as exc:
            errors[index] = get_error_detail(exc)
        if len(errors) == MAX_ELEMENT_ERRORS and index + 1 < len(items):
            errors[TRUNCATED_KEY] = [
                str(
                    _(
                        "Only the first %(count)d invalid elements are reported; the elements "
                        "after them were not checked."
                    )
                    % {"count": MAX_ELEMENT_ERRORS}
                )
            ]
            break
    if errors:
        raise serializers.ValidationError(errors)
    return values


class BoundedListMixin:
    """A JSON array whose length is checked before its elements (``validate_elements``); the
    list classes below say how one element is validated."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)  # type: ignore[attr-defined]
        error = self.length_error(data)
        if error:
            raise serializers.ValidationError([error], code="length")
        return validate_elements(data, self.validate_element)

    def length_error(self, items: list[Any]) -> str | None:
        """The error for a list too short or too long, or None."""
        messages = self.error_messages  # type: ignore[attr-defined]
        if not self.allow_empty and not items:  # type: ignore[attr-defined]
            return str(messages["empty"])
        max_length = self.max_length  # type: ignore[attr-defined]
        if max_length is not None and len(items) > max_length:
            return str(messages["max_length"]).format(max_length=max_length)
        return None

    def validate_element(self, item: Any) -> Any:
        raise NotImplementedError


class BoundedListField(BoundedListMixin, serializers.ListField):
    """A list of plain values (``candidate_uuids``)."""

    def validate_element(self, item: Any) -> Any:
        return self.child.run_validation(item)


class UniqueItemsListField(BoundedListField):
    """A list whose values must all differ (``candidate_uuids``); the serializer names the ones
    repeated, and OpenAPI says ``uniqueItems`` (api/schema.py), so that clients and fuzzers know a
    repeat is invalid."""


class BoundedListSerializer(BoundedListMixin, serializers.ListSerializer):
    """A list of nested objects. List errors are messages under the field's name (DRF nests them
    under ``non_field_errors``), element errors are keyed by index whatever the host's
    ``LIST_SERIALIZER_ERRORS_AS_DICT``."""

    def validate_element(self, item: Any) -> Any:
        return self.run_child_validation(item)


def repeated_values(values: list[Any]) -> list[Any]:
    """Values listed more than once, in order of their second appearance, each once."""
    seen: set[Any] = set()
    repeated: dict[Any, None] = {}  # an ordered set: linear where a list lookup is quadratic
    for value in values:
        if value in seen:
            repeated[value] = None
        seen.add(value)
    return list(repeated)


def capped_messages(messages: Iterable[str]) -> list[str]:
    """At most ``MAX_ELEMENT_ERRORS`` messages, and one more saying how many were left out."""
    messages = list(messages)
    if len(messages) <= MAX_ELEMENT_ERRORS:
        return messages
    left_out = len(messages) - MAX_ELEMENT_ERRORS
    return [
        *messages[:MAX_ELEMENT_ERRORS],
        str(_("%(count)d more are not listed.") % {"count": left_out}),
    ]


# --- Representation ---------------------------------------------------------------------------


def format_datetime(value: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """ISO 8601 in ``zone`` (default: the current time zone), ``Z`` for UTC, as DRF outputs it.

    The panel objects themselves are built in ``reads.py``, from rows rather than instances.
    """
    text = timezone.localtime(value, zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text

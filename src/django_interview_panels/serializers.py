"""Validation of requests (DRF serializers), and the datetime format of responses.

Input goes through serializers: shape, types, limits and every rule that needs no database.
Output is built as plain dicts from fetched rows by ``reads.py``, not by serializers: the spec's
fields, exactly, at a fraction of a ModelSerializer's cost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .conf import panel_settings
from .models import Difficulty

# Database integer columns hold up to 2**31 - 1 on every backend.
MAX_DB_INT = 2**31 - 1
# No subtopic realistically holds more; keeps sums far from integer overflow.
MAX_QUESTIONS_PER_DIFFICULTY = 100_000
# UTC offsets stay within +-24 h, so a datetime at least a day inside Python's range can be shown
# in every time zone; one closer to datetime.min/max would make every later read of it fail.
EARLIEST_DATETIME = dt.datetime.min.replace(tzinfo=dt.UTC) + dt.timedelta(days=1)
LATEST_DATETIME = dt.datetime.max.replace(tzinfo=dt.UTC) - dt.timedelta(days=1)


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

    def to_internal_value(self, value: Any) -> dt.datetime:
        # datetime.fromisoformat (which parse_datetime tries first) accepts a NUL or any other
        # character as the date/time separator: only printable ASCII can be ISO 8601.
        if not isinstance(value, str) or not (value.isascii() and value.strip().isprintable()):
            self.fail("invalid")
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            self.fail("naive")
        try:
            value = parsed.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            self.fail("overflow")
        if not EARLIEST_DATETIME <= value <= LATEST_DATETIME:
            self.fail("overflow")
        return value


class StrictTypeMixin:
    """Refuse a value of the wrong JSON type instead of coercing it as DRF does (``"6"`` to 6,
    ``6`` to ``"6"`` or to a UUID): ``json_types`` are the types accepted, never ``bool``."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, self.json_types):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictTypeMixin, serializers.CharField):
    """A JSON string."""

    json_types = (str,)


class StrictIntegerField(StrictTypeMixin, serializers.IntegerField):
    """A JSON integer (not a numeric string, float or boolean)."""

    json_types = (int,)


class StrictUUIDField(StrictTypeMixin, serializers.UUIDField):
    """A UUID in a JSON string (DRF's UUIDField also turns integers into UUIDs)."""

    json_types = (str,)


# DRF's CharField already refuses NUL characters and trims surrounding whitespace. These patterns
# say the same in the OpenAPI schema, so clients (and fuzzers) know a name needs a visible
# character and no text may hold NUL.
TEXT_PATTERN = RegexValidator(r"^[^\x00]*$", _("Null characters are not allowed."))
NAME_PATTERN = RegexValidator(
    r"^[^\x00]*[^\s\x00][^\x00]*$", _("Enter a name with at least one visible character.")
)


def _name_field(**kwargs: Any) -> serializers.CharField:
    return StrictCharField(max_length=255, validators=[NAME_PATTERN], **kwargs)


def _description_field(**kwargs: Any) -> serializers.CharField:
    # Built per request: the limit comes from settings, so a changed setting applies at once.
    return StrictCharField(
        required=False,
        allow_blank=True,
        max_length=panel_settings.MAX_DESCRIPTION_LENGTH,
        validators=[TEXT_PATTERN],
        **kwargs,
    )


class DistributionInputSerializer(serializers.Serializer):
    """One element of `question_distributions` in a create request."""

    topic_uuid = StrictUUIDField()
    subtopic_uuid = StrictUUIDField()
    easy = StrictIntegerField(min_value=0, max_value=MAX_QUESTIONS_PER_DIFFICULTY)
    medium = StrictIntegerField(min_value=0, max_value=MAX_QUESTIONS_PER_DIFFICULTY)
    hard = StrictIntegerField(min_value=0, max_value=MAX_QUESTIONS_PER_DIFFICULTY)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs[difficulty] > 0 for difficulty in Difficulty.values):
            raise serializers.ValidationError(
                _("At least one of easy, medium or hard must be greater than 0.")
            )
        return attrs


def schedule_errors(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict[str, list[str]]:
    """The rules on a panel's start and end, as field errors (empty when they hold)."""
    if end <= start:
        return {"end_datetime": [str(_("end_datetime must be after start_datetime."))]}
    if end <= now:
        return {"end_datetime": [str(_("end_datetime must be in the future."))]}
    return {}


class PanelCreateSerializer(serializers.Serializer):
    """A create request: shape and every rule that needs no database."""

    name = _name_field()
    description = _description_field(default="")
    total_number_of_questions = StrictIntegerField(min_value=1, max_value=MAX_DB_INT)
    start_datetime = AwareDateTimeField()
    end_datetime = AwareDateTimeField()
    category_uuid = StrictUUIDField()
    question_distributions = DistributionInputSerializer(many=True, allow_empty=False)
    candidate_uuids = serializers.ListField(child=StrictUUIDField(), required=False, default=list)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["description"] = _description_field(default="")
        fields["question_distributions"].max_length = panel_settings.MAX_DISTRIBUTIONS_PER_PANEL
        # ListField enforces max_length only when built with it (the list serializer above reads
        # the attribute), so the field is rebuilt with the configured cap.
        fields["candidate_uuids"] = serializers.ListField(
            child=StrictUUIDField(),
            required=False,
            default=list,
            max_length=panel_settings.MAX_CANDIDATES_PER_PANEL,
        )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = schedule_errors(attrs["start_datetime"], attrs["end_datetime"], timezone.now())
        distributions = attrs["question_distributions"]

        requested = sum(d[difficulty] for d in distributions for difficulty in Difficulty.values)
        if requested != attrs["total_number_of_questions"]:
            errors["total_number_of_questions"] = [
                str(
                    _(
                        "The question distributions add up to %(requested)d questions, "
                        "but total_number_of_questions is %(total)d."
                    )
                    % {"requested": requested, "total": attrs["total_number_of_questions"]}
                )
            ]

        repeated_subtopics = _repeated([d["subtopic_uuid"] for d in distributions])
        if repeated_subtopics:
            errors["question_distributions"] = [
                str(_("Subtopic %(uuid)s appears in more than one distribution.") % {"uuid": u})
                for u in repeated_subtopics
            ]

        repeated_candidates = _repeated(attrs["candidate_uuids"])
        if repeated_candidates:
            errors["candidate_uuids"] = [
                str(_("Candidate %(uuid)s is listed more than once.") % {"uuid": u})
                for u in repeated_candidates
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class PanelUpdateSerializer(serializers.Serializer):
    """An update request: any of the four updatable fields; all others are ignored."""

    name = _name_field(required=False)
    description = _description_field()
    start_datetime = AwareDateTimeField(required=False)
    end_datetime = AwareDateTimeField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["description"] = _description_field()
        return fields


def _repeated(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    repeated: list[Any] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


# --- Representation ---------------------------------------------------------------------------


def format_datetime(value: dt.datetime, zone: dt.tzinfo | None = None) -> str:
    """ISO 8601 in ``zone`` (default: the current time zone), ``Z`` for UTC, as DRF outputs it.

    The panel objects themselves are built in ``reads.py``, from rows rather than instances.
    """
    text = timezone.localtime(value, zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text

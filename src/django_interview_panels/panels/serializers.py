"""Validation of panel requests (DRF serializers): shape, types, limits and every rule that
needs no database, on the shared fields of ``api/fields.py``. The question distributions are
validated with the bank's fields (``bank/serializers.py``), as coverage requests are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..api.fields import (
    MAX_DB_INT,
    AwareDateTimeField,
    StrictIntegerField,
    StrictUUIDField,
    UniqueItemsListField,
    capped_messages,
    description_field,
    name_field,
    repeated_values,
)
from ..bank.serializers import distributions_field, repeated_subtopic_errors
from ..conf import app_settings
from ..models import MAX_TIME_LIMIT_MINUTES, Difficulty


def schedule_errors(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict[str, list[str]]:
    """The rules on a panel's start and end, as field errors (empty when they hold)."""
    if end <= start:
        return {"end_datetime": [str(_("end_datetime must be after start_datetime."))]}
    if end <= now:
        return {"end_datetime": [str(_("end_datetime must be in the future."))]}
    return {}


def time_limit_field() -> serializers.IntegerField:
    """``time_limit_minutes``: an extension of the spec (docs/interviews.md); null for none."""
    return StrictIntegerField(
        min_value=1, max_value=MAX_TIME_LIMIT_MINUTES, required=False, allow_null=True
    )


def candidates_field(*, required: bool = False) -> serializers.ListField:
    """``candidate_uuids``: of a create (optional, may be empty) and of an add (``required``:
    at least one). The caps come from settings: build it per serializer (``get_fields``)."""
    # ListField turns max_length into a MaxLengthValidator, which OpenAPI shows as maxItems.
    if required:
        return UniqueItemsListField(
            child=StrictUUIDField(),
            allow_empty=False,
            min_length=1,
            max_length=app_settings.MAX_CANDIDATES_PER_PANEL,
        )
    return UniqueItemsListField(
        child=StrictUUIDField(),
        required=False,
        default=list,
        max_length=app_settings.MAX_CANDIDATES_PER_PANEL,
    )


def repeated_candidate_errors(uuids: list[Any]) -> list[str]:
    """The messages for candidates listed more than once (empty when none is)."""
    return capped_messages(
        str(_("Candidate %(uuid)s is listed more than once.") % {"uuid": u})
        for u in repeated_values(uuids)
    )


class PanelCreateSerializer(serializers.Serializer):
    """A create request: shape and every rule that needs no database."""

    name = name_field()
    description = description_field(default="")
    total_number_of_questions = StrictIntegerField(min_value=1, max_value=MAX_DB_INT)
    start_datetime = AwareDateTimeField()
    end_datetime = AwareDateTimeField()
    category_uuid = StrictUUIDField()
    question_distributions = distributions_field()
    candidate_uuids = candidates_field()
    time_limit_minutes = time_limit_field()

    def get_fields(self) -> dict[str, serializers.Field]:
        # Rebuilt per serializer: the caps come from settings, so a changed setting applies at
        # once, to validation and to the schema alike.
        fields = super().get_fields()
        fields["description"] = description_field(default="")
        fields["question_distributions"] = distributions_field()
        fields["candidate_uuids"] = candidates_field()
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

        repeated_subtopics = repeated_subtopic_errors(distributions)
        if repeated_subtopics:
            errors["question_distributions"] = repeated_subtopics

        repeated_candidates = repeated_candidate_errors(attrs["candidate_uuids"])
        if repeated_candidates:
            errors["candidate_uuids"] = repeated_candidates
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class PanelUpdateSerializer(serializers.Serializer):
    """An update request: any of the updatable fields; all others are ignored."""

    name = name_field(required=False)
    description = description_field()
    start_datetime = AwareDateTimeField(required=False)
    end_datetime = AwareDateTimeField(required=False)
    time_limit_minutes = time_limit_field()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["description"] = description_field()
        return fields

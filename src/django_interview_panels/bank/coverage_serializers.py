"""Validation of coverage requests, and of the question distributions a panel create shares.

A distribution asks the bank for questions (so many easy, medium and hard of one subtopic): its
shape belongs to the bank, and the panel create validates its distributions with these fields,
so the coverage endpoint accepts exactly what the create accepts.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..api.fields import (
    BoundedListSerializer,
    StrictIntegerField,
    StrictUUIDField,
    capped_messages,
    repeated_values,
)
from ..conf import app_settings
from ..models import Difficulty

# No subtopic realistically holds more; keeps sums far from integer overflow.
MAX_QUESTIONS_PER_DIFFICULTY = 100_000


class DistributionInputSerializer(serializers.Serializer):
    """One element of `question_distributions` in a panel create or coverage request."""

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


def distributions_field() -> serializers.ListSerializer:
    """The `question_distributions` list, capped by ``MAX_DISTRIBUTIONS_PER_PANEL``.

    Build it per serializer (in ``get_fields``): the cap is a setting.
    """
    cap = app_settings.MAX_DISTRIBUTIONS_PER_PANEL
    # The validators only describe the caps to OpenAPI (minItems, maxItems): the list serializer
    # checks them before the elements, so they never refuse anything themselves.
    return BoundedListSerializer(
        child=DistributionInputSerializer(),
        allow_empty=False,
        max_length=cap,
        validators=[MinLengthValidator(1), MaxLengthValidator(cap)],
    )


def repeated_subtopic_errors(distributions: list[dict[str, Any]]) -> list[str]:
    """A message per subtopic asked for in more than one distribution (none: an empty list)."""
    return capped_messages(
        str(_("Subtopic %(uuid)s appears in more than one distribution.") % {"uuid": u})
        for u in repeated_values([d["subtopic_uuid"] for d in distributions])
    )


def _candidates_field() -> StrictIntegerField:
    # The panel's own cap: coverage is asked for a panel that could then be created.
    return StrictIntegerField(
        min_value=1,
        max_value=app_settings.MAX_CANDIDATES_PER_PANEL,
        help_text="Candidates the panel would have; each draws its own questions.",
    )


class BankCoverageSerializer(serializers.Serializer):
    """A coverage request: a category, distributions as a create sends them, a candidate count."""

    category_uuid = StrictUUIDField()
    question_distributions = distributions_field()
    candidates = _candidates_field()

    def get_fields(self) -> dict[str, serializers.Field]:
        # Rebuilt per serializer, like the create's: the caps come from settings.
        fields = super().get_fields()
        fields["question_distributions"] = distributions_field()
        fields["candidates"] = _candidates_field()
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        repeated = repeated_subtopic_errors(attrs["question_distributions"])
        if repeated:
            raise serializers.ValidationError({"question_distributions": repeated})
        return attrs

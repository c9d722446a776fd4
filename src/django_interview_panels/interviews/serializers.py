"""Validation of interview requests: a candidate's answer (by the item's kind) and a review."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from ..api.fields import TEXT_RULE, StrictCharField, parse_canonical_uuid
from ..conf import app_settings
from ..models import QuestionKind
from ..models.bank import MAX_POINTS

# The numeric answer's range: the answer key's (docs/bank.md).
MAX_NUMERIC_ANSWER = 10**15
MAX_COMMENT_LENGTH = 10_000
MAX_DIMENSION_SCORES = 50


class AnswerField(serializers.JSONField):
    """Any JSON value here; the shape the item's kind takes is checked by ``answer_validator``
    (OpenAPI: ``schema.answer_schema``)."""

    def to_internal_value(self, data: Any) -> Any:
        # The value comes from the JSON parser (the views take JSON only), so it is JSON already:
        # DRF's JSONField would serialize all of it, up to the body's size, before the answer's
        # length cap is checked.
        return data


class AnswerSerializer(serializers.Serializer):
    """``{"answer": ...}``: the shape the item's kind takes is checked by ``answer_validator``;
    ``null`` clears a saved answer."""

    answer = AnswerField(allow_null=True)


def _invalid(message: Any) -> serializers.ValidationError:
    return serializers.ValidationError({"answer": [str(message)]})


def _is_int(value: Any) -> bool:
    return type(value) is int


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def answer_validator(kind: str, choices: int) -> Callable[[Any], Any]:
    """A function that checks an answer for an item of ``kind`` (with ``choices`` options) and
    returns it as stored, or raises a 400 keyed ``answer``."""

    def text(value: Any) -> str | None:
        if not isinstance(value, str):
            raise _invalid(_("Send the answer as a string."))
        limit = app_settings.MAX_ANSWER_LENGTH
        if len(value) > limit:
            raise _invalid(
                _("Ensure the answer has no more than %(limit)d characters.") % {"limit": limit}
            )
        if "\x00" in value:
            raise _invalid(TEXT_RULE.message)
        if not _encodable(value):
            # A lone surrogate (a valid JSON escape) could be neither stored nor rendered.
            try:
                ProhibitSurrogateCharactersValidator()(value)
            except serializers.ValidationError as exc:
                raise _invalid(exc.detail[0]) from None
        return value

    def number(value: Any) -> float | int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(_("Send the answer as a number."))
        # math.isfinite on an int past the float range raises (JSON integers are unbounded).
        finite = math.isfinite(value) if isinstance(value, float) else True
        if not finite or abs(value) > MAX_NUMERIC_ANSWER:
            raise _invalid(_("Send a finite number of absolute value up to 10^15."))
        return value

    def selection(value: Any) -> list[int] | None:
        if not isinstance(value, list) or len(value) > choices:
            raise _invalid(
                _("Send the answer as a list of up to %(count)d choice positions.")
                % {"count": choices}
            )
        if not all(_is_int(position) and 0 <= position < choices for position in value):
            raise _invalid(
                _("Each choice position is an integer from 0 to %(last)d.") % {"last": choices - 1}
            )
        if len(set(value)) != len(value):
            raise _invalid(_("A choice is listed more than once."))
        if kind == QuestionKind.SINGLE_CHOICE and len(value) > 1:
            raise _invalid(_("Select one choice."))
        return sorted(value) or None

    validate = {
        QuestionKind.OPEN: text,
        QuestionKind.SHORT_ANSWER: text,
        QuestionKind.NUMERIC: number,
        QuestionKind.SINGLE_CHOICE: selection,
        QuestionKind.MULTIPLE_CHOICE: selection,
    }[QuestionKind(kind)]

    def check(value: Any) -> Any:
        return None if value is None else validate(value)

    return check


class DimensionScoresField(serializers.DictField):
    """``{rubric dimension UUID: score 0..100}``, at most ``MAX_DIMENSION_SCORES`` entries."""

    def to_internal_value(self, data: Any) -> dict[str, int]:
        if not isinstance(data, dict):
            self.fail("not_a_dict", input_type=type(data).__name__)
        if len(data) > MAX_DIMENSION_SCORES:
            raise serializers.ValidationError(
                _("Score at most %(count)d dimensions.") % {"count": MAX_DIMENSION_SCORES}
            )
        scores: dict[str, int] = {}
        errors: list[str] = []
        for key, value in data.items():
            parsed = parse_canonical_uuid(key)
            if parsed is None:
                # Echoed escaped: a lone surrogate (a valid JSON escape) cannot be rendered.
                shown = key[:40].encode("utf-8", "backslashreplace").decode("utf-8")
                errors.append(str(_("%(key)s is not a rubric dimension UUID.") % {"key": shown}))
            elif not _is_int(value) or not 0 <= value <= 100:
                errors.append(
                    str(_("The score of %(key)s must be an integer from 0 to 100.") % {"key": key})
                )
            else:
                scores[str(parsed)] = value
        if errors:
            raise serializers.ValidationError(errors[:MAX_DIMENSION_SCORES])
        return scores


class ReviewSerializer(serializers.Serializer):
    """A reviewer's score: scores on rubric dimensions, or points, or both (points win)."""

    dimension_scores = DimensionScoresField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        required=False,
        help_text=_(
            "Rubric dimension UUID -> score from 0 to 100; the points are their mean weighted "
            "by the question's rubric weights."
        ),
    )
    points = serializers.DecimalField(
        max_digits=12,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=Decimal(MAX_POINTS),
        required=False,
        coerce_to_string=False,
        help_text=_("Up to four decimals, at most the question's points; wins over the scores."),
    )
    comment = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=MAX_COMMENT_LENGTH,
        validators=[TEXT_RULE],
        help_text=_("Kept with the review."),
    )

    def validate_points(self, value: Any) -> Any:
        if isinstance(self.initial_data.get("points"), bool | str):
            raise serializers.ValidationError(_("A valid number is required."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("dimension_scores") and "points" not in attrs:
            raise serializers.ValidationError(
                {"non_field_errors": [str(_("Give dimension_scores or points."))]}
            )
        return attrs

"""Validation of question-bank requests (DRF serializers): shape, types, caps and every rule
that needs no database, on the shared fields of ``api/fields.py``.

Every check runs in time linear in its input, and each length cap is checked before anything
reads the value it caps. Rules that need the database (a parent or rubric dimension visible to
the caller's organization) are checked by ``services.py``.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from ..api.fields import (
    NAME_PATTERN_TEXT,
    NAME_RULE,
    TEXT_RULE,
    BoundedListField,
    BoundedListSerializer,
    DescribedRule,
    StrictCharField,
    StrictIntegerField,
    StrictUUIDField,
    capped_messages,
    description_field,
    has_visible_character,
    name_field,
    parse_canonical_uuid,
    repeated_values,
)
from ..conf import app_settings
from ..models import CHOICE_KINDS, Difficulty, QuestionKind
from ..models.bank import DEFAULT_EXPECTED_TIME_SECONDS, MAX_EXPECTED_TIME_SECONDS, MAX_POINTS

# Most elements one bulk request creates: one transaction, so one lock-holding write, stays short.
MAX_BULK_ITEMS = 100
# A question is a paragraph or a short listing, not a document.
MAX_QUESTION_TEXT_LENGTH = 10_000
MIN_CHOICES = 2
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 1_000
# Keywords, red flags and accepted answers: each list, and each element.
MAX_KEY_ITEMS = 100
MAX_KEY_ITEM_LENGTH = 1_000
MAX_KEY_TEXT_LENGTH = 10_000
MAX_RUBRIC_WEIGHTS = 50
MAX_RUBRIC_WEIGHT = 1_000
MAX_DIMENSION_WEIGHT = 1_000
# Numeric answers: well inside the integers a double holds exactly.
MAX_NUMBER = 10**15
# Without ``keyword_coverage``, an answer must mention half of the expected keywords.
DEFAULT_KEYWORD_COVERAGE = 0.5

TEXT_VISIBLE_RULE = DescribedRule(
    NAME_PATTERN_TEXT,
    has_visible_character,
    _("Enter a text with at least one visible character."),
)


# --- Strict scalar fields -----------------------------------------------------------------------


class StrictBooleanField(serializers.BooleanField):
    """A JSON ``true`` or ``false``; DRF's field would also take ``"yes"``, ``1`` and ``"on"``."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


@extend_schema_field({"type": "number"})
class StrictNumberField(serializers.Field):
    """A JSON number (integer or not, never a string or boolean), finite and within bounds."""

    default_error_messages = {
        "invalid": _("A valid number is required."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
    }

    def __init__(
        self, *, min_value: float = -MAX_NUMBER, max_value: float = MAX_NUMBER, **kwargs: Any
    ) -> None:
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> float | int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        # Compared before any conversion: float() of a 10,000-digit integer overflows.
        if isinstance(data, float) and not math.isfinite(data):
            self.fail("invalid")
        if data < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if data > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class StrictChoiceField(serializers.ChoiceField):
    """One of ``choices``, sent as a JSON string."""

    default_error_messages = {"invalid_choice": _("Must be one of: {choices}.")}

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or data not in self.choice_strings_to_values:
            self.fail("invalid_choice", choices=", ".join(self.choice_strings_to_values))
        return self.choice_strings_to_values[data]


@extend_schema_field({"type": "object", "additionalProperties": {}})
class JSONObjectField(serializers.Field):
    """A JSON object, kept as sent; its content is checked by the serializer that owns it."""

    default_error_messages = {"invalid": _("Expected a JSON object.")}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field(
    {
        "type": "object",
        "maxProperties": MAX_RUBRIC_WEIGHTS,
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": MAX_RUBRIC_WEIGHT},
    }
)
class RubricWeightsField(serializers.Field):
    """``{rubric dimension UUID: weight}``: at most ``MAX_RUBRIC_WEIGHTS`` entries, counted first.

    Each key is a canonical UUID, each weight an integer from 0 to ``MAX_RUBRIC_WEIGHT``. Whether
    the dimensions exist for the caller's organization is the service's check.
    """

    default_error_messages = {
        "invalid": _("Expected a JSON object of rubric dimension UUIDs to integer weights."),
        "max_length": _("Ensure this object has at most {max_length} entries."),
        "weight": _("The weight of {key} must be an integer from 0 to {max_weight}."),
    }

    def to_internal_value(self, data: Any) -> dict[str, int]:
        if not isinstance(data, dict):
            self.fail("invalid")
        if len(data) > MAX_RUBRIC_WEIGHTS:
            self.fail("max_length", max_length=MAX_RUBRIC_WEIGHTS)
        errors: list[str] = []
        weights: dict[str, int] = {}
        for position, (key, weight) in enumerate(data.items(), start=1):
            dimension = parse_canonical_uuid(key)
            if dimension is None:
                # Keys can be long: name the entry by its position, not by its text.
                errors.append(str(_("Entry %(n)d: not a valid UUID.") % {"n": position}))
                continue
            if (
                isinstance(weight, bool)
                or not isinstance(weight, int)
                or not 0 <= weight <= MAX_RUBRIC_WEIGHT
            ):
                errors.append(
                    str(self.error_messages["weight"]).format(
                        key=dimension, max_weight=MAX_RUBRIC_WEIGHT
                    )
                )
                continue
            # Canonical lower case, so the same dimension cannot be listed twice in two cases.
            weights[str(dimension)] = weight
        if not errors and len(weights) != len(data):
            errors.append(str(_("A rubric dimension is listed more than once.")))
        if errors:
            raise serializers.ValidationError(capped_messages(errors))
        return weights

    def to_representation(self, value: Any) -> Any:
        return value


# --- Bank entries -------------------------------------------------------------------------------


class CategoryCreateSerializer(serializers.Serializer):
    """A new category: its name."""

    name = name_field()


class CategoryUpdateSerializer(serializers.Serializer):
    """A category's changes: its name. Other fields are ignored."""

    name = name_field(required=False)


class TopicCreateSerializer(serializers.Serializer):
    """A new topic: its name and the category it belongs to."""

    name = name_field()
    category_uuid = StrictUUIDField()


class TopicUpdateSerializer(CategoryUpdateSerializer):
    """A topic's changes: its name. The category stays (panels reference the pair)."""


class SubtopicCreateSerializer(serializers.Serializer):
    """A new subtopic: its name and the topic it belongs to."""

    name = name_field()
    topic_uuid = StrictUUIDField()


class SubtopicUpdateSerializer(CategoryUpdateSerializer):
    """A subtopic's changes: its name. The topic stays (panels reference the pair)."""


def _weight_field(**kwargs: Any) -> serializers.Field:
    return StrictIntegerField(min_value=1, max_value=MAX_DIMENSION_WEIGHT, **kwargs)


class RubricDimensionCreateSerializer(serializers.Serializer):
    """A new rubric dimension: name, description and default weight."""

    name = name_field()
    description = description_field(default="")
    weight = _weight_field(required=False, default=1)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["description"] = description_field(default="")  # the cap comes from settings
        return fields


class RubricDimensionUpdateSerializer(serializers.Serializer):
    """A rubric dimension's changes: any of name, description and weight."""

    name = name_field(required=False)
    description = description_field()
    weight = _weight_field(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["description"] = description_field()
        return fields


# --- Answer keys --------------------------------------------------------------------------------


class AnswerKeySerializer(serializers.Serializer):
    """Base of the answer keys: a key the kind does not know is an error, not silently kept."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in self.fields]
            if unknown:
                known = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {
                        "non_field_errors": [
                            str(
                                _("Unknown keys for this kind (%(count)d); known keys: %(known)s.")
                                % {"count": len(unknown), "known": known}
                            )
                        ]
                    }
                )
        return super().to_internal_value(data)


def _key_texts(*, allow_empty: bool = True, **kwargs: Any) -> serializers.Field:
    return BoundedListField(
        child=StrictCharField(max_length=MAX_KEY_ITEM_LENGTH, validators=[NAME_RULE]),
        max_length=MAX_KEY_ITEMS,
        allow_empty=allow_empty,
        **kwargs,
    )


def _key_text(**kwargs: Any) -> serializers.Field:
    return StrictCharField(max_length=MAX_KEY_TEXT_LENGTH, validators=[TEXT_RULE], **kwargs)


class OpenAnswerKeySerializer(AnswerKeySerializer):
    """``open``: what a good answer says, for the evaluator and the reviewer."""

    # Optional: an open question may be left to the reviewers' rubric alone, as the questions
    # from before kinds existed (migration 0003) and Moodle essays without grader information are.
    expected_answer = _key_text(required=False, allow_blank=True, default="")
    ideal_answer_summary = _key_text(required=False, allow_blank=True, default="")
    keywords = _key_texts(required=False, default=list)
    keyword_coverage = StrictNumberField(
        min_value=0, max_value=1, required=False, default=DEFAULT_KEYWORD_COVERAGE
    )
    red_flags = _key_texts(required=False, default=list)


class ChoiceAnswerKeySerializer(AnswerKeySerializer):
    """``single_choice`` and ``multiple_choice``: the correct options' indexes into ``choices``."""

    correct = BoundedListField(
        child=StrictIntegerField(min_value=0, max_value=MAX_CHOICES - 1),
        max_length=MAX_CHOICES,
        allow_empty=False,
    )
    shuffle_choices = StrictBooleanField(required=False, default=False)


class ShortAnswerKeySerializer(AnswerKeySerializer):
    """``short_answer``: the accepted answers and how an answer is compared with them."""

    accepted_answers = _key_texts(allow_empty=False)
    case_sensitive = StrictBooleanField(required=False, default=False)
    normalize_whitespace = StrictBooleanField(required=False, default=True)


class NumericAnswerKeySerializer(AnswerKeySerializer):
    """``numeric``: the value, and how far from it an answer may be."""

    value = StrictNumberField()
    tolerance = StrictNumberField(min_value=0, required=False, default=0)


ANSWER_KEYS: dict[str, type[AnswerKeySerializer]] = {
    QuestionKind.OPEN: OpenAnswerKeySerializer,
    QuestionKind.SINGLE_CHOICE: ChoiceAnswerKeySerializer,
    QuestionKind.MULTIPLE_CHOICE: ChoiceAnswerKeySerializer,
    QuestionKind.SHORT_ANSWER: ShortAnswerKeySerializer,
    QuestionKind.NUMERIC: NumericAnswerKeySerializer,
}


@functools.cache
def _answer_key_rules(kind: str) -> serializers.Serializer:
    """One answer-key serializer per kind, built once: ``run_validation`` keeps no state on
    it, and building one per question (its fields copied each time) dominated an import."""
    return ANSWER_KEYS[kind]()


def content_errors(content: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The kind-dependent rules on ``kind``, ``choices`` and ``answer_key`` taken together.

    Returns the normalized answer key (defaults filled in) and the errors by field.
    """
    kind = content["kind"]
    choices = content["choices"]
    errors: dict[str, Any] = {}
    if kind in CHOICE_KINDS:
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
            errors["choices"] = [
                str(
                    _("A %(kind)s question has from %(min)d to %(max)d choices.")
                    % {"kind": kind, "min": MIN_CHOICES, "max": MAX_CHOICES}
                )
            ]
    elif choices:
        errors["choices"] = [str(_("Only choice questions have choices; send [] or leave it out."))]
    try:
        answer_key = dict(_answer_key_rules(kind).run_validation(content["answer_key"]))
    except serializers.ValidationError as exc:
        errors["answer_key"] = exc.detail
        return {}, errors
    if kind in CHOICE_KINDS:
        correct = answer_key["correct"]
        problems = []
        if repeated_values(correct):
            problems.append(str(_("An option is listed more than once in correct.")))
        if any(index >= len(choices) for index in correct):
            problems.append(str(_("Every index in correct must point into choices (from 0).")))
        if kind == QuestionKind.SINGLE_CHOICE and len(correct) != 1:
            problems.append(str(_("A single_choice question has exactly one correct option.")))
        if problems:
            errors["answer_key"] = {"correct": problems}
        else:
            # Stored in ascending order, as the file formats write them.
            answer_key["correct"] = sorted(correct)
    return answer_key, errors


# --- Questions ----------------------------------------------------------------------------------


def _kind_field(**kwargs: Any) -> serializers.Field:
    return StrictChoiceField(choices=QuestionKind.choices, **kwargs)


def _difficulty_field(**kwargs: Any) -> serializers.Field:
    return StrictChoiceField(choices=Difficulty.choices, **kwargs)


def _text_field(**kwargs: Any) -> serializers.Field:
    return StrictCharField(
        max_length=MAX_QUESTION_TEXT_LENGTH, validators=[TEXT_VISIBLE_RULE], **kwargs
    )


def _choices_field(**kwargs: Any) -> serializers.Field:
    return BoundedListField(
        child=StrictCharField(max_length=MAX_CHOICE_LENGTH, validators=[NAME_RULE]),
        max_length=MAX_CHOICES,
        **kwargs,
    )


def _points_field(**kwargs: Any) -> serializers.Field:
    return StrictIntegerField(min_value=1, max_value=MAX_POINTS, **kwargs)


def _time_field(**kwargs: Any) -> serializers.Field:
    return StrictIntegerField(min_value=1, max_value=MAX_EXPECTED_TIME_SECONDS, **kwargs)


ANSWER_KEY_HELP = _(
    "Depends on kind (docs/bank.md). open: expected_answer, ideal_answer_summary, keywords, "
    "keyword_coverage (0..1), red_flags. single_choice/multiple_choice: correct (indexes into "
    "choices), shuffle_choices. short_answer: accepted_answers, case_sensitive, "
    "normalize_whitespace. numeric: value, tolerance (>= 0)."
)


class QuestionCreateSerializer(serializers.Serializer):
    """A new question: content, subtopic and answer key, valid together for its kind."""

    subtopic_uuid = StrictUUIDField()
    kind = _kind_field()
    text = _text_field()
    difficulty = _difficulty_field()
    points = _points_field(required=False, default=1)
    expected_time_seconds = _time_field(required=False, default=DEFAULT_EXPECTED_TIME_SECONDS)
    choices = _choices_field(required=False, default=list)
    answer_key = JSONObjectField(help_text=ANSWER_KEY_HELP)
    rubric_weights = RubricWeightsField(required=False, default=dict)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        answer_key, errors = content_errors(attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return {**attrs, "answer_key": answer_key}


class QuestionUpdateSerializer(serializers.Serializer):
    """A question's changes. The result must be a valid question: a new ``kind`` comes with an
    answer key for it, and changed ``choices`` must still fit the stored answer key.

    ``context["current"]`` holds the question's stored content.
    """

    subtopic_uuid = StrictUUIDField(required=False)
    kind = _kind_field(required=False)
    text = _text_field(required=False)
    difficulty = _difficulty_field(required=False)
    points = _points_field(required=False)
    expected_time_seconds = _time_field(required=False)
    choices = _choices_field(required=False)
    answer_key = JSONObjectField(required=False, help_text=ANSWER_KEY_HELP)
    rubric_weights = RubricWeightsField(required=False)
    is_retired = StrictBooleanField(
        required=False, help_text="false restores a retired question; true retires it."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.context["current"]
        if "kind" in attrs and attrs["kind"] != current["kind"] and "answer_key" not in attrs:
            raise serializers.ValidationError(
                {"answer_key": [str(_("A new kind needs an answer key for that kind."))]}
            )
        if not {"kind", "choices", "answer_key"} & set(attrs):
            return attrs
        merged = {name: attrs.get(name, current[name]) for name in ("kind", "choices")}
        merged["answer_key"] = attrs.get("answer_key", current["answer_key"])
        answer_key, errors = content_errors(merged)
        if errors:
            raise serializers.ValidationError(errors)
        # The stored key is not sent back: the service checks the result again against the
        # question as it is when locked (another PATCH may have changed it meanwhile).
        return {**attrs, "answer_key": answer_key} if "answer_key" in attrs else attrs


# --- Bulk ---------------------------------------------------------------------------------------


def bulk_serializer(child: serializers.Serializer, data: Any = empty) -> BoundedListSerializer:
    """A list of ``child`` objects, its length (1 to ``MAX_BULK_ITEMS``) checked first."""
    # The validators only describe the caps to OpenAPI; the mixin checks them before elements.
    return BoundedListSerializer(
        child=child,
        data=data,
        allow_empty=False,
        max_length=MAX_BULK_ITEMS,
        validators=[MinLengthValidator(1), MaxLengthValidator(MAX_BULK_ITEMS)],
    )


# --- Coverage before create (docs/coverage.md) --------------------------------------------------


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


# --- Import and export (docs/import-export.md) --------------------------------------------------

FORMAT_NAMES = ("moodle_xml", "gift")


class FormBooleanField(serializers.Field):
    """``true`` or ``false`` as a form field spells them (multipart has no JSON booleans)."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid")
        return data == "true"

    def to_representation(self, value: bool) -> bool:
        return value


class FormValuesMixin:
    """Form and query data: a field sent with an empty value is an error, not "left out" (DRF
    treats an empty optional form value as absent, which would take the default)."""

    def to_internal_value(self, data: Any) -> Any:
        blank = {
            name: [str(_("Give a value, or leave the parameter out."))]
            for name in self.fields  # type: ignore[attr-defined]
            if name in data and data.get(name) == ""
        }
        if blank:
            raise serializers.ValidationError(blank)
        return super().to_internal_value(data)  # type: ignore[misc]


# The enums are written inline: as a component, the difficulty's would be a second name for
# DifficultyEnum (a schema warning, which --fail-on-warn turns into an error).
@extend_schema_field({"type": "string", "enum": list(FORMAT_NAMES)})
class FileFormatField(StrictChoiceField):
    """``moodle_xml`` or ``gift``."""


@extend_schema_field({"type": "string", "enum": Difficulty.values})
class DefaultDifficultyField(StrictChoiceField):
    """The difficulty given to questions whose file states none."""


class QuestionImportSerializer(FormValuesMixin, serializers.Serializer):
    """``POST bank/import/`` (multipart): the file and how to read it."""

    file = serializers.FileField(
        allow_empty_file=True,
        help_text=_("A Moodle XML or GIFT file, UTF-8, at most IMPORT_MAX_BYTES."),
    )
    # Default: moodle_xml for a .xml file name, else gift.
    file_format = FileFormatField(choices=FORMAT_NAMES, required=False)
    # For the questions whose file gives no difficulty.
    default_difficulty = DefaultDifficultyField(choices=Difficulty.choices, required=False)
    dry_run = extend_schema_field({"type": "boolean"})(FormBooleanField)(
        required=False,
        default=False,
        help_text=_("true: report what would be created, write nothing."),
    )


class QuestionExportSerializer(FormValuesMixin, serializers.Serializer):
    """``GET bank/export/``'s query: which file format."""

    file_format = FileFormatField(choices=FORMAT_NAMES, required=False, default="moodle_xml")

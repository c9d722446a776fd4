"""OpenAPI description of the review operations (drf-spectacular).

The views render plain dicts (``review_reads.py``); the serializers here only describe that
output. ``tests/interviews/test_reviews.py`` checks that they list exactly the fields the reads
render.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from ..api.pagination import PAGE, PAGE_SIZE
from ..api.schema import (
    LINKS,
    RETRY_AFTER_HEADER,
    PaginationSerializer,
    error_response,
    error_responses,
    links,
    success_response,
)
from ..models import Difficulty, ItemStatus, QuestionKind
from .schema import AttemptStateField
from .serializers import MAX_DIMENSION_SCORES, ReviewSerializer

TAG = "Reviews"

# A UUID in a query string, as the FilterSets accept it (see panels/schema.py on `format: uuid`).
UUID_QUERY = {
    "type": "string",
    "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}
POINTS_HELP = "A number with up to four decimals; null while the item is not scored."


class DimensionScoresFieldScheme(OpenApiSerializerFieldExtension):
    """``DimensionScoresField``: an object of up to ``MAX_DIMENSION_SCORES`` scores (0..100),
    keyed by rubric dimension UUID (OpenAPI 3.0 cannot constrain the keys themselves)."""

    target_class = "django_interview_panels.interviews.serializers.DimensionScoresField"

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 100},
            "maxProperties": MAX_DIMENSION_SCORES,
        }


# --- Output shapes ----------------------------------------------------------------------------


class NamedRefSerializer(serializers.Serializer):
    """An entry by UUID and name."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()


class CandidateRefSerializer(NamedRefSerializer):
    """A candidate, named and reached as the host's resolvers say; all null once the candidate
    was erased from the panel (docs/candidates-access.md "Erasure")."""

    uuid = serializers.UUIDField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)


class AttemptSummarySerializer(serializers.Serializer):
    """The attempt an item belongs to."""

    uuid = serializers.UUIDField()
    state = AttemptStateField(help_text="`expired` also for an open attempt past its deadline.")
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class QueueItemSerializer(serializers.Serializer):
    """An item of the review queue."""

    uuid = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    position = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    points_possible = serializers.IntegerField(min_value=1)
    points_earned = serializers.FloatField(min_value=0, allow_null=True, help_text=POINTS_HELP)
    evaluator = serializers.CharField(
        allow_blank=True, help_text='"name/version" of the evaluator; empty if none ran.'
    )
    panel = NamedRefSerializer()
    candidate = CandidateRefSerializer()
    attempt = AttemptSummarySerializer()


class ReviewEntrySerializer(serializers.Serializer):
    """One review of an item: who, when, what. Kept, never edited."""

    reviewer_name = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    points_earned = serializers.FloatField(min_value=0)
    previous_points = serializers.FloatField(
        min_value=0, allow_null=True, help_text="The item's points before this review."
    )
    dimension_scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        help_text="Rubric dimension UUID -> score (0..100).",
    )
    comment = serializers.CharField(allow_blank=True)


class DrawnQuestionSerializer(serializers.Serializer):
    """The question as the candidate was given it (the version drawn), answer key included."""

    uuid = serializers.UUIDField()
    version = serializers.IntegerField(min_value=1)
    subtopic = NamedRefSerializer()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    points = serializers.IntegerField(min_value=1)
    expected_time_seconds = serializers.IntegerField(min_value=1)
    choices = serializers.ListField(
        child=serializers.CharField(), help_text="In the stored (canonical) order."
    )
    answer_key = serializers.DictField(child=serializers.JSONField())
    rubric_weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        help_text="The question's own weights by rubric dimension UUID.",
    )


class RubricWeightSerializer(serializers.Serializer):
    """A rubric dimension with the weight it has for this question (0: not counted)."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    weight = serializers.IntegerField(min_value=0)


class ReviewItemSerializer(serializers.Serializer):
    """One item as a reviewer sees it."""

    uuid = serializers.UUIDField()
    position = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    panel = NamedRefSerializer()
    candidate = CandidateRefSerializer()
    attempt = AttemptSummarySerializer()
    question = DrawnQuestionSerializer()
    rubric = RubricWeightSerializer(many=True)
    choice_order = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="Displayed position -> index into `choices`; empty: the stored order.",
    )
    answer = serializers.JSONField(
        allow_null=True,
        help_text="As the candidate sent it (choice kinds: displayed positions); null: none.",
    )
    answer_choices = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        allow_null=True,
        help_text="A choice answer as indexes into `choices`; null for other kinds.",
    )
    answered_at = serializers.DateTimeField(allow_null=True)
    points_possible = serializers.IntegerField(min_value=1)
    points_earned = serializers.FloatField(min_value=0, allow_null=True, help_text=POINTS_HELP)
    dimension_scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100),
        help_text="From the evaluator or the latest review that gave some.",
    )
    rationale = serializers.CharField(allow_blank=True)
    evaluator = serializers.CharField(allow_blank=True)
    scored_at = serializers.DateTimeField(allow_null=True)
    reviews = ReviewEntrySerializer(many=True, help_text="Oldest first; the latest one counts.")


# --- Operations -------------------------------------------------------------------------------

ITEM_NOT_FOUND = error_response(
    "Not found, or another organization's", "Item not found", {"item_uuid": ["Item not found"]}
)
REVIEWER_FORBIDDEN = error_response(
    "No organization, or not a reviewer (MANAGER_ROLES or REVIEWER_ROLES)",
    "User may not review answers",
    {"detail": ["User may not review answers"]},
)


def _errors(*statuses: int) -> dict[int, object]:
    described = error_responses(*statuses, not_found=ITEM_NOT_FOUND)
    if 403 in described:
        described[403] = REVIEWER_FORBIDDEN
    return described


ITEM_UUID = OpenApiParameter(
    "item_uuid", OpenApiTypes.UUID, OpenApiParameter.PATH, description="UUID of the item"
)
PAGE_PARAMETERS = [
    OpenApiParameter(
        PAGE,
        {"type": "integer", "minimum": 1},
        OpenApiParameter.QUERY,
        description="Page number, from 1. A page past the last one is empty.",
    ),
    OpenApiParameter(
        PAGE_SIZE,
        {"type": "integer", "minimum": 1},
        OpenApiParameter.QUERY,
        description=(
            "Entries per page: `DEFAULT_PAGE_SIZE` (50) when absent; a value above "
            "`MAX_PAGE_SIZE` (200) is lowered to it."
        ),
    ),
]

queue_schema = extend_schema(
    operation_id="review_list",
    summary="List items for review",
    description=(
        "A page of the caller's organization's items (panels not deleted), oldest first (in "
        "the order they were drawn). By default the items waiting for a reviewer "
        "(`needs_review`). Admin, HR and `REVIEWER_ROLES` only (docs/reviews-and-results.md)."
    ),
    tags=[TAG],
    parameters=[
        OpenApiParameter(
            "status",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            enum=ItemStatus.values,
            description="Items of this status; `needs_review` when absent.",
        ),
        OpenApiParameter(
            "panel", UUID_QUERY, OpenApiParameter.QUERY, description="UUID of an interview panel."
        ),
        *PAGE_PARAMETERS,
        RETRY_AFTER_HEADER,
    ],
    responses={
        200: success_response(
            "ReviewListResponse",
            "Items retrieved successfully",
            inline_serializer(
                name="ReviewList",
                fields={
                    "items": QueueItemSerializer(many=True),
                    "pagination": PaginationSerializer(),
                },
            ),
            None,
        ),
        **_errors(400, 401, 403, 429),
    },
)

retrieve_schema = extend_schema(
    operation_id="review_retrieve",
    summary="Get an item for review",
    description=(
        "The question as drawn (answer key and rubric weights included), the candidate's "
        "answer, the item's score and its full review history. Admin, HR and "
        "`REVIEWER_ROLES` only."
    ),
    tags=[TAG],
    parameters=[ITEM_UUID, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "ReviewItemResponse", "Item retrieved successfully", ReviewItemSerializer(), None
        ),
        **_errors(401, 403, 404, 429),
    },
)

_review_errors = _errors(400, 401, 403, 404, 409, 415, 429, 503)
_review_errors[404] = error_response(
    "The item, or a rubric dimension scored, not found (or another organization's)",
    "Item not found",
    {"item_uuid": ["Item not found"]},
)
_review_errors[409] = error_response(
    "The attempt is still open, or a concurrent write won a race",
    "The attempt is still open: review it once it is closed.",
    {"detail": ["The attempt is still open: review it once it is closed."]},
)

review_schema = extend_schema(
    operation_id="review_create",
    summary="Score an item",
    description=(
        "Sets the item's points as a reviewer: from `dimension_scores` (0..100 per rubric "
        "dimension UUID, weighted by the question's weights) or as `points` (at most the "
        "question's points; given both, `points` win), with an optional `comment`. Every "
        "review is kept with who and when; the latest one is the item's score, and the "
        "candidate's `score` is recomputed. Answers with the item as `GET` does. An open "
        "attempt is a 409. Admin, HR and `REVIEWER_ROLES` only."
    ),
    tags=[TAG],
    parameters=[ITEM_UUID, RETRY_AFTER_HEADER],
    request=ReviewSerializer,
    examples=[
        OpenApiExample(
            "Scores per dimension",
            value={
                "dimension_scores": {"123e4567-e89b-12d3-a456-426614174010": 80},
                "comment": "Clear, misses one edge case.",
            },
            request_only=True,
        ),
        OpenApiExample("Points", value={"points": 1.5}, request_only=True),
    ],
    responses={
        200: success_response(
            "ReviewedItemResponse", "Item reviewed successfully", ReviewItemSerializer(), None
        ),
        **_review_errors,
    },
)

_FROM_PATH = "$request.path.item_uuid"
LINKS.update(
    {
        ("review_list", "200"): links(
            "item_uuid", "$response.body#/data/items/0/uuid", "review_retrieve", "review_create"
        ),
        ("review_create", "200"): links("item_uuid", _FROM_PATH, "review_retrieve"),
    }
)

"""OpenAPI description of the results operations (drf-spectacular).

The views render plain dicts (``reads.py``); the serializers here only describe that output.
``tests/interviews/test_results.py`` checks that they list exactly the fields the reads render.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers

from ..api.pagination import PAGE, PAGE_SIZE
from ..api.schema import (
    CANDIDATE_UUID_PATH,
    PANEL_NOT_FOUND,
    PANEL_UUID_PATH,
    RETRY_AFTER_HEADER,
    PaginationSerializer,
    error_response,
    error_responses,
    success_response,
)
from ..interviews.review_schema import (
    POINTS_HELP,
    CandidateRefSerializer,
    NamedRefSerializer,
    ReviewEntrySerializer,
)
from ..models import Difficulty, ItemStatus, QuestionKind
from .exports import COLUMNS, CONTENT_TYPES
from .reads import ORDERINGS, ROW_STATES

TAG = "Results"
ROW_STATE_HELP = (
    "`removed` once removed from the panel; `expired` also for an open attempt past its "
    "deadline (computed, never stored)."
)


# --- Output shapes ----------------------------------------------------------------------------


class ResultPanelSerializer(serializers.Serializer):
    """The panel the results are of."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    total_number_of_questions = serializers.IntegerField(min_value=1)
    start_datetime = serializers.DateTimeField()
    end_datetime = serializers.DateTimeField()
    time_limit_minutes = serializers.IntegerField(min_value=1, allow_null=True)


# A named enum: the row's `state` and the `status` filter.
@extend_schema_field({"type": "string", "enum": list(ROW_STATES)}, component_name="ResultState")
class ResultStateField(serializers.CharField):
    """Where a candidate of the panel stands."""


ERASED_HELP = "null once the candidate's personal data was erased."


class CandidateRowSerializer(serializers.Serializer):
    """One candidate of the panel: where they stand, what they scored, the time they spent."""

    candidate_uuid = serializers.UUIDField(allow_null=True, help_text=ERASED_HELP)
    candidate_name = serializers.CharField(allow_null=True, help_text=ERASED_HELP)
    candidate_email = serializers.CharField(allow_null=True, help_text=ERASED_HELP)
    state = ResultStateField(help_text=ROW_STATE_HELP)
    score = serializers.IntegerField(
        min_value=0, help_text="The panel responses' `score`: points earned, rounded half up."
    )
    points_earned = serializers.FloatField(
        min_value=0, allow_null=True, help_text="Sum of the items' points; null: not started."
    )
    points_possible = serializers.IntegerField(
        min_value=0, allow_null=True, help_text="Sum of the items' points; null: not started."
    )
    items = serializers.IntegerField(min_value=0)
    items_pending = serializers.IntegerField(
        min_value=0, help_text="Not scored yet: the attempt is open, or evaluation has not run."
    )
    items_needing_review = serializers.IntegerField(min_value=0)
    time_spent_seconds = serializers.IntegerField(
        min_value=0, help_text="Sum of the items' time spent (docs: 'Time spent')."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    removed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the candidate was removed from the panel; null: not."
    )


class ExposedQuestionSerializer(serializers.Serializer):
    """A question and the number of the panel's sets that hold it."""

    question_uuid = serializers.UUIDField()
    text = serializers.CharField()
    draws = serializers.IntegerField(min_value=0)


class ExposureSerializer(serializers.Serializer):
    """How evenly the panel's question sets share its questions."""

    candidates_drawn = serializers.IntegerField(min_value=0, help_text="Sets drawn so far.")
    questions_in_pool = serializers.IntegerField(
        min_value=0, help_text="Questions the panel's next draw may take from."
    )
    questions_drawn = serializers.IntegerField(
        min_value=0, help_text="Questions at least one set holds."
    )
    most_drawn = ExposedQuestionSerializer(allow_null=True)
    least_drawn = ExposedQuestionSerializer(
        allow_null=True, help_text="A question of the pool never drawn counts 0."
    )
    max_share = serializers.FloatField(
        min_value=0, max_value=1, help_text="The most drawn question's draws / sets drawn."
    )
    cap = serializers.IntegerField(
        min_value=1,
        allow_null=True,
        help_text="Most sets one question may be in while the pool allows (MAX_EXPOSURE_SHARE).",
    )


class PanelResultsSerializer(serializers.Serializer):
    """A panel's results."""

    panel = ResultPanelSerializer()
    candidates = CandidateRowSerializer(many=True)
    pagination = PaginationSerializer()
    exposure = ExposureSerializer()


class SubtopicBreakdownSerializer(serializers.Serializer):
    """A candidate's items of one subtopic and difficulty."""

    subtopic = NamedRefSerializer()
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    items = serializers.IntegerField(min_value=1)
    points_earned = serializers.FloatField(min_value=0)
    points_possible = serializers.IntegerField(min_value=1)
    time_spent_seconds = serializers.IntegerField(min_value=0)
    expected_time_seconds = serializers.IntegerField(min_value=1)


class DimensionBreakdownSerializer(serializers.Serializer):
    """A rubric dimension of the organization and the candidate's scores on it."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    weight = serializers.IntegerField(min_value=1, help_text="The dimension's default weight.")
    mean_score = serializers.FloatField(
        min_value=0,
        max_value=100,
        allow_null=True,
        help_text="Mean of the items' scores on it (0..100); null: no item scored on it.",
    )
    items = serializers.IntegerField(min_value=0, help_text="Items scored on it.")


class ResultItemSerializer(serializers.Serializer):
    """One item of the candidate's set, with its score and latest review."""

    uuid = serializers.UUIDField()
    position = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    choices = serializers.ListField(
        child=serializers.CharField(), help_text="In the stored (canonical) order."
    )
    answer = serializers.JSONField(
        allow_null=True, help_text="As sent (choice kinds: displayed positions); null: none."
    )
    answered_at = serializers.DateTimeField(allow_null=True, help_text="null: no answer.")
    answer_choices = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        allow_null=True,
        help_text="A choice answer as indexes into `choices`; null for other kinds.",
    )
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    points_earned = serializers.FloatField(min_value=0, allow_null=True, help_text=POINTS_HELP)
    points_possible = serializers.IntegerField(min_value=1)
    time_spent_seconds = serializers.IntegerField(
        min_value=0, help_text="Measured by the server between saves (docs: 'Time spent')."
    )
    expected_time_seconds = serializers.IntegerField(
        min_value=1, help_text="The question version's expected time."
    )
    dimension_scores = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100)
    )
    rationale = serializers.CharField(allow_blank=True)
    evaluator = serializers.CharField(allow_blank=True)
    scored_at = serializers.DateTimeField(
        allow_null=True, help_text="When the score was last set (rule, evaluator or review)."
    )
    latest_review = ReviewEntrySerializer(allow_null=True)


class CandidateResultSerializer(serializers.Serializer):
    """One candidate's result on a panel."""

    panel = NamedRefSerializer()
    candidate = CandidateRefSerializer()
    state = ResultStateField(help_text=ROW_STATE_HELP)
    score = serializers.IntegerField(min_value=0)
    points_earned = serializers.FloatField(min_value=0, allow_null=True)
    points_possible = serializers.IntegerField(min_value=0, allow_null=True)
    time_spent_seconds = serializers.IntegerField(min_value=0, help_text="Sum over the items.")
    expected_time_seconds = serializers.IntegerField(
        min_value=0, help_text="Sum of the items' expected times."
    )
    started_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    removed_at = serializers.DateTimeField(allow_null=True)
    by_subtopic = SubtopicBreakdownSerializer(many=True)
    by_dimension = DimensionBreakdownSerializer(many=True)
    items = ResultItemSerializer(many=True)


# --- Operations -------------------------------------------------------------------------------

FORBIDDEN = error_response(
    "No organization, or not a reviewer (MANAGER_ROLES or REVIEWER_ROLES)",
    "User may not review answers",
    {"detail": ["User may not review answers"]},
)


def _errors(*statuses: int, not_found: object = PANEL_NOT_FOUND) -> dict[Any, object]:
    answers = {**error_responses(*statuses, not_found=not_found), 403: FORBIDDEN}
    if 400 in answers:
        answers[400] = BAD_ROW_QUERY
    return answers


BAD_ROW_QUERY = error_response(
    "A `status` or `ordering` (or a page parameter) that is not one of the values",
    "Invalid request data",
    {"ordering": ["Select one of: " + ", ".join(ORDERINGS) + "."]},
)
ROW_PARAMETERS = [
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=list(ROW_STATES),
        description="Only the candidates in this state (the rows' `state`).",
    ),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=list(ORDERINGS),
        description=(
            "Sort by `score`, `time_spent` (the row's `time_spent_seconds`) or `submitted_at`; "
            "`-` for descending. Not submitted last either way; ties in assignment order. "
            "Absent: assignment order."
        ),
    ),
]
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
            "Rows per page: `DEFAULT_PAGE_SIZE` (50) when absent; a value above "
            "`MAX_PAGE_SIZE` (200) is lowered to it."
        ),
    ),
]


panel_results_schema = extend_schema(
    operation_id="result_panel_retrieve",
    summary="Get a panel's results",
    description=(
        "A page of the panel's candidates, one row each (removed ones included), in "
        "assignment order or as `ordering` asks: state, `score`, points earned and possible, "
        "items not yet scored and waiting for review, time spent, start and submit times; and "
        "the exposure spread of the panel's questions. Admin, HR and `REVIEWER_ROLES` only "
        "(docs/reviews-and-results.md)."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, *ROW_PARAMETERS, *PAGE_PARAMETERS, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "ResultPanelResponse", "Results retrieved successfully", PanelResultsSerializer(), None
        ),
        **_errors(400, 401, 403, 404, 429),
    },
)

candidate_result_schema = extend_schema(
    operation_id="result_candidate_retrieve",
    summary="Get a candidate's result",
    description=(
        "The candidate's total and points, the breakdown per subtopic x difficulty and per "
        "rubric dimension, and the items in order with their answers, scores and latest "
        "review. Admin, HR and `REVIEWER_ROLES` only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "ResultCandidateResponse",
            "Result retrieved successfully",
            CandidateResultSerializer(),
            None,
        ),
        **_errors(
            401,
            403,
            404,
            429,
            not_found=error_response(
                "The panel (as above), or the candidate on it, not found",
                "Candidate not found",
                {"candidate_uuid": ["Candidate not found"]},
            ),
        ),
    },
)


# --- The export -------------------------------------------------------------------------------


class ExportRowSerializer(serializers.Serializer):
    """One candidate's row of an export: the columns of every format, in this order."""

    candidate_uuid = serializers.UUIDField(allow_null=True, help_text=ERASED_HELP)
    candidate_name = serializers.CharField(allow_null=True, help_text=ERASED_HELP)
    candidate_email = serializers.CharField(allow_null=True, help_text=ERASED_HELP)
    state = ResultStateField(help_text=ROW_STATE_HELP)
    score = serializers.IntegerField(min_value=0)
    points_earned = serializers.FloatField(min_value=0, allow_null=True)
    points_possible = serializers.IntegerField(min_value=0, allow_null=True)
    items = serializers.IntegerField(min_value=0)
    items_pending = serializers.IntegerField(min_value=0)
    items_needing_review = serializers.IntegerField(min_value=0)
    time_spent_seconds = serializers.IntegerField(min_value=0)
    started_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    removed_at = serializers.DateTimeField(allow_null=True)


EXPORT_FORMAT = OpenApiParameter(
    "export_format",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=["csv", "xlsx", "json"],
    description="`csv`, `xlsx` or `json`; any other value is a 404.",
)
CONTENT_DISPOSITION = OpenApiParameter(
    "Content-Disposition",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='`attachment; filename="interview-panel-<uuid>-results.<format>"`',
    response=[200],
)
_CSV_EXAMPLE = ",".join(COLUMNS) + (
    "\r\n0b9b8a0e-3f5c-4d7a-9a1e-2f6c1d4b5a60,Jane Roe,jane@example.com,submitted,4,3.75,6,6,0,1,"
    "1260,2026-03-02T09:00:00Z,2026-03-02T09:21:00Z,\r\n"
)
_JSON_EXAMPLE = [
    {
        "candidate_uuid": "0b9b8a0e-3f5c-4d7a-9a1e-2f6c1d4b5a60",
        "candidate_name": "Jane Roe",
        "candidate_email": "jane@example.com",
        "state": "submitted",
        "score": 4,
        "points_earned": 3.75,
        "points_possible": 6,
        "items": 6,
        "items_pending": 0,
        "items_needing_review": 1,
        "time_spent_seconds": 1260,
        "started_at": "2026-03-02T09:00:00Z",
        "submitted_at": "2026-03-02T09:21:00Z",
        "removed_at": None,
    }
]
EXPORT_DESCRIPTION = (
    "Every candidate of the panel, one row each with the fixed columns of `ExportRow` "
    "(removed candidates included; an erased one with null identity), filtered by `status` "
    "and sorted by `ordering` as the panel's results are; not paginated. Streamed: CSV "
    "(UTF-8, a header line; text cells starting with `=`, `+`, `-`, `@`, tab or CR get a "
    "leading apostrophe), XLSX (one worksheet, text cells as strings), or JSON (an array of "
    "rows, not in the envelope). Errors are checked before the file starts and answer in the "
    "envelope. Admin, HR and `REVIEWER_ROLES` only (docs/reviews-and-results.md)."
)
BINARY = {"type": "string", "format": "binary"}

export_schema = extend_schema(
    operation_id="result_export",
    summary="Export a panel's results",
    description=EXPORT_DESCRIPTION,
    tags=[TAG],
    parameters=[
        PANEL_UUID_PATH,
        EXPORT_FORMAT,
        *ROW_PARAMETERS,
        CONTENT_DISPOSITION,
        RETRY_AFTER_HEADER,
    ],
    responses={
        (200, CONTENT_TYPES["csv"].split(";")[0]): OpenApiResponse(
            {"type": "string"},
            description="The CSV file (`export_format` csv)",
            examples=[OpenApiExample("CSV", value=_CSV_EXAMPLE, response_only=True)],
        ),
        (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(
            BINARY, description="The XLSX workbook (`export_format` xlsx)"
        ),
        (200, CONTENT_TYPES["json"]): OpenApiResponse(
            ExportRowSerializer(many=True),
            description="The rows as a JSON array (`export_format` json)",
            examples=[OpenApiExample("JSON", value=_JSON_EXAMPLE, response_only=True)],
        ),
        **{
            (status, "application/json"): answer
            for status, answer in _errors(
                400,
                401,
                403,
                404,
                429,
                not_found=error_response(
                    "The panel (as above), or an export format other than csv, xlsx, json",
                    "Export format not found: use csv, xlsx or json",
                    {"export_format": ["Export format not found: use csv, xlsx or json"]},
                ),
            ).items()
        },
    },
)

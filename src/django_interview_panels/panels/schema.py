"""OpenAPI description of the panel operations (drf-spectacular): examples, parameters, links.

The views render plain dicts (see ``reads.represent``); the serializers here only describe that
output for the schema. ``tests/test_schema.py`` keeps the two in step.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from ..api.fields import MAX_DATETIME_LENGTH, MAX_NAME_LENGTH
from ..api.schema import (
    LINKS,
    PANEL_UUID_PATH,
    RETRY_AFTER_HEADER,
    PaginationSerializer,
    error_response,
    error_responses,
    links,
    success_response,
)
from .filters import ORDERINGS, PanelFilterSet
from .pagination import PAGE, PAGE_SIZE
from .serializers import PanelCreateSerializer, PanelUpdateSerializer

TAG = "Interview panels"

_errors = partial(
    error_responses,
    not_found=error_response(
        "Not found, or not in the caller's organization",
        "Interview panel not found",
        {"interview_panel_uuid": ["Interview panel not found"]},
    ),
)


def _links(source: str, *operation_ids: str) -> dict[str, dict[str, Any]]:
    return links("interview_panel_uuid", source, *operation_ids)


_FROM_BODY = "$response.body#/data/uuid"
_FROM_PATH = "$request.path.interview_panel_uuid"
# (operationId, status) -> the operations a client can call next with the same panel.
LINKS.update(
    {
        ("panel_create", "201"): _links(
            _FROM_BODY, "panel_retrieve", "panel_update", "panel_partial_update", "panel_delete"
        ),
        ("panel_list", "200"): _links(
            "$response.body#/data/interview_panels/0/uuid", "panel_retrieve"
        ),
        ("panel_update", "200"): _links(_FROM_PATH, "panel_retrieve", "panel_delete"),
        ("panel_partial_update", "200"): _links(_FROM_PATH, "panel_retrieve", "panel_delete"),
        ("panel_delete", "200"): _links(
            _FROM_PATH, "panel_retrieve", "panel_update", "panel_partial_update", "panel_delete"
        ),
    }
)


# --- Output shapes ----------------------------------------------------------------------------


class QuestionDistributionSerializer(serializers.Serializer):
    """The spec's Question Distribution object."""

    uuid = serializers.UUIDField()
    category = serializers.CharField()
    topic = serializers.CharField()
    subtopic = serializers.CharField()
    easy = serializers.IntegerField(min_value=0)
    medium = serializers.IntegerField(min_value=0)
    hard = serializers.IntegerField(min_value=0)
    total = serializers.IntegerField(min_value=1)


class PanelCandidateSerializer(serializers.Serializer):
    """The spec's Candidate object; `token` is null for callers who do not manage panels."""

    uuid = serializers.UUIDField()
    candidate_uuid = serializers.UUIDField()
    candidate_name = serializers.CharField()
    candidate_email = serializers.CharField()
    token = serializers.CharField(allow_null=True)
    token_expires_at = serializers.DateTimeField()
    score = serializers.IntegerField()


class InterviewPanelSerializer(serializers.Serializer):
    """The spec's Interview Panel object."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    total_number_of_questions = serializers.IntegerField(min_value=1)
    start_datetime = serializers.DateTimeField()
    end_datetime = serializers.DateTimeField()
    is_active = serializers.BooleanField()
    organization = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    question_distributions = QuestionDistributionSerializer(many=True)
    candidates = PanelCandidateSerializer(many=True)


# --- Examples (from the API document) -----------------------------------------------------------
# The API document's, with the panel moved to 2099: a request example must be one the server
# accepts (tests/test_hardening_input.py), and an end in the past is refused.

PANEL_EXAMPLE = {
    "uuid": "123e4567-e89b-12d3-a456-426614174007",
    "name": "Python Developer Interview - 2024",
    "description": "Technical interview for Python developer position",
    "total_number_of_questions": 10,
    "start_datetime": "2099-12-01T09:00:00Z",
    "end_datetime": "2099-12-01T18:00:00Z",
    "is_active": True,
    "organization": "123e4567-e89b-12d3-a456-426614174008",
    "created_at": "2024-11-30T10:00:00Z",
    "updated_at": "2024-11-30T10:00:00Z",
    "question_distributions": [
        {
            "uuid": "123e4567-e89b-12d3-a456-426614174009",
            "category": "Python",
            "topic": "Data Structures",
            "subtopic": "Lists",
            "easy": 2,
            "medium": 3,
            "hard": 1,
            "total": 6,
        }
    ],
    "candidates": [
        {
            "uuid": "123e4567-e89b-12d3-a456-426614174010",
            "candidate_uuid": "123e4567-e89b-12d3-a456-426614174005",
            "candidate_name": "John Doe",
            "candidate_email": "john.doe@example.com",
            "token": "abc123def456ghi789jkl012mno345pq",
            "token_expires_at": "2099-12-01T18:00:00Z",
            "score": 0,
        }
    ],
}

CREATE_REQUEST_EXAMPLE = {
    "name": "Python Developer Interview - 2024",
    "description": "Technical interview for Python developer position",
    "total_number_of_questions": 10,
    "start_datetime": "2099-12-01T09:00:00Z",
    "end_datetime": "2099-12-01T18:00:00Z",
    "category_uuid": "123e4567-e89b-12d3-a456-426614174000",
    "question_distributions": [
        {
            "topic_uuid": "123e4567-e89b-12d3-a456-426614174001",
            "subtopic_uuid": "123e4567-e89b-12d3-a456-426614174002",
            "easy": 2,
            "medium": 3,
            "hard": 1,
        },
        {
            "topic_uuid": "123e4567-e89b-12d3-a456-426614174003",
            "subtopic_uuid": "123e4567-e89b-12d3-a456-426614174004",
            "easy": 1,
            "medium": 2,
            "hard": 1,
        },
    ],
    "candidate_uuids": [
        "123e4567-e89b-12d3-a456-426614174005",
        "123e4567-e89b-12d3-a456-426614174006",
    ],
}

UPDATE_REQUEST_EXAMPLE = {
    "name": "Updated Interview Panel Name",
    "description": "Updated description",
    "start_datetime": "2099-12-02T09:00:00Z",
    "end_datetime": "2099-12-02T18:00:00Z",
}


def _filter_parameter(name: str, type_: Any, **kwargs: Any) -> OpenApiParameter:
    # Descriptions come from the FilterSet, so schema and behaviour share one text.
    description = str(PanelFilterSet.base_filters[name].extra["help_text"])
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


# A UUID in a query string, written out as the pattern the FilterSet accepts. Not `format: uuid`:
# Hypothesis draws those from one shared random generator, which made Schemathesis' stateful runs
# fail as "flaky data generation" once the list carried UUID parameters.
UUID_QUERY = {
    "type": "string",
    "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}

# The FilterSet reads datetimes as request bodies do, length cap included; any instant is a bound.
DATETIME_QUERY = {"type": "string", "format": "date-time", "maxLength": MAX_DATETIME_LENGTH}

# The list's query parameters: the FilterSet's, then pagination.
LIST_PARAMETERS = [
    _filter_parameter("is_active", OpenApiTypes.BOOL),
    _filter_parameter("category", UUID_QUERY),
    # No NUL: the database could not compare it (the FilterSet refuses it with a 400).
    _filter_parameter(
        "search", {"type": "string", "pattern": "^[^\\u0000]*$", "maxLength": MAX_NAME_LENGTH}
    ),
    _filter_parameter("start_after", DATETIME_QUERY),
    _filter_parameter("start_before", DATETIME_QUERY),
    _filter_parameter("candidate", UUID_QUERY),
    _filter_parameter("ordering", OpenApiTypes.STR, enum=list(ORDERINGS)),
    OpenApiParameter(
        PAGE,
        {"type": "integer", "minimum": 1},
        OpenApiParameter.QUERY,
        description="Page number, from 1. A page past the last one is a 400 on `page`.",
    ),
    OpenApiParameter(
        PAGE_SIZE,
        {"type": "integer", "minimum": 1},
        OpenApiParameter.QUERY,
        description=(
            "Panels per page: `DEFAULT_PAGE_SIZE` (50) when absent; a value above "
            "`MAX_PAGE_SIZE` (200) is lowered to it."
        ),
    ),
]

PAGINATION_EXAMPLE = {
    "count": 1,
    "page": 1,
    "page_size": 50,
    "total_pages": 1,
    "next": None,
    "previous": None,
}


create_schema = extend_schema(
    operation_id="panel_create",
    summary="Create an interview panel",
    description=(
        "Creates the panel, its question distributions and one access token per candidate, "
        "all in one transaction. Admin or HR only. Datetimes need a time zone offset."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    request=PanelCreateSerializer,
    examples=[OpenApiExample("Create request", value=CREATE_REQUEST_EXAMPLE, request_only=True)],
    responses={
        201: success_response(
            "PanelCreatedResponse",
            "Interview panel created successfully",
            InterviewPanelSerializer(),
            PANEL_EXAMPLE,
        ),
        **_errors(400, 401, 403, 404, 409, 415, 429, 503),
    },
)

list_schema = extend_schema(
    operation_id="panel_list",
    summary="List interview panels",
    description=(
        "A page of the caller's organization's panels, newest first unless `ordering` says "
        "otherwise; ties are broken by creation order, so pages never overlap. `is_active` turns "
        "false when `end_datetime` has passed. `token` is null unless the caller is Admin or HR. "
        "A malformed filter, ordering, `page` or `page_size` is a 400 naming the parameter."
    ),
    tags=[TAG],
    parameters=[*LIST_PARAMETERS, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "PanelListResponse",
            "Interview panels retrieved successfully",
            inline_serializer(
                name="PanelList",
                fields={
                    "interview_panels": InterviewPanelSerializer(many=True),
                    "pagination": PaginationSerializer(),
                },
            ),
            {"interview_panels": [PANEL_EXAMPLE], "pagination": PAGINATION_EXAMPLE},
        ),
        400: error_response(
            "Invalid filter, ordering or page",
            "Invalid request data",
            {"page": ["A valid page is a positive integer."]},
        ),
        **_errors(401, 403, 429),
    },
)

retrieve_schema = extend_schema(
    operation_id="panel_retrieve",
    summary="Get one interview panel",
    description=(
        "A panel of the caller's organization; any other UUID is 404. `token` is null unless "
        "the caller is Admin or HR."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "PanelResponse",
            "Interview panel retrieved successfully",
            InterviewPanelSerializer(),
            PANEL_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429),
    },
)


_UPDATED_RESPONSE = success_response(
    "PanelUpdatedResponse",
    "Interview panel updated successfully",
    InterviewPanelSerializer(),
    {**PANEL_EXAMPLE, **UPDATE_REQUEST_EXAMPLE},
)


def update_schema(operation_id: str) -> Any:
    """PUT and PATCH share one description: both are partial updates."""
    return extend_schema(
        operation_id=operation_id,
        summary="Update an interview panel",
        description=(
            "A partial update of `name`, `description`, `start_datetime` and `end_datetime` "
            "(PUT and PATCH alike); other fields are ignored. Only active panels can be updated. "
            "Moving `end_datetime` moves every candidate's `token_expires_at`. "
            "Admin or HR only."
        ),
        tags=[TAG],
        parameters=[PANEL_UUID_PATH, RETRY_AFTER_HEADER],
        request=PanelUpdateSerializer,
        examples=[
            OpenApiExample("Update request", value=UPDATE_REQUEST_EXAMPLE, request_only=True)
        ],
        responses={
            200: _UPDATED_RESPONSE,
            **_errors(400, 401, 403, 404, 409, 415, 429, 503),
        },
    )


delete_schema = extend_schema(
    operation_id="panel_delete",
    summary="Delete an interview panel",
    description=(
        "A soft delete: the panel disappears from every endpoint and its candidates' tokens "
        "stop being valid. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "PanelDeletedResponse", "Interview panel deleted successfully", None, None
        ),
        **_errors(401, 403, 404, 429, 503),
    },
)

"""OpenAPI description of the candidate-management operations (drf-spectacular).

The views render plain dicts (``reads.represent``); ``ManagedCandidateSerializer`` only
describes that output, and ``tests/candidates/test_list.py`` checks that it lists exactly the
fields the read renders.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers

from ..api.fields import MAX_NAME_LENGTH
from ..api.pagination import PAGE, PAGE_SIZE
from ..api.schema import (
    CANDIDATE_NOT_FOUND,
    CANDIDATE_UUID_PATH,
    PANEL_NOT_FOUND,
    PANEL_UUID_PATH,
    RETRY_AFTER_HEADER,
    PaginationSerializer,
    error_response,
    error_responses,
    success_response,
)
from .filters import SEARCH_HELP, STATUS_HELP
from .reads import CandidateStatus
from .serializers import CandidateAddSerializer

TAG = "Candidates"


@extend_schema_field(
    {"type": "string", "enum": list(CandidateStatus.ALL)}, component_name="CandidateStatus"
)
class CandidateStatusField(serializers.CharField):
    """A candidate's status on a panel (``reads.candidate_status``)."""


class ManagedCandidateSerializer(serializers.Serializer):
    """One candidate of a panel as managers see them (docs/candidates.md)."""

    uuid = serializers.UUIDField(help_text="The assignment's UUID, as in the panel responses.")
    candidate_uuid = serializers.UUIDField(
        allow_null=True, help_text="Null once the candidate's personal data was erased."
    )
    candidate_name = serializers.CharField(allow_null=True)
    candidate_email = serializers.CharField(allow_null=True)
    token = serializers.CharField(help_text="The candidate's current interview token.")
    token_expires_at = serializers.DateTimeField(
        help_text="The removal time for a removed candidate."
    )
    status = CandidateStatusField(
        help_text='Derived, never stored: see docs/candidates.md "Status".',
    )
    score = serializers.IntegerField(help_text="The panel responses' `score`.")
    started_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    removed_at = serializers.DateTimeField(allow_null=True)
    window_starts_at = serializers.DateTimeField(allow_null=True)
    window_ends_at = serializers.DateTimeField(allow_null=True)
    extra_minutes = serializers.IntegerField(min_value=0)
    time_multiplier = serializers.FloatField(min_value=0)


# --- Examples (dates in 2099: the panel of panels/schema.py's examples) ----------------------

PANEL_UUID_EXAMPLE = "123e4567-e89b-12d3-a456-426614174007"
ROW_EXAMPLE = {
    "uuid": "123e4567-e89b-12d3-a456-426614174010",
    "candidate_uuid": "123e4567-e89b-12d3-a456-426614174005",
    "candidate_name": "John Doe",
    "candidate_email": "john.doe@example.com",
    "token": "abc123def456ghi789jkl012mno345pq",
    "token_expires_at": "2099-12-01T18:00:00Z",
    "status": "started",
    "score": 0,
    "started_at": "2099-12-01T09:05:00Z",
    "submitted_at": None,
    "removed_at": None,
    "window_starts_at": None,
    "window_ends_at": None,
    "extra_minutes": 0,
    "time_multiplier": 1.0,
}
ADDED_EXAMPLE = {
    **ROW_EXAMPLE,
    "uuid": "123e4567-e89b-12d3-a456-426614174011",
    "candidate_uuid": "123e4567-e89b-12d3-a456-426614174006",
    "candidate_name": "Jane Roe",
    "candidate_email": "jane.roe@example.com",
    "token": "Zx9YwV8uT7sR6qP5oN4mL3kJ2iH1gF0e",
    "status": "invited",
    "started_at": None,
}
REMOVED_EXAMPLE = {
    **ROW_EXAMPLE,
    "token_expires_at": "2099-12-01T10:00:00Z",
    "status": "removed",
    "removed_at": "2099-12-01T10:00:00Z",
}
ROTATED_EXAMPLE = {**ROW_EXAMPLE, "token": "n3wT0kenQ8rS7tU6vW5xY4zA3bC2dE1f"}
ADD_REQUEST_EXAMPLE = {"candidate_uuids": ["123e4567-e89b-12d3-a456-426614174006"]}
PAGINATION_EXAMPLE = {
    "count": 1,
    "page": 1,
    "page_size": 50,
    "total_pages": 1,
    "next": None,
    "previous": None,
}

# --- Parameters and errors --------------------------------------------------------------------

LIST_PARAMETERS = [
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        description=str(STATUS_HELP),
        enum=list(CandidateStatus.ALL),
    ),
    # No NUL: the database could not compare it (the form refuses it with a 400).
    OpenApiParameter(
        "search",
        {"type": "string", "pattern": "^[^\\u0000]*$", "maxLength": MAX_NAME_LENGTH},
        OpenApiParameter.QUERY,
        description=str(SEARCH_HELP),
    ),
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
            "Candidates per page: `DEFAULT_PAGE_SIZE` (50) when absent; a value above "
            "`MAX_PAGE_SIZE` (200) is lowered to it."
        ),
    ),
]


def _errors(*statuses: int, not_found: object = PANEL_NOT_FOUND) -> dict[int, object]:
    return error_responses(*statuses, not_found=not_found)  # type: ignore[arg-type]


list_schema = extend_schema(
    operation_id="candidate_list",
    summary="List a panel's candidates",
    description=(
        "A page of the panel's candidates in assignment order, with their token, status, "
        "score, times and access; removed candidates only with `status=removed`. Paginated "
        "as the panel list. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, *LIST_PARAMETERS, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "CandidateListResponse",
            "Candidates retrieved successfully",
            inline_serializer(
                name="CandidateList",
                fields={
                    "candidates": ManagedCandidateSerializer(many=True),
                    "pagination": PaginationSerializer(),
                },
            ),
            {"candidates": [ROW_EXAMPLE], "pagination": PAGINATION_EXAMPLE},
        ),
        400: error_response(
            "Invalid status, search or page",
            "Invalid request data",
            {"status": ["Select a valid choice. done is not one of the available choices."]},
        ),
        **_errors(401, 403, 404, 429),
    },
)

add_schema = extend_schema(
    operation_id="candidate_add",
    summary="Add candidates to a panel",
    description=(
        "Assigns candidates of the caller's organization, each with a new token valid until "
        "the panel's end, all or nothing. As at the panel create: each candidate once, at most "
        "`MAX_CANDIDATES_PER_PANEL` on the panel (removed ones included); an unknown candidate "
        "is 404; one already assigned, one removed earlier, or a panel that has ended is 400. "
        "Answers the added rows, tokens included. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, RETRY_AFTER_HEADER],
    request=CandidateAddSerializer,
    examples=[OpenApiExample("Add request", value=ADD_REQUEST_EXAMPLE, request_only=True)],
    responses={
        201: success_response(
            "CandidateAddedResponse",
            "Candidates added successfully",
            ManagedCandidateSerializer(many=True),
            [ADDED_EXAMPLE],
        ),
        400: error_response(
            "Invalid request data, a candidate already assigned or removed, or an ended panel",
            "Invalid request data",
            {
                "candidate_uuids": {
                    "0": [
                        "Candidate 123e4567-e89b-12d3-a456-426614174006 is already assigned to "
                        "this interview panel."
                    ]
                }
            },
        ),
        404: error_response(
            "The panel, or a candidate of the caller's organization, not found",
            "Candidate not found",
            {
                "candidate_uuids": {
                    "0": ["Candidate 123e4567-e89b-12d3-a456-426614174006 not found."]
                }
            },
        ),
        **_errors(401, 403, 409, 415, 429, 503),
    },
)

retrieve_schema = extend_schema(
    operation_id="candidate_retrieve",
    summary="Get one candidate of a panel",
    description="The candidate's row (a removed one too). Admin or HR only.",
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "CandidateResponse",
            "Candidate retrieved successfully",
            ManagedCandidateSerializer(),
            ROW_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429, not_found=CANDIDATE_NOT_FOUND),
    },
)

remove_schema = extend_schema(
    operation_id="candidate_remove",
    summary="Remove a candidate from a panel",
    description=(
        "The token stops working at once (`token_expires_at` becomes the removal time); an "
        "attempt in progress is closed as `withdrawn` and scored with the answers saved. The "
        "record, answers and scores stay; the panel responses no longer list the candidate. "
        "Idempotent: removing a removed candidate answers its row unchanged. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    responses={
        200: success_response(
            "CandidateRemovedResponse",
            "Candidate removed successfully",
            ManagedCandidateSerializer(),
            REMOVED_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429, 503, not_found=CANDIDATE_NOT_FOUND),
    },
)

rotate_schema = extend_schema(
    operation_id="candidate_token_rotate",
    summary="Give a candidate a new token",
    description=(
        "A new token, returned in the row; the old one stops working at once, the expiry "
        "stays. A removed candidate's is 409. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[PANEL_UUID_PATH, CANDIDATE_UUID_PATH, RETRY_AFTER_HEADER],
    request=None,
    responses={
        200: success_response(
            "CandidateTokenRotatedResponse",
            "Token rotated successfully",
            ManagedCandidateSerializer(),
            ROTATED_EXAMPLE,
        ),
        409: error_response(
            "The candidate was removed from the panel",
            "The candidate has been removed from this interview panel.",
            {"candidate_uuid": ["The candidate has been removed from this interview panel."]},
        ),
        **_errors(401, 403, 404, 429, 503, not_found=CANDIDATE_NOT_FOUND),
    },
)

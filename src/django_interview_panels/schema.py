"""OpenAPI description of the API (drf-spectacular): envelopes, error statuses, examples, links.

The views render plain dicts (see ``reads.represent``); the serializers here only describe that
output for the schema. ``tests/test_schema.py`` keeps the two in step.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import Resolver404, resolve
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.settings import api_settings

from .filters import ORDERINGS, PanelFilterSet
from .pagination import PAGE, PAGE_SIZE
from .serializers import (
    MAX_DATETIME_LENGTH,
    MAX_NAME_LENGTH,
    AwareDateTimeField,
    PanelCreateSerializer,
    PanelUpdateSerializer,
)

TAG = "Interview panels"
# ``urls.app_name``; a mount under this instance namespace keeps the documented operationIds.
APP_NAMESPACE = "interview_panels"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>`` as an HTTP bearer security scheme."""

    target_class = "django_interview_panels.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


def _links(source: str, *operation_ids: str) -> dict[str, dict[str, Any]]:
    return {
        operation_id: {
            "operationId": operation_id,
            "parameters": {"interview_panel_uuid": source},
        }
        for operation_id in operation_ids
    }


_FROM_BODY = "$response.body#/data/uuid"
_FROM_PATH = "$request.path.interview_panel_uuid"
# (operationId, status) -> the operations a client can call next with the same panel.
LINKS = {
    ("panel_create", "201"): _links(
        _FROM_BODY, "panel_retrieve", "panel_update", "panel_partial_update", "panel_delete"
    ),
    ("panel_list", "200"): _links("$response.body#/data/interview_panels/0/uuid", "panel_retrieve"),
    ("panel_update", "200"): _links(_FROM_PATH, "panel_retrieve", "panel_delete"),
    ("panel_partial_update", "200"): _links(_FROM_PATH, "panel_retrieve", "panel_delete"),
    ("panel_delete", "200"): _links(
        _FROM_PATH, "panel_retrieve", "panel_update", "panel_partial_update", "panel_delete"
    ),
}


class PanelAutoSchema(AutoSchema):
    """drf-spectacular's schema plus OpenAPI links between the panel operations.

    Links let generated clients and stateful testers follow a panel from create to read, update
    and delete (and check that a deleted panel stays gone).
    """

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        if "{" + api_settings.FORMAT_SUFFIX_KWARG + "}" in path:
            # A host's format_suffix_patterns adds aliases the views answer like the plain path
            # (JSON only): not operations of their own, whose operationIds would collide.
            return None
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        # A second mount of the app (another instance namespace) gets its own operationIds, so
        # the two never collide; its links point at the operations of the same mount.
        prefix = mount_prefix(self.path)
        operation_id = operation["operationId"]
        for status, response in operation.get("responses", {}).items():
            links = LINKS.get((operation_id, status))
            if links:
                response["links"] = {
                    prefix + target: {**link, "operationId": prefix + target}
                    for target, link in links.items()
                }
        operation["operationId"] = prefix + operation_id
        return operation

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if isinstance(field, AwareDateTimeField):
            schema["maxLength"] = MAX_DATETIME_LENGTH
        # drf-spectacular writes a blank-allowed string with a pattern as `oneOf: [it, ""]`; when
        # the pattern itself accepts "" both branches match "" and oneOf refuses it: one schema.
        branches = schema.get("oneOf")
        if (
            branches
            and len(branches) == 2
            and branches[1] == {"type": "string", "maxLength": 0}
            and _accepts_empty_string(branches[0])
        ):
            schema.update(schema.pop("oneOf")[0])


def _accepts_empty_string(schema: dict[str, Any]) -> bool:
    if schema.get("type") != "string" or "format" in schema or schema.get("minLength", 0) > 0:
        return False
    return "pattern" not in schema or re.search(schema["pattern"], "") is not None


def mount_prefix(path: str) -> str:
    """``""`` for the app's default mount, ``"<instance namespace>_"`` for any other mount.

    The namespace is found by resolving ``path`` (``{parameters}`` filled in) in the current
    URLconf.
    """
    try:
        match = resolve(re.sub(r"\{[^/{}]+\}", "0", path))
    except Resolver404:
        return ""
    namespace = match.namespaces[-1] if match.namespaces else ""
    if namespace in ("", APP_NAMESPACE):
        return ""
    return re.sub(r"\W", "_", namespace) + "_"


def on_panel_schema(decorator: Any) -> Any:
    """``decorator`` (an ``extend_schema``) applied so that it extends ``PanelAutoSchema``.

    On a view method, ``extend_schema`` subclasses the method's own schema if it has one, else
    the host's ``DEFAULT_SCHEMA_CLASS`` (read at import): with DRF's default class there,
    drf-spectacular crashed generating the app's operations. Seeding the method with the app's
    schema makes the host's choice irrelevant to the app's views.
    """

    def apply(method: Any) -> Any:
        method.kwargs = {**getattr(method, "kwargs", {}), "schema": PanelAutoSchema}
        return decorator(method)

    return apply


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


class PaginationSerializer(serializers.Serializer):
    """Where a list page sits: totals, and links to the neighbouring pages (null at the ends)."""

    count = serializers.IntegerField(min_value=0, help_text="Panels matching the filters.")
    page = serializers.IntegerField(min_value=1)
    page_size = serializers.IntegerField(min_value=1, help_text="The page size actually used.")
    total_pages = serializers.IntegerField(min_value=1)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class ErrorEnvelopeSerializer(serializers.Serializer):
    """Every error: `errors` maps a request field (or `detail`) to its messages."""

    success = serializers.BooleanField()
    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.JSONField())


def envelope(name: str, data: Any | None) -> serializers.Serializer:
    """The success envelope around ``data`` (no ``data`` key when None, as for delete)."""
    fields: dict[str, serializers.Field] = {
        "success": serializers.BooleanField(),
        "message": serializers.CharField(),
    }
    if data is not None:
        fields["data"] = data
    return inline_serializer(name=name, fields=fields)


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


def _error(description: str, message: str, errors: dict[str, Any]) -> OpenApiResponse:
    example = {"success": False, "message": message, "errors": errors}
    return OpenApiResponse(
        ErrorEnvelopeSerializer,
        description=description,
        examples=[OpenApiExample(description, value=example, response_only=True)],
    )


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    catalogue = {
        400: _error(
            "Invalid request data or a broken rule",
            "Invalid request data",
            {"end_datetime": ["end_datetime must be after start_datetime."]},
        ),
        401: _error(
            "Not authenticated",
            "Authentication credentials were not provided.",
            {"detail": ["Authentication credentials were not provided."]},
        ),
        403: _error(
            "No organization, or not a manager role",
            "User is not Admin or HR",
            {"detail": ["User is not Admin or HR"]},
        ),
        404: _error(
            "Not found, or not in the caller's organization",
            "Interview panel not found",
            {"interview_panel_uuid": ["Interview panel not found"]},
        ),
        409: _error(
            "A concurrent write won a race; nothing was stored, retry",
            "The request conflicts with data that changed meanwhile; please retry.",
            {"detail": ["The request conflicts with data that changed meanwhile; please retry."]},
        ),
        415: _error(
            "Unsupported media type",
            'Unsupported media type "text/plain" in request.',
            {"detail": ['Unsupported media type "text/plain" in request.']},
        ),
        429: _error(
            "Throttled by the app's read or write rate, or by a host throttle",
            "Request was throttled. Expected available in 10 seconds.",
            {"detail": ["Request was throttled. Expected available in 10 seconds."]},
        ),
        503: _error(
            "The database was busy; nothing was stored, retry after Retry-After seconds",
            "The database is busy; please retry.",
            {"detail": ["The database is busy; please retry."]},
        ),
    }
    return {status: catalogue[status] for status in statuses}


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

PANEL_UUID_PARAMETER = OpenApiParameter(
    "interview_panel_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="UUID of the interview panel",
)

# A response header of the 429 and 503 answers (a list: drf-spectacular matches only lists).
RETRY_AFTER_HEADER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Seconds to wait before retrying.",
    response=[429, 503],
)


def _success(name: str, message: str, data: Any, example_data: Any) -> OpenApiResponse:
    example = {"success": True, "message": message}
    if example_data is not None:
        example["data"] = example_data
    return OpenApiResponse(
        envelope(name, data),
        examples=[OpenApiExample(message, value=example, response_only=True)],
    )


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
        201: _success(
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
        200: _success(
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
        400: _error(
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
    parameters=[PANEL_UUID_PARAMETER, RETRY_AFTER_HEADER],
    responses={
        200: _success(
            "PanelResponse",
            "Interview panel retrieved successfully",
            InterviewPanelSerializer(),
            PANEL_EXAMPLE,
        ),
        **_errors(401, 403, 404, 429),
    },
)


_UPDATED_RESPONSE = _success(
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
        parameters=[PANEL_UUID_PARAMETER, RETRY_AFTER_HEADER],
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
    parameters=[PANEL_UUID_PARAMETER, RETRY_AFTER_HEADER],
    responses={
        200: _success("PanelDeletedResponse", "Interview panel deleted successfully", None, None),
        **_errors(401, 403, 404, 429, 503),
    },
)

"""What every operation's OpenAPI description shares (drf-spectacular): the schema class with
links between operations, the security scheme, envelopes, error responses and pagination.

Each domain's ``schema.py`` describes its operations with these builders and registers its links
in ``LINKS``.
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
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.settings import api_settings

from .fields import (
    MAX_DATETIME_LENGTH,
    AwareDateTimeField,
    BoundedListSerializer,
    UniqueItemsListField,
)

# ``urls.app_name``; a mount under this instance namespace keeps the documented operationIds.
APP_NAMESPACE = "interview_panels"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer <token>`` as an HTTP bearer security scheme."""

    target_class = "django_interview_panels.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


# (operationId, status) -> the operations a client can call next with the same object; each
# domain's schema.py adds its own.
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}


def links(parameter: str, source: str, *operation_ids: str) -> dict[str, dict[str, Any]]:
    """Links to ``operation_ids``, each taking its path ``parameter`` from ``source``."""
    return {
        operation_id: {"operationId": operation_id, "parameters": {parameter: source}}
        for operation_id in operation_ids
    }


class LinkedAutoSchema(AutoSchema):
    """drf-spectacular's schema plus OpenAPI links between operations (``LINKS``).

    Links let generated clients and stateful testers follow an object from create to read, update
    and delete (and check that a deleted one stays gone).
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

    def _unwrap_list_serializer(self, serializer: Any, direction: Any) -> dict[str, Any] | None:
        # A list as the whole request body (bulk create): drf-spectacular leaves out its caps,
        # which it writes for the same list as a field.
        schema = super()._unwrap_list_serializer(serializer, direction)
        if schema is not None and isinstance(serializer, BoundedListSerializer):
            if not serializer.allow_empty:
                schema["minItems"] = 1
            if serializer.max_length is not None:
                schema["maxItems"] = serializer.max_length
        return schema

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)
        if isinstance(field, AwareDateTimeField):
            schema["maxLength"] = MAX_DATETIME_LENGTH
        if isinstance(field, UniqueItemsListField):
            schema["uniqueItems"] = True
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
    # The instance namespace of the app's own include: a domain's include inside it (``bank``)
    # adds a namespace of its own after it.
    namespace = next(
        (
            instance
            for instance, app in zip(match.namespaces, match.app_names, strict=False)
            if app == APP_NAMESPACE
        ),
        "",
    )
    if namespace in ("", APP_NAMESPACE):
        return ""
    return re.sub(r"\W", "_", namespace) + "_"


def on_app_schema(decorator: Any) -> Any:
    """``decorator`` (an ``extend_schema``) applied so that it extends ``LinkedAutoSchema``.

    On a view method, ``extend_schema`` subclasses the method's own schema if it has one, else
    the host's ``DEFAULT_SCHEMA_CLASS`` (read at import): with DRF's default class there,
    drf-spectacular crashed generating the app's operations. Seeding the method with the app's
    schema makes the host's choice irrelevant to the app's views.
    """

    def apply(method: Any) -> Any:
        method.kwargs = {**getattr(method, "kwargs", {}), "schema": LinkedAutoSchema}
        return decorator(method)

    return apply


class PaginationSerializer(serializers.Serializer):
    """Where a list page sits: totals, and links to the neighbouring pages (null at the ends)."""

    count = serializers.IntegerField(min_value=0, help_text="Entries matching the filters.")
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


def error_response(description: str, message: str, errors: dict[str, Any]) -> OpenApiResponse:
    example = {"success": False, "message": message, "errors": errors}
    return OpenApiResponse(
        ErrorEnvelopeSerializer,
        description=description,
        examples=[OpenApiExample(description, value=example, response_only=True)],
    )


def error_responses(
    *statuses: int, not_found: OpenApiResponse | None = None
) -> dict[int, OpenApiResponse]:
    """The documented error answers for ``statuses``; ``not_found`` describes the 404."""
    catalogue = {
        400: error_response(
            "Invalid request data or a broken rule",
            "Invalid request data",
            {"end_datetime": ["end_datetime must be after start_datetime."]},
        ),
        401: error_response(
            "Not authenticated",
            "Authentication credentials were not provided.",
            {"detail": ["Authentication credentials were not provided."]},
        ),
        403: error_response(
            "No organization, or not a manager role",
            "User is not Admin or HR",
            {"detail": ["User is not Admin or HR"]},
        ),
        404: not_found
        or error_response(
            "Not found, or not in the caller's organization",
            "Not found.",
            {"detail": ["Not found."]},
        ),
        409: error_response(
            "A concurrent write won a race; nothing was stored, retry",
            "The request conflicts with data that changed meanwhile; please retry.",
            {"detail": ["The request conflicts with data that changed meanwhile; please retry."]},
        ),
        415: error_response(
            "Unsupported media type",
            'Unsupported media type "text/plain" in request.',
            {"detail": ['Unsupported media type "text/plain" in request.']},
        ),
        429: error_response(
            "Throttled by the app's read or write rate, or by a host throttle",
            "Request was throttled. Expected available in 10 seconds.",
            {"detail": ["Request was throttled. Expected available in 10 seconds."]},
        ),
        503: error_response(
            "The database was busy; nothing was stored, retry after Retry-After seconds",
            "The database is busy; please retry.",
            {"detail": ["The database is busy; please retry."]},
        ),
    }
    return {status: catalogue[status] for status in statuses}


# A response header of the 429 and 503 answers (a list: drf-spectacular matches only lists).
RETRY_AFTER_HEADER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Seconds to wait before retrying.",
    response=[429, 503],
)

# The path parameters of one panel and of one of its candidates, and their 404s: one place for
# the panel, candidate-management and results operations.
PANEL_UUID_PATH = OpenApiParameter(
    "interview_panel_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="UUID of the interview panel",
)
CANDIDATE_UUID_PATH = OpenApiParameter(
    "candidate_uuid",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="UUID of the candidate (`candidate_uuid` of the panel responses)",
)
PANEL_NOT_FOUND = error_response(
    "Not found, deleted, or not in the caller's organization",
    "Interview panel not found",
    {"interview_panel_uuid": ["Interview panel not found"]},
)
CANDIDATE_NOT_FOUND = error_response(
    "The panel (not found, deleted, or another organization's), or the candidate on it",
    "Candidate not found",
    {"candidate_uuid": ["Candidate not found"]},
)


def success_response(name: str, message: str, data: Any, example_data: Any) -> OpenApiResponse:
    example = {"success": True, "message": message}
    if example_data is not None:
        example["data"] = example_data
    return OpenApiResponse(
        envelope(name, data),
        examples=[OpenApiExample(message, value=example, response_only=True)],
    )

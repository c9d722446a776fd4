"""OpenAPI description of the bank operations (drf-spectacular), one set per resource.

The views render plain dicts (``reads.py``); the serializers here only describe that output.
``tests/bank/test_schema.py`` checks that they list exactly the fields the reads render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from ..api.fields import MAX_NAME_LENGTH
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
from ..models import Difficulty, QuestionKind
from .serializers import (
    MAX_BULK_ITEMS,
    BankCoverageSerializer,
    QuestionImportSerializer,
    bulk_serializer,
)

if TYPE_CHECKING:
    from .views import Resource

TAG = "Question bank"

# A UUID in a query string, as the FilterSets accept it (see panels/schema.py on `format: uuid`).
UUID_QUERY = {
    "type": "string",
    "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
}


# --- Output shapes ----------------------------------------------------------------------------


class BankRefSerializer(serializers.Serializer):
    """A parent entry: its UUID and name."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()


class CategorySerializer(serializers.Serializer):
    """A category; `organization` is null for a global one."""

    uuid = serializers.UUIDField()
    name = serializers.CharField()
    organization = serializers.UUIDField(allow_null=True)


class TopicSerializer(CategorySerializer):
    """A topic and its category."""

    category = BankRefSerializer()


class SubtopicSerializer(CategorySerializer):
    """A subtopic, its topic and its category."""

    topic = BankRefSerializer()
    category = BankRefSerializer()


class RubricDimensionSerializer(CategorySerializer):
    """A rubric dimension and its default weight."""

    description = serializers.CharField(allow_blank=True)
    weight = serializers.IntegerField(min_value=1)


class QuestionContentSerializer(serializers.Serializer):
    """What a question asks; `answer_key` only for Admin and HR (left out for members)."""

    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text = serializers.CharField()
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    points = serializers.IntegerField(min_value=1)
    expected_time_seconds = serializers.IntegerField(min_value=1)
    choices = serializers.ListField(child=serializers.CharField())
    answer_key = serializers.DictField(
        child=serializers.JSONField(), required=False, help_text="Admin and HR only."
    )
    rubric_weights = serializers.DictField(child=serializers.IntegerField(min_value=0))


class QuestionSerializer(QuestionContentSerializer):
    """A question of the bank, at its current version."""

    uuid = serializers.UUIDField()
    version = serializers.IntegerField(min_value=1)
    is_retired = serializers.BooleanField()
    subtopic = BankRefSerializer()
    topic = BankRefSerializer()
    category = BankRefSerializer()
    organization = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class QuestionVersionSerializer(QuestionContentSerializer):
    """One version of a question's content, as stored."""

    number = serializers.IntegerField(min_value=1)
    is_used = serializers.BooleanField()
    created_at = serializers.DateTimeField()


OUTPUT = {
    "category": CategorySerializer,
    "topic": TopicSerializer,
    "subtopic": SubtopicSerializer,
    "rubric_dimension": RubricDimensionSerializer,
    "question": QuestionSerializer,
}


# --- Parameters -------------------------------------------------------------------------------


def _search(max_length: int, what: str) -> OpenApiParameter:
    # No NUL: the database could not compare it (the FilterSet refuses it with a 400).
    return OpenApiParameter(
        "search",
        {"type": "string", "pattern": "^[^\\u0000]*$", "maxLength": max_length},
        OpenApiParameter.QUERY,
        description=f"Entries whose {what} contains this text, ignoring case.",
    )


def _uuid_filter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, UUID_QUERY, OpenApiParameter.QUERY, description=description)


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

FILTERS = {
    "category": [_search(MAX_NAME_LENGTH, "name")],
    "topic": [_search(MAX_NAME_LENGTH, "name"), _uuid_filter("category", "UUID of a category.")],
    "subtopic": [
        _search(MAX_NAME_LENGTH, "name"),
        _uuid_filter("topic", "UUID of a topic."),
        _uuid_filter("category", "UUID of a category."),
    ],
    "rubric_dimension": [_search(MAX_NAME_LENGTH, "name")],
    "question": [
        OpenApiParameter(
            "kind", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=QuestionKind.values
        ),
        OpenApiParameter(
            "difficulty", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=Difficulty.values
        ),
        _uuid_filter("category", "UUID of a category."),
        _uuid_filter("topic", "UUID of a topic."),
        _uuid_filter("subtopic", "UUID of a subtopic."),
        _search(MAX_NAME_LENGTH, "text"),
        OpenApiParameter(
            "retired",
            OpenApiTypes.BOOL,
            OpenApiParameter.QUERY,
            description="true: retired questions only; false (the default): live ones only.",
        ),
    ],
}


# --- Operations -------------------------------------------------------------------------------


def _errors(resource: Resource, *statuses: int) -> dict[int, Any]:
    message = f"{resource.label} not found"
    return error_responses(
        *statuses,
        not_found=error_response(
            "Not found, or another organization's", message, {resource.lookup: [message]}
        ),
    )


def _write_errors(resource: Resource, *statuses: int) -> dict[int, Any]:
    described = _errors(resource, *statuses)
    if 403 in described:
        message = "Global entries cannot be changed through the API"
        described[403] = error_response(
            "No organization, not Admin or HR, or a global entry", message, {"detail": [message]}
        )
    return described


def operations(resource: Resource) -> dict[str, Any]:
    """The ``extend_schema`` of each operation of ``resource``, keyed by action."""
    name, plural = resource.name, resource.plural
    label, labels = str(resource.label), str(resource.label_plural)
    output = OUTPUT[name]
    lookup = OpenApiParameter(
        resource.lookup, OpenApiTypes.UUID, OpenApiParameter.PATH, description=f"UUID of the {name}"
    )
    component = "".join(part.title() for part in name.split("_"))
    single = success_response(f"Bank{component}Response", f"{label} retrieved", output(), None)
    delete_text = (
        "Deletes a question no candidate's question set has used (no `data`). A used one is "
        "retired instead: it leaves future draws, past question sets keep it, "
        '`PATCH {"is_retired": false}` restores it, and the answer is the retired question.'
        if name == "question"
        else f"Deletes the {name}; a 400 when anything references it (docs/bank.md)."
    )
    described = {
        "list": extend_schema(
            operation_id=f"bank_{name}_list",
            summary=f"List {labels.lower()}",
            description=(
                f"A page of the {plural.replace('_', ' ')} the caller's organization may use: "
                "its own and the global ones."
            ),
            tags=[TAG],
            parameters=[*FILTERS[name], *PAGE_PARAMETERS, RETRY_AFTER_HEADER],
            responses={
                200: success_response(
                    f"Bank{component}ListResponse",
                    f"{labels} retrieved successfully",
                    inline_serializer(
                        name=f"Bank{component}List",
                        fields={plural: output(many=True), "pagination": PaginationSerializer()},
                    ),
                    None,
                ),
                **_errors(resource, 400, 401, 403, 429),
            },
        ),
        "create": extend_schema(
            operation_id=f"bank_{name}_create",
            summary=f"Create a {name.replace('_', ' ')}",
            description=f"A {name.replace('_', ' ')} of the caller's organization. Admin or HR.",
            tags=[TAG],
            parameters=[RETRY_AFTER_HEADER],
            request=resource.create_serializer,
            responses={
                201: success_response(
                    f"Bank{component}CreatedResponse", f"{label} created", output(), None
                ),
                **_errors(resource, 400, 401, 403, 404, 409, 415, 429, 503),
            },
        ),
        "bulk_create": extend_schema(
            operation_id=f"bank_{name}_bulk_create",
            summary=f"Create {labels.lower()} in bulk",
            description=(
                f"1 to {MAX_BULK_ITEMS} {plural.replace('_', ' ')}, all or none: one transaction. "
                "Element errors are keyed by index. Admin or HR."
            ),
            tags=[TAG],
            parameters=[RETRY_AFTER_HEADER],
            request=bulk_serializer(resource.create_serializer()),
            responses={
                201: success_response(
                    f"Bank{component}BulkResponse",
                    f"{labels} created",
                    inline_serializer(
                        name=f"Bank{component}BulkList", fields={plural: output(many=True)}
                    ),
                    None,
                ),
                **_errors(resource, 400, 401, 403, 404, 409, 415, 429, 503),
            },
        ),
        "retrieve": extend_schema(
            operation_id=f"bank_{name}_retrieve",
            summary=f"Get one {name.replace('_', ' ')}",
            description="Another organization's entry is a 404, like a missing one.",
            tags=[TAG],
            parameters=[lookup, RETRY_AFTER_HEADER],
            responses={200: single, **_errors(resource, 401, 403, 404, 429)},
        ),
        "partial_update": extend_schema(
            operation_id=f"bank_{name}_partial_update",
            summary=f"Update a {name.replace('_', ' ')}",
            description=(
                "A partial update; unknown fields are ignored. Global entries are read-only "
                "(403). Admin or HR."
            ),
            tags=[TAG],
            parameters=[lookup, RETRY_AFTER_HEADER],
            request=resource.update_serializer,
            responses={
                200: success_response(
                    f"Bank{component}UpdatedResponse", f"{label} updated", output(), None
                ),
                **_write_errors(resource, 400, 401, 403, 404, 409, 415, 429, 503),
            },
        ),
        "delete": extend_schema(
            operation_id=f"bank_{name}_delete",
            summary=(
                "Delete or retire a question"
                if name == "question"
                else f"Delete a {name.replace('_', ' ')}"
            ),
            description=f"{delete_text} Global entries are read-only (403). Admin or HR.",
            tags=[TAG],
            parameters=[lookup, RETRY_AFTER_HEADER],
            responses={
                200: success_response(
                    f"Bank{component}DeletedResponse",
                    f"{label} deleted",
                    output(required=False) if name == "question" else None,
                    None,
                ),
                **_write_errors(resource, 400, 401, 403, 404, 429, 503),
            },
        ),
    }
    if name == "question":
        described["versions"] = extend_schema(
            operation_id="bank_question_versions",
            summary="List a question's versions",
            description="Newest first. `answer_key` only for Admin and HR.",
            tags=[TAG],
            parameters=[lookup, RETRY_AFTER_HEADER],
            responses={
                200: success_response(
                    "BankQuestionVersionsResponse",
                    "Question versions retrieved",
                    inline_serializer(
                        name="BankQuestionVersionList",
                        fields={"versions": QuestionVersionSerializer(many=True)},
                    ),
                    None,
                ),
                **_errors(resource, 401, 403, 404, 429),
            },
        )
    _register_links(resource)
    return described


def _register_links(resource: Resource) -> None:
    name, parameter = resource.name, resource.lookup
    on_path = f"$request.path.{parameter}"
    targets = [f"bank_{name}_{op}" for op in ("retrieve", "partial_update", "delete")]
    LINKS.update(
        {
            (f"bank_{name}_create", "201"): links(parameter, "$response.body#/data/uuid", *targets),
            (f"bank_{name}_list", "200"): links(
                parameter, f"$response.body#/data/{resource.plural}/0/uuid", targets[0]
            ),
            (f"bank_{name}_partial_update", "200"): links(parameter, on_path, targets[0]),
            (f"bank_{name}_delete", "200"): links(parameter, on_path, *targets),
        }
    )


# --- Coverage before create (docs/coverage.md) --------------------------------------------------


TAG = "Question bank"


class DifficultyCoverageSerializer(serializers.Serializer):
    """One subtopic x difficulty: stock, demand and projected exposure."""

    available = serializers.IntegerField(
        min_value=0, help_text="Questions of the organization and global ones, not retired."
    )
    required = serializers.IntegerField(min_value=0, help_text="Questions each candidate draws.")
    short_by = serializers.IntegerField(
        min_value=0, help_text="`required` - `available` when positive, else 0."
    )
    exposure_mean = serializers.FloatField(
        min_value=0,
        allow_null=True,
        help_text=(
            "Candidates who would see each question, on average: candidates x required / "
            "available. 0 when nothing is required; null when the stock is short."
        ),
    )
    exposure_max = serializers.IntegerField(
        min_value=0,
        allow_null=True,
        help_text=(
            "Candidates who would see the most seen question with exposure-balanced draws: "
            "the mean rounded up. 0 when nothing is required; null when the stock is short."
        ),
    )


class DifficultiesCoverageSerializer(serializers.Serializer):
    """The coverage of each difficulty of one subtopic."""

    easy = DifficultyCoverageSerializer()
    medium = DifficultyCoverageSerializer()
    hard = DifficultyCoverageSerializer()


class SubtopicCoverageSerializer(serializers.Serializer):
    """The coverage of one distribution's subtopic."""

    topic_uuid = serializers.UUIDField()
    subtopic_uuid = serializers.UUIDField()
    subtopic_name = serializers.CharField()
    difficulties = DifficultiesCoverageSerializer()


class QuestionCoverageSerializer(serializers.Serializer):
    """The coverage of a panel's distributions, one entry per distribution in request order."""

    category = serializers.UUIDField()
    candidates = serializers.IntegerField(min_value=1)
    subtopics = SubtopicCoverageSerializer(many=True)
    sufficient = serializers.BooleanField(
        help_text="No subtopic x difficulty is short: a panel create with them would pass its "
        "stock check."
    )


REQUEST_EXAMPLE = {
    "category_uuid": "123e4567-e89b-12d3-a456-426614174000",
    "question_distributions": [
        {
            "topic_uuid": "123e4567-e89b-12d3-a456-426614174001",
            "subtopic_uuid": "123e4567-e89b-12d3-a456-426614174002",
            "easy": 2,
            "medium": 3,
            "hard": 1,
        }
    ],
    "candidates": 10,
}

RESPONSE_EXAMPLE = {
    "category": "123e4567-e89b-12d3-a456-426614174000",
    "candidates": 10,
    "subtopics": [
        {
            "topic_uuid": "123e4567-e89b-12d3-a456-426614174001",
            "subtopic_uuid": "123e4567-e89b-12d3-a456-426614174002",
            "subtopic_name": "Lists",
            "difficulties": {
                "easy": {
                    "available": 5,
                    "required": 2,
                    "short_by": 0,
                    "exposure_mean": 4.0,
                    "exposure_max": 4,
                },
                "medium": {
                    "available": 8,
                    "required": 3,
                    "short_by": 0,
                    "exposure_mean": 3.75,
                    "exposure_max": 4,
                },
                "hard": {
                    "available": 0,
                    "required": 1,
                    "short_by": 1,
                    "exposure_mean": None,
                    "exposure_max": None,
                },
            },
        }
    ],
    "sufficient": False,
}

coverage_schema = extend_schema(
    operation_id="bank_coverage",
    summary="Question coverage of planned distributions",
    description=(
        "Before creating a panel: per subtopic x difficulty of the distributions, how many "
        "questions the caller's organization may draw (its own and global ones, not retired), "
        "how many each candidate needs, how many are missing, and how many of `candidates` "
        "would see each question on average and at most with exposure-balanced draws "
        "(docs/coverage.md). The panel create checks its stock with the same numbers. Takes "
        "`category_uuid` and `question_distributions` exactly as the create does, and answers "
        "unknown or misplaced references the same way. Reads only. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    request=BankCoverageSerializer,
    examples=[OpenApiExample("Coverage request", value=REQUEST_EXAMPLE, request_only=True)],
    responses={
        200: success_response(
            "BankCoverageResponse",
            "Question coverage retrieved successfully",
            QuestionCoverageSerializer(),
            RESPONSE_EXAMPLE,
        ),
        400: error_response(
            "Invalid request data, or a topic or subtopic outside the chosen category",
            "Invalid request data",
            {"candidates": ["Ensure this value is less than or equal to 1000."]},
        ),
        **error_responses(
            401,
            403,
            404,
            415,
            429,
            not_found=error_response(
                "A category, topic or subtopic not found, or not visible to the organization",
                "Category not found",
                {"category_uuid": ["Category 123e4567-e89b-12d3-a456-426614174000 not found."]},
            ),
        ),
    },
)


# --- Import and export (docs/import-export.md) --------------------------------------------------


class ImportCreatedSerializer(serializers.Serializer):
    """What an import created (or, on a dry run, would create)."""

    categories = serializers.ListField(child=serializers.CharField())
    topics = serializers.ListField(child=serializers.CharField(), help_text="category/topic")
    subtopics = serializers.ListField(
        child=serializers.CharField(), help_text="category/topic/subtopic"
    )
    questions = serializers.IntegerField(min_value=0)


class ImportProblemSerializer(serializers.Serializer):
    """A question of the file that cannot be mapped, and why."""

    location = serializers.CharField(help_text='"line 12" (GIFT) or "question 3 (name)" (XML).')
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    """The report of ``bank.imports.import_questions``."""

    dry_run = serializers.BooleanField()
    imported = serializers.BooleanField()
    created = ImportCreatedSerializer()
    skipped_existing = serializers.IntegerField(
        min_value=0, help_text="Questions already in their subtopic with the same text."
    )
    problems = ImportProblemSerializer(many=True)


IMPORT_REPORT_EXAMPLE = {
    "dry_run": False,
    "imported": True,
    "created": {
        "categories": ["Backend"],
        "topics": ["Backend/Databases"],
        "subtopics": ["Backend/Databases/Indexes"],
        "questions": 5,
    },
    "skipped_existing": 0,
    "problems": [],
}

import_schema = extend_schema(
    operation_id="bank_import",
    summary="Import questions from a Moodle XML or GIFT file",
    description=(
        "A multipart upload: `file`; optional `file_format` (default: moodle_xml for a file "
        "name ending in .xml, else gift), `default_difficulty` (for questions whose file gives "
        "none) and `dry_run`. "
        "Category paths become categories, topics and subtopics (the organization's own or "
        "global ones of the same name are reused); a question its subtopic already holds with "
        "the same text is skipped, so importing a file twice creates nothing new. All or "
        "nothing: any question that cannot be mapped is a 400 listing each with its line or "
        "position, and nothing is written. `dry_run=true` answers 200 with the same report "
        "and writes nothing. Admin or HR only (docs/import-export.md)."
    ),
    tags=[TAG],
    parameters=[RETRY_AFTER_HEADER],
    request={"multipart/form-data": QuestionImportSerializer},
    responses={
        200: success_response(
            "BankImportCheckedResponse",
            "Import checked; nothing was written (dry run)",
            ImportReportSerializer(),
            {**IMPORT_REPORT_EXAMPLE, "dry_run": True, "imported": False},
        ),
        201: success_response(
            "BankImportedResponse",
            "Questions imported successfully",
            ImportReportSerializer(),
            IMPORT_REPORT_EXAMPLE,
        ),
        400: error_response(
            "Invalid request, a file that is not one of the format, or questions that cannot "
            "be mapped (nothing was imported)",
            "Nothing was imported: the file has questions that cannot be mapped",
            {"file": ["line 12: Matching questions are not supported."]},
        ),
        **error_responses(401, 403, 409, 415, 429, 503),
    },
)

export_schema = extend_schema(
    operation_id="bank_export",
    summary="Export the organization's questions as a Moodle XML or GIFT file",
    description=(
        "The caller's organization's own questions that are not retired, each as its current "
        "version, as a file download (`Content-Disposition: attachment`). Importing it into "
        "an organization with an empty bank gives the same questions. Admin or HR only."
    ),
    tags=[TAG],
    parameters=[
        OpenApiParameter(
            "file_format",
            str,
            OpenApiParameter.QUERY,
            enum=["moodle_xml", "gift"],
            description="The file format; default moodle_xml.",
        ),
        RETRY_AFTER_HEADER,
    ],
    responses={
        (200, "application/xml"): OpenApiTypes.BINARY,
        (200, "text/plain"): OpenApiTypes.BINARY,
        400: error_response(
            "An unknown file format",
            "Invalid request data",
            {"file_format": ['"csv" is not a valid choice.']},
        ),
        **error_responses(401, 403, 429, 503),
    },
)

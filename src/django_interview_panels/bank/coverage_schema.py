"""OpenAPI description of the coverage operation (drf-spectacular).

The view renders plain dicts (``coverage_views.represent_coverage``); the serializers here only
describe that output. ``tests/bank/test_coverage.py`` keeps the two in step.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers

from ..api.schema import RETRY_AFTER_HEADER, error_response, error_responses, success_response
from .coverage_serializers import BankCoverageSerializer

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

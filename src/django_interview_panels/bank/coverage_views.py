"""``POST bank/coverage/``: the question coverage of planned distributions, before a create."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.response import Response

from ..api.permissions import IsOrganizationManager
from ..api.responses import success
from ..api.schema import on_app_schema
from ..api.views import OrganizationAPIView
from ..models import Category
from . import coverage
from .coverage_schema import coverage_schema
from .coverage_serializers import BankCoverageSerializer


class CoverageView(OrganizationAPIView):
    """``POST bank/coverage/``: managers plan panels, so only they ask (as for the create)."""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(coverage_schema)
    def post(self, request: Request) -> Response:
        serializer = BankCoverageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        category, found = coverage.coverage_for_request(
            organization=self.actor.organization,
            category_uuid=data["category_uuid"],
            distributions=data["question_distributions"],
            candidates=data["candidates"],
        )
        return success(
            _("Question coverage retrieved successfully"), represent_coverage(category, found)
        )


def represent_coverage(category: Category, found: coverage.Coverage) -> dict[str, Any]:
    """The response's ``data``; never touches the database (subtopics carry their topic)."""
    return {
        "category": str(category.uuid),
        "candidates": found.candidates,
        "subtopics": [
            {
                "topic_uuid": str(entry.subtopic.topic.uuid),
                "subtopic_uuid": str(entry.subtopic.uuid),
                "subtopic_name": entry.subtopic.name,
                "difficulties": {
                    difficulty: {
                        "available": cell.available,
                        "required": cell.required,
                        "short_by": cell.short_by,
                        "exposure_mean": cell.exposure_mean,
                        "exposure_max": cell.exposure_max,
                    }
                    for difficulty, cell in entry.difficulties.items()
                },
            }
            for entry in found.subtopics
        ],
        "sufficient": found.sufficient,
    }

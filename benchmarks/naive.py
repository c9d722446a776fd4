"""The naive baseline: the list as a typical first DRF implementation would serve it.

Nested ModelSerializers over a plain queryset, with no ``select_related`` or
``prefetch_related`` (each panel then queries its organization, category, distributions and
candidates, and each distribution and assignment its topic, subtopic or candidate), DRF's
stdlib JSON renderer and no pagination. The body's ``interview_panels`` equals the app's.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from django_interview_panels.models import (
    InterviewPanel,
    Membership,
    PanelCandidate,
    QuestionDistribution,
)


class NaiveCandidateSerializer(serializers.ModelSerializer):
    """The spec's Candidate object."""

    candidate_uuid = serializers.UUIDField(source="candidate.uuid")
    candidate_name = serializers.CharField(source="candidate.name")
    candidate_email = serializers.CharField(source="candidate.email")

    class Meta:
        model = PanelCandidate
        fields = [
            "uuid",
            "candidate_uuid",
            "candidate_name",
            "candidate_email",
            "token",
            "token_expires_at",
            "score",
        ]


class NaiveDistributionSerializer(serializers.ModelSerializer):
    """The spec's Question Distribution object."""

    category = serializers.CharField(source="panel.category.name")
    topic = serializers.CharField(source="topic.name")
    subtopic = serializers.CharField(source="subtopic.name")
    total = serializers.IntegerField()

    class Meta:
        model = QuestionDistribution
        fields = ["uuid", "category", "topic", "subtopic", "easy", "medium", "hard", "total"]


class NaivePanelSerializer(serializers.ModelSerializer):
    """The spec's Interview Panel object."""

    is_active = serializers.SerializerMethodField()
    organization = serializers.UUIDField(source="organization.uuid")
    question_distributions = NaiveDistributionSerializer(many=True)
    candidates = NaiveCandidateSerializer(many=True)

    class Meta:
        model = InterviewPanel
        fields = [
            "uuid",
            "name",
            "description",
            "total_number_of_questions",
            "start_datetime",
            "end_datetime",
            "is_active",
            "organization",
            "created_at",
            "updated_at",
            "question_distributions",
            "candidates",
        ]

    def get_is_active(self, panel: InterviewPanel) -> bool:
        return panel.end_datetime > timezone.now()


class NaivePanelListView(APIView):
    """``GET bench/naive/``: every panel of the caller's organization, newest first."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    def get(self, request: Request) -> Response:
        organization = Membership.objects.get(user=request.user).organization
        panels = InterviewPanel.objects.filter(organization=organization, is_deleted=False)
        data: dict[str, Any] = {"interview_panels": NaivePanelSerializer(panels, many=True).data}
        return Response(
            {"success": True, "message": "Interview panels retrieved successfully", "data": data}
        )

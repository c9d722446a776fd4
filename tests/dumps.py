"""Row dumps for before/after comparisons in the security tests: nothing changed means equal dumps.

They read through the configured models and settings, so they work under both configurations.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from django_interview_panels.conf import app_settings
from django_interview_panels.models import (
    Category,
    InterviewPanel,
    PanelCandidate,
    Question,
    QuestionDistribution,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
    get_candidate_model,
)


def rows(queryset: QuerySet) -> list[dict[str, Any]]:
    """Every column of every row, in primary key order."""
    return list(queryset.order_by("pk").values())


def organization_dump(organization: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row the app keeps for ``organization``: panels and their parts, bank, candidates."""
    candidates = get_candidate_model()._default_manager.filter(
        **{app_settings.CANDIDATE_ORGANIZATION_FIELD: organization}
    )
    return {
        "panels": rows(InterviewPanel.objects.filter(organization=organization)),
        "distributions": rows(
            QuestionDistribution.objects.filter(panel__organization=organization)
        ),
        "assignments": rows(PanelCandidate.objects.filter(panel__organization=organization)),
        "categories": rows(Category.objects.filter(organization=organization)),
        "topics": rows(Topic.objects.filter(organization=organization)),
        "subtopics": rows(Subtopic.objects.filter(organization=organization)),
        "questions": rows(Question.objects.filter(organization=organization)),
        "question_versions": rows(
            QuestionVersion.objects.filter(question__organization=organization)
        ),
        "rubric_dimensions": rows(RubricDimension.objects.filter(organization=organization)),
        "candidates": rows(candidates),
    }


def panels_dump() -> dict[str, list[dict[str, Any]]]:
    """Every panel, distribution and candidate assignment of every organization."""
    return {
        "panels": rows(InterviewPanel.objects.all()),
        "distributions": rows(QuestionDistribution.objects.all()),
        "assignments": rows(PanelCandidate.objects.all()),
    }


def organization_identifiers(organization: Any) -> set[str]:
    """Every public identifier and token of ``organization``'s data, as it would appear in JSON."""
    uuid_field = app_settings.ORGANIZATION_UUID_FIELD
    candidate_uuid_field = app_settings.CANDIDATE_UUID_FIELD
    candidates = get_candidate_model()._default_manager.filter(
        **{app_settings.CANDIDATE_ORGANIZATION_FIELD: organization}
    )
    assignments = PanelCandidate.objects.filter(panel__organization=organization)
    values: set[str] = {str(getattr(organization, uuid_field))}
    values |= {str(c) for c in candidates.values_list(candidate_uuid_field, flat=True)}
    for model in (InterviewPanel, Category, Topic, Subtopic, Question, RubricDimension):
        values |= {
            str(u)
            for u in model.objects.filter(organization=organization).values_list("uuid", flat=True)
        }
    values |= {
        str(u)
        for u in QuestionDistribution.objects.filter(panel__organization=organization).values_list(
            "uuid", flat=True
        )
    }
    values |= {str(u) for u in assignments.values_list("uuid", flat=True)}
    values |= set(assignments.values_list("token", flat=True))
    return values

"""Builders for test data that work under both model configurations.

The default configuration uses the app's Organization/Candidate/Membership; the swapped one uses
``tests.hostapp`` (user.organization, user.role, Candidate.owner). Tests call these functions
and never touch either set of models directly, so every test runs under both.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token

from django_interview_panels.models import (
    Category,
    Difficulty,
    InterviewPanel,
    Membership,
    Question,
    Subtopic,
    Topic,
    get_candidate_model,
    get_organization_model,
)
from django_interview_panels.panels import services

SWAPPED = settings.INTERVIEW_PANELS_ORGANIZATION_MODEL != "interview_panels.Organization"
_seq = itertools.count(1)


def make_organization(name: str | None = None) -> Any:
    name = name or f"Org {next(_seq)}"
    field = "title" if SWAPPED else "name"
    return get_organization_model().objects.create(**{field: name})


def organization_uuid(organization: Any) -> str:
    return str(organization.public_id if SWAPPED else organization.uuid)


def make_user(organization: Any | None = None, role: str | None = None, **extra: Any) -> Any:
    """A user in ``organization`` with ``role`` (None: no organization / no role)."""
    username = extra.pop("username", f"user{next(_seq)}")
    user_model = get_user_model()
    if SWAPPED:
        from tests.hostapp.models import Role

        role_obj = None
        if role:
            # The row of exactly this name: on MariaDB/MySQL ``name=`` also matches "Admin" for
            # "admin" or "Admin " (the column's _ci collation).
            same = [found for found in Role.objects.filter(name=role) if found.name == role]
            role_obj = same[0] if same else Role.objects.create(name=role)
        return user_model.objects.create_user(
            username=username, password="pw", organization=organization, role=role_obj, **extra
        )
    user = user_model.objects.create_user(username=username, password="pw", **extra)
    if organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role or "Member")
    return user


def make_token(user: Any) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def make_candidate(organization: Any, name: str | None = None, email: str | None = None) -> Any:
    name = name or f"Candidate {next(_seq)}"
    email = email or f"{name.lower().replace(' ', '.')}@example.com"
    if SWAPPED:
        first, _, last = name.partition(" ")
        return get_candidate_model().objects.create(
            owner=organization, first_name=first, last_name=last, email_address=email
        )
    return get_candidate_model().objects.create(organization=organization, name=name, email=email)


def make_candidates(organization: Any, count: int) -> list[Any]:
    """``count`` candidates of ``organization`` in one bulk insert (for tests that need many)."""
    model = get_candidate_model()
    numbers = [next(_seq) for _ in range(count)]
    if SWAPPED:
        rows = [
            model(
                owner=organization,
                first_name="Candidate",
                last_name=str(n),
                email_address=f"candidate.{n}@example.com",
            )
            for n in numbers
        ]
    else:
        rows = [
            model(
                organization=organization, name=f"Candidate {n}", email=f"candidate.{n}@example.com"
            )
            for n in numbers
        ]
    return model.objects.bulk_create(rows)


def candidate_name(candidate: Any) -> str:
    if SWAPPED:
        return f"{candidate.first_name} {candidate.last_name}"
    return candidate.name


def candidate_email(candidate: Any) -> str:
    return candidate.email_address if SWAPPED else candidate.email


def candidate_uuid(candidate: Any) -> str:
    return str(candidate.public_id if SWAPPED else candidate.uuid)


def make_bank(
    organization: Any | None,
    *,
    topics: int = 2,
    subtopics: int = 1,
    questions: int = 5,
    name: str | None = None,
) -> Category:
    """A category (of ``organization``, or global with None) with topics, subtopics, questions."""
    category = Category.objects.create(
        organization=organization, name=name or f"Category {next(_seq)}"
    )
    for t in range(topics):
        topic = Topic.objects.create(
            organization=organization, category=category, name=f"{category.name} topic {t + 1}"
        )
        for s in range(subtopics):
            subtopic = Subtopic.objects.create(
                organization=organization, topic=topic, name=f"{topic.name} subtopic {s + 1}"
            )
            Question.objects.bulk_create(
                Question(
                    organization=organization,
                    subtopic=subtopic,
                    difficulty=difficulty,
                    text=f"{subtopic.name} {difficulty} question {n + 1}",
                )
                for difficulty in Difficulty.values
                for n in range(questions)
            )
    return category


def first_subtopics(category: Category) -> list[Subtopic]:
    """One subtopic per topic of ``category``, in a stable order."""
    return [
        topic.subtopics.order_by("id").first() for topic in category.topics.order_by("id").all()
    ]


def future(hours: float = 24) -> dt.datetime:
    return timezone.now() + dt.timedelta(hours=hours)


def iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def panel_payload(
    category: Category,
    candidates: list[Any] = (),
    *,
    counts: tuple[int, int, int] = (1, 1, 1),
    **overrides: Any,
) -> dict[str, Any]:
    """A valid create request: every topic's first subtopic with ``counts`` easy/medium/hard."""
    distributions = [
        {
            "topic_uuid": str(subtopic.topic.uuid),
            "subtopic_uuid": str(subtopic.uuid),
            "easy": counts[0],
            "medium": counts[1],
            "hard": counts[2],
        }
        for subtopic in first_subtopics(category)
    ]
    payload = {
        "name": "Python Developer Interview",
        "description": "Technical interview",
        "total_number_of_questions": sum(counts) * len(distributions),
        "start_datetime": iso(future(1)),
        "end_datetime": iso(future(10)),
        "category_uuid": str(category.uuid),
        "question_distributions": distributions,
        "candidate_uuids": [candidate_uuid(c) for c in candidates],
    }
    payload.update(overrides)
    return payload


def make_panel(
    organization: Any,
    category: Category,
    candidates: list[Any] = (),
    created_by: Any | None = None,
    **overrides: Any,
) -> InterviewPanel:
    """A panel created through the service layer, exactly as the API would create it."""
    from django_interview_panels.panels.serializers import PanelCreateSerializer

    payload = panel_payload(category, candidates, **overrides)
    serializer = PanelCreateSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    return services.create_panel(
        organization=organization, created_by=created_by, data=serializer.validated_data
    )

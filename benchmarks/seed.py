"""Benchmark data, written with ``bulk_create``: one organization per list size, one for creates."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from django_interview_panels.models import (
    Candidate,
    Category,
    Difficulty,
    InterviewPanel,
    Membership,
    Organization,
    PanelCandidate,
    Question,
    QuestionDistribution,
    Subtopic,
    Topic,
)

BATCH = 2000


@dataclass(frozen=True)
class Seeded:
    """An organization with an HR user (and its API token) and a category of the bank."""

    organization: Any
    user: Any
    token: str
    category: Category
    subtopics: list[Subtopic]
    candidates: list[Any]


def _organization(label: str, topics: int, questions: int, candidates: int) -> Seeded:
    organization = Organization.objects.create(name=f"Benchmark {label}")
    user = get_user_model().objects.create_user(username=f"hr-{label}", password="unused")
    Membership.objects.create(user=user, organization=organization, role="HR")
    token = Token.objects.create(user=user).key
    category = Category.objects.create(organization=organization, name=f"Category {label}")
    topic_rows = Topic.objects.bulk_create(
        Topic(organization=organization, category=category, name=f"Topic {n + 1}")
        for n in range(topics)
    )
    subtopics = Subtopic.objects.bulk_create(
        Subtopic(organization=organization, topic=topic, name=f"{topic.name} subtopic")
        for topic in topic_rows
    )
    Question.objects.bulk_create(
        (
            Question(
                organization=organization,
                subtopic=subtopic,
                difficulty=difficulty,
                text=f"{subtopic.name} {difficulty} question {n + 1}",
            )
            for subtopic in subtopics
            for difficulty in Difficulty.values
            for n in range(questions)
        ),
        batch_size=BATCH,
    )
    people = Candidate.objects.bulk_create(
        (
            Candidate(
                organization=organization,
                name=f"Candidate {label}-{n + 1}",
                email=f"candidate.{label}.{n + 1}@example.com",
            )
            for n in range(candidates)
        ),
        batch_size=BATCH,
    )
    return Seeded(organization, user, token, category, subtopics, people)


def seed_list_organization(panels: int, distributions: int, candidates: int) -> Seeded:
    """``panels`` panels, each with ``distributions`` distributions and its own candidates."""
    seeded = _organization(f"list-{panels}", distributions, 0, panels * candidates)
    now = timezone.now()
    rows = InterviewPanel.objects.bulk_create(
        (
            InterviewPanel(
                organization=seeded.organization,
                name=f"Panel {n + 1}",
                description="Technical interview for a Python developer position",
                total_number_of_questions=distributions * 3,
                start_datetime=now + dt.timedelta(days=1),
                end_datetime=now + dt.timedelta(days=1, hours=8),
                category=seeded.category,
                created_by=seeded.user,
            )
            for n in range(panels)
        ),
        batch_size=BATCH,
    )
    QuestionDistribution.objects.bulk_create(
        (
            QuestionDistribution(
                panel=panel,
                topic_id=subtopic.topic_id,
                subtopic=subtopic,
                easy=1,
                medium=1,
                hard=1,
            )
            for panel in rows
            for subtopic in seeded.subtopics
        ),
        batch_size=BATCH,
    )
    PanelCandidate.objects.bulk_create(
        (
            PanelCandidate(
                panel=panel,
                candidate=seeded.candidates[n * candidates + c],
                token=secrets.token_urlsafe(32),
                token_expires_at=panel.end_datetime,
            )
            for n, panel in enumerate(rows)
            for c in range(candidates)
        ),
        batch_size=BATCH,
    )
    _analyze()
    # Tens of thousands of candidate instances kept alive would make every full garbage
    # collection during the timed requests walk them too, which a server would not.
    return replace(seeded, candidates=[])


def seed_create_organization(distributions: int, candidates: int) -> Seeded:
    """An organization with a bank of ``distributions`` subtopics and ``candidates`` people."""
    seeded = _organization("create", distributions, 1, candidates)
    _analyze()
    return seeded


def _analyze() -> None:
    # Fresh planner statistics, as autovacuum would gather after a bulk load: without them
    # PostgreSQL plans the list's queries for empty tables.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

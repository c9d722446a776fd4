"""Fixtures of the interview tests: a panel open now, its candidates' tokens and clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from django_interview_panels.models import PanelCandidate
from tests import factories

INTERVIEW = "/api/panel/interview/"


def token_client(token: str | None) -> APIClient:
    """A client that sends ``token`` the way candidates do: in the X-Interview-Token header."""
    client = APIClient()
    if token is not None:
        client.credentials(HTTP_X_INTERVIEW_TOKEN=token)
    return client


def open_panel(tenant: Any, **overrides: Any) -> Any:
    """A panel of ``tenant`` that started an hour ago and ends in ten, with its three candidates."""
    now = timezone.now()
    return factories.make_panel(
        tenant.organization,
        tenant.category,
        tenant.candidates,
        start_datetime=factories.iso(now - dt.timedelta(hours=1)),
        end_datetime=factories.iso(now + dt.timedelta(hours=10)),
        **overrides,
    )


@pytest.fixture
def panel(tenant: Any) -> Any:
    return open_panel(tenant)


@pytest.fixture
def assignments(panel: Any) -> list[PanelCandidate]:
    return list(PanelCandidate.objects.filter(panel=panel).order_by("id"))


@pytest.fixture
def candidate(assignments: list[PanelCandidate]) -> APIClient:
    """The first candidate's client."""
    return token_client(assignments[0].token)


def kinds_panel(tenant: Any, **overrides: Any) -> Any:
    """An open panel of five easy questions, one of each kind (answer keys as in
    tests/bank/conftest.py), so every set holds all five."""
    from django_interview_panels.models import Category, Subtopic, Topic
    from tests.bank.conftest import QUESTION_BODIES, make_question

    organization = tenant.organization
    category = Category.objects.create(organization=organization, name="Kinds")
    topic = Topic.objects.create(organization=organization, category=category, name="All kinds")
    subtopic = Subtopic.objects.create(organization=organization, topic=topic, name="Each kind")
    for kind in QUESTION_BODIES:
        make_question(organization, subtopic, kind, difficulty="easy")
    now = timezone.now()
    return factories.make_panel(
        organization,
        category,
        tenant.candidates,
        counts=(5, 0, 0),
        start_datetime=factories.iso(now - dt.timedelta(hours=1)),
        end_datetime=factories.iso(now + dt.timedelta(hours=10)),
        **overrides,
    )

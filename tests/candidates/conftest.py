"""Fixtures and helpers of the candidate-management tests: a panel open now with the tenant's
three candidates, the paths, and a candidate taking their interview through the API."""

from __future__ import annotations

from typing import Any

import pytest

from django_interview_panels.models import PanelCandidate
from tests import factories
from tests.interviews.conftest import INTERVIEW, open_panel, token_client

CANDIDATES = "/api/panel/candidates/"
PANEL_NOT_FOUND = {"interview_panel_uuid": ["Interview panel not found"]}
CANDIDATE_NOT_FOUND = {"candidate_uuid": ["Candidate not found"]}

__all__ = ["INTERVIEW", "open_panel", "token_client"]


def list_url(panel: Any) -> str:
    return f"{CANDIDATES}{panel.uuid}/"


def one_url(panel: Any, candidate: Any) -> str:
    return f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(candidate)}/"


def token_url(panel: Any, candidate: Any) -> str:
    return f"{one_url(panel, candidate)}token/"


def assignments_of(panel: Any) -> list[PanelCandidate]:
    return list(PanelCandidate.objects.filter(panel=panel).order_by("id"))


@pytest.fixture
def panel(tenant: Any) -> Any:
    return open_panel(tenant)


@pytest.fixture
def assignments(panel: Any) -> list[PanelCandidate]:
    return assignments_of(panel)


def start(assignment: PanelCandidate) -> list[dict[str, Any]]:
    """Start the candidate's interview over the API; the items as the candidate sees them."""
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code in (200, 201), response.json()
    return response.json()["data"]["items"]


def save(token: str, item_uuid: str, answer: Any = "lists are mutable") -> Any:
    return token_client(token).put(
        f"{INTERVIEW}answers/{item_uuid}/", {"answer": answer}, format="json"
    )

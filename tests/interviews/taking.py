"""Helpers of the review and results tests: candidates who take their interview through the API,
reviewers, and rubric dimensions."""

from __future__ import annotations

from typing import Any

from django_interview_panels.models import PanelCandidate, RubricDimension
from tests import factories
from tests.conftest import client_for

from .conftest import INTERVIEW, token_client

REVIEWS = "/api/panel/reviews/"
RESULTS = "/api/panel/results/"
REVIEWER_ROLE = "Reviewer"


def allow_reviewer_role(settings: Any) -> None:
    """``REVIEWER_ROLES = ("Reviewer",)`` on top of this configuration's settings."""
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "REVIEWER_ROLES": (REVIEWER_ROLE,),
    }


def reviewer_client(tenant: Any, settings: Any) -> Any:
    """A client of a user of ``tenant`` whose role is a configured reviewer role."""
    allow_reviewer_role(settings)
    return client_for(factories.make_user(tenant.organization, REVIEWER_ROLE))


def assignments_of(panel: Any) -> list[PanelCandidate]:
    return list(PanelCandidate.objects.filter(panel=panel).order_by("id"))


def start(assignment: PanelCandidate) -> list[dict[str, Any]]:
    """Start the candidate's interview; the items as the candidate sees them."""
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code in (200, 201), response.json()
    return response.json()["data"]["items"]


def take(
    assignment: PanelCandidate,
    capture: Any,
    answer: Any = "lists are mutable",
) -> list[dict[str, Any]]:
    """Start, answer every item (``answer``: a value, or a function of the item) and submit,
    running the evaluation task that the submit enqueues."""
    client = token_client(assignment.token)
    items = start(assignment)
    for item in items:
        body = {"answer": answer(item) if callable(answer) else answer}
        response = client.put(f"{INTERVIEW}answers/{item['uuid']}/", body, format="json")
        assert response.status_code == 200, response.json()
    with capture(execute=True):
        response = client.post(f"{INTERVIEW}submit/")
    assert response.status_code == 200, response.json()
    return items


def make_dimensions(organization: Any) -> tuple[RubricDimension, RubricDimension]:
    """Two rubric dimensions of ``organization``: Technical (weight 3), Communication (1)."""
    return (
        RubricDimension.objects.create(organization=organization, name="Technical", weight=3),
        RubricDimension.objects.create(organization=organization, name="Communication", weight=1),
    )

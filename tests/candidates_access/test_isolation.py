"""Every access, invitation and erasure endpoint, for every role: another organization's panel
is a 404 as a missing one, a member a 403, no credentials a 401; and each runs a number of
queries that does not grow with the panel's candidates."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_interview_panels.models import PanelCandidate
from tests import factories
from tests.conftest import client_for
from tests.interviews.conftest import open_panel, token_client

from .test_access import CANDIDATES, first

# (method, path suffix, body)
OPERATIONS = {
    "access get": ("get", "access/", None),
    "access patch": ("patch", "access/", {"extra_minutes": 5}),
    "invitation": ("post", "invitation/", None),
    "erase": ("post", "erase/", None),
}


def call(client, operation: str, panel_uuid, candidate_uuid):
    method, suffix, body = OPERATIONS[operation]
    url = f"{CANDIDATES}{panel_uuid}/{candidate_uuid}/{suffix}"
    return getattr(client, method)(url, body, format="json")


def unchanged(assignment: PanelCandidate) -> None:
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.candidate_id == assignment.candidate_id
    assert stored.token == assignment.token and stored.extra_minutes == 0
    assert stored.invitations_sent == 0 and stored.removed_at is None


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_another_organizations_panel_is_a_404_like_a_missing_one(tenant, other_tenant, operation):
    panel = open_panel(tenant)
    assignment = first(panel)
    outsider = client_for(other_tenant.hr)
    foreign = call(outsider, operation, panel.uuid, factories.candidate_uuid(assignment.candidate))
    missing = call(
        outsider, operation, uuid.uuid4(), factories.candidate_uuid(assignment.candidate)
    )
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert foreign.json()["errors"] == {"interview_panel_uuid": ["Interview panel not found"]}
    unchanged(assignment)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_candidate_of_another_panel_is_a_404(tenant, other_tenant, hr_client, operation):
    panel = open_panel(tenant)
    elsewhere = first(open_panel(other_tenant))
    response = call(hr_client, operation, panel.uuid, factories.candidate_uuid(elsewhere.candidate))
    assert response.status_code == 404
    assert response.json()["errors"] == {"candidate_uuid": ["Candidate not found"]}
    malformed = call(hr_client, operation, panel.uuid, "not-a-uuid")
    assert malformed.status_code == 404
    unchanged(elsewhere)


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", ["member", "loner", "anonymous", "candidate"])
def test_only_managers_may_act(tenant, loner, operation, role):
    panel = open_panel(tenant)
    assignment = first(panel)
    client = {
        "member": lambda: client_for(tenant.member),
        "loner": lambda: client_for(loner),
        "anonymous": lambda: client_for(None),
        "candidate": lambda: token_client(assignment.token),
    }[role]()
    response = call(client, operation, panel.uuid, factories.candidate_uuid(assignment.candidate))
    assert response.status_code == (403 if role in ("member", "loner") else 401)
    body = response.json()
    assert body["success"] is False and "token" not in str(body)
    unchanged(assignment)


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", ["hr", "admin"])
def test_managers_may_act(tenant, operation, role):
    panel = open_panel(tenant)
    assignment = first(panel)
    client = client_for(tenant.hr if role == "hr" else tenant.admin)
    response = call(client, operation, panel.uuid, factories.candidate_uuid(assignment.candidate))
    assert response.status_code in (200, 202), response.json()
    assert assignment.token not in response.content.decode()


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_queries_do_not_grow_with_the_panels_candidates(tenant, hr_client, operation):
    def queries(candidates: int) -> int:
        people = [factories.make_candidate(tenant.organization) for _ in range(candidates)]
        panel = open_panel(tenant, candidate_uuids=[factories.candidate_uuid(c) for c in people])
        assignment = first(panel)
        with CaptureQueriesContext(connection) as captured:
            response = call(
                hr_client, operation, panel.uuid, factories.candidate_uuid(assignment.candidate)
            )
        assert response.status_code in (200, 202), response.json()
        return len(captured)

    assert queries(1) == queries(40)

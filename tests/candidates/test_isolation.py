"""Every candidate-management endpoint x every kind of caller: only Admin and HR of the panel's
organization get in; a member, a reviewer, a user without an organization, a candidate's token
and anonymous callers never see a row (nor a token)."""

from __future__ import annotations

import pytest

from django_interview_panels.models import InterviewPanel, PanelCandidate
from tests import factories
from tests.conftest import client_for
from tests.interviews.taking import reviewer_client

from .conftest import PANEL_NOT_FOUND, list_url, one_url, token_client, token_url

pytestmark = pytest.mark.django_db

ENDPOINTS = ["list", "add", "one", "remove", "rotate"]


def call(client, endpoint, panel, candidate, newcomer):
    if endpoint == "list":
        return client.get(list_url(panel))
    if endpoint == "add":
        body = {"candidate_uuids": [factories.candidate_uuid(newcomer)]}
        return client.post(list_url(panel), body, format="json")
    if endpoint == "one":
        return client.get(one_url(panel, candidate))
    if endpoint == "remove":
        return client.delete(one_url(panel, candidate))
    return client.post(token_url(panel, candidate))


def assert_unchanged(panel, assignments):
    now = list(PanelCandidate.objects.filter(panel=panel).order_by("id"))
    assert [(a.pk, a.token, a.removed_at) for a in now] == [
        (a.pk, a.token, a.removed_at) for a in assignments
    ]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["admin", "hr"])
def test_managers_of_the_organization_get_in(panel, tenant, assignments, endpoint, role):
    client = client_for(getattr(tenant, role))
    response = call(
        client, endpoint, panel, tenant.candidates[0], factories.make_candidate(tenant.organization)
    )
    assert response.status_code in (200, 201), response.json()
    assert response.json()["success"] is True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("caller", ["anonymous", "candidate", "bad-bearer"])
def test_unauthenticated_callers_are_401(panel, tenant, assignments, endpoint, caller):
    client = {
        "anonymous": client_for(None),
        "candidate": token_client(assignments[0].token),
        "bad-bearer": client_for(None),
    }[caller]
    if caller == "bad-bearer":
        client.credentials(HTTP_AUTHORIZATION="Bearer nope")
    response = call(
        client, endpoint, panel, tenant.candidates[0], factories.make_candidate(tenant.organization)
    )
    assert response.status_code == 401
    assert set(response.json()) == {"success", "message", "errors"}
    assert assignments[0].token not in response.content.decode()
    assert_unchanged(panel, assignments)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("caller", ["member", "reviewer", "loner"])
def test_non_managers_are_403_and_see_no_token(
    panel, tenant, assignments, loner, settings, endpoint, caller
):
    if caller == "member":
        client = client_for(tenant.member)
    elif caller == "reviewer":
        client = reviewer_client(tenant, settings)
    else:
        client = client_for(loner)
    response = call(
        client, endpoint, panel, tenant.candidates[0], factories.make_candidate(tenant.organization)
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert all(a.token not in body for a in assignments)
    assert response.json()["success"] is False
    assert_unchanged(panel, assignments)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_another_organizations_panel_is_the_panel_404(
    panel, tenant, other_tenant, assignments, endpoint
):
    client = client_for(other_tenant.hr)
    response = call(client, endpoint, panel, tenant.candidates[0], other_tenant.candidates[0])
    assert response.status_code == 404
    assert response.json()["errors"] == PANEL_NOT_FOUND
    assert_unchanged(panel, assignments)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_deleted_panel_is_the_panel_404(panel, tenant, assignments, hr_client, endpoint):
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)
    response = call(
        hr_client,
        endpoint,
        panel,
        tenant.candidates[0],
        factories.make_candidate(tenant.organization),
    )
    assert response.status_code == 404
    assert response.json()["errors"] == PANEL_NOT_FOUND


@pytest.mark.parametrize(
    "path",
    [
        "/api/panel/candidates/not-a-uuid/",
        "/api/panel/candidates/123E4567-E89B-12D3-A456-42661417400/",
        "/api/panel/candidates/00000000-0000-4000-8000-000000000000/",
    ],
    ids=["junk", "short", "unknown"],
)
def test_a_malformed_or_unknown_panel_is_the_panel_404(db, tenant, hr_client, path):
    response = hr_client.get(path)
    assert response.status_code == 404
    assert response.json()["errors"] == PANEL_NOT_FOUND


@pytest.mark.parametrize("endpoint", ["one", "remove", "rotate"])
def test_another_organizations_candidate_on_our_panel_path_is_the_candidate_404(
    panel, tenant, other_tenant, hr_client, endpoint
):
    response = call(hr_client, endpoint, panel, other_tenant.candidates[0], None)
    assert response.status_code == 404
    assert response.json()["errors"] == {"candidate_uuid": ["Candidate not found"]}


def test_a_malformed_candidate_path_is_the_candidate_404(panel, hr_client):
    for suffix in ("nope/", "nope/token/"):
        response = (
            hr_client.post(f"{list_url(panel)}{suffix}")
            if suffix.endswith("token/")
            else hr_client.get(f"{list_url(panel)}{suffix}")
        )
        assert response.status_code == 404
        assert response.json()["errors"] == {"candidate_uuid": ["Candidate not found"]}


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", ""), ("patch", ""), ("get", "token/"), ("delete", "token/")],
    ids=["put", "patch", "get-token", "delete-token"],
)
def test_other_methods_are_405_in_the_envelope(panel, tenant, hr_client, method, path):
    response = getattr(hr_client, method)(f"{one_url(panel, tenant.candidates[0])}{path}")
    assert response.status_code == 405
    assert response.json()["success"] is False

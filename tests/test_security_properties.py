"""API3:2023 Broken Object Property Level Authorization: mass assignment and excessive exposure.

Server-owned properties sent in a create or update are never stored, and the candidates' tokens
never reach a caller who does not manage panels, in any response of any endpoint.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from django_interview_panels.models import InterviewPanel, PanelCandidate, QuestionDistribution
from tests import factories
from tests.conftest import client_for
from tests.dumps import rows
from tests.spec_fields import CANDIDATE_FIELDS, DISTRIBUTION_FIELDS, PANEL_FIELDS

pytestmark = pytest.mark.django_db

MOMENT = dt.datetime(2031, 3, 1, 12, tzinfo=dt.UTC)
ATTACKER_TOKEN = "attacker-chosen-token-attacker-chosen-token"


def server_owned(other_tenant) -> dict:
    """Properties a client may try to set: all of them belong to the server."""
    return {
        "organization": other_tenant.uuid,
        "organization_id": other_tenant.organization.pk,
        "is_active": False,
        "is_deleted": True,
        "deleted_at": "2000-01-01T00:00:00Z",
        "created_by": other_tenant.admin.pk,
        "created_by_id": other_tenant.admin.pk,
        "uuid": str(uuid.uuid4()),
        "id": 1,
        "pk": 1,
        "token": ATTACKER_TOKEN,
        "score": 100,
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
        "category": other_tenant.category.pk,
        "category_id": other_tenant.category.pk,
    }


def test_create_stores_none_of_the_server_owned_properties(tenant, other_tenant, hr_client):
    sent = server_owned(other_tenant)
    with time_machine.travel(MOMENT, tick=False):
        payload = {**factories.panel_payload(tenant.category, tenant.candidates), **sent}
        for distribution in payload["question_distributions"]:
            distribution.update(uuid=str(uuid.uuid4()), total=999, panel=1, category="x")
        payload["candidates"] = [
            {"candidate_uuid": factories.candidate_uuid(c), "token": ATTACKER_TOKEN, "score": 100}
            for c in tenant.candidates
        ]

        response = hr_client.post("/api/panel/create/", payload, format="json")

    assert response.status_code == 201, response.json()
    panel = InterviewPanel.objects.get(uuid=response.json()["data"]["uuid"])
    assert str(panel.uuid) != sent["uuid"]
    assert panel.organization == tenant.organization
    assert panel.category == tenant.category
    assert panel.created_by == tenant.hr
    assert (panel.is_deleted, panel.deleted_at) == (False, None)
    assert panel.created_at == panel.updated_at == MOMENT
    distributions = QuestionDistribution.objects.filter(panel=panel)
    assert not {str(d.uuid) for d in distributions} & {
        d["uuid"] for d in payload["question_distributions"]
    }
    assert {d.total for d in distributions} == {3}
    assignments = PanelCandidate.objects.filter(panel=panel)
    assert assignments.count() == 3
    assert ATTACKER_TOKEN not in set(assignments.values_list("token", flat=True))
    assert set(assignments.values_list("score", flat=True)) == {0}
    assert response.json()["data"]["is_active"] is True


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_stores_none_of_the_server_owned_properties(tenant, other_tenant, hr_client, method):
    with time_machine.travel(MOMENT - dt.timedelta(hours=1), tick=False):
        panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    before = {
        "panel": rows(InterviewPanel.objects.filter(pk=panel.pk)),
        "distributions": rows(QuestionDistribution.objects.filter(panel=panel)),
        "assignments": rows(PanelCandidate.objects.filter(panel=panel)),
    }
    payload = {
        **server_owned(other_tenant),
        "name": "Renamed",
        "total_number_of_questions": 99,
        "category_uuid": str(other_tenant.category.uuid),
        "question_distributions": [],
        "candidate_uuids": [],
        "candidates": [{"token": ATTACKER_TOKEN, "score": 100}],
    }

    with time_machine.travel(MOMENT, tick=False):
        response = getattr(hr_client, method)(
            f"/api/panel/update/{panel.uuid}/", payload, format="json"
        )

    assert response.status_code == 200, response.json()
    after = {
        "panel": rows(InterviewPanel.objects.filter(pk=panel.pk)),
        "distributions": rows(QuestionDistribution.objects.filter(panel=panel)),
        "assignments": rows(PanelCandidate.objects.filter(panel=panel)),
    }
    assert after["panel"][0]["name"] == "Renamed"
    assert after["panel"][0]["updated_at"] == MOMENT
    for row in (before["panel"][0], after["panel"][0]):
        del row["name"], row["updated_at"]
    assert after == before


def every_response_to(client, panel, other_panel) -> list:
    """One request of every endpoint and method, at an own, a foreign and a malformed panel."""
    responses = [client.get("/api/panel/get/"), client.options("/api/panel/get/")]
    for target in (panel.uuid, other_panel.uuid, "not-a-uuid"):
        responses += [
            client.get(f"/api/panel/get/{target}/"),
            client.put(f"/api/panel/update/{target}/", {"name": "x"}, format="json"),
            client.patch(f"/api/panel/update/{target}/", {"end_datetime": "x"}, format="json"),
            client.delete(f"/api/panel/delete/{target}/"),
            client.post(f"/api/panel/get/{target}/"),
        ]
    payload = factories.panel_payload(panel.category, [a.candidate for a in panel.candidates.all()])
    responses.append(client.post("/api/panel/create/", payload, format="json"))
    return responses


@pytest.mark.parametrize("who", ["member", "no_org", "anonymous", "other_manager"])
def test_no_response_to_a_non_manager_contains_a_token(tenant, other_tenant, loner, who):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    other_panel = factories.make_panel(
        other_tenant.organization, other_tenant.category, other_tenant.candidates
    )
    tokens = set(PanelCandidate.objects.values_list("token", flat=True))
    user = {
        "member": tenant.member,
        "no_org": loner,
        "anonymous": None,
        "other_manager": other_tenant.hr,
    }[who]

    responses = every_response_to(client_for(user), panel, other_panel)

    own_tokens = (
        set(other_panel.candidates.values_list("token", flat=True))
        if who == "other_manager"
        else set()
    )
    assert len(tokens) == 6
    assert len(responses) == 18
    for response in responses:
        text = response.content.decode() + str(response.headers)
        assert {token for token in tokens - own_tokens if token in text} == set()


def test_member_reads_show_null_tokens_and_only_the_spec_fields(tenant, member_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    listed = member_client.get("/api/panel/get/").json()["data"]["interview_panels"]
    detail = member_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]

    for data in (listed[0], detail):
        assert set(data) == PANEL_FIELDS
        assert [set(d) for d in data["question_distributions"]] == [DISTRIBUTION_FIELDS] * 2
        assert [set(c) for c in data["candidates"]] == [CANDIDATE_FIELDS] * 3
        assert [c["token"] for c in data["candidates"]] == [None] * 3

"""PUT/PATCH /api/panel/update/<uuid>/ and DELETE /api/panel/delete/<uuid>/."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.panels import services
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def update_url(panel_or_uuid) -> str:
    return f"/api/panel/update/{getattr(panel_or_uuid, 'uuid', panel_or_uuid)}/"


def delete_url(panel_or_uuid) -> str:
    return f"/api/panel/delete/{getattr(panel_or_uuid, 'uuid', panel_or_uuid)}/"


@pytest.fixture
def panel(tenant):
    return factories.make_panel(tenant.organization, tenant.category, tenant.candidates)


def snapshot(panel: InterviewPanel) -> dict:
    """Every stored column of the panel and its assignments."""
    row = InterviewPanel.objects.filter(pk=panel.pk).values().get()
    assignments = list(PanelCandidate.objects.filter(panel=panel).order_by("pk").values())
    return {"panel": row, "candidates": assignments}


# --- update ---------------------------------------------------------------------------------


def test_update_changes_the_given_fields_only(panel, hr_client):
    response = hr_client.put(update_url(panel), {"name": "Renamed"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Interview panel updated successfully"
    assert body["data"]["name"] == "Renamed"
    assert body["data"]["description"] == panel.description
    panel.refresh_from_db()
    assert panel.name == "Renamed"


def test_update_accepts_patch_too(panel, admin_client):
    response = admin_client.patch(update_url(panel), {"description": ""}, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["description"] == ""


def test_update_of_all_four_fields(panel, hr_client):
    start, end = factories.future(48), factories.future(56)
    payload = {
        "name": "New",
        "description": "New description",
        "start_datetime": factories.iso(start),
        "end_datetime": factories.iso(end),
    }

    data = hr_client.put(update_url(panel), payload, format="json").json()["data"]

    assert {key: data[key] for key in payload} == payload
    assert data["updated_at"] > data["created_at"]


def test_moving_end_moves_every_token_expiry(panel, hr_client):
    new_end = factories.future(72)

    data = hr_client.put(
        update_url(panel), {"end_datetime": factories.iso(new_end)}, format="json"
    ).json()["data"]

    assert {c["token_expires_at"] for c in data["candidates"]} == {factories.iso(new_end)}
    stored = set(
        PanelCandidate.objects.filter(panel=panel).values_list("token_expires_at", flat=True)
    )
    assert stored == {new_end}


def test_start_after_stored_end_is_400(panel, hr_client):
    late_start = panel.end_datetime + dt.timedelta(hours=1)

    response = hr_client.put(
        update_url(panel), {"start_datetime": factories.iso(late_start)}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "end_datetime": ["end_datetime must be after start_datetime."]
    }
    before = panel.start_datetime
    panel.refresh_from_db()
    assert panel.start_datetime == before


def test_end_before_stored_start_is_400(panel, hr_client):
    early_end = panel.start_datetime - dt.timedelta(minutes=1)

    response = hr_client.put(
        update_url(panel), {"end_datetime": factories.iso(early_end)}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["end_datetime"]


def test_end_moved_into_the_past_is_400(tenant, hr_client):
    with time_machine.travel(factories.future(-48), tick=False):
        panel = factories.make_panel(
            tenant.organization,
            tenant.category,
            start_datetime=factories.iso(factories.future(-1)),
            end_datetime=factories.iso(factories.future(100)),
        )

    response = hr_client.put(
        update_url(panel), {"end_datetime": factories.iso(factories.future(-1))}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"end_datetime": ["end_datetime must be in the future."]}


def test_naive_datetime_in_update_is_400(panel, hr_client):
    naive = factories.future(30).replace(tzinfo=None).isoformat()

    response = hr_client.put(update_url(panel), {"end_datetime": naive}, format="json")

    assert response.status_code == 400
    assert "no time zone offset" in response.json()["errors"]["end_datetime"][0]


@pytest.mark.parametrize(
    "payload",
    [{"name": ""}, {"name": None}, {"name": "x" * 256}, {"description": None}, {"name": ["x"]}],
    ids=["blank", "null", "too-long", "null-description", "list"],
)
def test_invalid_update_values_are_400_and_change_nothing(panel, hr_client, payload):
    before = snapshot(panel)

    response = hr_client.put(update_url(panel), payload, format="json")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert snapshot(panel) == before


@pytest.mark.parametrize("body", ["{name: 1}", "null", "[]"])
def test_update_body_that_is_not_a_json_object_is_400(panel, hr_client, body):
    before = snapshot(panel)

    response = hr_client.put(update_url(panel), body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["success"] is False
    assert snapshot(panel) == before


def test_ended_panel_cannot_be_updated(panel, hr_client):
    before = snapshot(panel)
    with time_machine.travel(panel.end_datetime, tick=False):
        response = hr_client.put(update_url(panel), {"name": "Too late"}, format="json")

    assert response.status_code == 400
    assert response.json()["message"] == "Inactive interview panel cannot be updated"
    assert snapshot(panel) == before


def test_fields_that_are_not_updatable_are_ignored(panel, tenant, other_tenant, hr_client):
    before = snapshot(panel)
    payload = {
        "organization": other_tenant.uuid,
        "is_active": False,
        "is_deleted": True,
        "total_number_of_questions": 99,
        "uuid": str(uuid.uuid4()),
        "created_by": other_tenant.admin.pk,
        "created_at": "2000-01-01T00:00:00Z",
        "token": "stolen",
        "score": 100,
        "candidates": [{"token": "x", "score": 5}],
        "question_distributions": [],
    }

    response = hr_client.put(update_url(panel), payload, format="json")

    assert response.status_code == 200
    after = snapshot(panel)
    before["panel"].pop("updated_at")
    after["panel"].pop("updated_at")
    assert after == before
    assert response.json()["data"]["is_active"] is True


def test_member_update_is_403_and_changes_nothing(panel, member_client):
    before = snapshot(panel)

    response = member_client.put(update_url(panel), {"name": "Hijack"}, format="json")

    assert response.status_code == 403
    assert response.json()["message"] == "User is not Admin or HR"
    assert snapshot(panel) == before


def test_update_of_another_organizations_panel_is_404_like_a_missing_one(panel, other_tenant):
    client = client_for(other_tenant.hr)
    before = snapshot(panel)

    foreign = client.put(update_url(panel), {"name": "Hijack"}, format="json")
    missing = client.put(update_url(uuid.uuid4()), {"name": "Hijack"}, format="json")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert snapshot(panel) == before


def test_update_of_a_malformed_uuid_is_404(hr_client, tenant):
    response = hr_client.put("/api/panel/update/nope/", {"name": "x"}, format="json")

    assert response.status_code == 404
    assert response.json()["message"] == "Interview panel not found"


def test_update_of_a_deleted_panel_is_404(panel, hr_client):
    services.delete_panel(organization=panel.organization, panel_uuid=panel.uuid)

    response = hr_client.put(update_url(panel), {"name": "Back"}, format="json")

    assert response.status_code == 404
    panel.refresh_from_db()
    assert panel.is_deleted is True


def test_update_by_anonymous_is_401_and_without_organization_is_403(panel, anon_client, loner):
    assert anon_client.put(update_url(panel), {"name": "x"}, format="json").status_code == 401
    assert client_for(loner).put(update_url(panel), {"name": "x"}, format="json").status_code == 403


# --- delete ---------------------------------------------------------------------------------


def test_delete_answers_the_spec_envelope_and_soft_deletes(panel, hr_client):
    response = hr_client.delete(delete_url(panel))

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Interview panel deleted successfully"}
    panel.refresh_from_db()
    assert panel.is_deleted is True
    assert panel.deleted_at is not None
    assert PanelCandidate.objects.filter(panel=panel).count() == 3


def test_deleted_panel_is_gone_from_every_endpoint(panel, hr_client):
    hr_client.delete(delete_url(panel))

    assert hr_client.get(f"/api/panel/get/{panel.uuid}/").status_code == 404
    assert hr_client.get("/api/panel/get/").json()["data"]["interview_panels"] == []
    assert hr_client.put(update_url(panel), {"name": "x"}, format="json").status_code == 404
    assert hr_client.delete(delete_url(panel)).status_code == 404


def test_delete_makes_the_candidates_tokens_invalid(panel, hr_client):
    tokens = list(panel.candidates.values_list("token", flat=True))
    assert all(services.find_assignment_by_token(token) for token in tokens)

    hr_client.delete(delete_url(panel))

    assert [services.find_assignment_by_token(token) for token in tokens] == [None] * 3


def test_tokens_are_valid_until_the_panel_ends(panel):
    token = panel.candidates.first().token

    with time_machine.travel(panel.end_datetime - dt.timedelta(seconds=1), tick=False):
        assert services.find_assignment_by_token(token).panel == panel
    with time_machine.travel(panel.end_datetime, tick=False):
        assert services.find_assignment_by_token(token) is None
    assert services.find_assignment_by_token("wrong-token") is None
    assert services.find_assignment_by_token("") is None


def test_member_delete_is_403_and_deletes_nothing(panel, member_client):
    response = member_client.delete(delete_url(panel))

    assert response.status_code == 403
    panel.refresh_from_db()
    assert panel.is_deleted is False


def test_delete_of_another_organizations_panel_is_404_like_a_missing_one(panel, other_tenant):
    client = client_for(other_tenant.admin)

    foreign = client.delete(delete_url(panel))
    missing = client.delete(delete_url(uuid.uuid4()))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    panel.refresh_from_db()
    assert panel.is_deleted is False


def test_delete_of_a_malformed_uuid_is_404(hr_client, tenant):
    response = hr_client.delete("/api/panel/delete/12345/")

    assert response.status_code == 404
    assert response.json()["errors"] == {"interview_panel_uuid": ["Interview panel not found"]}


def test_delete_by_anonymous_is_401_and_without_organization_is_403(panel, anon_client, loner):
    assert anon_client.delete(delete_url(panel)).status_code == 401
    assert client_for(loner).delete(delete_url(panel)).status_code == 403
    panel.refresh_from_db()
    assert panel.is_deleted is False


# --- methods --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/panel/create/"),
        ("put", "/api/panel/create/"),
        ("post", "/api/panel/get/"),
        ("delete", "/api/panel/get/00000000-0000-0000-0000-000000000000/"),
        ("post", "/api/panel/update/00000000-0000-0000-0000-000000000000/"),
        ("get", "/api/panel/delete/00000000-0000-0000-0000-000000000000/"),
    ],
)
def test_unsupported_methods_are_405_in_the_envelope(hr_client, tenant, method, url):
    response = getattr(hr_client, method)(url)

    assert response.status_code == 405
    body = response.json()
    assert body["success"] is False
    assert body["message"] == f'Method "{method.upper()}" not allowed.'

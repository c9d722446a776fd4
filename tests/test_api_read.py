"""GET /api/panel/get/ and GET /api/panel/get/<uuid>/: scope, order, tokens, read-time is_active."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_interview_panels.models import InterviewPanel
from tests import factories
from tests.conftest import client_for

LIST_URL = "/api/panel/get/"

pytestmark = pytest.mark.django_db


def detail_url(panel_or_uuid) -> str:
    return f"/api/panel/get/{getattr(panel_or_uuid, 'uuid', panel_or_uuid)}/"


def listed_uuids(client) -> list[str]:
    response = client.get(LIST_URL)
    assert response.status_code == 200, response.json()
    return [panel["uuid"] for panel in response.json()["data"]["interview_panels"]]


def test_list_answers_the_spec_envelope(tenant, member_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    response = member_client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"success", "message", "data"}
    assert body["success"] is True
    assert body["message"] == "Interview panels retrieved successfully"
    assert list(body["data"]) == ["interview_panels", "pagination"]
    assert [p["uuid"] for p in body["data"]["interview_panels"]] == [str(panel.uuid)]


def test_list_of_an_organization_without_panels_is_empty(tenant, member_client):
    assert listed_uuids(member_client) == []


def test_list_is_newest_first(tenant, hr_client):
    start = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    created = []
    for day in range(3):
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            created.append(
                factories.make_panel(
                    tenant.organization,
                    tenant.category,
                    start_datetime=factories.iso(start + dt.timedelta(days=10)),
                    end_datetime=factories.iso(start + dt.timedelta(days=11)),
                )
            )

    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        assert listed_uuids(hr_client) == [str(p.uuid) for p in reversed(created)]


def test_list_breaks_created_at_ties_by_newest_insert(tenant, hr_client):
    moment = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        first = factories.make_panel(tenant.organization, tenant.category)
        second = factories.make_panel(tenant.organization, tenant.category)
        assert first.created_at == second.created_at

        assert listed_uuids(hr_client) == [str(second.uuid), str(first.uuid)]


def test_list_never_shows_another_organizations_panels(tenant, other_tenant, hr_client):
    own = factories.make_panel(tenant.organization, tenant.category)
    factories.make_panel(other_tenant.organization, other_tenant.category)

    assert listed_uuids(hr_client) == [str(own.uuid)]


def test_list_leaves_out_soft_deleted_panels(tenant, hr_client):
    kept = factories.make_panel(tenant.organization, tenant.category)
    gone = factories.make_panel(tenant.organization, tenant.category)
    InterviewPanel.objects.filter(pk=gone.pk).update(is_deleted=True)

    assert listed_uuids(hr_client) == [str(kept.uuid)]


def test_detail_answers_the_spec_envelope(tenant, member_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    response = member_client.get(detail_url(panel))

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["message"] == "Interview panel retrieved successfully"
    assert body["data"]["uuid"] == str(panel.uuid)
    assert body["data"]["organization"] == tenant.uuid
    assert len(body["data"]["question_distributions"]) == 2
    assert len(body["data"]["candidates"]) == 3


def test_detail_and_list_show_the_same_panel_object(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    detail = hr_client.get(detail_url(panel)).json()["data"]
    listed = hr_client.get(LIST_URL).json()["data"]["interview_panels"][0]

    assert detail == listed


@pytest.mark.parametrize("role", ["admin", "hr"])
def test_managers_see_tokens(tenant, role):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    client = client_for(getattr(tenant, role))

    candidates = client.get(detail_url(panel)).json()["data"]["candidates"]

    tokens = set(panel.candidates.values_list("token", flat=True))
    assert {c["token"] for c in candidates} == tokens


def test_members_see_null_tokens_in_detail_and_list(tenant, member_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    detail = member_client.get(detail_url(panel)).json()["data"]["candidates"]
    listed = member_client.get(LIST_URL).json()["data"]["interview_panels"][0]["candidates"]

    assert [c["token"] for c in detail] == [None, None, None]
    assert [c["token"] for c in listed] == [None, None, None]
    assert all(c["token_expires_at"] for c in detail)


def test_another_organizations_panel_is_404_like_a_missing_one(tenant, other_tenant, hr_client):
    foreign = factories.make_panel(other_tenant.organization, other_tenant.category)

    foreign_response = hr_client.get(detail_url(foreign))
    missing_response = hr_client.get(detail_url(uuid.uuid4()))

    assert foreign_response.status_code == missing_response.status_code == 404
    assert foreign_response.content == missing_response.content
    assert foreign_response.json() == {
        "success": False,
        "message": "Interview panel not found",
        "errors": {"interview_panel_uuid": ["Interview panel not found"]},
    }


@pytest.mark.parametrize("value", ["not-a-uuid", "123", "0" * 40, "%00", "'%20OR%201=1"])
def test_malformed_uuid_is_404_in_the_envelope(tenant, hr_client, value):
    response = hr_client.get(f"/api/panel/get/{value}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"] == "Interview panel not found"


def test_soft_deleted_panel_is_404(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category)
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)

    assert hr_client.get(detail_url(panel)).status_code == 404


@pytest.mark.parametrize("url", [LIST_URL, "/api/panel/get/00000000-0000-0000-0000-000000000000/"])
def test_anonymous_read_is_401(anon_client, url):
    response = anon_client.get(url)

    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response.json()["message"] == "Authentication credentials were not provided."


@pytest.mark.parametrize("url", [LIST_URL, "/api/panel/get/00000000-0000-0000-0000-000000000000/"])
def test_user_without_organization_read_is_403(loner, url):
    response = client_for(loner).get(url)

    assert response.status_code == 403
    assert response.json() == {
        "success": False,
        "message": "User must belong to an organization",
        "errors": {"detail": ["User must belong to an organization"]},
    }


def test_panel_turns_inactive_at_end_without_any_write(tenant, hr_client):
    start = dt.datetime(2030, 6, 1, 9, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=8)
    with time_machine.travel(start - dt.timedelta(days=1), tick=False):
        panel = factories.make_panel(
            tenant.organization,
            tenant.category,
            start_datetime=factories.iso(start),
            end_datetime=factories.iso(end),
        )

    def is_active_at(moment: dt.datetime) -> tuple[bool, bool]:
        with (
            time_machine.travel(moment, tick=False),
            CaptureQueriesContext(connection) as queries,
        ):
            detail = hr_client.get(detail_url(panel)).json()["data"]["is_active"]
            listed = hr_client.get(LIST_URL).json()["data"]["interview_panels"][0]["is_active"]
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == []
        return detail, listed

    assert is_active_at(end - dt.timedelta(seconds=1)) == (True, True)
    assert is_active_at(end) == (False, False)
    assert is_active_at(end + dt.timedelta(days=1)) == (False, False)
    panel.refresh_from_db()
    assert panel.updated_at == panel.created_at


def test_reads_run_a_fixed_number_of_queries(tenant, hr_client):
    def count_queries(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert hr_client.get(url).status_code == 200
        return len(queries)

    first = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    small = (count_queries(LIST_URL), count_queries(detail_url(first)))
    for _ in range(4):
        factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    assert (count_queries(LIST_URL), count_queries(detail_url(first))) == small

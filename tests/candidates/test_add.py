"""POST candidates/<panel>/: add candidates in bulk, with the panel create's rules."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from django_interview_panels import signals
from django_interview_panels.models import InterviewPanel, PanelCandidate
from tests import factories

from .conftest import INTERVIEW, list_url, one_url, open_panel, token_client

pytestmark = pytest.mark.django_db


def add(client, panel, candidates):
    uuids = [factories.candidate_uuid(c) if not isinstance(c, str) else c for c in candidates]
    return client.post(list_url(panel), {"candidate_uuids": uuids}, format="json")


def test_added_candidates_get_tokens_until_the_panel_end(panel, tenant, hr_client):
    newcomers = factories.make_candidates(tenant.organization, 2)

    response = add(hr_client, panel, newcomers)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["message"] == "Candidates added successfully"
    added = body["data"]
    assert [row["candidate_uuid"] for row in added] == [
        factories.candidate_uuid(c) for c in newcomers
    ]
    assert {row["status"] for row in added} == {"invited"}
    stored = {a.token: a for a in PanelCandidate.objects.filter(panel=panel)}
    for row in added:
        assert row["token"] in stored
        assert stored[row["token"]].token_expires_at == panel.end_datetime
        assert row["token_expires_at"] == factories.iso(panel.end_datetime)
    # The new token opens the interview.
    assert token_client(added[0]["token"]).get(INTERVIEW).status_code == 200
    # And the panel responses list them.
    detail = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]
    assert len(detail["candidates"]) == 5


def test_every_candidate_must_be_the_organizations(panel, tenant, other_tenant, hr_client):
    ours = factories.make_candidate(tenant.organization)
    theirs = other_tenant.candidates[0]
    unknown = "00000000-0000-4000-8000-000000000001"

    response = add(hr_client, panel, [ours, theirs, unknown])

    assert response.status_code == 404
    body = response.json()
    assert body["message"] == "Candidate not found"
    assert body["errors"] == {
        "candidate_uuids": {
            "1": [f"Candidate {factories.candidate_uuid(theirs)} not found."],
            "2": [f"Candidate {unknown} not found."],
        }
    }
    assert PanelCandidate.objects.filter(panel=panel).count() == 3


def test_a_candidate_listed_twice_is_400_as_at_create(panel, tenant, hr_client):
    newcomer = factories.make_candidate(tenant.organization)
    response = add(hr_client, panel, [newcomer, newcomer])
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "candidate_uuids": [
            f"Candidate {factories.candidate_uuid(newcomer)} is listed more than once."
        ]
    }


def test_already_assigned_and_removed_candidates_are_400_naming_them(panel, tenant, hr_client):
    assert hr_client.delete(one_url(panel, tenant.candidates[1])).status_code == 200
    newcomer = factories.make_candidate(tenant.organization)

    response = add(hr_client, panel, [newcomer, tenant.candidates[0], tenant.candidates[1]])

    assert response.status_code == 400
    first, second = (factories.candidate_uuid(c) for c in tenant.candidates[:2])
    assert response.json()["errors"] == {
        "candidate_uuids": {
            "1": [f"Candidate {first} is already assigned to this interview panel."],
            "2": [
                f"Candidate {second} was removed from this interview panel and cannot be "
                "added again."
            ],
        }
    }
    # All or nothing: the newcomer was not added either.
    assert not PanelCandidate.objects.filter(panel=panel, candidate=newcomer).exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"candidate_uuids": []},
        {"candidate_uuids": "not a list"},
        {"candidate_uuids": ["not-a-uuid"]},
        {"candidate_uuids": [None]},
        [],
    ],
    ids=["missing", "empty", "string", "bad-uuid", "null", "array-body"],
)
def test_malformed_bodies_are_400_in_the_envelope(panel, hr_client, body):
    response = hr_client.post(list_url(panel), body, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert payload["success"] is False
    assert set(payload) == {"success", "message", "errors"}


def test_a_non_json_body_is_415(panel, hr_client):
    response = hr_client.post(list_url(panel), "x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["success"] is False


def test_the_per_panel_cap_counts_the_candidates_already_there(panel, tenant, hr_client, settings):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MAX_CANDIDATES_PER_PANEL": 4,
    }
    newcomers = factories.make_candidates(tenant.organization, 2)

    too_many = add(hr_client, panel, newcomers)
    over_the_field_cap = add(hr_client, panel, factories.make_candidates(tenant.organization, 5))
    one_more = add(hr_client, panel, newcomers[:1])

    assert too_many.status_code == 400
    assert too_many.json()["errors"]["candidate_uuids"] == [
        "An interview panel holds at most 4 candidates (removed ones included): it has 3, "
        "and 2 more would make 5."
    ]
    assert over_the_field_cap.status_code == 400
    assert over_the_field_cap.json()["errors"]["candidate_uuids"] == [
        "Ensure this field has no more than 4 elements."
    ]
    assert one_more.status_code == 201
    assert PanelCandidate.objects.filter(panel=panel).count() == 4


def test_a_panel_that_has_ended_takes_no_candidates(panel, tenant, hr_client):
    InterviewPanel.objects.filter(pk=panel.pk).update(
        start_datetime=timezone.now() - dt.timedelta(hours=3),
        end_datetime=timezone.now() - dt.timedelta(hours=1),
    )
    response = add(hr_client, panel, [factories.make_candidate(tenant.organization)])
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "interview_panel_uuid": ["Candidates cannot be added to an interview panel that has ended."]
    }


def test_adding_sends_candidate_added_after_commit_and_writes_an_audit_line(
    panel, tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.candidate_added.connect(receiver)
    newcomers = factories.make_candidates(tenant.organization, 2)
    try:
        with caplog.at_level(logging.INFO, logger="django_interview_panels"):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                response = add(hr_client, panel, newcomers)
            assert response.status_code == 201
            assert received == []  # nothing before the commit
            for callback in callbacks:
                callback()
    finally:
        signals.candidate_added.disconnect(receiver)

    assert [r["assignment"].candidate_id for r in received] == [c.pk for c in newcomers]
    assert all(r["panel"].pk == panel.pk and r["actor"] == tenant.hr for r in received)
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == "django_interview_panels" and "candidates added" in r.getMessage()
    ]
    assert len(lines) == 1
    assert f"panel={panel.uuid}" in lines[0]
    assert f"organization={tenant.uuid}" in lines[0]
    assert f"user={tenant.hr.pk}" in lines[0]
    for candidate in newcomers:
        assert factories.candidate_uuid(candidate) in lines[0]


def test_a_refused_add_sends_nothing_and_logs_nothing(
    panel, tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.candidate_added.connect(receiver)
    try:
        with (
            caplog.at_level(logging.INFO, logger="django_interview_panels"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = add(
                hr_client,
                panel,
                [factories.make_candidate(tenant.organization), tenant.candidates[0]],
            )
    finally:
        signals.candidate_added.disconnect(receiver)
    assert response.status_code == 400
    assert received == []
    assert not [r for r in caplog.records if "candidates added" in r.getMessage()]


def test_the_panel_create_sends_candidate_added_for_each_candidate(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    signals.candidate_added.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = hr_client.post(
                "/api/panel/create/",
                factories.panel_payload(tenant.category, tenant.candidates),
                format="json",
            )
    finally:
        signals.candidate_added.disconnect(receiver)
    assert response.status_code == 201
    assert [kwargs["assignment"].candidate_id for _s, kwargs in received] == [
        c.pk for c in tenant.candidates
    ]
    assert {sender for sender, _k in received} == {PanelCandidate}
    assert {kwargs["actor"] for _s, kwargs in received} == {tenant.hr}


def test_a_second_panel_of_the_same_candidates_is_independent(tenant, hr_client):
    first = open_panel(tenant)
    second = open_panel(tenant, candidate_uuids=[])
    response = add(hr_client, second, tenant.candidates)
    assert response.status_code == 201
    assert PanelCandidate.objects.filter(panel=first).count() == 3
    assert PanelCandidate.objects.filter(panel=second).count() == 3


def test_the_candidates_are_looked_up_with_the_organization_instance(
    panel, tenant, hr_client, monkeypatch
):
    # As the create does: with a CANDIDATE_ORGANIZATION_FIELD foreign key that uses `to_field`
    # (say the organization's UUID) the pk would be compared with that column and the
    # organization's own candidates would not be found. The real lookup runs; this only records
    # what it was given.
    from django_interview_panels.models import get_organization_model
    from django_interview_panels.panels import services as panel_services

    real = panel_services.candidates_by_uuid
    given = []

    def recording(organization, uuids):
        given.append(organization)
        return real(organization, uuids)

    monkeypatch.setattr(panel_services, "candidates_by_uuid", recording)
    newcomer = factories.make_candidate(tenant.organization)

    response = add(hr_client, panel, [newcomer])

    assert response.status_code == 201, response.json()
    assert len(given) == 1
    assert isinstance(given[0], get_organization_model())
    assert given[0] == tenant.organization

"""When an attempt may start, its deadline, and what happens at and after it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from django_interview_panels.models import Attempt, AttemptItem, PanelCandidate
from tests import factories

from .conftest import INTERVIEW, open_panel, token_client


def _client(panel):
    return token_client(PanelCandidate.objects.filter(panel=panel).first().token)


def test_a_panel_that_has_not_started_refuses_a_start_with_a_409(tenant):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    client = _client(panel)
    response = client.post(f"{INTERVIEW}start/")
    assert response.status_code == 409
    assert response.json()["message"] == "The interview has not started yet."
    overview = client.get(INTERVIEW).json()["data"]
    assert overview["state"] == "not_started"
    assert overview["can_start"] is False
    assert overview["panel"]["start_datetime"] == factories.iso(panel.start_datetime)


def test_the_deadline_is_the_start_plus_the_time_limit_when_earlier_than_the_end(tenant):
    panel = open_panel(tenant, time_limit_minutes=30)
    data = _client(panel).post(f"{INTERVIEW}start/").json()["data"]
    started = dt.datetime.fromisoformat(data["started_at"])
    assert dt.datetime.fromisoformat(data["deadline"]) == started + dt.timedelta(minutes=30)
    assert 29 * 60 <= data["time_left_seconds"] <= 30 * 60


def test_the_deadline_is_the_panels_end_when_the_limit_reaches_past_it(tenant):
    panel = open_panel(tenant, time_limit_minutes=24 * 60)
    data = _client(panel).post(f"{INTERVIEW}start/").json()["data"]
    assert data["deadline"] == factories.iso(panel.end_datetime)


def test_the_time_limit_is_accepted_by_create_and_update(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, time_limit_minutes=45)
    created = hr_client.post("/api/panel/create/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert "time_limit_minutes" not in created.json()["data"]  # spec responses stay the spec's
    uuid = created.json()["data"]["uuid"]
    updated = hr_client.patch(
        f"/api/panel/update/{uuid}/", {"time_limit_minutes": None}, format="json"
    )
    assert updated.status_code == 200
    from django_interview_panels.models import InterviewPanel

    assert InterviewPanel.objects.get(uuid=uuid).time_limit_minutes is None
    refused = hr_client.patch(
        f"/api/panel/update/{uuid}/", {"time_limit_minutes": 0}, format="json"
    )
    assert refused.status_code == 400
    assert "time_limit_minutes" in refused.json()["errors"]


def test_past_the_deadline_an_attempt_reads_as_expired_without_a_write(tenant):
    panel = open_panel(tenant, time_limit_minutes=10)
    client = _client(panel)
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    saved = client.put(f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "a"}, format="json")
    assert saved.status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False):
        data = client.get(f"{INTERVIEW}attempt/").json()["data"]
        assert data["state"] == "expired"
        assert data["time_left_seconds"] == 0
        assert Attempt.objects.get().state == "in_progress"
        late = client.put(f"{INTERVIEW}answers/{items[1]['uuid']}/", {"answer": "b"}, format="json")
        assert late.status_code == 409
        assert late.json()["message"] == (
            "The time for this interview is up; answers can no longer change."
        )
        submitted = client.post(f"{INTERVIEW}submit/").json()["data"]
    assert submitted["state"] == "expired"
    answers = dict(AttemptItem.objects.values_list("position", "answer"))
    assert answers[1] == "a" and answers[2] is None


def test_a_token_past_the_panels_end_is_refused_like_an_unknown_one(tenant):
    panel = open_panel(tenant)
    client = _client(panel)
    client.post(f"{INTERVIEW}start/")
    with time_machine.travel(panel.end_datetime + dt.timedelta(seconds=1), tick=False):
        response = client.get(f"{INTERVIEW}attempt/")
    assert response.status_code == 401
    assert response.json() == token_client("nope" * 10).get(INTERVIEW).json()


def test_expired_attempts_are_closed_and_scored_by_the_sweep(
    tenant, django_capture_on_commit_callbacks
):
    from django_interview_panels.interviews import services

    panel = open_panel(tenant, time_limit_minutes=5)
    _client(panel).post(f"{INTERVIEW}start/")
    assert services.close_expired_attempts() == 0
    later = timezone.now() + dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired_attempts(now=later) == 1
    attempt = Attempt.objects.get()
    assert attempt.state == "expired"
    assert attempt.closed_at == attempt.started_at + dt.timedelta(minutes=5)
    assert not AttemptItem.objects.filter(status="pending").exists()

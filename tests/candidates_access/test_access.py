"""A candidate's access: validation, the effective window and deadline, and token expiry."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from django_interview_panels import signals
from django_interview_panels.models import Attempt, PanelCandidate
from tests import factories
from tests.interviews.conftest import INTERVIEW, open_panel, token_client

CANDIDATES = "/api/panel/candidates/"


def access_url(panel, assignment) -> str:
    return f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/access/"


def first(panel) -> PanelCandidate:
    return PanelCandidate.objects.filter(panel=panel).order_by("id").first()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_multiplier": "1.5"}, "time_multiplier"),
        ({"time_multiplier": True}, "time_multiplier"),
        ({"time_multiplier": 0.99}, "time_multiplier"),
        ({"time_multiplier": 10.01}, "time_multiplier"),
        ({"time_multiplier": 1.255}, "time_multiplier"),
        ({"time_multiplier": 1.0001}, "time_multiplier"),
        ({"time_multiplier": 1e300}, "time_multiplier"),
        ({"time_multiplier": None}, "time_multiplier"),
        ({"time_multiplier": [1]}, "time_multiplier"),
        ({"extra_minutes": -1}, "extra_minutes"),
        ({"extra_minutes": 10081}, "extra_minutes"),
        ({"extra_minutes": "5"}, "extra_minutes"),
        ({"extra_minutes": 5.0}, "extra_minutes"),
        ({"extra_minutes": False}, "extra_minutes"),
        ({"window_ends_at": "tomorrow"}, "window_ends_at"),
        ({"window_ends_at": "2099-01-01T00:00:00"}, "window_ends_at"),
        ({"window_starts_at": 5}, "window_starts_at"),
        ({"window_ends_at": "2001-01-01T00:00:00Z"}, "window_ends_at"),
        ({"window_starts_at": "2099-01-01T00:00:00Z"}, "window_starts_at"),
        (
            {"window_starts_at": "2098-01-02T00:00:00Z", "window_ends_at": "2098-01-01T00:00:00Z"},
            "window_ends_at",
        ),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else str(value),
)
def test_bad_access_is_a_400_in_the_envelope_and_changes_nothing(tenant, hr_client, body, field):
    panel = open_panel(tenant)
    assignment = first(panel)
    response = hr_client.patch(access_url(panel, assignment), body, format="json")
    assert response.status_code == 400, response.json()
    payload = response.json()
    assert payload["success"] is False and payload["message"]
    assert field in payload["errors"]
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.time_multiplier == Decimal("1.00") and stored.extra_minutes == 0
    assert stored.window_starts_at is None and stored.window_ends_at is None
    assert stored.token_expires_at == panel.end_datetime


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(1, "1.00"), (1.5, "1.50"), (2.25, "2.25"), (10, "10.00"), (0.01 * 114, "1.14")],
    ids=str,
)
def test_the_multiplier_accepts_json_numbers(tenant, hr_client, sent, stored):
    panel = open_panel(tenant)
    assignment = first(panel)
    response = hr_client.patch(
        access_url(panel, assignment), {"time_multiplier": sent}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert PanelCandidate.objects.get(pk=assignment.pk).time_multiplier == Decimal(stored)
    assert response.json()["data"]["time_multiplier"] == float(stored)


def test_get_shows_the_access_with_effective_times(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    response = hr_client.get(access_url(panel, assignment))
    assert response.status_code == 200
    assert response.json()["data"] == {
        "candidate_uuid": str(factories.candidate_uuid(assignment.candidate)),
        "window_starts_at": None,
        "window_ends_at": None,
        "extra_minutes": 0,
        "time_multiplier": 1.0,
        "starts_at": factories.iso(panel.start_datetime),
        "ends_at": factories.iso(panel.end_datetime),
        "token_expires_at": factories.iso(panel.end_datetime),
        "removed": False,
        "attempt": None,
    }


def test_token_expiry_follows_the_own_window_end_and_back(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    later = timezone.now() + dt.timedelta(days=3)
    response = hr_client.patch(
        access_url(panel, assignment), {"window_ends_at": factories.iso(later)}, format="json"
    )
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert data["token_expires_at"] == data["ends_at"] == data["window_ends_at"]
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.token_expires_at == stored.window_ends_at
    # The window may extend beyond the panel's end: an accommodation.
    assert stored.token_expires_at > panel.end_datetime
    response = hr_client.patch(
        access_url(panel, assignment), {"window_ends_at": None}, format="json"
    )
    assert response.status_code == 200
    assert PanelCandidate.objects.get(pk=assignment.pk).token_expires_at == panel.end_datetime


def test_a_panel_update_moves_only_the_tokens_that_follow_its_end(tenant, hr_client):
    panel = open_panel(tenant)
    own, follower, removed = PanelCandidate.objects.filter(panel=panel).order_by("id")
    own_end = timezone.now() + dt.timedelta(days=5)
    hr_client.patch(
        access_url(panel, own), {"window_ends_at": factories.iso(own_end)}, format="json"
    )
    removed_at = timezone.now()
    PanelCandidate.objects.filter(pk=removed.pk).update(
        removed_at=removed_at, token_expires_at=removed_at
    )
    new_end = panel.end_datetime + dt.timedelta(hours=5)
    response = hr_client.patch(
        f"/api/panel/update/{panel.uuid}/", {"end_datetime": factories.iso(new_end)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert PanelCandidate.objects.get(pk=own.pk).token_expires_at == own_end
    assert PanelCandidate.objects.get(pk=follower.pk).token_expires_at == new_end
    assert PanelCandidate.objects.get(pk=removed.pk).token_expires_at == removed_at


def test_a_window_start_in_the_future_refuses_the_start(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    client = token_client(assignment.token)
    soon = timezone.now() + dt.timedelta(hours=2)
    response = hr_client.patch(
        access_url(panel, assignment), {"window_starts_at": factories.iso(soon)}, format="json"
    )
    assert response.status_code == 200, response.json()
    refused = client.post(f"{INTERVIEW}start/")
    assert refused.status_code == 409
    assert refused.json()["message"] == "The interview has not started yet."
    overview = client.get(INTERVIEW).json()["data"]
    assert overview["can_start"] is False
    assert overview["panel"]["start_datetime"] == factories.iso(soon)
    with time_machine.travel(soon + dt.timedelta(seconds=1), tick=False):
        assert client.post(f"{INTERVIEW}start/").status_code in (200, 201)


def test_an_own_window_opening_before_the_panel_lets_the_candidate_start(tenant, hr_client):
    now = timezone.now()
    panel = factories.make_panel(
        tenant.organization,
        tenant.category,
        tenant.candidates,
        start_datetime=factories.iso(now + dt.timedelta(hours=2)),
        end_datetime=factories.iso(now + dt.timedelta(hours=10)),
    )
    assignment = first(panel)
    early = now - dt.timedelta(minutes=5)
    response = hr_client.patch(
        access_url(panel, assignment), {"window_starts_at": factories.iso(early)}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert token_client(assignment.token).post(f"{INTERVIEW}start/").status_code in (200, 201)
    # The others wait for the panel's start.
    others = PanelCandidate.objects.filter(panel=panel).order_by("id")[1]
    assert token_client(others.token).post(f"{INTERVIEW}start/").status_code == 409


def test_the_deadline_uses_multiplier_and_extra_minutes(tenant, hr_client):
    panel = open_panel(tenant, time_limit_minutes=40)
    assignment = first(panel)
    hr_client.patch(
        access_url(panel, assignment),
        {"time_multiplier": 1.5, "extra_minutes": 10},
        format="json",
    )
    data = token_client(assignment.token).post(f"{INTERVIEW}start/").json()["data"]
    started = dt.datetime.fromisoformat(data["started_at"])
    assert dt.datetime.fromisoformat(data["deadline"]) == started + dt.timedelta(minutes=70)
    access = hr_client.get(access_url(panel, assignment)).json()["data"]
    assert access["attempt"]["deadline"] == data["deadline"]
    assert access["attempt"]["state"] == "in_progress"


def test_without_a_time_limit_the_deadline_is_the_end_whatever_the_accommodations(
    tenant, hr_client
):
    panel = open_panel(tenant)
    assignment = first(panel)
    hr_client.patch(
        access_url(panel, assignment), {"time_multiplier": 3, "extra_minutes": 60}, format="json"
    )
    data = token_client(assignment.token).post(f"{INTERVIEW}start/").json()["data"]
    assert data["deadline"] == factories.iso(panel.end_datetime)


def test_a_change_during_the_attempt_moves_its_deadline_at_once(tenant, hr_client):
    panel = open_panel(tenant, time_limit_minutes=30)
    assignment = first(panel)
    client = token_client(assignment.token)
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    started = timezone.now()
    with time_machine.travel(started + dt.timedelta(minutes=35), tick=False):
        late = client.put(f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "a"}, format="json")
        assert late.status_code == 409
    # Twenty extra minutes while the attempt is still open: 35 minutes in, saves work again...
    with time_machine.travel(started + dt.timedelta(minutes=20), tick=False):
        changed = hr_client.patch(
            access_url(panel, assignment), {"extra_minutes": 20}, format="json"
        )
        assert changed.status_code == 200, changed.json()
    with time_machine.travel(started + dt.timedelta(minutes=35), tick=False):
        saved = client.put(
            f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "a"}, format="json"
        )
        assert saved.status_code == 200, saved.json()
        # ...and a shorter multiplier takes them away again at once.
        shortened = hr_client.patch(
            access_url(panel, assignment), {"extra_minutes": 0}, format="json"
        )
        assert shortened.status_code == 200
        assert shortened.json()["data"]["attempt"]["state"] == "expired"
        late = client.put(f"{INTERVIEW}answers/{items[1]['uuid']}/", {"answer": "b"}, format="json")
        assert late.status_code == 409


def test_an_attempt_whose_time_was_up_stays_closed_when_time_is_added(tenant, hr_client):
    panel = open_panel(tenant, time_limit_minutes=10)
    assignment = first(panel)
    client = token_client(assignment.token)
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=15), tick=False):
        response = hr_client.patch(
            access_url(panel, assignment), {"extra_minutes": 60}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert Attempt.objects.get().state == "expired"
        late = client.put(f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "a"}, format="json")
        assert late.status_code == 409


def test_a_removed_candidate_access_cannot_change(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    now = timezone.now()
    PanelCandidate.objects.filter(pk=assignment.pk).update(removed_at=now, token_expires_at=now)
    response = hr_client.patch(access_url(panel, assignment), {"extra_minutes": 5}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "candidate_uuid": [
            "The candidate was removed from the panel; their access can no longer change."
        ]
    }
    assert hr_client.get(access_url(panel, assignment)).json()["data"]["removed"] is True


def test_a_change_is_audited_and_signalled_after_commit(
    tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant)
    assignment = first(panel)
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.candidate_access_changed.connect(receiver)
    try:
        with (
            caplog.at_level(logging.INFO, logger="django_interview_panels"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = hr_client.patch(
                access_url(panel, assignment), {"extra_minutes": 5}, format="json"
            )
    finally:
        signals.candidate_access_changed.disconnect(receiver)
    assert response.status_code == 200
    assert len(received) == 1
    assert received[0]["assignment"].pk == assignment.pk
    assert received[0]["panel"] == panel and received[0]["actor"] == tenant.hr
    lines = [r.getMessage() for r in caplog.records if "candidate access changed" in r.getMessage()]
    assert lines == [
        f"candidate access changed: panel={panel.uuid} organization={tenant.uuid} "
        f"user={tenant.hr.pk} candidate={factories.candidate_uuid(assignment.candidate)} "
        "fields=extra_minutes"
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"unknown": 1},
        {"extra_minutes": 0, "time_multiplier": 1.0},
        {"window_starts_at": None, "window_ends_at": None},
        "stored",
    ],
    ids=["empty", "unknown-key", "default-values", "null-windows", "stored-values"],
)
def test_a_change_of_nothing_writes_signals_and_audits_nothing(
    tenant, hr_client, caplog, django_capture_on_commit_callbacks, body
):
    panel = open_panel(tenant)
    assignment = first(panel)
    if body == "stored":
        starts = panel.start_datetime - dt.timedelta(hours=1)
        response = hr_client.patch(
            access_url(panel, assignment),
            {"window_starts_at": starts.isoformat(), "extra_minutes": 7, "time_multiplier": 1.5},
            format="json",
        )
        assert response.status_code == 200
        body = {"window_starts_at": starts.isoformat(), "extra_minutes": 7, "time_multiplier": 1.5}
    # A stale expiry the no-op must leave as it is: nothing is saved.
    stale = assignment.token_expires_at - dt.timedelta(minutes=1)
    PanelCandidate.objects.filter(pk=assignment.pk).update(token_expires_at=stale)
    before = hr_client.get(access_url(panel, assignment)).json()["data"]
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signals.candidate_access_changed.connect(receiver)
    try:
        with (
            caplog.at_level(logging.INFO, logger="django_interview_panels"),
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = hr_client.patch(access_url(panel, assignment), body, format="json")
    finally:
        signals.candidate_access_changed.disconnect(receiver)

    assert response.status_code == 200, response.json()
    assert response.json()["data"] == before
    assert received == []
    assert callbacks == []
    assert not [r for r in caplog.records if "candidate access changed" in r.getMessage()]
    assert PanelCandidate.objects.get(pk=assignment.pk).token_expires_at == stale


def test_only_the_fields_that_differ_are_stored_and_audited(
    tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant)
    assignment = first(panel)
    with (
        caplog.at_level(logging.INFO, logger="django_interview_panels"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = hr_client.patch(
            access_url(panel, assignment),
            {"extra_minutes": 5, "time_multiplier": 1.0, "window_ends_at": None},
            format="json",
        )
    assert response.status_code == 200
    lines = [r.getMessage() for r in caplog.records if "candidate access changed" in r.getMessage()]
    assert len(lines) == 1 and lines[0].endswith("fields=extra_minutes")


def test_a_refused_change_sends_nothing(tenant, hr_client, django_capture_on_commit_callbacks):
    panel = open_panel(tenant)
    assignment = first(panel)
    with django_capture_on_commit_callbacks() as callbacks:
        response = hr_client.patch(
            access_url(panel, assignment),
            {"window_starts_at": "2099-01-01T00:00:00Z"},
            format="json",
        )
    assert response.status_code == 400
    assert callbacks == []

"""A panel update against the candidates' attempts and own windows: a later end or a larger
time limit never reopens an attempt whose time was up, and a schedule that would leave a
candidate's own window empty is refused."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.models import Attempt, InterviewPanel, PanelCandidate
from tests import factories
from tests.interviews.conftest import INTERVIEW, open_panel, token_client

from .test_access import access_url, first

UPDATE = "/api/panel/update/"


def test_a_larger_time_limit_does_not_reopen_an_attempt_whose_time_was_up(tenant, hr_client):
    panel = open_panel(tenant, time_limit_minutes=10)
    assignment = first(panel)
    client = token_client(assignment.token)
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    answer = f"{INTERVIEW}answers/{items[0]['uuid']}/"
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20), tick=False):
        assert client.put(answer, {"answer": "a"}, format="json").status_code == 409
        response = hr_client.patch(
            f"{UPDATE}{panel.uuid}/", {"time_limit_minutes": 60}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert client.put(answer, {"answer": "a"}, format="json").status_code == 409
        attempt = Attempt.objects.get()
        assert attempt.state == "expired"
        assert attempt.closed_at == attempt.started_at + dt.timedelta(minutes=10)


def test_the_update_query_count_does_not_grow_with_open_attempts(tenant, hr_client):
    """With no attempt overdue, the close before the update is one query, however many
    attempts are open."""
    counts = []
    for started in (1, 3):
        panel = open_panel(tenant, time_limit_minutes=30)
        for assignment in PanelCandidate.objects.filter(panel=panel).order_by("id")[:started]:
            token_client(assignment.token).post(f"{INTERVIEW}start/")
        with CaptureQueriesContext(connection) as queries:
            response = hr_client.patch(
                f"{UPDATE}{panel.uuid}/", {"time_limit_minutes": 60}, format="json"
            )
        assert response.status_code == 200, response.json()
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_end_before_a_candidates_own_window_start_is_refused(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    own_start = panel.end_datetime - dt.timedelta(minutes=5)
    response = hr_client.patch(
        access_url(panel, assignment),
        {"window_starts_at": factories.iso(own_start)},
        format="json",
    )
    assert response.status_code == 200, response.json()

    moved = hr_client.patch(
        f"{UPDATE}{panel.uuid}/",
        {"end_datetime": factories.iso(own_start - dt.timedelta(minutes=1))},
        format="json",
    )

    assert moved.status_code == 400, moved.json()
    body = moved.json()
    assert body["success"] is False
    assert list(body["errors"]) == ["end_datetime"]
    assert "own window would end before it starts" in body["errors"]["end_datetime"][0]
    panel.refresh_from_db()
    assert panel.end_datetime == own_start + dt.timedelta(minutes=5)
    # The same end is fine once the candidate is removed.
    PanelCandidate.objects.filter(pk=assignment.pk).update(removed_at=timezone.now())
    again = hr_client.patch(
        f"{UPDATE}{panel.uuid}/",
        {"end_datetime": factories.iso(own_start - dt.timedelta(minutes=1))},
        format="json",
    )
    assert again.status_code == 200, again.json()


def test_a_start_after_a_candidates_own_window_end_is_refused(tenant, hr_client):
    now = timezone.now()
    panel = open_panel(tenant)
    InterviewPanel.objects.filter(pk=panel.pk).update(start_datetime=now + dt.timedelta(hours=1))
    panel.refresh_from_db()
    assignment = first(panel)
    own_end = now + dt.timedelta(hours=2)
    response = hr_client.patch(
        access_url(panel, assignment), {"window_ends_at": factories.iso(own_end)}, format="json"
    )
    assert response.status_code == 200, response.json()

    moved = hr_client.patch(
        f"{UPDATE}{panel.uuid}/",
        {"start_datetime": factories.iso(own_end + dt.timedelta(minutes=1))},
        format="json",
    )

    assert moved.status_code == 400, moved.json()
    assert list(moved.json()["errors"]) == ["start_datetime"]


def test_an_already_broken_window_does_not_fail_a_change_of_other_fields(tenant, hr_client):
    panel = open_panel(tenant)
    assignment = first(panel)
    # Stored before the panel's update checked it: the own start after the panel's end.
    PanelCandidate.objects.filter(pk=assignment.pk).update(
        window_starts_at=panel.end_datetime + dt.timedelta(minutes=5)
    )

    response = hr_client.patch(access_url(panel, assignment), {"extra_minutes": 5}, format="json")

    assert response.status_code == 200, response.json()
    # A request that sets a window field is still held to the rule.
    refused = hr_client.patch(
        access_url(panel, assignment),
        {"window_starts_at": factories.iso(panel.end_datetime + dt.timedelta(minutes=1))},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["window_starts_at"]

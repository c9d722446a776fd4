"""DELETE candidates/<panel>/<candidate>/ (remove) and POST .../token/ (rotate): the token stops
working at once, over the candidate's own endpoints; the attempt's answers stay and count."""

from __future__ import annotations

import logging

import pytest

from django_interview_panels import signals
from django_interview_panels.interviews import services as interview_services
from django_interview_panels.interviews.services import InvalidInterviewToken
from django_interview_panels.models import Attempt, AttemptItem, AttemptState, PanelCandidate
from tests import factories

from .conftest import INTERVIEW, list_url, one_url, save, start, token_client, token_url

pytestmark = pytest.mark.django_db

INVALID_TOKEN = "Invalid or expired interview token."


class Received:
    """The calls of one signal while connected."""

    def __init__(self, signal):
        self.signal, self.calls = signal, []

    def __call__(self, sender, **kwargs):
        self.calls.append({"sender": sender, **kwargs})

    def __enter__(self):
        self.signal.connect(self)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self)


def audit_lines(caplog, words):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "django_interview_panels" and words in r.getMessage()
    ]


# --- Remove -----------------------------------------------------------------------------------


def test_a_removed_candidates_token_is_refused_at_once(panel, tenant, assignments, hr_client):
    token = assignments[0].token
    items = start(assignments[0])

    response = hr_client.delete(one_url(panel, tenant.candidates[0]))

    assert response.status_code == 200, response.json()
    row = response.json()["data"]
    assert row["status"] == "removed"
    assert row["removed_at"] is not None
    assert row["token_expires_at"] == row["removed_at"]
    client = token_client(token)
    for refused in (
        client.get(INTERVIEW),
        client.get(f"{INTERVIEW}attempt/"),
        client.post(f"{INTERVIEW}start/"),
        save(token, items[0]["uuid"]),
        client.post(f"{INTERVIEW}submit/"),
    ):
        assert refused.status_code == 401
        assert refused.json()["message"] == INVALID_TOKEN
    # The others still work.
    assert token_client(assignments[1].token).get(INTERVIEW).status_code == 200


def test_a_removed_assignment_is_refused_even_with_an_expiry_ahead(
    panel, tenant, assignments, hr_client
):
    hr_client.delete(one_url(panel, tenant.candidates[0]))
    PanelCandidate.objects.filter(pk=assignments[0].pk).update(token_expires_at=panel.end_datetime)
    assert token_client(assignments[0].token).get(INTERVIEW).status_code == 401
    assert not PanelCandidate.objects.with_valid_token().filter(pk=assignments[0].pk).exists()
    # The start's own check under the panel's lock refuses it too.
    with pytest.raises(InvalidInterviewToken):
        interview_services.start_attempt(
            assignment=PanelCandidate.objects.get(pk=assignments[0].pk)
        )


def test_an_attempt_in_progress_is_withdrawn_and_scored_with_its_answers(
    panel, tenant, assignments, hr_client, django_capture_on_commit_callbacks
):
    items = start(assignments[0])
    for item in items:
        assert save(assignments[0].token, item["uuid"]).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.delete(one_url(panel, tenant.candidates[0]))

    assert response.status_code == 200
    attempt = Attempt.objects.get(assignment=assignments[0])
    assert attempt.state == AttemptState.WITHDRAWN
    assert attempt.closed_at is not None
    assert attempt.submitted_at is None
    stored = AttemptItem.objects.filter(attempt=attempt)
    # The answers saved stay, and every item was scored (by rule, or by the evaluator that the
    # close enqueued), as an expiry is.
    assert {i.answer for i in stored} == {"lists are mutable"}
    assert not stored.filter(status="pending").exists()
    # The result stays readable.
    result = hr_client.get(
        f"/api/panel/results/{panel.uuid}/candidates/{factories.candidate_uuid(tenant.candidates[0])}/"
    )
    assert result.status_code == 200
    # Results name a removed candidate's state "removed", with the removal's time.
    assert result.json()["data"]["state"] == "removed"
    assert result.json()["data"]["removed_at"] is not None
    assert response.json()["data"]["status"] == "removed"
    assert response.json()["data"]["score"] == result.json()["data"]["score"]


def test_a_closed_attempt_stays_as_it_was(panel, tenant, assignments, hr_client):
    start(assignments[0])
    assert token_client(assignments[0].token).post(f"{INTERVIEW}submit/").status_code == 200
    hr_client.delete(one_url(panel, tenant.candidates[0]))
    assert Attempt.objects.get(assignment=assignments[0]).state == AttemptState.SUBMITTED


def test_the_panel_responses_no_longer_list_a_removed_candidate(panel, tenant, hr_client):
    hr_client.delete(one_url(panel, tenant.candidates[0]))
    detail = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]
    listed = hr_client.get("/api/panel/get/").json()["data"]["interview_panels"][0]
    by_candidate = hr_client.get(
        "/api/panel/get/", {"candidate": factories.candidate_uuid(tenant.candidates[0])}
    ).json()["data"]["interview_panels"]
    remaining = [factories.candidate_uuid(c) for c in tenant.candidates[1:]]
    assert [c["candidate_uuid"] for c in detail["candidates"]] == remaining
    assert [c["candidate_uuid"] for c in listed["candidates"]] == remaining
    assert by_candidate == []


def test_moving_the_panel_end_leaves_a_removed_token_expired(panel, tenant, assignments, hr_client):
    hr_client.delete(one_url(panel, tenant.candidates[0]))
    removed_at = PanelCandidate.objects.get(pk=assignments[0].pk).token_expires_at
    new_end = factories.iso(factories.future(20))
    response = hr_client.patch(
        f"/api/panel/update/{panel.uuid}/", {"end_datetime": new_end}, format="json"
    )
    assert response.status_code == 200
    assert PanelCandidate.objects.get(pk=assignments[0].pk).token_expires_at == removed_at
    assert (
        factories.iso(PanelCandidate.objects.get(pk=assignments[1].pk).token_expires_at) == new_end
    )


def test_removing_twice_is_idempotent_and_announced_once(
    panel, tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    with Received(signals.candidate_removed) as received, caplog.at_level(logging.INFO):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            first = hr_client.delete(one_url(panel, tenant.candidates[0]))
        assert received.calls == []  # not before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            second = hr_client.delete(one_url(panel, tenant.candidates[0]))

    assert first.status_code == second.status_code == 200
    assert second.json()["data"] == first.json()["data"]
    [call] = received.calls
    assert call["sender"] is PanelCandidate
    assert call["assignment"].candidate_id == tenant.candidates[0].pk
    assert call["panel"].pk == panel.pk
    assert call["actor"] == tenant.hr
    [line] = audit_lines(caplog, "candidate removed")
    assert f"panel={panel.uuid}" in line
    assert f"organization={tenant.uuid}" in line
    assert f"user={tenant.hr.pk}" in line
    assert f"candidate={factories.candidate_uuid(tenant.candidates[0])}" in line


def test_removing_a_started_candidate_announces_the_removal_once(
    panel, tenant, assignments, hr_client, django_capture_on_commit_callbacks
):
    start(assignments[0])
    with (
        Received(signals.candidate_removed) as removed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        hr_client.delete(one_url(panel, tenant.candidates[0]))
    assert len(removed.calls) == 1


# --- Rotate -----------------------------------------------------------------------------------


def test_a_rotated_token_replaces_the_old_one_at_once(panel, tenant, assignments, hr_client):
    old = assignments[0].token
    items = start(assignments[0])
    assert save(old, items[0]["uuid"], "first").status_code == 200

    response = hr_client.post(token_url(panel, tenant.candidates[0]))

    assert response.status_code == 200, response.json()
    row = response.json()["data"]
    new = row["token"]
    assert new != old
    assert row["token_expires_at"] == factories.iso(assignments[0].token_expires_at)
    assert row["status"] == "started"
    refused = token_client(old).get(INTERVIEW)
    assert refused.status_code == 401
    assert save(old, items[0]["uuid"], "stale").status_code == 401
    # The new token continues the same attempt.
    assert save(new, items[0]["uuid"], "second").status_code == 200
    assert AttemptItem.objects.get(uuid=items[0]["uuid"]).answer == "second"
    # And it is the token the list shows from now on.
    listed = hr_client.get(list_url(panel)).json()["data"]["candidates"][0]
    assert listed["token"] == new


def test_rotating_sends_token_rotated_after_commit_and_writes_an_audit_line(
    panel, tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    with Received(signals.token_rotated) as received, caplog.at_level(logging.INFO):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = hr_client.post(token_url(panel, tenant.candidates[0]))
        assert received.calls == []
        for callback in callbacks:
            callback()
    [call] = received.calls
    assert call["token"] == response.json()["data"]["token"]
    assert call["assignment"].token == call["token"]
    assert call["actor"] == tenant.hr and call["panel"].pk == panel.pk
    [line] = audit_lines(caplog, "token rotated")
    assert f"candidate={factories.candidate_uuid(tenant.candidates[0])}" in line
    assert f"organization={tenant.uuid}" in line and f"user={tenant.hr.pk}" in line
    assert response.json()["data"]["token"] not in line  # never a token in the log


def test_a_removed_candidates_token_cannot_be_rotated(panel, tenant, assignments, hr_client):
    hr_client.delete(one_url(panel, tenant.candidates[0]))
    response = hr_client.post(token_url(panel, tenant.candidates[0]))
    assert response.status_code == 409
    assert response.json()["errors"] == {
        "candidate_uuid": ["The candidate has been removed from this interview panel."]
    }
    assert PanelCandidate.objects.get(pk=assignments[0].pk).token == assignments[0].token

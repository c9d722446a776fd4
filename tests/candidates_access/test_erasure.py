"""Erasing a candidate's personal data from a panel, in both modes; results still render."""

from __future__ import annotations

import logging

import pytest

from django_interview_panels import signals
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    PanelCandidate,
    QuestionExposure,
)
from django_interview_panels.panels.services import find_assignment_by_token
from tests import factories
from tests.interviews.conftest import INTERVIEW, open_panel, token_client
from tests.interviews.taking import RESULTS, REVIEWS, start, take

from .test_access import CANDIDATES, first


def erase_url(panel, candidate_uuid) -> str:
    return f"{CANDIDATES}{panel.uuid}/{candidate_uuid}/erase/"


def use_mode(settings, mode: str) -> None:
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), "ERASURE": mode}


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    signals.candidate_erased.connect(receiver)
    yield calls
    signals.candidate_erased.disconnect(receiver)


def test_deidentify_keeps_answers_and_scores_without_the_candidate(
    tenant, hr_client, received, caplog, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant)
    assignment = first(panel)
    take(assignment, django_capture_on_commit_callbacks)
    old_token = assignment.token
    candidate_uuid = factories.candidate_uuid(assignment.candidate)
    score = PanelCandidate.objects.get(pk=assignment.pk).score
    caplog.set_level(logging.INFO, logger="django_interview_panels")
    with django_capture_on_commit_callbacks() as callbacks:
        response = hr_client.post(erase_url(panel, candidate_uuid))
        assert received == []
    assert response.status_code == 200, response.json()
    for callback in callbacks:
        callback()
    data = response.json()["data"]
    assert data["mode"] == "deidentify" and data["assignment_uuid"] == str(assignment.uuid)
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.candidate_id is None
    assert stored.erased_at is not None and stored.removed_at is not None
    assert stored.token != old_token and stored.token_expires_at <= stored.erased_at
    assert find_assignment_by_token(old_token) is None
    assert find_assignment_by_token(stored.token) is None
    assert stored.score == score
    assert AttemptItem.objects.filter(attempt__assignment=stored).count() > 0
    assert received == [
        {
            "assignment": stored,
            "assignment_uuid": assignment.uuid,
            "candidate_uuid": str(candidate_uuid),
            "panel": panel,
            "actor": tenant.hr,
            "signal": signals.candidate_erased,
        }
    ]
    lines = [r.getMessage() for r in caplog.records if "candidate erased" in r.getMessage()]
    assert lines == [
        f"candidate erased: panel={panel.uuid} organization={tenant.uuid} user={tenant.hr.pk} "
        f"assignment={assignment.uuid} mode=deidentify"
    ]
    assert not any(str(candidate_uuid) in r.getMessage() for r in caplog.records)
    # Erased twice: the candidate is no longer on the panel.
    assert hr_client.post(erase_url(panel, candidate_uuid)).status_code == 404

    # Results, reviews and the panel itself still render.
    results = hr_client.get(f"{RESULTS}{panel.uuid}/")
    assert results.status_code == 200, results.json()
    rows = results.json()["data"]["candidates"]
    erased = [row for row in rows if row["candidate_uuid"] is None]
    assert len(erased) == 1
    assert erased[0]["candidate_name"] is None and erased[0]["candidate_email"] is None
    # An erasure removes the candidate: the row reads "removed" (results rank removal first).
    assert erased[0]["score"] == score and erased[0]["state"] == "removed"
    queue = hr_client.get(REVIEWS)
    assert queue.status_code == 200, queue.json()
    detail = hr_client.get(f"/api/panel/get/{panel.uuid}/")
    assert detail.status_code == 200
    listed = [entry["candidate_uuid"] for entry in detail.json()["data"]["candidates"]]
    assert len(listed) == 2 and str(candidate_uuid) not in listed and "None" not in listed


def test_an_open_attempt_is_withdrawn_by_the_erasure(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant)
    assignment = first(panel)
    items = start(assignment)
    client = token_client(assignment.token)
    client.put(f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "x"}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(erase_url(panel, factories.candidate_uuid(assignment.candidate)))
    assert response.status_code == 200, response.json()
    attempt = Attempt.objects.get()
    assert attempt.state == "withdrawn" and attempt.closed_at is not None
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == "x"
    # The old token no longer opens anything.
    assert client.get(INTERVIEW).status_code == 401


def test_delete_removes_the_assignment_and_its_attempt_but_keeps_exposure(
    tenant, hr_client, settings, received, django_capture_on_commit_callbacks
):
    use_mode(settings, "delete")
    panel = open_panel(tenant)
    assignment, other = PanelCandidate.objects.filter(panel=panel).order_by("id")[:2]
    take(assignment, django_capture_on_commit_callbacks)
    exposure = list(
        QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws")
    )
    assert exposure
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(erase_url(panel, factories.candidate_uuid(assignment.candidate)))
    assert response.status_code == 200, response.json()
    assert response.json()["data"] == {
        "assignment_uuid": str(assignment.uuid),
        "mode": "delete",
        "erased_at": None,
    }
    assert not PanelCandidate.objects.filter(pk=assignment.pk).exists()
    assert not Attempt.objects.exists() and not AttemptItem.objects.exists()
    assert PanelCandidate.objects.filter(pk=other.pk).exists()
    assert (
        list(QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws"))
        == exposure
    )
    assert received[0]["assignment"] is None
    assert received[0]["assignment_uuid"] == assignment.uuid
    results = hr_client.get(f"{RESULTS}{panel.uuid}/")
    assert results.status_code == 200
    assert results.json()["data"]["exposure"]["candidates_drawn"] == 0


def test_a_removed_candidate_can_be_erased(tenant, hr_client):
    from django.utils import timezone

    panel = open_panel(tenant)
    assignment = first(panel)
    removed_at = timezone.now()
    PanelCandidate.objects.filter(pk=assignment.pk).update(
        removed_at=removed_at, token_expires_at=removed_at
    )
    response = hr_client.post(erase_url(panel, factories.candidate_uuid(assignment.candidate)))
    assert response.status_code == 200
    assert PanelCandidate.objects.get(pk=assignment.pk).removed_at == removed_at


def test_the_erased_candidate_result_page_is_a_404_and_the_reviews_render_nulls(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    from django_interview_panels.interviews.review_reads import describe_candidate

    assert describe_candidate(None) == {"uuid": None, "name": None, "email": None}
    panel = open_panel(tenant)
    assignment = first(panel)
    take(assignment, django_capture_on_commit_callbacks)
    candidate_uuid = factories.candidate_uuid(assignment.candidate)
    hr_client.post(erase_url(panel, candidate_uuid))
    assert hr_client.get(f"{RESULTS}{panel.uuid}/candidates/{candidate_uuid}/").status_code == 404
    queue = hr_client.get(REVIEWS)
    assert queue.status_code == 200
    for entry in queue.json()["data"]["items"]:
        assert entry["candidate"] == {"uuid": None, "name": None, "email": None}
    item = AttemptItem.objects.filter(attempt__assignment=assignment).first()
    one = hr_client.get(f"{REVIEWS}{item.uuid}/")
    assert one.status_code == 200, one.json()
    assert one.json()["data"]["candidate"] == {"uuid": None, "name": None, "email": None}

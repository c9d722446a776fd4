"""A candidate takes an interview end to end through the API."""

from __future__ import annotations

from django_interview_panels.models import Attempt, AttemptItem, PanelCandidate

from .conftest import INTERVIEW, token_client


def test_start_draws_the_panels_distribution_and_hides_the_answer_key(candidate, panel):
    response = candidate.post(f"{INTERVIEW}start/")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["state"] == "in_progress"
    assert len(data["items"]) == panel.total_number_of_questions
    assert [item["position"] for item in data["items"]] == list(range(1, 7))
    assert all("answer_key" not in item for item in data["items"])
    assert data["deadline"] and data["server_time"]


def test_start_twice_resumes_the_same_set(candidate):
    first = candidate.post(f"{INTERVIEW}start/").json()["data"]
    again = candidate.post(f"{INTERVIEW}start/")
    assert again.status_code == 200
    assert again.json()["data"]["items"] == first["items"]
    assert Attempt.objects.count() == 1


def test_save_and_submit_scores_the_attempt(
    candidate, assignments, django_capture_on_commit_callbacks
):
    items = candidate.post(f"{INTERVIEW}start/").json()["data"]["items"]
    for item in items:
        response = candidate.put(
            f"{INTERVIEW}answers/{item['uuid']}/", {"answer": "lists are mutable"}, format="json"
        )
        assert response.status_code == 200, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = candidate.post(f"{INTERVIEW}submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["data"]["state"] == "submitted"
    again = candidate.post(f"{INTERVIEW}submit/")
    assert again.status_code == 200
    late = candidate.put(f"{INTERVIEW}answers/{items[0]['uuid']}/", {"answer": "x"}, format="json")
    assert late.status_code == 409
    # The factory's open questions have no keywords: they wait for a reviewer.
    statuses = set(AttemptItem.objects.values_list("status", flat=True))
    assert statuses == {"needs_review"}
    assert PanelCandidate.objects.get(pk=assignments[0].pk).score == 0


def test_unknown_token_is_a_401(db):
    response = token_client("x" * 43).get(INTERVIEW)
    assert response.status_code == 401
    assert response.json()["message"] == "Invalid or expired interview token."

"""Scores through the API: each kind by its rule, open answers by the evaluator, the total in
the panel responses."""

from __future__ import annotations

import pytest

from django_interview_panels.models import AttemptItem, PanelCandidate

from .conftest import INTERVIEW, kinds_panel, token_client

RIGHT = {
    "open": "Use a for clause in brackets.",
    "short_answer": "def",
    "numeric": 3,
}
WRONG = {"open": "No idea.", "short_answer": "fn", "numeric": 4}
CORRECT_CHOICES = {"single_choice": {"list"}, "multiple_choice": {"list", "tuple"}}


def _answer(item, right: bool):
    if item["kind"] in CORRECT_CHOICES:
        wanted = CORRECT_CHOICES[item["kind"]]
        positions = [i for i, text in enumerate(item["choices"]) if (text in wanted) == right]
        return positions[:1] if item["kind"] == "single_choice" else positions
    return (RIGHT if right else WRONG)[item["kind"]]


@pytest.mark.parametrize(("right", "score"), [(True, 5), (False, 0)])
def test_a_submitted_attempt_is_scored_by_kind_and_the_total_shows_in_the_panel(
    tenant, hr_client, django_capture_on_commit_callbacks, right, score
):
    panel = kinds_panel(tenant)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    client = token_client(assignment.token)
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    assert {item["kind"] for item in items} == {
        "open",
        "single_choice",
        "multiple_choice",
        "short_answer",
        "numeric",
    }
    for item in items:
        body = {"answer": _answer(item, right)}
        response = client.put(f"{INTERVIEW}answers/{item['uuid']}/", body, format="json")
        assert response.status_code == 200, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{INTERVIEW}submit/").status_code == 200

    statuses = dict(AttemptItem.objects.values_list("question_version__kind", "status"))
    assert statuses.pop("open") == "evaluated"
    assert set(statuses.values()) == {"scored"}
    detail = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]
    scores = {c["candidate_uuid"]: c["score"] for c in detail["candidates"]}
    assert sorted(scores.values()) == sorted([score, 0, 0])


def test_shuffled_choices_are_answered_by_displayed_position(tenant):
    panel = kinds_panel(tenant)
    orders = set()
    for assignment in PanelCandidate.objects.filter(panel=panel):
        items = token_client(assignment.token).post(f"{INTERVIEW}start/").json()["data"]["items"]
        (single,) = [item for item in items if item["kind"] == "single_choice"]
        orders.add(tuple(single["choices"]))
        assert sorted(single["choices"]) == ["list", "tuple"]
    stored = AttemptItem.objects.filter(question_version__kind="single_choice")
    assert all(sorted(item.choice_order) == [0, 1] for item in stored)
    assert all(
        not item.choice_order
        for item in AttemptItem.objects.filter(question_version__kind="multiple_choice")
    )

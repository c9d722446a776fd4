"""Interviews under concurrency on PostgreSQL and MariaDB: 16 threads, each with its own
connection and its own test client, released together at a barrier
(``tests.test_security_concurrency``).

Starts of one candidate make one attempt; starts of many candidates of one panel are drawn one
after the other under the panel's lock and balance the exposure; saves never change an answer
after the submit that closed the attempt, nor once the panel is deleted; a draw racing an edit of
a drawn question keeps the version it drew. Every response is collected: no 500 anywhere.

The rate limits are switched off here (16 threads share one token and one address);
``test_throttling.py`` tests them.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest
from django.db import connection

from django_interview_panels.interviews import services
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    PanelCandidate,
    Question,
    QuestionDistribution,
    QuestionExposure,
    QuestionVersion,
)
from tests import factories
from tests.conftest import client_for
from tests.test_security_concurrency import run_together

from .conftest import INTERVIEW, token_client

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 16
# Saves one thread may send before the race must have ended (a bound, never reached when the
# submit or the delete works; it keeps a broken one from looping for ever).
MAX_SAVES = 400
# Rounds of draws racing edits: each a fresh panel, so the two interleave in many ways.
EDIT_ROUNDS = 3
INVALID_TOKEN = "Invalid or expired interview token."


@pytest.fixture(autouse=True)
def no_rate_limits(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "interview_panels_token": None,
            "interview_panels_candidate": None,
        },
    }


@dataclass
class Saver:
    """One thread's saves of its own item: (answer sent, sent after the race's event, status)."""

    item_uuid: str
    saves: list[tuple[str, bool, int]] = field(default_factory=list)

    def last_saved(self) -> str | None:
        saved = [answer for answer, _late, status in self.saves if status == 200]
        return saved[-1] if saved else None


def start(token: str) -> tuple[int, dict[str, Any]]:
    response = token_client(token).post(f"{INTERVIEW}start/")
    return response.status_code, response.json()


def keep_saving(
    token: str, saver: Saver, first_saved: threading.Barrier, done: threading.Event, stop: int
) -> None:
    """Save new answers to the saver's item until a save is refused with ``stop``. The first
    save waits for no one; after it, the thread meets the others at ``first_saved``, so the
    event that ends the race (``done``) happens while every thread is saving."""
    client = token_client(token)
    for number in range(MAX_SAVES):
        late = done.is_set()
        answer = f"{saver.item_uuid[:8]} answer {number}"
        response = client.put(
            f"{INTERVIEW}answers/{saver.item_uuid}/", {"answer": answer}, format="json"
        )
        saver.saves.append((answer, late, response.status_code))
        if number == 0:
            first_saved.wait(timeout=30)
        if response.status_code == stop:
            return
        assert response.status_code == 200, response.json()
    raise AssertionError(f"{MAX_SAVES} saves and never a {stop}")


def after_every_first_save(first_saved: threading.Barrier, call: Callable[[], Any]) -> Any:
    first_saved.wait(timeout=30)
    return call()


def race_against_saves(
    token: str, item_uuids: list[str], event: Callable[[], Any], stop: int
) -> tuple[list[Saver], Any]:
    """One thread runs ``event`` once every other thread has saved an answer; those go on
    saving their own item until refused with ``stop``. Returns the savers and ``event``'s
    result (after ``done`` was set: its response received, its transaction committed)."""
    savers = [Saver(item_uuid) for item_uuid in item_uuids]
    first_saved = threading.Barrier(len(savers) + 1)
    done = threading.Event()

    def run_event() -> Any:
        try:
            return after_every_first_save(first_saved, event)
        finally:
            done.set()

    calls = [partial(keep_saving, token, saver, first_saved, done, stop) for saver in savers]
    outcomes = run_together([*calls, run_event])
    assert [outcome.error for outcome in outcomes] == [None] * len(outcomes)
    return savers, outcomes[-1].value


def many_item_panel(tenant: Any, candidates: list[Any]) -> Any:
    """A panel of 15 items (three subtopics x 3 easy, 1 medium, 1 hard): one per saver."""
    category = factories.make_bank(tenant.organization, topics=3, name="Racing bank")
    return factories.make_panel(
        tenant.organization,
        category,
        candidates,
        counts=(3, 1, 1),
        start_datetime=factories.iso(factories.future(-1)),
        end_datetime=factories.iso(factories.future(10)),
    )


def answers_of(attempt_id: int) -> dict[str, tuple[Any, Any]]:
    return {
        str(uuid): (answer, answered_at)
        for uuid, answer, answered_at in AttemptItem.objects.filter(
            attempt_id=attempt_id
        ).values_list("uuid", "answer", "answered_at")
    }


def test_concurrent_starts_of_one_candidate_make_one_attempt(tenant, assignments):
    token = assignments[0].token

    outcomes = run_together([partial(start, token)] * THREADS)

    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    statuses = Counter(outcome.value[0] for outcome in outcomes)
    assert statuses == {201: 1, 200: THREADS - 1}
    item_sets = {
        tuple((item["uuid"], item["text"]) for item in outcome.value[1]["data"]["items"])
        for outcome in outcomes
    }
    assert len(item_sets) == 1
    assert Attempt.objects.count() == 1
    total = assignments[0].panel.total_number_of_questions
    assert AttemptItem.objects.count() == total
    # One draw counted, not sixteen.
    assert sum(QuestionExposure.objects.values_list("draws", flat=True)) == total


def test_concurrent_starts_of_a_panels_candidates_draw_full_balanced_sets(tenant):
    candidates = factories.make_candidates(tenant.organization, THREADS)
    panel = factories.make_panel(
        tenant.organization,
        tenant.category,
        candidates,
        counts=(2, 1, 1),
        start_datetime=factories.iso(factories.future(-1)),
        end_datetime=factories.iso(factories.future(10)),
    )
    tokens = list(PanelCandidate.objects.filter(panel=panel).values_list("token", flat=True))

    outcomes = run_together([partial(start, token) for token in tokens])

    assert [(outcome.error, outcome.value[0]) for outcome in outcomes] == [(None, 201)] * THREADS
    assert Attempt.objects.filter(panel=panel).count() == THREADS
    wanted = {
        (subtopic_id, difficulty): count
        for subtopic_id, *counts in QuestionDistribution.objects.filter(panel=panel).values_list(
            "subtopic_id", "easy", "medium", "hard"
        )
        for difficulty, count in zip(("easy", "medium", "hard"), counts, strict=True)
        if count
    }
    items = list(
        AttemptItem.objects.filter(attempt__panel=panel).values_list(
            "attempt_id", "question_id", "question__subtopic_id", "question__difficulty"
        )
    )
    per_attempt: dict[int, Counter] = {}
    for attempt_id, _question, subtopic_id, difficulty in items:
        per_attempt.setdefault(attempt_id, Counter())[(subtopic_id, difficulty)] += 1
    assert all(cells == wanted for cells in per_attempt.values())
    for attempt_id in per_attempt:
        drawn = [question for attempt, question, *_ in items if attempt == attempt_id]
        assert len(drawn) == len(set(drawn))  # no question twice in one set
    # Every draw is counted once, and the counts spread evenly over each cell's pool.
    exposure = dict(
        QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws")
    )
    assert exposure == Counter(question for _attempt, question, *_ in items)
    for (subtopic_id, difficulty), _count in wanted.items():
        pool = Question.objects.filter(subtopic_id=subtopic_id, difficulty=difficulty)
        draws = [exposure.get(question_id, 0) for question_id in pool.values_list("id", flat=True)]
        assert max(draws) - min(draws) <= 1, (subtopic_id, difficulty, draws)


def test_saves_racing_a_submit_never_change_an_answer_after_it(tenant, monkeypatch):
    panel = many_item_panel(tenant, tenant.candidates[:1])
    token = PanelCandidate.objects.get(panel=panel).token
    status, body = start(token)
    assert status == 201
    item_uuids = [item["uuid"] for item in body["data"]["items"]]
    assert len(item_uuids) == THREADS - 1
    # The answers as the submit's transaction closes the attempt, under its row lock.
    at_submit: dict[str, Any] = {}
    score_by_rules = services._score_by_rules

    def snapshot_then_score(attempt: Any, now: Any) -> Any:
        at_submit.update(answers_of(attempt.pk))
        return score_by_rules(attempt, now)

    monkeypatch.setattr(services, "_score_by_rules", snapshot_then_score)

    def submit() -> tuple[int, dict[str, Any]]:
        response = token_client(token).post(f"{INTERVIEW}submit/")
        return response.status_code, response.json()

    savers, (submit_status, submitted) = race_against_saves(token, item_uuids, submit, 409)

    assert submit_status == 200, submitted
    assert submitted["data"]["state"] == "submitted"
    attempt = Attempt.objects.get(assignment__panel=panel)
    assert answers_of(attempt.pk) == at_submit
    for saver in savers:
        statuses = [status for _answer, _late, status in saver.saves]
        # Saves go through until the submit, then every one is refused: never one after a 409.
        assert statuses == [200] * (len(statuses) - 1) + [409]
        assert all(status == 409 for _answer, late, status in saver.saves if late)
        # Nothing lost: the item holds the last answer whose save was accepted.
        assert at_submit[saver.item_uuid][0] == saver.last_saved()
        assert saver.last_saved() is not None


def test_saves_after_the_panel_is_deleted_are_refused_as_an_invalid_token(tenant):
    panel = many_item_panel(tenant, tenant.candidates[:1])
    token = PanelCandidate.objects.get(panel=panel).token
    status, body = start(token)
    assert status == 201
    item_uuids = [item["uuid"] for item in body["data"]["items"]]
    refusals: list[dict[str, Any]] = []

    def delete_panel() -> int:
        return client_for(tenant.admin).delete(f"/api/panel/delete/{panel.uuid}/").status_code

    savers, deleted = race_against_saves(token, item_uuids, delete_panel, 401)

    assert deleted == 200
    for saver in savers:
        statuses = [status for _answer, _late, status in saver.saves]
        assert statuses == [200] * (len(statuses) - 1) + [401]
        # Every save sent once the delete had answered is refused.
        assert all(status == 401 for _answer, late, status in saver.saves if late)
    # The refusals are the one answer every invalid token gets.
    client = token_client(token)
    for saver in savers:
        response = client.put(
            f"{INTERVIEW}answers/{saver.item_uuid}/", {"answer": "too late"}, format="json"
        )
        refusals.append(response.json())
        assert response.status_code == 401
    assert {(body["success"], body["message"]) for body in refusals} == {(False, INVALID_TOKEN)}
    # Nothing lost: the answers accepted before the delete stay (the delete is soft).
    stored = answers_of(Attempt.objects.get(assignment__panel=panel).pk)
    assert {saver.item_uuid: saver.last_saved() for saver in savers} == {
        item: answer for item, (answer, _at) in stored.items()
    }


def test_a_draw_racing_an_edit_of_a_drawn_question_keeps_the_version_it_drew(tenant):
    for round_ in range(EDIT_ROUNDS):
        # One question per cell: every candidate draws every one of them.
        category = factories.make_bank(
            tenant.organization, questions=1, name=f"Edited bank {round_}"
        )
        candidates = factories.make_candidates(tenant.organization, THREADS // 2)
        panel = factories.make_panel(
            tenant.organization,
            category,
            candidates,
            start_datetime=factories.iso(factories.future(-1)),
            end_datetime=factories.iso(factories.future(10)),
        )
        tokens = list(PanelCandidate.objects.filter(panel=panel).values_list("token", flat=True))
        edited = Question.objects.filter(subtopic__topic__category=category).order_by("id")[0]

        def edit(number: int, question: Any = edited) -> int:
            response = client_for(tenant.hr).patch(
                f"/api/panel/bank/questions/{question.uuid}/",
                {"text": f"{question.text}, edit {number}"},
                format="json",
            )
            return response.status_code

        calls: list[Callable[[], Any]] = []
        for number, token in enumerate(tokens):
            calls += [partial(start, token), partial(edit, number)]
        outcomes = run_together(calls)

        assert [outcome.error for outcome in outcomes] == [None] * THREADS
        starts, edits = outcomes[0::2], outcomes[1::2]
        assert [outcome.value[0] for outcome in starts] == [201] * len(starts)
        assert [outcome.value for outcome in edits] == [200] * len(edits)
        shown = {
            item["uuid"]: item["text"]
            for outcome in starts
            for item in outcome.value[1]["data"]["items"]
        }
        held = AttemptItem.objects.filter(attempt__panel=panel).select_related("question_version")
        for item in held:
            version = item.question_version
            # Used, and still what the candidate was shown when it was drawn.
            assert version.is_used is True
            assert version.text == shown[str(item.uuid)]
        # Edits after a draw made new versions: numbered without gaps, the last one current.
        edited.refresh_from_db()
        numbers = list(
            QuestionVersion.objects.filter(question=edited)
            .order_by("number")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, edited.version + 1))
        current = QuestionVersion.objects.get(question=edited, number=edited.version)
        assert current.text == edited.text

"""Candidate management under concurrency on PostgreSQL and MariaDB: a token rotated while the
candidate saves answers, and a candidate removed while they submit. Threads with their own
connections and clients, released together (``tests.test_security_concurrency.run_together``);
every response is collected, and no accepted answer may be lost."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any

import pytest
from django.db import connection

from django_interview_panels.models import Attempt, AttemptItem, AttemptState, PanelCandidate
from tests import factories
from tests.conftest import client_for
from tests.interviews.test_concurrency import many_item_panel
from tests.test_security_concurrency import run_together

from .conftest import INTERVIEW, one_url, token_client, token_url

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]

SAVERS = 8
MAX_SAVES = 400
ROUNDS = 3


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


def keep_saving(
    token: str,
    item_uuid: str,
    saves: list[tuple[str, bool, int]],
    first_saved: threading.Barrier,
    done: threading.Event,
) -> None:
    """Save new answers to one item until refused (401 or 409); record (answer, late, status)."""
    client = token_client(token)
    for number in range(MAX_SAVES):
        late = done.is_set()
        answer = f"{item_uuid[:8]} answer {number}"
        response = client.put(f"{INTERVIEW}answers/{item_uuid}/", {"answer": answer}, format="json")
        saves.append((answer, late, response.status_code))
        if number == 0:
            first_saved.wait(timeout=30)
        if response.status_code in (401, 409):
            return
        assert response.status_code == 200, response.json()
    raise AssertionError(f"{MAX_SAVES} saves and never refused")


def race(token: str, item_uuids: list[str], events: list[Any]) -> tuple[list[list], list[Any]]:
    """Savers of ``token`` (one per item) save until refused; once each has saved once, the
    ``events`` run together. Returns each saver's saves and each event's result."""
    saves: list[list] = [[] for _ in item_uuids]
    first_saved = threading.Barrier(len(item_uuids) + 1)
    done = threading.Event()

    def run_events() -> list[Any]:
        try:
            first_saved.wait(timeout=30)
            outcomes = run_together(events) if len(events) > 1 else [None]
            if len(events) == 1:
                return [events[0]()]
            assert [o.error for o in outcomes] == [None] * len(outcomes)
            return [o.value for o in outcomes]
        finally:
            done.set()

    calls = [
        partial(keep_saving, token, item_uuid, saves[index], first_saved, done)
        for index, item_uuid in enumerate(item_uuids)
    ]
    outcomes = run_together([*calls, run_events])
    assert [outcome.error for outcome in outcomes] == [None] * len(outcomes)
    return saves, outcomes[-1].value


def last_accepted(saves: list[tuple[str, bool, int]]) -> str | None:
    accepted = [answer for answer, _late, status in saves if status == 200]
    return accepted[-1] if accepted else None


def started_panel(tenant: Any) -> tuple[Any, PanelCandidate, list[str]]:
    panel = many_item_panel(tenant, tenant.candidates[:1])
    assignment = PanelCandidate.objects.get(panel=panel)
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code == 201, response.json()
    items = [item["uuid"] for item in response.json()["data"]["items"]][:SAVERS]
    return panel, assignment, items


def test_saves_racing_a_token_rotation_stop_at_once_and_lose_nothing(tenant):
    panel, assignment, items = started_panel(tenant)
    hr = client_for(tenant.hr)

    def rotate() -> tuple[int, dict[str, Any]]:
        response = hr.post(token_url(panel, tenant.candidates[0]))
        return response.status_code, response.json()

    saves, [(status, body)] = race(assignment.token, items, [rotate])

    assert status == 200, body
    new_token = body["data"]["token"]
    for item_uuid, saved in zip(items, saves, strict=True):
        statuses = [s for _a, _late, s in saved]
        # Accepted until the rotation, then refused: never an accepted save after a refusal.
        assert statuses == [200] * (len(statuses) - 1) + [401]
        assert all(s == 401 for _a, late, s in saved if late)
        # Nothing lost: the item holds the last accepted answer.
        assert AttemptItem.objects.get(uuid=item_uuid).answer == last_accepted(saved)
    # The new token goes on with the same attempt.
    response = token_client(new_token).put(
        f"{INTERVIEW}answers/{items[0]}/", {"answer": "after"}, format="json"
    )
    assert response.status_code == 200
    assert Attempt.objects.get(assignment=assignment).state == AttemptState.IN_PROGRESS


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_removal_racing_a_submit_ends_in_one_well_defined_state(tenant, round_):
    panel, assignment, items = started_panel(tenant)
    hr = client_for(tenant.hr)
    token = assignment.token

    def remove() -> tuple[int, dict[str, Any]]:
        response = hr.delete(one_url(panel, tenant.candidates[0]))
        return response.status_code, response.json()

    def submit() -> tuple[int, dict[str, Any]]:
        response = token_client(token).post(f"{INTERVIEW}submit/")
        return response.status_code, response.json()

    saves, [(removed, removal), (submitted, submission)] = race(token, items, [remove, submit])

    assert removed == 200, removal
    assert removal["data"]["status"] == "removed"
    attempt = Attempt.objects.get(assignment=assignment)
    if submitted == 200:
        # The submit came first: the attempt stays submitted, the removal only ends the token.
        assert submission["data"]["state"] == "submitted"
        assert attempt.state == AttemptState.SUBMITTED
    else:
        # The removal came first: withdrawn, and the submit refused as the token is.
        assert submitted == 401, submission
        assert attempt.state == AttemptState.WITHDRAWN
    assert attempt.closed_at is not None
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.removed_at is not None
    assert stored.token_expires_at == stored.removed_at
    for item_uuid, saved in zip(items, saves, strict=True):
        statuses = [s for _a, _late, s in saved]
        assert statuses[:-1] == [200] * (len(statuses) - 1)
        assert statuses[-1] in (401, 409)
        assert all(s in (401, 409) for _a, late, s in saved if late)
        assert AttemptItem.objects.get(uuid=item_uuid).answer == last_accepted(saved)
    # Every item was scored or handed to the evaluator: none is left unscored by a rule.
    assert token_client(token).get(INTERVIEW).status_code == 401
    assert factories.candidate_uuid(tenant.candidates[0]) in str(removal)

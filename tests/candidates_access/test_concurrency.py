"""Changes of access racing the candidate's saves and the panel's updates, on PostgreSQL and
MariaDB: no answer is lost, nothing deadlocks or answers a 500, and the token's expiry ends as
the candidate's effective end."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from django_interview_panels.interviews import services
from django_interview_panels.models import Attempt, AttemptItem, InterviewPanel, PanelCandidate
from tests import factories
from tests.conftest import client_for
from tests.interviews.conftest import INTERVIEW, open_panel, token_client
from tests.test_security_concurrency import run_together

from .test_access import CANDIDATES

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 25


@pytest.fixture(autouse=True)
def no_rate_limits(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "interview_panels_read": None,
            "interview_panels_write": None,
            "interview_panels_token": None,
            "interview_panels_candidate": None,
        },
    }


def test_access_changes_while_the_candidate_saves_lose_no_answer(tenant):
    panel = open_panel(tenant, time_limit_minutes=60)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    candidate = token_client(assignment.token)
    items = candidate.post(f"{INTERVIEW}start/").json()["data"]["items"]
    url = f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/access/"
    own_end = timezone.now() + dt.timedelta(days=2)

    def save() -> list[tuple[str, str, int]]:
        client = token_client(assignment.token)
        sent = []
        for number in range(ROUNDS):
            item = items[number % len(items)]
            answer = f"answer {number}"
            response = client.put(
                f"{INTERVIEW}answers/{item['uuid']}/", {"answer": answer}, format="json"
            )
            sent.append((item["uuid"], answer, response.status_code))
        return sent

    def change_access() -> list[int]:
        client = client_for(tenant.hr)
        statuses = []
        for number in range(ROUNDS):
            body: dict[str, Any] = {
                "extra_minutes": number,
                "time_multiplier": round(1 + number / 100, 2),
            }
            if number % 2:
                body["window_ends_at"] = factories.iso(own_end)
            else:
                body["window_ends_at"] = None
            statuses.append(client.patch(url, body, format="json").status_code)
        return statuses

    def move_panel_end() -> list[int]:
        client = client_for(tenant.hr)
        statuses = []
        for number in range(ROUNDS):
            end = panel.end_datetime + dt.timedelta(minutes=number + 1)
            response = client.patch(
                f"/api/panel/update/{panel.uuid}/",
                {"end_datetime": factories.iso(end)},
                format="json",
            )
            statuses.append(response.status_code)
        return statuses

    saves, changes, moves = run_together([save, change_access, move_panel_end])
    for outcome in (saves, changes, moves):
        assert outcome.error is None, outcome.error
    assert {status for _item, _answer, status in saves.value} == {200}
    assert set(changes.value) == {200}
    assert set(moves.value) == {200}
    # Every item holds the last answer sent to it.
    last: dict[str, str] = {}
    for item_uuid, answer, _status in saves.value:
        last[item_uuid] = answer
    stored = dict(
        AttemptItem.objects.filter(attempt__assignment=assignment).values_list("uuid", "answer")
    )
    assert {str(key): value for key, value in stored.items() if str(key) in last} == last
    # The expiry is the effective end, whichever write came last.
    final = PanelCandidate.objects.get(pk=assignment.pk)
    panel_end = InterviewPanel.objects.get(pk=panel.pk).end_datetime
    assert final.token_expires_at == (final.window_ends_at or panel_end)


def _erase_in_delete_mode_racing(
    tenant: Any, settings: Any, other: Any, prepare: Any = None
) -> None:
    """Each of the panel's candidates answers every item; then ``other(assignment, items)`` and
    the erasure run together. Neither deadlocks or fails, and nothing of the record is left."""
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), "ERASURE": "delete"}
    panel = open_panel(tenant, time_limit_minutes=60)
    for assignment in PanelCandidate.objects.filter(panel=panel).order_by("id"):
        client = token_client(assignment.token)
        items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
        for item in items:
            response = client.put(
                f"{INTERVIEW}answers/{item['uuid']}/", {"answer": "lists"}, format="json"
            )
            assert response.status_code == 200, response.json()
        if prepare is not None:
            prepare(assignment)
        url = f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/erase/"

        def erase(url: str = url) -> int:
            return client_for(tenant.hr).post(url).status_code

        def race(assignment: Any = assignment, items: Any = items) -> Any:
            return other(assignment, items)

        erased, raced = run_together([erase, race])
        for outcome in (erased, raced):
            assert outcome.error is None, outcome.error
        assert erased.value == 200
        assert not PanelCandidate.objects.filter(pk=assignment.pk).exists()
        assert not Attempt.objects.filter(assignment_id=assignment.pk).exists()
        assert not AttemptItem.objects.filter(attempt__assignment_id=assignment.pk).exists()


def test_erasure_in_delete_mode_racing_a_submit_neither_deadlocks(tenant, settings):
    def submit(assignment: Any, _items: Any) -> int:
        status = token_client(assignment.token).post(f"{INTERVIEW}submit/").status_code
        # Submitted first (and evaluated on commit), or refused once the erasure came first.
        assert status in (200, 401), status
        return status

    _erase_in_delete_mode_racing(tenant, settings, submit)


def test_erasure_in_delete_mode_racing_an_evaluation_neither_deadlocks(tenant, settings):
    """The attempt is closed with its items pending: the evaluation locks item, attempt, then
    assignment while the erasure deletes the record."""

    def close_with_pending_items(assignment: Any) -> None:
        now = timezone.now()
        Attempt.objects.filter(assignment_id=assignment.pk).update(
            state="submitted", submitted_at=now, closed_at=now
        )
        AttemptItem.objects.filter(attempt__assignment_id=assignment.pk).update(status="pending")

    def evaluate(assignment: Any, _items: Any) -> None:
        attempt = Attempt.objects.filter(assignment_id=assignment.pk).first()
        if attempt is not None:
            services.evaluate_attempt(attempt_uuid=attempt.uuid)

    _erase_in_delete_mode_racing(tenant, settings, evaluate, close_with_pending_items)

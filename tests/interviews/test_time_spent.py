"""Time spent per item: measured by the server between the start (or a resume) and the saves
that change an answer, each interval going to the item saved at its end."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from django_interview_panels.models import Attempt, AttemptItem
from tests.test_security_concurrency import run_together

from .conftest import INTERVIEW, open_panel, token_client
from .taking import assignments_of


def _spent(attempt_items):
    return {uuid: AttemptItem.objects.get(uuid=uuid).time_spent_seconds for uuid in attempt_items}


def _save(client, item, answer):
    response = client.put(f"{INTERVIEW}answers/{item}/", {"answer": answer}, format="json")
    assert response.status_code == 200, response.json()


def test_each_save_adds_the_time_since_the_last_activity_to_its_item(tenant):
    panel = open_panel(tenant)
    assignment = assignments_of(panel)[0]
    client = token_client(assignment.token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    first, second = items[0], items[1]
    with time_machine.travel(t0 + dt.timedelta(seconds=40), tick=False):
        _save(client, first, "one")
    with time_machine.travel(t0 + dt.timedelta(seconds=100), tick=False):
        _save(client, second, "two")
    with time_machine.travel(t0 + dt.timedelta(seconds=130), tick=False):
        _save(client, first, "one, better")

    spent = _spent(items)
    assert spent[first] == 40 + 30
    assert spent[second] == 60
    assert sum(spent.values()) == 130
    attempt = Attempt.objects.get(assignment=assignment)
    assert attempt.last_activity_at == t0 + dt.timedelta(seconds=130)


def test_a_save_that_changes_nothing_counts_nothing_and_the_next_save_gets_the_time(tenant):
    panel = open_panel(tenant)
    client = token_client(assignments_of(panel)[0].token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    with time_machine.travel(t0 + dt.timedelta(seconds=10), tick=False):
        _save(client, items[0], "same")
    with time_machine.travel(t0 + dt.timedelta(seconds=20), tick=False):
        _save(client, items[0], "same")  # idempotent: writes nothing
    assert _spent(items)[items[0]] == 10
    with time_machine.travel(t0 + dt.timedelta(seconds=35), tick=False):
        _save(client, items[1], "other")
    assert _spent(items)[items[1]] == 25


def test_fractions_of_a_second_carry_over_to_the_next_save(tenant):
    panel = open_panel(tenant)
    client = token_client(assignments_of(panel)[0].token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    for step in range(1, 5):  # four saves 0.5 s apart: 2 s in all, not 0
        with time_machine.travel(t0 + dt.timedelta(milliseconds=500 * step), tick=False):
            _save(client, items[0], f"answer {step}")
    assert _spent(items)[items[0]] == 2


def test_a_resume_does_not_count_the_break(tenant):
    panel = open_panel(tenant)
    client = token_client(assignments_of(panel)[0].token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    with time_machine.travel(t0 + dt.timedelta(seconds=30), tick=False):
        _save(client, items[0], "before the break")
    with time_machine.travel(t0 + dt.timedelta(hours=2), tick=False):
        assert client.post(f"{INTERVIEW}start/").status_code == 200  # resume
    with time_machine.travel(t0 + dt.timedelta(hours=2, seconds=45), tick=False):
        _save(client, items[1], "after the break")
    spent = _spent(items)
    assert spent[items[0]] == 30
    assert spent[items[1]] == 45


def test_the_time_is_counted_up_to_the_deadline_at_most(tenant):
    """A save is refused past the deadline; one just before it counts no time beyond it, and
    the total never exceeds the attempt's duration."""
    panel = open_panel(tenant, time_limit_minutes=1)
    client = token_client(assignments_of(panel)[0].token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    with time_machine.travel(t0 + dt.timedelta(seconds=59), tick=False):
        _save(client, items[0], "just in time")
    with time_machine.travel(t0 + dt.timedelta(seconds=61), tick=False):
        late = client.put(f"{INTERVIEW}answers/{items[1]}/", {"answer": "late"}, format="json")
        assert late.status_code == 409
    spent = _spent(items)
    assert spent[items[0]] == 59 and spent[items[1]] == 0
    assert sum(spent.values()) <= 60


def test_an_attempt_from_before_the_measure_counts_from_its_start(tenant):
    """Attempts started before ``last_activity_at`` existed have none: their start is used."""
    panel = open_panel(tenant)
    assignment = assignments_of(panel)[0]
    client = token_client(assignment.token)
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    Attempt.objects.filter(assignment=assignment).update(last_activity_at=None)
    with time_machine.travel(t0 + dt.timedelta(seconds=12), tick=False):
        _save(client, items[0], "x")
    assert _spent(items)[items[0]] == 12


def test_a_clock_that_went_back_counts_nothing(tenant):
    panel = open_panel(tenant)
    assignment = assignments_of(panel)[0]
    client = token_client(assignment.token)
    items = [item["uuid"] for item in client.post(f"{INTERVIEW}start/").json()["data"]["items"]]
    Attempt.objects.filter(assignment=assignment).update(
        last_activity_at=timezone.now() + dt.timedelta(minutes=5)
    )
    _save(client, items[0], "x")
    assert _spent(items)[items[0]] == 0


# --- Concurrency (PostgreSQL, MariaDB) --------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor not in ("postgresql", "mysql"),
    reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_never_count_an_interval_twice(tenant, settings):
    """16 saves of different items of one attempt at once: each waits for the attempt's lock
    and counts from the mark the previous one left, so the items' times add up to the time from
    the start to the last save, never more."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}),
            "interview_panels_token": None,
            "interview_panels_candidate": None,
        },
    }
    panel = open_panel(tenant)
    assignment = assignments_of(panel)[0]
    items = [
        item["uuid"]
        for item in token_client(assignment.token)
        .post(f"{INTERVIEW}start/")
        .json()["data"]["items"]
    ]
    attempt = Attempt.objects.get(assignment=assignment)
    Attempt.objects.filter(pk=attempt.pk).update(
        last_activity_at=attempt.started_at - dt.timedelta(seconds=100)
    )

    def save(uuid):
        return (
            token_client(assignment.token)
            .put(f"{INTERVIEW}answers/{uuid}/", {"answer": f"answer {uuid}"}, format="json")
            .status_code
        )

    calls = [partial(save, items[index % len(items)]) for index in range(16)]
    outcomes = run_together(calls)

    assert [outcome.error for outcome in outcomes] == [None] * 16
    assert {outcome.value for outcome in outcomes} == {200}
    attempt.refresh_from_db()
    total = sum(
        AttemptItem.objects.filter(attempt=attempt).values_list("time_spent_seconds", flat=True)
    )
    mark = attempt.started_at - dt.timedelta(seconds=100)
    # Counted once: whole seconds from the first mark to the last one.
    assert total == int((attempt.last_activity_at - mark).total_seconds())
    assert 100 <= total <= 100 + int((timezone.now() - attempt.started_at).total_seconds()) + 1

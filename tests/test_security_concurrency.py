"""A busy office: concurrent writes with real transactions and one connection each.

``select_for_update()`` does nothing on SQLite, so these tests run on PostgreSQL and on
MariaDB/MySQL (CI runs them on PostgreSQL and MariaDB). Threads start together at a barrier and
close their connection when done. Sizes: THREADS threads x UPDATE_ITERATIONS for the update
races, 2 threads x RACE_ITERATIONS for an update racing a delete, CREATE_THREADS threads for the
creates.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from django_interview_panels.models import InterviewPanel, PanelCandidate, QuestionDistribution
from django_interview_panels.panels import services
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 16
UPDATE_ITERATIONS = 5
RACE_ITERATIONS = 25
CREATE_THREADS = 8


@dataclass
class Outcome:
    """What one thread's call returned or raised."""

    value: Any = None
    error: BaseException | None = None


def run_together(calls: list[Callable[[], Any]]) -> list[Outcome]:
    """Run each call in its own thread, all released at once; every thread closes its connection."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def worker(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index].value = call()
        except BaseException as error:  # reported by the test, not lost in the thread
            outcomes[index].error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return outcomes


# Per database: the calling connection's id, and whether the connection with that id waits for
# a lock (PostgreSQL's activity view; on MariaDB/MySQL, InnoDB's transactions table).
CONNECTION_ID = {"postgresql": "SELECT pg_backend_pid()", "mysql": "SELECT CONNECTION_ID()"}


def waits_for_a_lock(backend: int) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute(
                "SELECT trx_state FROM information_schema.INNODB_TRX "
                "WHERE trx_mysql_thread_id = %s",
                [backend],
            )
            row = cursor.fetchone()
            return bool(row) and row[0] == "LOCK WAIT"
        # Activity is read from a per-transaction snapshot; the caller is in a transaction.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend])
        row = cursor.fetchone()
        return bool(row) and row[0] == "Lock"


def start_and_see_it_wait(call: Callable[[], Any]) -> tuple[threading.Thread, Outcome, bool]:
    """Start ``call`` in a thread of its own; then watch it until it finishes (False) or the
    database reports its connection waiting for a lock (True). Polls; asserts nothing on time.
    """
    outcome, backend = Outcome(), []

    def worker() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(CONNECTION_ID[connection.vendor])
                backend.append(cursor.fetchone()[0])
            outcome.value = call()
        except BaseException as error:
            outcome.error = error
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    # InnoDB refreshes its transactions table only once it has not been read for 0.1 s.
    interval = 0.2 if connection.vendor == "mysql" else 0.005
    for _ in range(int(30 / interval)):
        if not thread.is_alive():
            return thread, outcome, False
        if backend and waits_for_a_lock(backend[0]):
            return thread, outcome, True
        time.sleep(interval)
    raise AssertionError("the concurrent call neither finished nor waited for a lock")


def api(user: Any) -> APIClient:
    """A client for ``user``, created in the thread that uses it."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(user)}")
    return client


def expiries(panel: InterviewPanel) -> set[dt.datetime]:
    return set(
        PanelCandidate.objects.filter(panel=panel).values_list("token_expires_at", flat=True)
    )


def move_end(tenant: Any, panel_uuid: Any, end: dt.datetime) -> InterviewPanel:
    return services.update_panel(
        organization=tenant.organization,
        panel_uuid=panel_uuid,
        data={"end_datetime": end},
        user=tenant.hr,
    )


def put(user: Any, panel_uuid: Any, body: dict[str, Any]) -> int:
    return api(user).put(f"/api/panel/update/{panel_uuid}/", body, format="json").status_code


def delete(user: Any, panel_uuid: Any) -> int:
    return api(user).delete(f"/api/panel/delete/{panel_uuid}/").status_code


def test_concurrent_end_moves_leave_every_token_expiring_with_the_panel(tenant):
    """Half the threads move the end to values of their own, half set it to the original.

    Without the row lock, a thread that read the end before another committed believes the
    original changes nothing and leaves the tokens alone: panel and tokens would then disagree.
    """
    for _ in range(UPDATE_ITERATIONS):
        panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
        original = panel.end_datetime
        half = THREADS // 2
        ends = [original] * half + [original + dt.timedelta(hours=i + 1) for i in range(half)]

        outcomes = run_together([partial(move_end, tenant, panel.uuid, end) for end in ends])

        assert [o.error for o in outcomes] == [None] * THREADS
        panel.refresh_from_db()
        assert panel.end_datetime in ends
        assert expiries(panel) == {panel.end_datetime}
        # The stored row is one writer's complete write: the one whose updated_at it carries.
        writers = {o.value.updated_at: o.value.end_datetime for o in outcomes}
        assert writers[panel.updated_at] == panel.end_datetime


def test_concurrent_updates_of_different_fields_through_the_api_lose_none(tenant):
    """Half the threads rename the panel, half move its end: both kinds of change survive."""
    for _ in range(UPDATE_ITERATIONS):
        panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
        names = [f"Renamed by thread {i}" for i in range(THREADS // 2)]
        ends = [panel.end_datetime + dt.timedelta(hours=i + 1) for i in range(THREADS // 2)]
        bodies = [{"name": name} for name in names]
        bodies += [{"end_datetime": factories.iso(end)} for end in ends]

        outcomes = run_together([partial(put, tenant.hr, panel.uuid, body) for body in bodies])

        assert [(o.error, o.value) for o in outcomes] == [(None, 200)] * THREADS
        panel.refresh_from_db()
        assert panel.name in names
        assert panel.end_datetime in ends
        assert expiries(panel) == {panel.end_datetime}


def test_an_update_racing_a_delete_never_edits_or_revives_the_deleted_panel(tenant):
    statuses: set[tuple[int, int]] = set()
    for iteration in range(RACE_ITERATIONS):
        panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
        original = panel.name
        renamed = f"Renamed in race {iteration}"

        outcomes = run_together(
            [
                partial(delete, tenant.admin, panel.uuid),
                partial(put, tenant.hr, panel.uuid, {"name": renamed}),
            ]
        )

        assert [o.error for o in outcomes] == [None, None]
        deleted, updated = (o.value for o in outcomes)
        statuses.add((deleted, updated))
        panel.refresh_from_db()
        assert deleted == 200
        assert panel.is_deleted is True
        # The delete is the last write: an update after it would have moved updated_at on.
        assert panel.updated_at == panel.deleted_at
        assert panel.name in (original, renamed)
        if updated == 200:
            assert panel.name == renamed
    # Every pair ends in one of the two orders, never in a server error.
    assert statuses <= {(200, 200), (200, 404)}


def test_a_second_update_waits_for_the_first_so_tokens_follow_the_last_end(tenant, monkeypatch):
    """Deterministic interleaving: B starts while A holds the panel between its read and write."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    original, moved = panel.end_datetime, panel.end_datetime + dt.timedelta(days=1)
    real_schedule_errors = services.schedule_errors
    second: dict[str, Any] = {}

    def schedule_errors_with_a_second_update(*args: Any) -> Any:
        monkeypatch.setattr(services, "schedule_errors", real_schedule_errors)
        second["thread"], second["outcome"], second["waited"] = start_and_see_it_wait(
            partial(move_end, tenant, panel.uuid, moved)
        )
        return real_schedule_errors(*args)

    monkeypatch.setattr(services, "schedule_errors", schedule_errors_with_a_second_update)

    # A sets the end it read back to itself; B, started in between, moves it a day later.
    move_end(tenant, panel.uuid, original)
    second["thread"].join(timeout=60)

    assert second["waited"] is True
    assert second["outcome"].error is None
    panel.refresh_from_db()
    assert panel.end_datetime == moved
    assert expiries(panel) == {moved}


def test_a_delete_waits_for_an_update_in_progress_and_wins(tenant, monkeypatch):
    """Deterministic interleaving: the delete arrives while the update holds the panel."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    real_schedule_errors = services.schedule_errors
    deleter: dict[str, Any] = {}

    def schedule_errors_with_a_delete(*args: Any) -> Any:
        monkeypatch.setattr(services, "schedule_errors", real_schedule_errors)
        deleter["thread"], deleter["outcome"], deleter["waited"] = start_and_see_it_wait(
            partial(delete, tenant.admin, panel.uuid)
        )
        return real_schedule_errors(*args)

    monkeypatch.setattr(services, "schedule_errors", schedule_errors_with_a_delete)

    services.update_panel(
        organization=tenant.organization,
        panel_uuid=panel.uuid,
        data={"name": "Renamed before the delete"},
        user=tenant.hr,
    )
    deleter["thread"].join(timeout=60)

    assert deleter["waited"] is True
    assert (deleter["outcome"].error, deleter["outcome"].value) == (None, 200)
    panel.refresh_from_db()
    assert panel.is_deleted is True
    assert panel.name == "Renamed before the delete"
    assert panel.updated_at == panel.deleted_at


def test_concurrent_creates_for_the_same_candidates_get_distinct_tokens(tenant):
    payload = factories.panel_payload(tenant.category, tenant.candidates)

    def create() -> Any:
        response = api(tenant.hr).post("/api/panel/create/", payload, format="json")
        return response.status_code

    outcomes = run_together([create] * CREATE_THREADS)

    assert [(o.error, o.value) for o in outcomes] == [(None, 201)] * CREATE_THREADS
    tokens = list(PanelCandidate.objects.values_list("token", flat=True))
    assert len(tokens) == len(set(tokens)) == CREATE_THREADS * len(tenant.candidates)


def test_concurrent_creates_colliding_on_a_token_are_409_and_leave_no_orphans(tenant, monkeypatch):
    """A unique-constraint race the serializer cannot foresee: one create wins, the others 409."""
    monkeypatch.setattr(services, "new_token", lambda: "the-same-token-for-every-create-0123456")
    payload = factories.panel_payload(tenant.category, tenant.candidates[:1])

    def create() -> Any:
        response = api(tenant.hr).post("/api/panel/create/", payload, format="json")
        return response.status_code, response.json()

    outcomes = run_together([create] * CREATE_THREADS)

    assert [o.error for o in outcomes] == [None] * CREATE_THREADS
    statuses = sorted(o.value[0] for o in outcomes)
    assert statuses == [201] + [409] * (CREATE_THREADS - 1)
    for status, body in (o.value for o in outcomes):
        if status == 409:
            assert body["success"] is False
            assert body["errors"] == {"detail": [body["message"]]}
    assert InterviewPanel.objects.count() == 1
    assert QuestionDistribution.objects.count() == 2
    assert PanelCandidate.objects.count() == 1


def test_a_fault_midway_through_a_create_leaves_no_orphan_rows(tenant, monkeypatch):
    """The panel and its distributions are inserted, then the token step fails: all rolled back."""
    factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    before = (
        InterviewPanel.objects.count(),
        QuestionDistribution.objects.count(),
        PanelCandidate.objects.count(),
    )

    def fail() -> str:
        assert InterviewPanel.objects.count() == before[0] + 1  # the panel row is written
        raise RuntimeError("fault injected midway through the create")

    monkeypatch.setattr(services, "new_token", fail)

    with pytest.raises(RuntimeError, match="fault injected"):
        factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    after = (
        InterviewPanel.objects.count(),
        QuestionDistribution.objects.count(),
        PanelCandidate.objects.count(),
    )
    assert after == before

"""``lock_of`` locks the rows it names and no joined row, on PostgreSQL and on MariaDB/MySQL; its
``share`` parents are share-locked first on MariaDB/MySQL only (django_interview_panels/locking.py).

Another connection (a thread of its own) tries each row with ``FOR UPDATE NOWAIT``: refused at
once while the row is locked, granted otherwise.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, transaction

from django_interview_panels.locking import lock_of
from django_interview_panels.models import InterviewPanel, PanelCandidate
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def locked_elsewhere(model: Any, pk: int) -> bool:
    """Whether another connection is refused the row's lock (NOWAIT) right now."""
    refused: list[bool] = []

    def attempt() -> None:
        try:
            with transaction.atomic():
                list(model.objects.select_for_update(nowait=True).filter(pk=pk).values("pk"))
            refused.append(False)
        except OperationalError:
            refused.append(True)
        finally:
            connection.close()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join(timeout=30)
    assert refused, "the other connection neither got the lock nor was refused"
    return refused[0]


@pytest.fixture
def assignment(tenant) -> PanelCandidate:
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    return panel.candidates.get()


def test_self_locks_the_row_and_not_the_joined_panel(assignment) -> None:
    with transaction.atomic():
        found = lock_of(
            PanelCandidate.objects.select_related("panel").filter(pk=assignment.pk), "self"
        ).get()
        assert found.panel.pk == assignment.panel_id

        assert locked_elsewhere(PanelCandidate, assignment.pk) is True
        assert locked_elsewhere(InterviewPanel, assignment.panel_id) is False

    assert locked_elsewhere(PanelCandidate, assignment.pk) is False


def test_a_relation_named_locks_that_row_and_not_the_lookups_own(assignment) -> None:
    with transaction.atomic():
        found = lock_of(
            PanelCandidate.objects.select_related("panel").filter(pk=assignment.pk), "panel"
        ).get()
        assert found.pk == assignment.pk

        assert locked_elsewhere(InterviewPanel, assignment.panel_id) is True
        assert locked_elsewhere(PanelCandidate, assignment.pk) is False


def test_share_parents_are_share_locked_on_mariadb_only(assignment) -> None:
    with transaction.atomic():
        lock_of(PanelCandidate.objects.filter(pk=assignment.pk), "self", share=("panel",)).get()

        # InnoDB's foreign-key checks take that shared lock later anyway; PostgreSQL's do not.
        assert locked_elsewhere(InterviewPanel, assignment.panel_id) is (
            connection.vendor == "mysql"
        )
        assert locked_elsewhere(PanelCandidate, assignment.pk) is True


def test_self_keeps_to_the_rows_the_lookup_matched(assignment, tenant) -> None:
    other = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[1:2])
    with transaction.atomic():
        rows = list(lock_of(PanelCandidate.objects.filter(panel=assignment.panel_id), "self"))

        assert [row.pk for row in rows] == [assignment.pk]
        assert locked_elsewhere(PanelCandidate, other.candidates.get().pk) is False

"""``attempt_evaluated`` on PostgreSQL and MariaDB with real transactions: of the writes racing
to score an attempt's last pending items (evaluations, reviews ahead of them), exactly one sends
it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from django_interview_panels.interviews import services
from django_interview_panels.models import AttemptItem, ItemStatus, PanelCandidate
from tests.test_security_concurrency import run_together

from .evaluation import CountingEvaluator, answered, forget_calls, give_keywords
from .test_signals import Recorder, use_evaluator

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def recorder() -> Any:
    recording = Recorder()
    yield recording
    recording.disconnect()


@pytest.fixture
def pending(settings, tenant, assignments) -> list[AttemptItem]:
    """The first candidate's attempt, submitted: six open answers wait for the evaluator (the
    evaluation task is kept by the dummy backend, not run)."""
    from .evaluation import DUMMY_TASKS

    settings.TASKS = DUMMY_TASKS
    forget_calls()
    give_keywords(tenant)
    attempt = answered(assignments[0])
    services.submit_attempt(assignment=assignments[0])
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    assert {item.status for item in items} == {ItemStatus.PENDING}
    return items


def _review(tenant: Any, item: AttemptItem) -> None:
    services.review_item(
        organization=tenant.organization,
        item_uuid=item.uuid,
        reviewer=tenant.hr,
        dimension_scores=None,
        points=Decimal(1),
        comment="",
    )


def test_reviews_of_every_pending_item_at_once_send_attempt_evaluated_once(
    recorder, tenant, pending
):
    outcomes = run_together([lambda item=item: _review(tenant, item) for item in pending])

    assert [outcome.error for outcome in outcomes] == [None] * len(pending)
    assert recorder.names().count("item_reviewed") == len(pending)
    _sender, kwargs = recorder.one("attempt_evaluated")
    assert kwargs["needs_review"] == 0
    assert PanelCandidate.objects.get(pk=pending[0].attempt.assignment_id).score == len(pending)


def test_evaluations_racing_each_other_and_reviews_send_attempt_evaluated_once(
    settings, recorder, tenant, pending
):
    use_evaluator(settings, CountingEvaluator)
    attempt_uuid = pending[0].attempt.uuid
    calls = [lambda: services.evaluate_attempt(attempt_uuid=attempt_uuid) for _ in range(2)]
    calls += [lambda item=item: _review(tenant, item) for item in pending[:3]]

    outcomes = run_together(calls)

    assert [outcome.error for outcome in outcomes] == [None] * len(calls)
    assert not AttemptItem.objects.filter(status=ItemStatus.PENDING).exists()
    _sender, kwargs = recorder.one("attempt_evaluated")
    assert kwargs["needs_review"] == 0
    assert PanelCandidate.objects.get(pk=pending[0].attempt.assignment_id).score == len(pending)

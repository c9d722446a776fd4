"""Reviews racing each other and the evaluation's total, on PostgreSQL and MariaDB with real
transactions: the candidate's score never misses a committed item's points."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from django_interview_panels.interviews import services
from django_interview_panels.models import AttemptItem, ItemReview, PanelCandidate
from tests.test_security_concurrency import run_together, start_and_see_it_wait

from .taking import assignments_of, take

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def submitted(panel, django_capture_on_commit_callbacks) -> PanelCandidate:
    assignment = assignments_of(panel)[0]
    take(assignment, django_capture_on_commit_callbacks)
    return assignment


def _review(tenant, item: AttemptItem, points: str) -> None:
    services.review_item(
        organization=tenant.organization,
        item_uuid=item.uuid,
        reviewer=tenant.hr,
        dimension_scores=None,
        points=Decimal(points),
        comment="",
    )


def test_a_total_refreshed_during_a_review_waits_for_it_and_counts_its_points(tenant, submitted):
    first = AttemptItem.objects.filter(attempt__assignment=submitted).order_by("position")[0]
    attempt = first.attempt

    with transaction.atomic():
        _review(tenant, first, "1")
        # What an evaluation finishing now does: refresh the total of the same attempt.
        thread, outcome, waited = start_and_see_it_wait(lambda: services.refresh_total(attempt))
        assert waited, "the refresh must wait for the review's lock on the candidate"
    thread.join(timeout=60)

    assert outcome.error is None
    # Read after the review committed: a sum read before it would have stored 0.
    assert outcome.value == 1
    assert PanelCandidate.objects.get(pk=submitted.pk).score == 1


def test_reviews_of_every_item_at_once_all_count_in_the_score(tenant, submitted):
    items = list(AttemptItem.objects.filter(attempt__assignment=submitted))

    outcomes = run_together([lambda item=item: _review(tenant, item, "1") for item in items])

    assert [outcome.error for outcome in outcomes] == [None] * len(items)
    assert ItemReview.objects.count() == len(items)
    assert PanelCandidate.objects.get(pk=submitted.pk).score == len(items)

"""A panel's results rows: state (removed and erased candidates included), time spent, the
`status` filter, `ordering`, pagination; the spec's `score` equals the result's total."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.interviews.services import current_state
from django_interview_panels.models import Attempt, AttemptItem, InterviewPanel, PanelCandidate
from django_interview_panels.results import reads
from tests import factories

from .conftest import open_panel
from .taking import RESULTS, REVIEWS, assignments_of, start, take
from .test_results import dimensions, small_panel  # noqa: F401
from .test_results import submitted_with_reviews as submitted_with_reviews

pytestmark = pytest.mark.django_db


def _rows(client, panel, **query):
    response = client.get(f"{RESULTS}{panel.uuid}/", query)
    assert response.status_code == 200, response.json()
    return response.json()["data"]["candidates"]


def _uuid(assignment):
    return factories.candidate_uuid(assignment.candidate)


@pytest.fixture
def states(tenant, django_capture_on_commit_callbacks):
    """A panel with a 5-minute limit and six candidates: submitted, in progress, expired (past
    the limit, still stored open), not started, removed (had started), erased (not started)."""
    candidates = [*tenant.candidates, *factories.make_candidates(tenant.organization, 3)]
    now = timezone.now()
    panel = factories.make_panel(
        tenant.organization,
        tenant.category,
        candidates,
        start_datetime=factories.iso(now - dt.timedelta(hours=1)),
        end_datetime=factories.iso(now + dt.timedelta(hours=10)),
        time_limit_minutes=5,
    )
    submitted, in_progress, expired, fresh, removed, erased = assignments_of(panel)
    take(submitted, django_capture_on_commit_callbacks)
    start(in_progress)
    start(expired)
    start(removed)
    Attempt.objects.filter(assignment=expired).update(
        started_at=timezone.now() - dt.timedelta(minutes=10)
    )
    PanelCandidate.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    PanelCandidate.objects.filter(pk=erased.pk).update(candidate=None, erased_at=timezone.now())
    return panel, [submitted, in_progress, expired, fresh, removed, erased]


EXPECTED_STATES = ["submitted", "in_progress", "expired", "not_started", "removed", "not_started"]


def test_each_row_shows_its_state_removed_and_erased_included(states, hr_client):
    panel, assignments = states
    rows = _rows(hr_client, panel)

    assert [row["state"] for row in rows] == EXPECTED_STATES
    assert rows[4]["removed_at"] is not None and rows[0]["removed_at"] is None
    # Erased: the row stays, without identity.
    assert (rows[5]["candidate_uuid"], rows[5]["candidate_name"], rows[5]["candidate_email"]) == (
        None,
        None,
        None,
    )
    assert rows[4]["candidate_uuid"] == _uuid(assignments[4])


def test_the_state_in_sql_agrees_with_the_attempts_state(states):
    """The `status` filter's SQL and the Python deadline rule give the same state."""
    panel, _assignments = states
    for row in reads.candidate_rows(panel):
        attempt = getattr(row, "attempt", None)
        if attempt is not None:
            attempt.assignment = row
            row.panel = panel
        assert row.row_state == reads.row_state(row, attempt, timezone.now()), row.pk
        if attempt is not None and row.removed_at is None:
            assert row.row_state == current_state(attempt, timezone.now())


def test_a_token_past_its_end_reads_expired_in_the_filter_too(tenant, hr_client):
    panel = open_panel(tenant)
    first = assignments_of(panel)[0]
    start(first)
    PanelCandidate.objects.filter(pk=first.pk).update(
        token_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    rows = _rows(hr_client, panel, status="expired")
    assert [row["candidate_uuid"] for row in rows] == [_uuid(first)]


@pytest.mark.parametrize("status", sorted(set(EXPECTED_STATES) | {"withdrawn"}))
def test_the_status_filter_keeps_the_rows_in_that_state(states, hr_client, status):
    panel, _assignments = states
    rows = _rows(hr_client, panel, status=status)
    assert [row["state"] for row in rows] == [s for s in EXPECTED_STATES if s == status]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "nope"}, "status"),
        ({"status": ""}, "status"),
        ({"ordering": "name"}, "ordering"),
        ({"ordering": ""}, "ordering"),
        ({"page": "0"}, "page"),
        ({"page_size": "x"}, "page_size"),
    ],
    ids=["status-unknown", "status-empty", "ordering-unknown", "ordering-empty", "page", "size"],
)
def test_a_bad_parameter_is_a_400_naming_it(panel, hr_client, query, field):
    response = hr_client.get(f"{RESULTS}{panel.uuid}/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and list(body["errors"]) == [field]


def _set_scores(assignments, scores, spent):
    for assignment, score, seconds in zip(assignments, scores, spent, strict=True):
        PanelCandidate.objects.filter(pk=assignment.pk).update(score=score)
        AttemptItem.objects.filter(attempt__assignment=assignment, position=1).update(
            time_spent_seconds=seconds
        )


def test_ordering_by_score_time_and_submission_with_a_stable_tiebreak(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    panel = small_panel(tenant, factories.make_candidates(tenant.organization, 4))
    a, b, c, d = assignments_of(panel)
    for assignment in (a, b, c):
        start(assignment)
    take(b, django_capture_on_commit_callbacks)
    take(a, django_capture_on_commit_callbacks)
    _set_scores([a, b, c, d], [1, 0, 1, 0], [30, 10, 20, 0])
    names = {_uuid(x): name for x, name in zip((a, b, c, d), "abcd", strict=True)}

    def order(ordering):
        query = {"ordering": ordering} if ordering else {}
        return "".join(names[row["candidate_uuid"]] for row in _rows(hr_client, panel, **query))

    assert order(None) == "abcd"
    assert order("score") == "bdac"  # ties in assignment order
    assert order("-score") == "acbd"
    assert order("time_spent") == "dbca"
    assert order("-time_spent") == "acbd"
    # Not submitted last either way.
    assert order("submitted_at") == "bacd"
    assert order("-submitted_at") == "abcd"
    row = _rows(hr_client, panel, ordering="-time_spent")[0]
    assert row["time_spent_seconds"] == 30


def test_rows_are_paginated(states, hr_client):
    panel, _assignments = states
    response = hr_client.get(f"{RESULTS}{panel.uuid}/", {"page_size": 4, "page": 2})
    data = response.json()["data"]
    assert [row["state"] for row in data["candidates"]] == EXPECTED_STATES[4:]
    assert data["pagination"]["count"] == 6 and data["pagination"]["total_pages"] == 2
    # The exposure spread is over every candidate, whatever the page.
    assert data["exposure"]["candidates_drawn"] == 4


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_filtered_and_sorted_pages_take_the_same_queries_for_3_or_30_candidates(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    few = small_panel(tenant, factories.make_candidates(tenant.organization, 3), questions=40)
    many = small_panel(tenant, factories.make_candidates(tenant.organization, 30), questions=40)
    for panel in (few, many):
        for assignment in assignments_of(panel)[:3]:
            take(assignment, django_capture_on_commit_callbacks)
    query = "?ordering=-time_spent&status=submitted&page_size=200"
    assert _queries(hr_client, f"{RESULTS}{few.uuid}/{query}") == _queries(
        hr_client, f"{RESULTS}{many.uuid}/{query}"
    )


# --- The spec's score is the result's total ---------------------------------------------------


def _half_up(value: float) -> int:
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_spec_score_equals_the_results_total_after_scoring_and_review(
    submitted_with_reviews, panel, hr_client, django_capture_on_commit_callbacks
):
    second = assignments_of(panel)[1]
    take(second, django_capture_on_commit_callbacks)
    item = AttemptItem.objects.filter(attempt__assignment=second).order_by("position").first()
    assert (
        hr_client.post(f"{REVIEWS}{item.uuid}/", {"points": 0.5}, format="json").status_code == 200
    )

    spec = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]["candidates"]
    rows = {row["candidate_uuid"]: row for row in _rows(hr_client, panel)}
    assert len(spec) == len(rows) == 3
    for candidate in spec:
        row = rows[candidate["candidate_uuid"]]
        detail = hr_client.get(
            f"{RESULTS}{panel.uuid}/candidates/{candidate['candidate_uuid']}/"
        ).json()["data"]
        assert candidate["score"] == row["score"] == detail["score"]
        assert candidate["score"] == _half_up(detail["points_earned"] or 0)
        assert row["points_earned"] == detail["points_earned"]
    assert any(row["score"] > 0 for row in rows.values())


def test_the_state_in_sql_follows_the_deadline_with_per_candidate_time(tenant):
    """Candidates with a time multiplier or extra minutes: the filter's SQL must read the same
    state as ``current_state`` (the deadline's rule), whatever that rule does with them."""
    panel = small_panel(tenant, factories.make_candidates(tenant.organization, 3), questions=10)
    InterviewPanel.objects.filter(pk=panel.pk).update(time_limit_minutes=10)
    panel.refresh_from_db()
    halved, extended, plain = assignments_of(panel)
    for assignment in (halved, extended, plain):
        start(assignment)
    PanelCandidate.objects.filter(pk=halved.pk).update(time_multiplier=Decimal("0.50"))
    PanelCandidate.objects.filter(pk=extended.pk).update(extra_minutes=5)
    Attempt.objects.filter(assignment__panel=panel).update(
        started_at=timezone.now() - dt.timedelta(minutes=7)
    )
    Attempt.objects.filter(assignment=extended).update(
        started_at=timezone.now() - dt.timedelta(minutes=12)
    )
    now = timezone.now()
    for row in reads.candidate_rows(panel, now=now):
        row.panel = panel
        row.attempt.assignment = row
        assert row.row_state == current_state(row.attempt, now), row.pk


def test_a_candidates_result_shows_time_spent_against_expected_time(
    panel, hr_client, django_capture_on_commit_callbacks
):
    first = assignments_of(panel)[0]
    take(first, django_capture_on_commit_callbacks)
    items = AttemptItem.objects.filter(attempt__assignment=first).select_related("question_version")
    for seconds, item in enumerate(items.order_by("position"), start=1):
        AttemptItem.objects.filter(pk=item.pk).update(time_spent_seconds=seconds * 10)
    data = hr_client.get(f"{RESULTS}{panel.uuid}/candidates/{_uuid(first)}/").json()["data"]

    expected = {str(item.uuid): item.question_version.expected_time_seconds for item in items}
    assert [item["time_spent_seconds"] for item in data["items"]] == [
        10 * n for n in range(1, len(expected) + 1)
    ]
    assert {item["uuid"]: item["expected_time_seconds"] for item in data["items"]} == expected
    assert data["time_spent_seconds"] == sum(item["time_spent_seconds"] for item in data["items"])
    assert data["expected_time_seconds"] == sum(expected.values())
    cells = data["by_subtopic"]
    assert sum(cell["time_spent_seconds"] for cell in cells) == data["time_spent_seconds"]
    assert sum(cell["expected_time_seconds"] for cell in cells) == data["expected_time_seconds"]
    assert all(item["answered_at"] for item in data["items"])
    assert all(
        bool(item["scored_at"]) == (item["points_earned"] is not None) for item in data["items"]
    )
    row = _rows(hr_client, panel)[0]
    assert row["time_spent_seconds"] == data["time_spent_seconds"]

"""Results: a panel's table of candidates with its exposure spread, and one candidate's
breakdown; reviewers only, the caller's organization only."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    InterviewPanel,
    PanelCandidate,
    Question,
    QuestionExposure,
)
from django_interview_panels.results.schema import (
    CandidateResultSerializer,
    CandidateRowSerializer,
    DimensionBreakdownSerializer,
    ExposureSerializer,
    PanelResultsSerializer,
    ResultItemSerializer,
    SubtopicBreakdownSerializer,
)
from tests import factories
from tests.conftest import client_for

from .conftest import open_panel
from .taking import (
    RESULTS,
    REVIEWS,
    assignments_of,
    make_dimensions,
    reviewer_client,
    start,
    take,
)

PANEL_NOT_FOUND = {"interview_panel_uuid": ["Interview panel not found"]}
CANDIDATE_NOT_FOUND = {"candidate_uuid": ["Candidate not found"]}


def _panel_url(panel) -> str:
    return f"{RESULTS}{panel.uuid}/"


def _candidate_url(panel, candidate) -> str:
    return f"{RESULTS}{panel.uuid}/candidates/{factories.candidate_uuid(candidate)}/"


def small_panel(tenant, candidates, questions: int = 4):
    """An open panel drawing one easy question from a pool of ``questions``."""
    category = factories.make_bank(tenant.organization, topics=1, questions=questions, name="Small")
    now = timezone.now()
    return factories.make_panel(
        tenant.organization,
        category,
        candidates,
        counts=(1, 0, 0),
        start_datetime=factories.iso(now - dt.timedelta(hours=1)),
        end_datetime=factories.iso(now + dt.timedelta(hours=10)),
    )


# --- Who may read results ---------------------------------------------------------------------


def _urls(panel, tenant):
    return [_panel_url(panel), _candidate_url(panel, tenant.candidates[0])]


def test_anonymous_callers_are_401(panel, tenant, anon_client):
    for url in _urls(panel, tenant):
        assert anon_client.get(url).status_code == 401


def test_a_user_without_an_organization_is_403(panel, tenant, loner):
    for url in _urls(panel, tenant):
        response = client_for(loner).get(url)
        assert response.status_code == 403
        assert response.json()["message"] == "User must belong to an organization"


def test_a_plain_member_may_not_read_results(panel, tenant, member_client):
    for url in _urls(panel, tenant):
        response = member_client.get(url)
        assert response.status_code == 403
        assert response.json()["errors"] == {"detail": ["User may not review answers"]}


def test_a_role_named_in_reviewer_roles_reads_results(panel, tenant, settings):
    client = reviewer_client(tenant, settings)
    for url in _urls(panel, tenant):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_managers_read_results(panel, tenant, role):
    client = client_for(getattr(tenant, role))
    for url in _urls(panel, tenant):
        assert client.get(url).status_code == 200, url


# --- The panel's results ----------------------------------------------------------------------


def test_each_candidate_has_a_row_in_assignment_order(panel, tenant, hr_client):
    rows = hr_client.get(_panel_url(panel)).json()["data"]["candidates"]

    assert [row["candidate_uuid"] for row in rows] == [
        factories.candidate_uuid(a.candidate) for a in assignments_of(panel)
    ]
    assert [row["candidate_name"] for row in rows] == [
        factories.candidate_name(a.candidate) for a in assignments_of(panel)
    ]
    assert {row["state"] for row in rows} == {"not_started"}
    assert rows[0]["points_earned"] is None and rows[0]["points_possible"] is None


def test_the_rows_show_each_state(tenant, hr_client, django_capture_on_commit_callbacks):
    panel = open_panel(tenant, time_limit_minutes=5)
    submitted, in_progress, expired = assignments_of(panel)
    take(submitted, django_capture_on_commit_callbacks)
    start(in_progress)
    start(expired)
    Attempt.objects.filter(assignment=expired).update(
        started_at=timezone.now() - dt.timedelta(minutes=10)
    )

    rows = hr_client.get(_panel_url(panel)).json()["data"]["candidates"]

    assert [row["state"] for row in rows] == ["submitted", "in_progress", "expired"]
    # Read, never written: the expired attempt is still stored as open.
    assert Attempt.objects.get(assignment=expired).state == "in_progress"
    assert rows[0]["submitted_at"] is not None and rows[1]["submitted_at"] is None
    assert rows[1]["items"] == rows[1]["items_pending"] == 6


def test_a_row_counts_points_and_items_waiting(submitted_with_reviews, panel, hr_client, tenant):
    row = hr_client.get(_panel_url(panel)).json()["data"]["candidates"][0]

    # Reviewed: 1 + 0.5 + 0.25 points; the other three still wait for a reviewer.
    assert row["points_earned"] == 1.75
    assert row["points_possible"] == 6
    assert row["score"] == 2 == PanelCandidate.objects.get(pk=submitted_with_reviews.pk).score
    assert (row["items"], row["items_pending"], row["items_needing_review"]) == (6, 0, 3)


def test_another_organizations_or_a_deleted_panel_is_the_panel_404(panel, other_tenant, tenant):
    client = client_for(other_tenant.hr)
    for url in (_panel_url(panel), _candidate_url(panel, tenant.candidates[0])):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["errors"] == PANEL_NOT_FOUND
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)
    response = client_for(tenant.hr).get(_panel_url(panel))
    assert response.json()["errors"] == PANEL_NOT_FOUND


# A fixed UUID: one drawn at collection differs between pytest-xdist's workers, which then
# refuse to run.
@pytest.mark.parametrize("path", ["not-a-uuid", "7d4f3a52-8c1e-4b6a-9f0d-2e5c8b1a6d3f", "1"])
def test_a_malformed_or_unknown_panel_is_the_panel_404(db, hr_client, path):
    response = hr_client.get(f"{RESULTS}{path}/")

    assert response.status_code == 404
    assert response.json()["errors"] == PANEL_NOT_FOUND


def test_the_panel_results_take_the_same_queries_for_few_or_many_candidates(
    tenant, hr_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    panel = open_panel(tenant)
    first, *others = assignments_of(panel)
    take(first, django_capture_on_commit_callbacks)
    hr_client.get(_panel_url(panel))
    with CaptureQueriesContext(connection) as few:
        hr_client.get(_panel_url(panel))
    # Counted now: a later request outside the context empties the query log.
    few_queries = len(few)
    for assignment in others:
        take(assignment, django_capture_on_commit_callbacks)
    crowd = factories.make_candidates(tenant.organization, 12)
    bigger = factories.make_panel(
        tenant.organization,
        tenant.category,
        crowd,
        start_datetime=factories.iso(timezone.now() - dt.timedelta(hours=1)),
        end_datetime=factories.iso(timezone.now() + dt.timedelta(hours=10)),
    )
    for assignment in assignments_of(bigger)[:6]:
        take(assignment, django_capture_on_commit_callbacks)

    with django_assert_num_queries(few_queries):
        assert len(hr_client.get(_panel_url(panel)).json()["data"]["candidates"]) == 3
    with django_assert_num_queries(few_queries):
        assert len(hr_client.get(_panel_url(bigger)).json()["data"]["candidates"]) == 12


def test_documented_panel_result_fields_are_the_rendered_ones(panel, hr_client):
    start(assignments_of(panel)[0])
    data = hr_client.get(_panel_url(panel)).json()["data"]

    assert set(data) == set(PanelResultsSerializer().fields)
    assert set(data["panel"]) == set(PanelResultsSerializer().fields["panel"].fields)
    assert set(data["candidates"][0]) == set(CandidateRowSerializer().fields)
    assert set(data["exposure"]) == set(ExposureSerializer().fields)
    assert set(data["exposure"]["most_drawn"]) == {"question_uuid", "text", "draws"}


# --- The exposure spread ----------------------------------------------------------------------


def _drawn_question_ids(panel) -> list[int]:
    return list(
        AttemptItem.objects.filter(attempt__panel=panel)
        .order_by("question_id")
        .values_list("question_id", flat=True)
    )


def test_the_exposure_spread_of_a_small_panel_is_exact(tenant, hr_client):
    panel = small_panel(tenant, tenant.candidates, questions=4)
    for assignment in assignments_of(panel):
        start(assignment)
    drawn = _drawn_question_ids(panel)
    pool = list(
        Question.objects.filter(subtopic__topic__category__name="Small", difficulty="easy")
        .order_by("id")
        .values_list("id", "uuid")
    )
    never = [(pk, uid) for pk, uid in pool if pk not in drawn]

    exposure = hr_client.get(_panel_url(panel)).json()["data"]["exposure"]

    # Three sets of one question from four, at most one set each (cap: half of 3, at least 1).
    assert sorted(set(drawn)) == drawn and len(drawn) == 3
    assert len(never) == 1
    first = Question.objects.get(pk=drawn[0])
    assert exposure == {
        "candidates_drawn": 3,
        "questions_in_pool": 4,
        "questions_drawn": 3,
        "most_drawn": {"question_uuid": str(first.uuid), "text": first.text, "draws": 1},
        "least_drawn": {
            "question_uuid": str(never[0][1]),
            "text": Question.objects.get(pk=never[0][0]).text,
            "draws": 0,
        },
        "max_share": 0.3333,
        "cap": 1,
    }


def test_more_candidates_than_questions_share_them_evenly(tenant, hr_client):
    panel = small_panel(tenant, factories.make_candidates(tenant.organization, 6), questions=4)
    for assignment in assignments_of(panel):
        start(assignment)
    counts = dict(QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws"))

    exposure = hr_client.get(_panel_url(panel)).json()["data"]["exposure"]

    # Six sets over four questions: two questions twice, two once.
    assert sorted(counts.values()) == [1, 1, 2, 2]
    assert exposure["most_drawn"]["draws"] == 2
    assert exposure["least_drawn"]["draws"] == 1
    assert exposure["max_share"] == 0.3333
    assert exposure["cap"] == 3
    assert (exposure["candidates_drawn"], exposure["questions_in_pool"]) == (6, 4)


def test_a_question_retired_after_its_draws_still_counts_them(tenant, hr_client):
    panel = small_panel(tenant, tenant.candidates, questions=4)
    start(assignments_of(panel)[0])
    [drawn] = _drawn_question_ids(panel)
    Question.objects.filter(pk=drawn).update(is_retired=True)

    exposure = hr_client.get(_panel_url(panel)).json()["data"]["exposure"]

    assert exposure["questions_in_pool"] == 3
    assert exposure["questions_drawn"] == 1
    assert exposure["most_drawn"]["question_uuid"] == str(Question.objects.get(pk=drawn).uuid)
    assert exposure["max_share"] == 1.0


def test_a_panel_nobody_started_has_no_draws(tenant, hr_client):
    panel = small_panel(tenant, tenant.candidates, questions=2)

    exposure = hr_client.get(_panel_url(panel)).json()["data"]["exposure"]

    assert exposure["candidates_drawn"] == 0
    assert exposure["most_drawn"]["draws"] == exposure["least_drawn"]["draws"] == 0
    assert exposure["max_share"] == 0.0


# --- One candidate's result -------------------------------------------------------------------


@pytest.fixture
def dimensions(tenant):
    return make_dimensions(tenant.organization)


@pytest.fixture
def submitted_with_reviews(panel, hr_client, dimensions, django_capture_on_commit_callbacks):
    """The first candidate submitted; items 1-3 reviewed: 1 point (Technical 100), 0.5 points
    (Technical 50, Communication 20 given with points) and 0.25 points."""
    assignment = assignments_of(panel)[0]
    take(assignment, django_capture_on_commit_callbacks)
    technical, communication = (str(d.uuid) for d in dimensions)
    items = list(AttemptItem.objects.filter(attempt__assignment=assignment).order_by("position"))
    bodies = [
        {"dimension_scores": {technical: 100}},
        {"dimension_scores": {technical: 50, communication: 20}, "points": 0.5},
        {"points": 0.25, "comment": "partly"},
    ]
    for item, body in zip(items, bodies, strict=False):
        response = hr_client.post(f"{REVIEWS}{item.uuid}/", body, format="json")
        assert response.status_code == 200, response.json()
    return assignment


def test_a_candidates_result_totals_their_points(submitted_with_reviews, panel, hr_client, tenant):
    data = hr_client.get(_candidate_url(panel, submitted_with_reviews.candidate)).json()["data"]

    assert data["state"] == "submitted"
    assert (data["score"], data["points_earned"], data["points_possible"]) == (2, 1.75, 6)
    assert data["candidate"]["uuid"] == factories.candidate_uuid(submitted_with_reviews.candidate)
    assert data["panel"] == {"uuid": str(panel.uuid), "name": panel.name}


def test_the_breakdown_per_subtopic_and_difficulty_follows_the_draw(
    submitted_with_reviews, panel, hr_client, tenant
):
    data = hr_client.get(_candidate_url(panel, submitted_with_reviews.candidate)).json()["data"]

    subtopics = factories.first_subtopics(tenant.category)
    assert [(row["subtopic"]["uuid"], row["difficulty"]) for row in data["by_subtopic"]] == [
        (str(subtopic.uuid), difficulty)
        for subtopic in subtopics
        for difficulty in ("easy", "medium", "hard")
    ]
    assert [row["points_earned"] for row in data["by_subtopic"]] == [1.0, 0.5, 0.25, 0, 0, 0]
    assert {(row["items"], row["points_possible"]) for row in data["by_subtopic"]} == {(1, 1)}


def test_the_breakdown_per_rubric_dimension_averages_the_items_scored_on_it(
    submitted_with_reviews, panel, hr_client, dimensions
):
    data = hr_client.get(_candidate_url(panel, submitted_with_reviews.candidate)).json()["data"]

    technical, communication = dimensions
    by_uuid = {row["uuid"]: row for row in data["by_dimension"]}
    assert by_uuid[str(technical.uuid)] == {
        "uuid": str(technical.uuid),
        "name": "Technical",
        "weight": 3,
        "mean_score": 75.0,
        "items": 2,
    }
    assert (
        by_uuid[str(communication.uuid)]["mean_score"],
        by_uuid[str(communication.uuid)]["items"],
    ) == (20.0, 1)


def test_the_items_come_in_order_with_their_latest_review(
    submitted_with_reviews, panel, hr_client, tenant
):
    items = hr_client.get(_candidate_url(panel, submitted_with_reviews.candidate)).json()["data"][
        "items"
    ]

    assert [item["position"] for item in items] == [1, 2, 3, 4, 5, 6]
    assert [item["status"] for item in items] == ["reviewed"] * 3 + ["needs_review"] * 3
    assert [item["points_earned"] for item in items] == [1.0, 0.5, 0.25, None, None, None]
    assert items[2]["latest_review"]["comment"] == "partly"
    assert items[2]["latest_review"]["reviewer_name"] == tenant.hr.get_username()
    assert items[3]["latest_review"] is None
    assert {item["answer"] for item in items} == {"lists are mutable"}


def test_a_second_review_replaces_the_latest_review_shown(
    submitted_with_reviews, panel, admin_client, tenant
):
    item = AttemptItem.objects.get(attempt__assignment=submitted_with_reviews, position=3)
    admin_client.post(
        f"{REVIEWS}{item.uuid}/", {"points": 1, "comment": "on reflection"}, format="json"
    )

    url = _candidate_url(panel, submitted_with_reviews.candidate)
    third = admin_client.get(url).json()["data"]["items"][2]

    assert third["latest_review"]["comment"] == "on reflection"
    assert third["latest_review"]["previous_points"] == 0.25
    assert third["points_earned"] == 1.0


def test_a_candidate_who_has_not_started_has_an_empty_result(panel, tenant, hr_client, dimensions):
    data = hr_client.get(_candidate_url(panel, tenant.candidates[2])).json()["data"]

    assert data["state"] == "not_started"
    assert (data["points_earned"], data["points_possible"], data["items"]) == (None, None, [])
    assert data["by_subtopic"] == []
    assert [row["items"] for row in data["by_dimension"]] == [0, 0]


def test_a_candidate_not_on_the_panel_is_a_404(panel, tenant, hr_client):
    elsewhere = factories.make_candidate(tenant.organization)
    for path in (
        factories.candidate_uuid(elsewhere),
        str(uuid.uuid4()),
        "not-a-uuid",
    ):
        response = hr_client.get(f"{RESULTS}{panel.uuid}/candidates/{path}/")
        assert response.status_code == 404, path
        assert response.json()["errors"] == CANDIDATE_NOT_FOUND


def test_a_candidates_result_takes_the_same_queries_whatever_the_number_of_items(
    tenant, hr_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    six = open_panel(tenant)
    twelve = open_panel(tenant, counts=(2, 2, 2))
    for panel in (six, twelve):
        take(assignments_of(panel)[0], django_capture_on_commit_callbacks)
    hr_client.get(_candidate_url(six, tenant.candidates[0]))
    with CaptureQueriesContext(connection) as few:
        hr_client.get(_candidate_url(six, tenant.candidates[0]))
    # Counted now: a later request outside the context empties the query log.
    few_queries = len(few)
    item = AttemptItem.objects.filter(attempt__panel=twelve).first()
    hr_client.post(f"{REVIEWS}{item.uuid}/", {"points": 1}, format="json")

    with django_assert_num_queries(few_queries):
        data = hr_client.get(_candidate_url(twelve, tenant.candidates[0])).json()["data"]
    assert len(data["items"]) == 12


def test_documented_candidate_result_fields_are_the_rendered_ones(
    submitted_with_reviews, panel, hr_client
):
    data = hr_client.get(_candidate_url(panel, submitted_with_reviews.candidate)).json()["data"]

    assert set(data) == set(CandidateResultSerializer().fields)
    assert set(data["by_subtopic"][0]) == set(SubtopicBreakdownSerializer().fields)
    assert set(data["by_dimension"][0]) == set(DimensionBreakdownSerializer().fields)
    assert set(data["items"][0]) == set(ResultItemSerializer().fields)

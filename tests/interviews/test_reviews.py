"""Reviewers: who may review, the queue, one item with its history, and scoring an item."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.interviews.review_schema import (
    QueueItemSerializer,
    ReviewEntrySerializer,
    ReviewItemSerializer,
)
from django_interview_panels.interviews.services import close_expired_attempts
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    InterviewPanel,
    ItemReview,
    PanelCandidate,
    RubricDimension,
)
from tests import factories
from tests.conftest import client_for

from .conftest import kinds_panel, open_panel
from .taking import (
    REVIEWS,
    allow_reviewer_role,
    assignments_of,
    make_dimensions,
    reviewer_client,
    start,
    take,
)

NOT_FOUND = {"item_uuid": ["Item not found"]}


@pytest.fixture
def submitted(panel, django_capture_on_commit_callbacks):
    """The first candidate's attempt, submitted: its six open answers wait for a reviewer."""
    assignment = assignments_of(panel)[0]
    take(assignment, django_capture_on_commit_callbacks)
    return assignment


@pytest.fixture
def item(submitted) -> AttemptItem:
    """The first item of the submitted attempt."""
    return AttemptItem.objects.filter(attempt__assignment=submitted).order_by("position").first()


@pytest.fixture
def dimensions(tenant):
    return make_dimensions(tenant.organization)


def _url(item) -> str:
    return f"{REVIEWS}{item.uuid}/"


# --- Who may review ---------------------------------------------------------------------------


def _calls(item):
    return [
        ("get", REVIEWS, None),
        ("get", _url(item), None),
        ("post", _url(item), {"points": 1}),
    ]


def test_anonymous_callers_are_401_on_every_review_endpoint(item, anon_client):
    for method, url, body in _calls(item):
        response = getattr(anon_client, method)(url, body, format="json")
        assert response.status_code == 401, url
        assert response.json()["success"] is False


def test_a_user_without_an_organization_is_403(item, loner):
    client = client_for(loner)
    for method, url, body in _calls(item):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["message"] == "User must belong to an organization"


def test_a_plain_member_may_not_review(item, member_client):
    for method, url, body in _calls(item):
        response = getattr(member_client, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert response.json()["errors"] == {"detail": ["User may not review answers"]}
    assert not ItemReview.objects.exists()


def test_a_reviewer_role_is_refused_until_the_settings_name_it(item, tenant):
    client = client_for(factories.make_user(tenant.organization, "Reviewer"))
    assert client.get(REVIEWS).status_code == 403


def test_a_role_named_in_reviewer_roles_may_review(item, tenant, settings):
    client = reviewer_client(tenant, settings)
    assert client.get(REVIEWS).status_code == 200
    assert client.get(_url(item)).status_code == 200
    assert client.post(_url(item), {"points": 1}, format="json").status_code == 200


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_managers_may_review(item, tenant, role):
    client = client_for(getattr(tenant, role))
    assert client.get(REVIEWS).status_code == 200
    assert client.post(_url(item), {"points": 1}, format="json").status_code == 200


def test_reviewer_roles_do_not_make_managers(tenant, settings):
    client = reviewer_client(tenant, settings)
    response = client.post("/api/panel/create/", factories.panel_payload(tenant.category))
    assert response.status_code == 403


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_items_waiting_for_review_oldest_first(submitted, hr_client):
    response = hr_client.get(REVIEWS)

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    expected = AttemptItem.objects.filter(status="needs_review").order_by("id")
    assert [row["uuid"] for row in data["items"]] == [str(i.uuid) for i in expected]
    assert len(data["items"]) == 6
    assert {row["status"] for row in data["items"]} == {"needs_review"}
    assert data["pagination"]["count"] == 6


def test_a_queue_row_names_the_panel_candidate_and_attempt(submitted, panel, hr_client, tenant):
    row = hr_client.get(REVIEWS).json()["data"]["items"][0]

    candidate = submitted.candidate
    assert row["panel"] == {"uuid": str(panel.uuid), "name": panel.name}
    assert row["candidate"] == {
        "uuid": factories.candidate_uuid(candidate),
        "name": factories.candidate_name(candidate),
        "email": factories.candidate_email(candidate),
    }
    assert row["attempt"]["state"] == "submitted"
    assert row["points_earned"] is None
    assert row["points_possible"] == 1


def test_the_queue_is_paginated_like_the_bank_lists(submitted, hr_client):
    first = hr_client.get(REVIEWS, {"page_size": 4}).json()["data"]
    second = hr_client.get(first["pagination"]["next"]).json()["data"]

    assert len(first["items"]) == 4 and len(second["items"]) == 2
    assert first["pagination"]["total_pages"] == 2
    assert not {r["uuid"] for r in first["items"]} & {r["uuid"] for r in second["items"]}


def test_the_status_filter_lists_items_of_another_status(submitted, panel, hr_client):
    start(assignments_of(panel)[1])

    pending = hr_client.get(REVIEWS, {"status": "pending"}).json()["data"]["items"]
    reviewed = hr_client.get(REVIEWS, {"status": "reviewed"}).json()["data"]["items"]

    assert len(pending) == 6
    assert {row["attempt"]["state"] for row in pending} == {"in_progress"}
    assert reviewed == []


def test_the_panel_filter_keeps_one_panels_items(
    submitted, tenant, hr_client, django_capture_on_commit_callbacks
):
    other_panel = open_panel(tenant)
    take(assignments_of(other_panel)[0], django_capture_on_commit_callbacks)

    rows = hr_client.get(REVIEWS, {"panel": str(other_panel.uuid)}).json()["data"]["items"]

    assert len(rows) == 6
    assert {row["panel"]["uuid"] for row in rows} == {str(other_panel.uuid)}
    assert len(hr_client.get(REVIEWS, {"page_size": 50}).json()["data"]["items"]) == 12


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"status": ""},
        {"panel": "not-a-uuid"},
        {"panel": ""},
        {"page": "0"},
        {"page_size": "x"},
    ],
)
def test_a_malformed_filter_or_page_is_a_400_naming_the_parameter(submitted, hr_client, query):
    response = hr_client.get(REVIEWS, query)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_the_queue_never_shows_another_organizations_items(
    submitted, other_tenant, django_capture_on_commit_callbacks
):
    foreign_panel = open_panel(other_tenant)
    take(assignments_of(foreign_panel)[0], django_capture_on_commit_callbacks)
    client = client_for(other_tenant.hr)

    rows = client.get(REVIEWS).json()["data"]["items"]

    assert {row["panel"]["uuid"] for row in rows} == {str(foreign_panel.uuid)}


def test_the_queue_leaves_out_deleted_panels(submitted, panel, hr_client):
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)

    assert hr_client.get(REVIEWS).json()["data"]["items"] == []


def test_the_queue_takes_the_same_queries_for_one_or_many_attempts(
    panel, hr_client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first, *others = assignments_of(panel)
    take(first, django_capture_on_commit_callbacks)
    hr_client.get(REVIEWS)  # a warm-up: whatever a first request caches is not counted
    with CaptureQueriesContext(connection) as one:
        assert len(hr_client.get(REVIEWS).json()["data"]["items"]) == 6
    # Counted now: a later request outside the context empties the query log.
    one_queries = len(one)
    for assignment in others:
        take(assignment, django_capture_on_commit_callbacks)
    with django_assert_num_queries(one_queries):
        assert len(hr_client.get(REVIEWS).json()["data"]["items"]) == 18


def test_documented_queue_fields_are_the_rendered_ones(submitted, hr_client):
    row = hr_client.get(REVIEWS).json()["data"]["items"][0]

    assert set(row) == set(QueueItemSerializer().fields)


# --- One item ---------------------------------------------------------------------------------


def test_an_item_shows_the_question_with_its_answer_key_and_the_answer(item, hr_client, dimensions):
    data = hr_client.get(_url(item)).json()["data"]

    version = item.question_version
    assert data["question"]["answer_key"] == version.answer_key
    assert data["question"]["version"] == version.number
    assert data["question"]["uuid"] == str(item.question.uuid)
    assert data["answer"] == "lists are mutable"
    assert data["answer_choices"] is None
    assert data["status"] == "needs_review"
    assert data["reviews"] == []
    technical, communication = dimensions
    assert {row["uuid"]: row["weight"] for row in data["rubric"]} == {
        str(technical.uuid): 3,
        str(communication.uuid): 1,
    }


def test_an_item_shows_the_questions_own_rubric_weights(item, hr_client, dimensions):
    technical, _ = dimensions
    version = item.question_version
    version.rubric_weights = {str(technical.uuid): 7}
    version.save(update_fields=["rubric_weights"])

    data = hr_client.get(_url(item)).json()["data"]

    assert data["question"]["rubric_weights"] == {str(technical.uuid): 7}
    assert {row["name"]: row["weight"] for row in data["rubric"]} == {
        "Technical": 7,
        "Communication": 1,
    }


def test_a_choice_answer_is_also_shown_as_indexes_into_the_stored_choices(
    tenant, hr_client, django_capture_on_commit_callbacks
):
    panel = kinds_panel(tenant)

    def pick_list(item):
        if item["kind"] == "single_choice":
            return [item["choices"].index("list")]
        return {"open": "for in", "short_answer": "def", "numeric": 3}.get(item["kind"], [0])

    take(assignments_of(panel)[0], django_capture_on_commit_callbacks, answer=pick_list)
    single = AttemptItem.objects.get(question_version__kind="single_choice")

    data = hr_client.get(_url(single)).json()["data"]

    assert data["question"]["choices"] == ["tuple", "list"]
    assert data["answer_choices"] == [1]
    displayed = data["choice_order"].index(1) if data["choice_order"] else 1
    assert data["answer"] == [displayed]
    assert data["question"]["answer_key"]["correct"] == [1]


def test_another_organizations_item_is_the_same_404_as_a_missing_or_malformed_one(
    item, other_tenant
):
    client = client_for(other_tenant.hr)
    for path in (str(item.uuid), str(uuid.uuid4()), "not-a-uuid", str(item.uuid).upper()):
        for method, body in (("get", None), ("post", {"points": 1})):
            response = getattr(client, method)(f"{REVIEWS}{path}/", body, format="json")
            assert response.status_code == 404, (path, method)
            assert response.json()["errors"] == NOT_FOUND
    assert not ItemReview.objects.exists()


def test_a_deleted_panels_item_is_a_404(item, panel, hr_client):
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)

    assert hr_client.get(_url(item)).status_code == 404
    assert hr_client.post(_url(item), {"points": 1}, format="json").status_code == 404


def test_an_item_takes_the_same_queries_whatever_its_history(
    item, hr_client, django_assert_num_queries
):
    hr_client.get(_url(item))
    with CaptureQueriesContext(connection) as before:
        hr_client.get(_url(item))
    # Counted now: a later request outside the context empties the query log.
    before_queries = len(before)
    for points in (0, 1, 0.5):
        hr_client.post(_url(item), {"points": points}, format="json")
    with django_assert_num_queries(before_queries):
        assert len(hr_client.get(_url(item)).json()["data"]["reviews"]) == 3


def test_documented_item_fields_are_the_rendered_ones(item, hr_client):
    hr_client.post(_url(item), {"points": 1}, format="json")
    data = hr_client.get(_url(item)).json()["data"]

    assert set(data) == set(ReviewItemSerializer().fields)
    assert set(data["reviews"][0]) == set(ReviewEntrySerializer().fields)
    assert set(data["question"]) == set(ReviewItemSerializer().fields["question"].fields)


# --- Scoring an item --------------------------------------------------------------------------


def test_dimension_scores_become_points_weighted_by_the_rubric(item, hr_client, dimensions):
    technical, communication = dimensions
    body = {"dimension_scores": {str(technical.uuid): 100, str(communication.uuid): 0}}

    response = hr_client.post(_url(item), body, format="json")

    assert response.status_code == 200, response.json()
    # (100 x 3 + 0 x 1) / (100 x 4) of 1 point.
    assert response.json()["data"]["points_earned"] == 0.75
    item.refresh_from_db()
    assert item.points_earned == Decimal("0.75")
    assert item.status == "reviewed"
    assert item.dimension_scores == body["dimension_scores"]


def test_points_win_over_dimension_scores(item, hr_client, dimensions):
    technical, _ = dimensions
    body = {"dimension_scores": {str(technical.uuid): 0}, "points": 1}

    data = hr_client.post(_url(item), body, format="json").json()["data"]

    assert data["points_earned"] == 1.0
    assert data["dimension_scores"] == {str(technical.uuid): 0}


def test_every_override_is_kept_with_who_and_when_and_the_latest_wins(
    item, tenant, hr_client, admin_client
):
    before = timezone.now()
    hr_client.post(_url(item), {"points": 0.25, "comment": "first"}, format="json")
    response = admin_client.post(_url(item), {"points": 0.5, "comment": "second"}, format="json")

    reviews = response.json()["data"]["reviews"]
    assert [r["reviewer_name"] for r in reviews] == [
        tenant.hr.get_username(),
        tenant.admin.get_username(),
    ]
    assert [r["comment"] for r in reviews] == ["first", "second"]
    assert [r["points_earned"] for r in reviews] == [0.25, 0.5]
    assert [r["previous_points"] for r in reviews] == [None, 0.25]
    assert all(dt.datetime.fromisoformat(r["created_at"]) >= before for r in reviews)
    stored = list(ItemReview.objects.filter(item=item).order_by("id"))
    assert [r.reviewer_id for r in stored] == [tenant.hr.pk, tenant.admin.pk]
    assert response.json()["data"]["points_earned"] == 0.5


@pytest.mark.parametrize(("points", "score"), [((0.25, 0.25), 1), ((0.25, 0.2), 0)])
def test_the_candidates_score_is_the_sum_of_points_rounded_half_up(
    submitted, hr_client, points, score
):
    first, second = AttemptItem.objects.filter(attempt__assignment=submitted).order_by("position")[
        :2
    ]
    hr_client.post(_url(first), {"points": points[0]}, format="json")
    hr_client.post(_url(second), {"points": points[1]}, format="json")

    # 0.5 rounds up to 1; 0.45 down to 0.
    assert PanelCandidate.objects.get(pk=submitted.pk).score == score


def test_the_score_shows_in_the_panel_responses(submitted, panel, hr_client):
    for item in AttemptItem.objects.filter(attempt__assignment=submitted)[:3]:
        hr_client.post(_url(item), {"points": 1}, format="json")

    detail = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]

    scores = {c["candidate_uuid"]: c["score"] for c in detail["candidates"]}
    assert scores[factories.candidate_uuid(submitted.candidate)] == 3


def test_points_above_the_questions_points_are_a_400(item, hr_client):
    response = hr_client.post(_url(item), {"points": 1.5}, format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["points"]
    assert not ItemReview.objects.exists()


def test_an_unknown_rubric_dimension_is_a_404(item, hr_client, dimensions):
    body = {"dimension_scores": {str(uuid.uuid4()): 50}}

    response = hr_client.post(_url(item), body, format="json")

    assert response.status_code == 404
    assert list(response.json()["errors"]) == ["dimension_scores"]
    assert not ItemReview.objects.exists()


def test_another_organizations_rubric_dimension_is_a_404(item, hr_client, other_tenant):
    foreign = RubricDimension.objects.create(organization=other_tenant.organization, name="Theirs")

    response = hr_client.post(
        _url(item), {"dimension_scores": {str(foreign.uuid): 50}}, format="json"
    )

    assert response.status_code == 404


def test_a_global_rubric_dimension_may_be_scored(item, hr_client):
    shared = RubricDimension.objects.create(organization=None, name="Shared", weight=2)

    response = hr_client.post(
        _url(item), {"dimension_scores": {str(shared.uuid): 40}}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["points_earned"] == 0.4


def test_scores_only_on_dimensions_the_question_does_not_weigh_are_a_400(
    item, hr_client, dimensions
):
    technical, _ = dimensions
    version = item.question_version
    version.rubric_weights = {str(technical.uuid): 0}
    version.save(update_fields=["rubric_weights"])

    response = hr_client.post(
        _url(item), {"dimension_scores": {str(technical.uuid): 90}}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["dimension_scores"]


def test_an_open_attempt_cannot_be_reviewed(panel, hr_client):
    start(assignments_of(panel)[0])
    item = AttemptItem.objects.first()

    response = hr_client.post(_url(item), {"points": 1}, format="json")

    assert response.status_code == 409
    assert not ItemReview.objects.exists()


def test_an_expired_attempt_may_be_reviewed(tenant, hr_client, django_capture_on_commit_callbacks):
    panel = open_panel(tenant, time_limit_minutes=5)
    assignment = assignments_of(panel)[0]
    start(assignment)
    Attempt.objects.filter(assignment=assignment).update(
        started_at=timezone.now() - dt.timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert close_expired_attempts() == 1
    item = AttemptItem.objects.filter(attempt__assignment=assignment).first()

    response = hr_client.post(_url(item), {"points": 1}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["attempt"]["state"] == "expired"


SURROGATE_KEY = '{"dimension_scores": {"\\ud800": 5}}'


@pytest.mark.parametrize(
    "body",
    [
        [],
        "points",
        {},
        {"comment": "only a comment"},
        {"points": "1"},
        {"points": True},
        {"points": -1},
        {"points": 0.00001},
        {"points": 10**30},
        {"dimension_scores": []},
        {"dimension_scores": {"not-a-uuid": 5}},
        {"dimension_scores": {str(uuid.uuid4()): 101}},
        {"dimension_scores": {str(uuid.uuid4()): True}},
        {"dimension_scores": {str(uuid.uuid4()): 5.5}},
        {"dimension_scores": {"x" * 10_000: 1}},
        {"points": 1, "comment": 5},
        {"points": 1, "comment": "nul \x00"},
        {"points": 1, "comment": "x" * 10_001},
    ],
)
def test_a_bad_body_is_a_400_never_a_500(item, hr_client, body):
    response = hr_client.post(_url(item), body, format="json")

    assert response.status_code == 400, response.json()
    assert response.json()["success"] is False
    assert not ItemReview.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        SURROGATE_KEY,
        '{"points": 1, "comment": "\\udc00"}',
        '{"points": NaN}',
        '{"dimension_scores": {"a": 1, "a": 2}}',
        "{",
    ],
)
def test_a_body_that_cannot_be_stored_or_parsed_is_a_400(item, hr_client, raw):
    response = hr_client.post(_url(item), raw, content_type="application/json")

    assert response.status_code == 400, response.content
    assert not ItemReview.objects.exists()


def test_too_many_dimension_scores_are_a_400(item, hr_client):
    body = {"dimension_scores": {str(uuid.uuid4()): 1 for _ in range(51)}}

    assert hr_client.post(_url(item), body, format="json").status_code == 400


def test_a_review_never_touches_another_candidates_score(submitted, panel, hr_client):
    other = assignments_of(panel)[1]
    PanelCandidate.objects.filter(pk=other.pk).update(score=7)
    item = AttemptItem.objects.filter(attempt__assignment=submitted).first()

    hr_client.post(_url(item), {"points": 1}, format="json")

    assert PanelCandidate.objects.get(pk=other.pk).score == 7


def test_a_reviewer_role_reviews_in_its_own_name(item, tenant, settings):
    allow_reviewer_role(settings)
    user = factories.make_user(tenant.organization, "Reviewer")

    client_for(user).post(_url(item), {"points": 1, "comment": "fine"}, format="json")

    review = ItemReview.objects.get()
    assert (review.reviewer_id, review.reviewer_name) == (user.pk, user.get_username())

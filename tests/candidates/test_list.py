"""GET candidates/<panel>/ and candidates/<panel>/<candidate>/: the rows, their status,
filters, pages and a query count that does not grow with the panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_interview_panels.candidates.reads import (
    CandidateStatus,
    candidate_status,
    search_condition,
)
from django_interview_panels.candidates.schema import ManagedCandidateSerializer
from django_interview_panels.conf import app_settings
from django_interview_panels.interviews import services as interview_services
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ItemStatus,
    get_candidate_model,
)
from tests import factories

from .conftest import CANDIDATE_NOT_FOUND, assignments_of, list_url, one_url, open_panel, start

pytestmark = pytest.mark.django_db


def rows(client, panel, **params):
    response = client.get(list_url(panel), params)
    assert response.status_code == 200, response.json()
    return response.json()["data"]


def test_each_candidate_has_a_row_in_assignment_order(panel, tenant, hr_client, assignments):
    data = rows(hr_client, panel)

    assert [row["candidate_uuid"] for row in data["candidates"]] == [
        factories.candidate_uuid(c) for c in tenant.candidates
    ]
    first = data["candidates"][0]
    assert first == {
        "uuid": str(assignments[0].uuid),
        "candidate_uuid": factories.candidate_uuid(tenant.candidates[0]),
        "candidate_name": factories.candidate_name(tenant.candidates[0]),
        "candidate_email": factories.candidate_email(tenant.candidates[0]),
        "token": assignments[0].token,
        "token_expires_at": factories.iso(assignments[0].token_expires_at),
        "status": "invited",
        "score": 0,
        "started_at": None,
        "submitted_at": None,
        "removed_at": None,
        "window_starts_at": None,
        "window_ends_at": None,
        "extra_minutes": 0,
        "time_multiplier": 1.0,
    }
    assert data["pagination"] == {
        "count": 3,
        "page": 1,
        "page_size": 50,
        "total_pages": 1,
        "next": None,
        "previous": None,
    }


def test_the_documented_fields_are_the_rendered_ones(panel, hr_client):
    [row, *_] = rows(hr_client, panel)["candidates"]
    assert set(row) == set(ManagedCandidateSerializer().fields)


def test_one_candidate_is_their_row(panel, tenant, hr_client):
    listed = rows(hr_client, panel)["candidates"][1]
    response = hr_client.get(one_url(panel, tenant.candidates[1]))
    assert response.status_code == 200
    assert response.json()["data"] == listed


def test_a_candidate_of_another_panel_is_the_candidate_404(panel, tenant, hr_client):
    stranger = factories.make_candidate(tenant.organization)
    response = hr_client.get(one_url(panel, stranger))
    assert response.status_code == 404
    assert response.json()["errors"] == CANDIDATE_NOT_FOUND


def test_pages_walk_every_candidate_once(tenant, hr_client):
    crowd = factories.make_candidates(tenant.organization, 7)
    panel = open_panel(tenant, candidate_uuids=[factories.candidate_uuid(c) for c in crowd])
    seen = []
    for number in (1, 2, 3):
        data = rows(hr_client, panel, page=number, page_size=3)
        seen += [row["candidate_uuid"] for row in data["candidates"]]
        assert data["pagination"]["count"] == 7
        assert data["pagination"]["total_pages"] == 3
    assert seen == [factories.candidate_uuid(c) for c in crowd]
    assert data["pagination"]["next"] is None
    assert "page=2" in data["pagination"]["previous"]
    past = rows(hr_client, panel, page=9, page_size=3)
    assert past["candidates"] == []


def test_search_matches_name_or_email_ignoring_case(tenant, hr_client):
    ada = factories.make_candidate(tenant.organization, "Ada Lovelace", "ada@analytical.example")
    bob = factories.make_candidate(tenant.organization, "Bob Smith", "bob@smith.example")
    panel = open_panel(tenant, candidate_uuids=[factories.candidate_uuid(c) for c in (ada, bob)])

    by_name = rows(hr_client, panel, search="lovelace")["candidates"]
    by_email = rows(hr_client, panel, search="SMITH.EXAMPLE")["candidates"]

    assert [row["candidate_uuid"] for row in by_name] == [factories.candidate_uuid(ada)]
    assert [row["candidate_uuid"] for row in by_email] == [factories.candidate_uuid(bob)]


def test_search_never_looks_outside_the_name_and_email_fields(tenant, hr_client, settings):
    # Only the CANDIDATE_SEARCH_FIELDS: another text column (here the same text fields under a
    # setting that names only the email, standing for a password or a secret) is no oracle.
    ada = factories.make_candidate(tenant.organization, "Ada Lovelace", "ada@analytical.example")
    panel = open_panel(tenant, candidate_uuids=[factories.candidate_uuid(ada)])
    email_field = "email_address" if factories.SWAPPED else "email"
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_SEARCH_FIELDS": (email_field,),
    }

    assert rows(hr_client, panel, search="lovelace")["pagination"]["count"] == 0
    assert rows(hr_client, panel, search="analytical")["pagination"]["count"] == 1


def test_search_condition_names_only_the_search_fields():
    model = get_candidate_model()
    text_fields = {
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    }
    expected = set(app_settings.CANDIDATE_SEARCH_FIELDS)

    condition = search_condition("x", model)

    looked_in = {child[0] for child in condition.children if child[0] != "pk__in"}
    assert looked_in == {f"candidate__{name}__icontains" for name in expected}
    assert expected <= text_fields


@pytest.mark.parametrize(
    "configured",
    [("password", "uuid", 7), "name", None, ()],
    ids=["unknown-non-text-and-non-string", "bare-string", "none", "empty"],
)
def test_search_fields_that_are_not_text_fields_search_nobody(
    tenant, hr_client, settings, configured
):
    # A swapped model without the configured fields: no 500, no row matches.
    panel = open_panel(tenant)
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_SEARCH_FIELDS": configured,
    }

    assert rows(hr_client, panel, search="a")["pagination"]["count"] == 0
    assert rows(hr_client, panel)["pagination"]["count"] == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": ""}, "status"),
        ({"search": "x" * 256}, "search"),
        ({"search": "a\x00b"}, "search"),
        ({"page": "0"}, "page"),
        ({"page_size": "-1"}, "page_size"),
    ],
    ids=["unknown-status", "empty-status", "long-search", "nul-search", "page-0", "size-neg"],
)
def test_bad_query_parameters_are_400_in_the_envelope(panel, hr_client, params, field):
    response = hr_client.get(list_url(panel), params)
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert set(body) == {"success", "message", "errors"}
    assert field in body["errors"]


# --- Status -----------------------------------------------------------------------------------


def _attempt(assignment):
    start(assignment)
    return Attempt.objects.get(assignment=assignment)


def _close(attempt, state, **item_statuses):
    """Store ``state`` on the attempt and give its items the statuses: first ones first."""
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(state=state, closed_at=now, submitted_at=now)
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    position = 0
    for status, count in item_statuses.items():
        for item in items[position : position + count]:
            AttemptItem.objects.filter(pk=item.pk).update(status=status)
        position += count
    rest = [item.pk for item in items[position:]]
    AttemptItem.objects.filter(pk__in=rest).update(status=ItemStatus.SCORED)


def status_of(client, panel, candidate):
    return client.get(one_url(panel, candidate)).json()["data"]["status"]


def test_each_status_is_derived_from_the_attempt(tenant, hr_client, settings):
    crowd = factories.make_candidates(tenant.organization, 8)
    panel = open_panel(
        tenant,
        candidate_uuids=[factories.candidate_uuid(c) for c in crowd],
        time_limit_minutes=30,
    )
    a = assignments_of(panel)
    # invited: a[0]; started: a[1]
    _attempt(a[1])
    # expired: open past its deadline (never stored), and stored expired and withdrawn.
    late = _attempt(a[2])
    Attempt.objects.filter(pk=late.pk).update(started_at=timezone.now() - dt.timedelta(hours=1))
    _close(_attempt(a[3]), AttemptState.EXPIRED)
    _close(_attempt(a[4]), AttemptState.WITHDRAWN)
    # submitted: an item waits (for the evaluator, or for a reviewer)
    _close(_attempt(a[5]), AttemptState.SUBMITTED, pending=1)
    # evaluated: every item scored by rule or evaluator
    _close(_attempt(a[6]), AttemptState.SUBMITTED, evaluated=1)
    # reviewed: nothing waits, a reviewer scored one
    _close(_attempt(a[7]), AttemptState.SUBMITTED, reviewed=1)

    expected = [
        "invited",
        "started",
        "expired",
        "expired",
        "expired",
        "submitted",
        "evaluated",
        "reviewed",
    ]
    assert [status_of(hr_client, panel, c) for c in crowd] == expected
    assert [row["status"] for row in rows(hr_client, panel)["candidates"]] == expected
    for status in ("invited", "started", "expired", "submitted", "evaluated", "reviewed"):
        found = rows(hr_client, panel, status=status)
        wanted = [
            factories.candidate_uuid(c) for c, s in zip(crowd, expected, strict=True) if s == status
        ]
        assert [row["candidate_uuid"] for row in found["candidates"]] == wanted
        assert found["pagination"]["count"] == len(wanted)


def test_a_submitted_attempt_waiting_for_review_is_submitted(tenant, hr_client):
    panel = open_panel(tenant)
    first = assignments_of(panel)[0]
    _close(_attempt(first), AttemptState.SUBMITTED, needs_review=1, reviewed=1)
    assert status_of(hr_client, panel, tenant.candidates[0]) == "submitted"


def test_a_removed_candidate_is_listed_only_with_status_removed(panel, tenant, hr_client):
    _close(_attempt(assignments_of(panel)[0]), AttemptState.SUBMITTED)
    assert hr_client.delete(one_url(panel, tenant.candidates[0])).status_code == 200

    default = rows(hr_client, panel)
    removed = rows(hr_client, panel, status="removed")

    assert [r["candidate_uuid"] for r in default["candidates"]] == [
        factories.candidate_uuid(c) for c in tenant.candidates[1:]
    ]
    assert default["pagination"]["count"] == 2
    assert [r["candidate_uuid"] for r in removed["candidates"]] == [
        factories.candidate_uuid(tenant.candidates[0])
    ]
    assert removed["candidates"][0]["status"] == "removed"
    assert status_of(hr_client, panel, tenant.candidates[0]) == "removed"


def test_the_derivation_in_one_table(panel, assignments):
    now = timezone.now()
    assert candidate_status(removed=True, attempt=None, waiting=0, reviewed=0, now=now) == "removed"
    assert candidate_status(removed=False, attempt=None, waiting=0, reviewed=0, now=now) == (
        "invited"
    )
    attempt = interview_services.start_attempt(assignment=assignments[0])
    attempt.assignment = assignments[0]
    assert candidate_status(removed=False, attempt=attempt, waiting=3, reviewed=0, now=now) == (
        "started"
    )
    later = assignments[0].token_expires_at + dt.timedelta(seconds=1)
    assert candidate_status(removed=False, attempt=attempt, waiting=3, reviewed=0, now=later) == (
        "expired"
    )
    assert candidate_status(removed=True, attempt=attempt, waiting=0, reviewed=0, now=now) == (
        "removed"
    )
    attempt.state = AttemptState.SUBMITTED
    cases = {(1, 0): "submitted", (0, 0): "evaluated", (0, 2): "reviewed", (1, 2): "submitted"}
    for (waiting, reviewed), status in cases.items():
        assert (
            candidate_status(
                removed=False, attempt=attempt, waiting=waiting, reviewed=reviewed, now=now
            )
            == status
        )
    assert set(CandidateStatus.ALL) == {
        "invited",
        "started",
        "submitted",
        "expired",
        "evaluated",
        "reviewed",
        "removed",
    }


# --- Query count ------------------------------------------------------------------------------


def _panel_of(tenant, count):
    crowd = factories.make_candidates(tenant.organization, count)
    panel = open_panel(tenant, candidate_uuids=[factories.candidate_uuid(c) for c in crowd])
    for assignment in assignments_of(panel)[: count // 3]:
        start(assignment)
    return panel


@pytest.mark.parametrize("params", [{}, {"status": "started"}, {"search": "Candidate"}], ids=str)
def test_the_list_takes_the_same_queries_for_3_or_30_candidates(
    tenant, hr_client, django_assert_num_queries, params
):
    small, big = _panel_of(tenant, 3), _panel_of(tenant, 30)
    hr_client.get(list_url(small), params)
    with CaptureQueriesContext(connection) as few:
        assert hr_client.get(list_url(small), params).status_code == 200
    few_queries = len(few)

    with django_assert_num_queries(few_queries):
        response = hr_client.get(list_url(big), params)
    assert response.status_code == 200
    assert response.json()["data"]["pagination"]["count"] in (10, 30)

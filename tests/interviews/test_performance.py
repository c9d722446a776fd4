"""The candidate's endpoints run a fixed number of queries, whatever the number of items in the
set, of distributions in the panel and of candidates assigned to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from django_interview_panels.models import PanelCandidate, Question, QuestionVersion
from tests import factories

from .conftest import INTERVIEW, token_client

pytestmark = pytest.mark.django_db

# On MariaDB/MySQL a locked lookup that joins other tables reads its keys first, then locks
# the rows by primary key (django_interview_panels/locking.py): two more queries in a save (the
# attempt), three in a submit (the attempt, after a shared lock on its panel's row).
MYSQL = connection.vendor == "mysql"

# Token; attempt (none yet); savepoint; panel (locked); attempt again (under the lock); the
# distributions; the pool's questions (locked); their current versions; their exposure; the
# panel's candidates (the exposure cap); versions marked used; exposure upserted; attempt and
# items inserted; release; the items with their versions (the response).
START_QUERIES = 16
# Token; attempt; its items with their versions.
GET_QUERIES = 3
# Token; savepoint; the item with its version and its attempt (locked), assignment and panel;
# its update (the answer and the time spent on it); the attempt's last activity (its row is
# already locked: the time spent is measured between saves); release.
SAVE_QUERIES = 6 + (2 if MYSQL else 0)
# Token; savepoint; attempt (locked); its update; the items with their versions; the scores of
# the rule-scored ones (one bulk update); then the total in a savepoint of its own: the
# assignment's row locked, the sum, the candidate's score, release; release. The evaluation of
# open answers runs after the commit, as a task.
SUBMIT_QUERIES = 12 + (3 if MYSQL else 0)

# (subtopics, easy/medium/hard per subtopic, candidates): 3 items; 30 items from one
# distribution; 30 items from ten distributions of a panel with 40 candidates.
SHAPES = {
    "3 items": (1, (1, 1, 1), 1),
    "30 items": (1, (10, 10, 10), 1),
    "30 items, 10 distributions, 40 candidates": (10, (1, 1, 1), 40),
}


def candidate_token(tenant: Any, subtopics: int, counts: tuple[int, int, int], people: int) -> str:
    """The token of the first candidate of a panel open now, its bank versioned as the API
    versions it (a version per question)."""
    category = factories.make_bank(tenant.organization, topics=subtopics, questions=max(counts) + 2)
    QuestionVersion.objects.bulk_create(
        QuestionVersion(question=question, number=1, **question.content())
        for question in Question.objects.filter(subtopic__topic__category=category)
    )
    candidates = factories.make_candidates(tenant.organization, people)
    panel = factories.make_panel(
        tenant.organization,
        category,
        candidates,
        counts=counts,
        start_datetime=factories.iso(factories.future(-1)),
        end_datetime=factories.iso(factories.future(10)),
    )
    assert panel.total_number_of_questions == subtopics * sum(counts)
    return PanelCandidate.objects.filter(panel=panel).order_by("id").first().token


@pytest.fixture(params=list(SHAPES), ids=list(SHAPES))
def shape(request: Any) -> tuple[int, tuple[int, int, int], int]:
    return SHAPES[request.param]


def test_start_runs_a_fixed_number_of_queries(tenant, shape, django_assert_num_queries):
    client = token_client(candidate_token(tenant, *shape))

    with django_assert_num_queries(START_QUERIES):
        response = client.post(f"{INTERVIEW}start/")

    assert response.status_code == 201
    subtopics, counts, _people = shape
    assert len(response.json()["data"]["items"]) == subtopics * sum(counts)


def test_a_later_candidates_start_runs_as_many_queries_as_the_first(
    tenant, django_assert_num_queries
):
    """The second draw of a panel finds exposure counts to update rather than insert."""
    category = factories.make_bank(tenant.organization, topics=2, questions=4)
    panel = factories.make_panel(
        tenant.organization,
        category,
        tenant.candidates,
        counts=(2, 1, 1),
        start_datetime=factories.iso(factories.future(-1)),
        end_datetime=factories.iso(factories.future(10)),
    )
    first, second = PanelCandidate.objects.filter(panel=panel).order_by("id")[:2]
    # The first start versions the bank's questions written straight to the table (two more
    # queries); the panel's next starts find the versions.
    assert token_client(first.token).post(f"{INTERVIEW}start/").status_code == 201

    with django_assert_num_queries(START_QUERIES):
        assert token_client(second.token).post(f"{INTERVIEW}start/").status_code == 201


def test_resuming_runs_a_fixed_number_of_queries(tenant, shape, django_assert_num_queries):
    client = token_client(candidate_token(tenant, *shape))
    assert client.post(f"{INTERVIEW}start/").status_code == 201

    # Token; the attempt; its last activity (a resume restarts the time spent's clock); the
    # items with their versions.
    with django_assert_num_queries(4):
        assert client.post(f"{INTERVIEW}start/").status_code == 200


def test_reading_the_attempt_runs_a_fixed_number_of_queries(
    tenant, shape, django_assert_num_queries
):
    client = token_client(candidate_token(tenant, *shape))
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]

    with django_assert_num_queries(GET_QUERIES):
        response = client.get(f"{INTERVIEW}attempt/")

    assert response.json()["data"]["items"] == items


def test_saving_an_answer_runs_a_fixed_number_of_queries(tenant, shape, django_assert_num_queries):
    client = token_client(candidate_token(tenant, *shape))
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]

    with django_assert_num_queries(SAVE_QUERIES):
        response = client.put(
            f"{INTERVIEW}answers/{items[-1]['uuid']}/", {"answer": "an answer"}, format="json"
        )

    assert response.status_code == 200


def test_submitting_runs_a_fixed_number_of_queries(tenant, shape, django_assert_num_queries):
    client = token_client(candidate_token(tenant, *shape))
    items = client.post(f"{INTERVIEW}start/").json()["data"]["items"]
    for item in items[::2]:
        client.put(f"{INTERVIEW}answers/{item['uuid']}/", {"answer": "an answer"}, format="json")

    with django_assert_num_queries(SUBMIT_QUERIES):
        response = client.post(f"{INTERVIEW}submit/")

    assert response.json()["data"]["state"] == "submitted"

"""Performance contracts: reads in a fixed number of queries, writes in a fixed number of batches.

Counted with ``CaptureQueriesContext``, never timed: docs/performance.md has the budget and the
benchmark.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_interview_panels.api.renderers import APIJSONRenderer
from django_interview_panels.models import InterviewPanel, PanelCandidate, QuestionDistribution
from django_interview_panels.panels import reads
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIST_URL = "/api/panel/get/"
# A request that authenticates and resolves the caller, then stops before any data query.
OVERHEAD_URL = "/api/panel/get/not-a-uuid/"
SIZES = [(1, 1, 1), (20, 5, 10), (200, 10, 20)]


def seed_organization(panels: int, distributions: int, candidates: int) -> tuple[Any, Any]:
    """An organization with ``panels`` panels, each with the given distributions and candidates.

    Rows go in with bulk_create: building 200 panels through the service would take long.
    Returns the organization's HR API client and one of its panels.
    """
    organization = factories.make_organization()
    category = factories.make_bank(organization, topics=10, questions=1)
    subtopics = factories.first_subtopics(category)[:distributions]
    people = factories.make_candidates(organization, candidates)
    start = factories.future(1)
    rows = InterviewPanel.objects.bulk_create(
        InterviewPanel(
            organization=organization,
            name=f"Panel {n}",
            total_number_of_questions=distributions,
            start_datetime=start,
            end_datetime=start + dt.timedelta(hours=8),
            category=category,
        )
        for n in range(panels)
    )
    QuestionDistribution.objects.bulk_create(
        QuestionDistribution(panel=panel, topic_id=s.topic_id, subtopic=s, easy=1)
        for panel in rows
        for s in subtopics
    )
    PanelCandidate.objects.bulk_create(
        PanelCandidate(panel=panel, candidate=person, token_expires_at=panel.end_datetime)
        for panel in rows
        for person in people
    )
    return client_for(factories.make_user(organization, "HR")), rows[0]


def count_queries(client: Any, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == status, response.content[:300]
    return len(queries)


def test_reads_run_the_same_queries_whatever_the_panels_distributions_and_candidates(settings):
    # Every panel on one page, so the largest size really renders 200 panels.
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), "MAX_PAGE_SIZE": 200}
    counts = []
    for panels, distributions, candidates in SIZES:
        client, panel = seed_organization(panels, distributions, candidates)
        listed = client.get(f"{LIST_URL}?page_size=200").json()["data"]["interview_panels"]
        assert len(listed) == panels
        assert len(listed[0]["question_distributions"]) == distributions
        assert len(listed[0]["candidates"]) == candidates
        overhead = count_queries(client, OVERHEAD_URL, status=404)
        counts.append(
            (
                overhead,
                count_queries(client, f"{LIST_URL}?page_size=200") - overhead,
                count_queries(client, f"/api/panel/get/{panel.uuid}/") - overhead,
            )
        )

    # Data queries: count, panels, distributions, candidates; one panel needs no count.
    assert counts == [(counts[0][0], 4, 3)] * len(SIZES)
    # Authentication and the organization/role resolvers: 2 with the default Membership
    # resolvers, 3 with the swapped host's user.organization and user.role.
    assert counts[0][0] <= 3


def test_nothing_queries_the_database_while_panels_are_represented_and_rendered(monkeypatch):
    client, panel = seed_organization(20, 5, 10)
    entered: Counter[str] = Counter()

    def refuse(execute: Any, sql: str, *args: Any) -> Any:
        raise AssertionError(f"query while representing or rendering: {sql}")

    def without_queries(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            entered[name] += 1
            with connection.execute_wrapper(refuse):
                return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(reads, "represent", without_queries("represent", reads.represent))
    monkeypatch.setattr(
        APIJSONRenderer, "render", without_queries("render", APIJSONRenderer.render)
    )

    assert client.get(LIST_URL).status_code == 200
    assert client.get(f"/api/panel/get/{panel.uuid}/").status_code == 200
    assert entered == {"represent": 2, "render": 2}


def statements(queries: CaptureQueriesContext, verb: str) -> Counter[str]:
    """Statements starting with ``verb``, by the table they write."""
    counted: Counter[str] = Counter()
    for query in queries.captured_queries:
        words = query["sql"].split()
        if words[0].upper() == verb:
            table = words[2] if verb == "INSERT" else words[1]
            counted[table.strip('"`')] += 1
    return counted


def batches(model: Any, rows: int) -> int:
    """INSERT statements bulk_create needs for ``rows`` rows: one, unless the backend caps them."""
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    return math.ceil(rows / connection.ops.bulk_batch_size(fields, [None] * rows))


@pytest.mark.parametrize(("distributions", "candidates"), [(2, 10), (10, 1000)])
def test_create_inserts_a_number_of_batches_that_does_not_grow_with_the_rows(
    distributions, candidates
):
    organization = factories.make_organization()
    category = factories.make_bank(organization, topics=distributions, questions=1)
    people = factories.make_candidates(organization, candidates)
    client = client_for(factories.make_user(organization, "HR"))
    payload = factories.panel_payload(category, people, counts=(1, 0, 0))

    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/panel/create/", payload, format="json")

    assert response.status_code == 201, response.json()
    assert len(response.json()["data"]["candidates"]) == candidates
    assert statements(queries, "INSERT") == {
        InterviewPanel._meta.db_table: 1,
        QuestionDistribution._meta.db_table: batches(QuestionDistribution, distributions),
        PanelCandidate._meta.db_table: batches(PanelCandidate, candidates),
    }
    if connection.vendor == "postgresql":
        assert sum(statements(queries, "INSERT").values()) == 3


@pytest.mark.parametrize("candidates", [10, 1000])
def test_moving_the_end_updates_every_token_in_one_statement(candidates):
    organization = factories.make_organization()
    category = factories.make_bank(organization, questions=1)
    people = factories.make_candidates(organization, candidates)
    panel = factories.make_panel(organization, category, people, counts=(1, 0, 0))
    client = client_for(factories.make_user(organization, "HR"))
    new_end = factories.iso(factories.future(48))

    with CaptureQueriesContext(connection) as queries:
        response = client.put(
            f"/api/panel/update/{panel.uuid}/", {"end_datetime": new_end}, format="json"
        )

    assert response.status_code == 200, response.json()
    assert statements(queries, "UPDATE") == {
        InterviewPanel._meta.db_table: 1,
        PanelCandidate._meta.db_table: 1,
    }
    assert set(PanelCandidate.objects.filter(panel=panel).values_list("token_expires_at")) == {
        (dt.datetime.fromisoformat(new_end),)
    }

"""Bank reads run a fixed number of queries whatever the size of the bank."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_interview_panels.models import (
    Category,
    Question,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)
from tests import factories
from tests.bank.conftest import RESOURCES, url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# The list: a count and the page. A lookup: the entry, then its representation.
LIST_QUERIES = 2
DETAIL_QUERIES = 2


def seed(organization, size: int) -> None:
    """``size`` entries of every resource, plus global ones, with versions and rubric weights."""
    for owner in (organization, None):
        dimensions = RubricDimension.objects.bulk_create(
            RubricDimension(organization=owner, name=f"Dim {n}") for n in range(size)
        )
        factories.make_bank(owner, topics=size, subtopics=1, questions=size)
        Category.objects.bulk_create(
            Category(organization=owner, name=f"C{n}") for n in range(size)
        )
        weights = {str(d.uuid): 1 for d in dimensions[:5]}
        Question.objects.filter(organization=owner).update(rubric_weights=weights)
        QuestionVersion.objects.bulk_create(
            QuestionVersion(question=q, number=1, **q.content())
            for q in Question.objects.filter(organization=owner)
        )


def overhead(client) -> int:
    """Queries of a request that authenticates and resolves the caller, then finds nothing."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("categories", "not-a-uuid")).status_code == 404
    return len(captured)


@pytest.mark.parametrize("size", [1, 12])
@pytest.mark.parametrize("role", ["hr", "member"])
def test_reads_take_a_fixed_number_of_queries(tenant, django_assert_num_queries, size, role):
    seed(tenant.organization, size)
    client = client_for(getattr(tenant, role))
    base = overhead(client)
    samples = {
        "categories": Category.objects.filter(organization=tenant.organization).first(),
        "topics": Topic.objects.filter(organization=tenant.organization).first(),
        "subtopics": Subtopic.objects.filter(organization=tenant.organization).first(),
        "rubric-dimensions": RubricDimension.objects.filter(
            organization=tenant.organization
        ).first(),
        "questions": Question.objects.filter(organization=tenant.organization).first(),
    }
    for resource, (key, _model) in RESOURCES.items():
        with django_assert_num_queries(base + LIST_QUERIES):
            response = client.get(url(resource), {"page_size": 200})
        assert len(response.json()["data"][key]) >= min(size, 200)
        with django_assert_num_queries(base + DETAIL_QUERIES):
            assert client.get(url(resource, samples[resource].uuid)).status_code == 200
    with django_assert_num_queries(base + DETAIL_QUERIES):
        response = client.get(url("questions", samples["questions"].uuid, "versions/"))
    assert response.status_code == 200
    assert Question.objects.visible_to(tenant.organization).count() >= 2 * 3 * size * size

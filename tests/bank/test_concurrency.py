"""Bank writes racing each other on PostgreSQL (real transactions, one connection per thread).

A delete checks what references an entry under the entry's row lock, and creating a child takes
the same lock: a child is never created under an entry being deleted (where the foreign key's
cascade would silently remove it). Edits of a used question never make the same version twice.
"""

from __future__ import annotations

from functools import partial

import pytest
from django.db import connection

from django_interview_panels.models import (
    Question,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)
from tests.bank.conftest import QUESTION_BODIES, make_question, url
from tests.conftest import client_for
from tests.test_security_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

ITERATIONS = 15
THREADS = 8


def post(user, resource, body) -> int:
    return client_for(user).post(url(resource), body, format="json").status_code


def delete(user, resource, value) -> int:
    return client_for(user).delete(url(resource, value)).status_code


def test_a_question_created_while_its_subtopic_is_deleted_is_never_lost(tenant):
    outcomes_seen = set()
    for n in range(ITERATIONS):
        topic = Topic.objects.filter(organization=tenant.organization).first()
        subtopic = Subtopic.objects.create(
            organization=tenant.organization, topic=topic, name=f"Racing {n}"
        )
        body = {**QUESTION_BODIES["numeric"], "subtopic_uuid": str(subtopic.uuid)}

        create, remove = run_together(
            [
                partial(post, tenant.hr, "questions", body),
                partial(delete, tenant.hr, "subtopics", subtopic.uuid),
            ]
        )

        assert create.error is None and remove.error is None
        pair = (create.value, remove.value)
        assert pair in {(201, 400), (404, 200)}, pair
        outcomes_seen.add(pair)
        created = Question.objects.filter(text=body["text"], subtopic_id=subtopic.pk).count()
        assert created == (1 if pair[0] == 201 else 0)
        assert Subtopic.objects.filter(pk=subtopic.pk).exists() is (pair[1] == 400)
        Question.objects.filter(subtopic_id=subtopic.pk).delete()
    assert outcomes_seen


def test_a_rubric_dimension_named_while_it_is_deleted_is_never_dangling(tenant, subtopic):
    for n in range(ITERATIONS):
        dimension = RubricDimension.objects.create(
            organization=tenant.organization, name=f"Racing {n}"
        )
        body = {
            **QUESTION_BODIES["numeric"],
            "subtopic_uuid": str(subtopic.uuid),
            "rubric_weights": {str(dimension.uuid): 2},
        }

        create, remove = run_together(
            [
                partial(post, tenant.hr, "questions", body),
                partial(delete, tenant.hr, "rubric-dimensions", dimension.uuid),
            ]
        )

        assert (create.value, remove.value) in {(201, 400), (404, 200)}
        named = Question.objects.filter(rubric_weights__has_key=str(dimension.uuid)).exists()
        assert named is RubricDimension.objects.filter(pk=dimension.pk).exists()


def test_concurrent_edits_of_a_used_question_never_make_a_version_twice(tenant, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")
    QuestionVersion.objects.filter(question=question).update(is_used=True)

    def edit(points: int) -> int:
        response = client_for(tenant.hr).patch(
            url("questions", question.uuid), {"points": points}, format="json"
        )
        # Mark the new version used at once, so the next edit must make another one.
        QuestionVersion.objects.filter(question=question).update(is_used=True)
        return response.status_code

    outcomes = run_together([partial(edit, points) for points in range(2, 2 + THREADS)])

    assert [(o.error, o.value) for o in outcomes] == [(None, 200)] * THREADS
    numbers = sorted(question.versions.values_list("number", flat=True))
    question.refresh_from_db()
    assert numbers == list(range(1, question.version + 1))
    assert question.versions.get(number=question.version).points == question.points

"""Bank writes racing each other on PostgreSQL and MariaDB (real transactions, one connection
per thread).

A delete checks what references an entry under the entry's row lock, and creating a child takes
the same lock: a child is never created under an entry being deleted (where the foreign key's
cascade would silently remove it). Edits of a used question never make the same version
twice, and two imports of one file create its questions once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction

from django_interview_panels.bank import services
from django_interview_panels.bank.imports import import_questions
from django_interview_panels.models import (
    Question,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)
from tests import factories
from tests.bank.conftest import QUESTION_BODIES, make_question, url
from tests.bank.test_imports import ALL_KINDS
from tests.conftest import client_for
from tests.test_security_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor not in ("postgresql", "mysql"),
        reason="row locks and concurrent transactions: PostgreSQL, MariaDB or MySQL",
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


EDITORS = 8


def test_concurrent_edits_of_a_used_question_each_make_one_version(tenant: Any) -> None:
    subtopic = factories.first_subtopics(tenant.category)[0]
    question = services.create_question(
        organization=tenant.organization,
        subtopic=subtopic,
        content={"kind": "open", "text": "Seen", "difficulty": "easy"},
    )

    def edit(number: int) -> None:
        # Each edit's version is used in the same transaction, as if a candidate drew it at
        # once: every edit then finds the current version used and makes the next one.
        with transaction.atomic():
            edited = services.update_question(question=question, changes={"text": f"Edit {number}"})
            QuestionVersion.objects.filter(question=edited, number=edited.version).update(
                is_used=True
            )

    QuestionVersion.objects.filter(question=question).update(is_used=True)
    outcomes = run_together([lambda n=n: edit(n) for n in range(EDITORS)])

    assert [outcome.error for outcome in outcomes] == [None] * EDITORS
    numbers = list(
        QuestionVersion.objects.filter(question=question)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, EDITORS + 2))
    question.refresh_from_db()
    assert question.version == EDITORS + 1


def test_two_concurrent_imports_of_one_file_create_its_questions_once(tenant: Any) -> None:
    outcomes = run_together(
        [
            lambda: import_questions(organization=tenant.organization, records=ALL_KINDS)
            for _ in range(2)
        ]
    )

    assert [outcome.error for outcome in outcomes] == [None, None]
    texts = list(
        Question.objects.filter(
            organization=tenant.organization, subtopic__name="Indexes"
        ).values_list("text", flat=True)
    )
    assert sorted(texts) == sorted(item.text for item in ALL_KINDS)

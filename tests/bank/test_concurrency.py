"""Concurrent edits of one question on PostgreSQL: versions are numbered without gaps or twins.

Runs only on PostgreSQL (row locks; CI runs it there), with one connection per thread, released
together at a barrier (``tests/test_security_concurrency.run_together``).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from django_interview_panels.bank import services
from django_interview_panels.bank.imports import import_questions
from django_interview_panels.models import Question, QuestionVersion
from tests import factories
from tests.bank.test_imports import ALL_KINDS
from tests.test_security_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks and concurrent transactions need PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

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

"""Question versions: what a candidate saw stays as it was; the bank shows the latest."""

from __future__ import annotations

from typing import Any

import pytest

from django_interview_panels.bank import services
from django_interview_panels.models import Question, QuestionVersion
from tests import factories

pytestmark = pytest.mark.django_db

CONTENT = {
    "kind": "single_choice",
    "text": "Which type is immutable?",
    "difficulty": "easy",
    "points": 2,
    "expected_time_seconds": 60,
    "choices": ["list", "tuple", "dict"],
    "answer_key": {"correct": [1], "shuffle_choices": True},
    "rubric_weights": {},
}


@pytest.fixture
def question(tenant: Any) -> Question:
    subtopic = factories.first_subtopics(tenant.category)[0]
    return services.create_question(
        organization=tenant.organization, subtopic=subtopic, content=CONTENT
    )


def versions(question: Question) -> list[tuple[int, str, int]]:
    return list(
        QuestionVersion.objects.filter(question=question)
        .order_by("number")
        .values_list("number", "text", "points")
    )


def test_a_new_question_has_version_one_with_its_content(question: Question) -> None:
    version = question.versions.get()

    assert question.version == 1
    assert version.number == 1
    assert version.content() == question.content() == CONTENT


def test_an_edit_of_an_unused_version_changes_it_in_place(question: Question) -> None:
    services.update_question(question=question, changes={"text": "Which is immutable?"})

    question.refresh_from_db()
    assert question.version == 1
    assert versions(question) == [(1, "Which is immutable?", 2)]


def test_an_edit_of_a_used_version_makes_the_next_and_keeps_what_was_seen(
    question: Question,
) -> None:
    question.versions.update(is_used=True)

    services.update_question(question=question, changes={"text": "New text", "points": 3})

    question.refresh_from_db()
    assert (question.version, question.text, question.points) == (2, "New text", 3)
    assert versions(question) == [(1, CONTENT["text"], 2), (2, "New text", 3)]


def test_an_edit_that_changes_nothing_makes_no_version(question: Question) -> None:
    question.versions.update(is_used=True)

    services.update_question(question=question, changes={"text": CONTENT["text"]})

    assert versions(question) == [(1, CONTENT["text"], 2)]


def test_a_question_written_without_the_services_gets_its_history_on_first_edit(
    tenant: Any,
) -> None:
    question = Question.objects.filter(organization=tenant.organization).first()
    original = question.text

    services.update_question(question=question, changes={"text": "Edited"})

    assert versions(question) == [(1, "Edited", 1)]
    assert original != "Edited"


def test_retiring_leaves_the_question_out_of_draws_and_keeps_its_versions(
    question: Question,
) -> None:
    services.retire_question(question=question)

    assert question.is_retired and question.retired_at is not None
    assert not Question.objects.drawable().filter(pk=question.pk).exists()
    assert versions(question) == [(1, CONTENT["text"], 2)]

    services.restore_question(question=question)
    assert Question.objects.drawable().filter(pk=question.pk).exists()

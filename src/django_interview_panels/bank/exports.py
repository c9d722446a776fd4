"""Exporting an organization's bank as question records, for a file format to render."""

from __future__ import annotations

import dataclasses
from typing import Any

from ..models import Question
from .formats.records import KEY_TYPES, QuestionRecord


class UnexportableQuestions(Exception):
    """Questions no file format can hold (an answer key written around the API's checks)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.problems = problems


def one_line(name: str) -> str:
    """A name as a file's category path holds it: one line (a line break becomes a space)."""
    return " ".join(name.splitlines()) if "\n" in name or "\r" in name else name


def question_record(question: Question, category: str, topic: str, subtopic: str) -> QuestionRecord:
    """``question``'s current version as a record under the given category path."""
    key_type = KEY_TYPES[question.kind]
    names = {field.name for field in dataclasses.fields(key_type)}
    key = key_type(**{name: value for name, value in question.answer_key.items() if name in names})
    return QuestionRecord(
        category=category,
        topic=topic,
        subtopic=subtopic,
        kind=question.kind,
        text=question.text,
        difficulty=question.difficulty,
        points=question.points,
        expected_time_seconds=question.expected_time_seconds,
        choices=tuple(question.choices),
        answer_key=key,
    )


def export_records(*, organization: Any) -> list[QuestionRecord]:
    """The organization's own questions that are not retired, in bank order (one query).

    Global questions are left out: every organization sees them already. Raises
    ``UnexportableQuestions`` naming each question whose answer key does not fit its kind (only
    a write around the API's checks, as a host's own code, can store one).
    """
    questions = (
        Question.objects.filter(organization=organization)
        .drawable()
        .select_related("subtopic__topic__category")
        .order_by(
            "subtopic__topic__category__name",
            "subtopic__topic__name",
            "subtopic__name",
            "difficulty",
            "pk",
        )
    )
    records, problems = [], []
    for question in questions:
        subtopic = question.subtopic
        try:
            records.append(
                question_record(
                    question,
                    one_line(subtopic.topic.category.name),
                    one_line(subtopic.topic.name),
                    one_line(subtopic.name),
                )
            )
        except (ValueError, TypeError, KeyError) as exc:
            problems.append(f"{question.uuid}: {exc}")
    if problems:
        raise UnexportableQuestions(problems)
    return records

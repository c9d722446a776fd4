"""The bank's request fields and list filters validate adversarial 100 kB values in linear time.

The same harness as the panel requests (``tests/test_hardening_input.py``): each field of each
bank request, and each string inside an answer key, gets values built to make a backtracking
matcher or a careless parser slow; validation time must stay linear in the value's size.
"""

from __future__ import annotations

from typing import Any

import pytest

from django_interview_panels.bank import filters as bank_filters
from django_interview_panels.bank import serializers as bank
from django_interview_panels.models import Category, Question, RubricDimension, Subtopic, Topic
from tests.test_hardening_input import assert_linear, sized, walk, with_value

SUBTOPIC = "123e4567-e89b-12d3-a456-426614174003"

PAYLOADS: dict[str, tuple[type, dict[str, Any], bool]] = {
    "category": (bank.CategoryCreateSerializer, {"name": "Python"}, False),
    "topic": (bank.TopicCreateSerializer, {"name": "Types", "category_uuid": SUBTOPIC}, False),
    "subtopic": (bank.SubtopicCreateSerializer, {"name": "Lists", "topic_uuid": SUBTOPIC}, False),
    "rubric-dimension": (
        bank.RubricDimensionCreateSerializer,
        {"name": "Technical", "description": "How sound", "weight": 2},
        False,
    ),
    "question-open": (
        bank.QuestionCreateSerializer,
        {
            "subtopic_uuid": SUBTOPIC,
            "kind": "open",
            "text": "Why?",
            "difficulty": "easy",
            "answer_key": {
                "expected_answer": "Because.",
                "ideal_answer_summary": "Short.",
                "keywords": ["because"],
                "keyword_coverage": 0.5,
                "red_flags": ["never"],
            },
        },
        False,
    ),
    "question-choice": (
        bank.QuestionCreateSerializer,
        {
            "subtopic_uuid": SUBTOPIC,
            "kind": "multiple_choice",
            "text": "Which?",
            "difficulty": "easy",
            "choices": ["a", "b", "c"],
            "answer_key": {"correct": [0, 2]},
        },
        False,
    ),
    "question-short": (
        bank.QuestionCreateSerializer,
        {
            "subtopic_uuid": SUBTOPIC,
            "kind": "short_answer",
            "text": "Name it.",
            "difficulty": "easy",
            "answer_key": {"accepted_answers": ["append"]},
        },
        False,
    ),
    "question-update": (bank.QuestionUpdateSerializer, {"text": "Edited"}, True),
}
# The stored question a PATCH applies to (the update serializer checks against it).
CURRENT = {
    "kind": "single_choice",
    "text": "Which?",
    "difficulty": "easy",
    "points": 1,
    "expected_time_seconds": 120,
    "choices": ["a", "b"],
    "answer_key": {"correct": [0], "shuffle_choices": False},
    "rubric_weights": {},
}
# Strings inside an answer key, which the serializer walk cannot see (the key is one field).
NESTED = {
    "question-open": [
        ("answer_key", "expected_answer"),
        ("answer_key", "ideal_answer_summary"),
        ("answer_key", "keywords", 0),
        ("answer_key", "red_flags", 0),
    ],
    "question-short": [("answer_key", "accepted_answers", 0)],
}


def cases() -> list[tuple[str, tuple[Any, ...], Any]]:
    found = []
    for name, (serializer, payload, _partial) in PAYLOADS.items():
        # An element path needs its list in the payload (choices: the choice kinds only).
        found += [
            (name, path, field)
            for path, field in walk(serializer())
            if len(path) == 1 or path[0] in payload
        ]
        found += [(name, path, None) for path in NESTED.get(name, [])]
    return found


@pytest.mark.parametrize(
    ("request_name", "path", "field"),
    cases(),
    ids=[f"{name}-{'.'.join(map(str, path))}" for name, path, _ in cases()],
)
def test_every_bank_request_field_validates_adversarial_100kb_values_in_linear_time(
    request_name, path, field
):
    serializer_class, payload, partial = PAYLOADS[request_name]

    def validate(data: dict[str, Any]) -> None:
        serializer_class(data=data, partial=partial, context={"current": CURRENT}).is_valid()

    def make_value(make: Any, n: int) -> dict[str, Any]:
        value = sized(field, make, n) if field is not None else make(n)
        return with_value(payload, path, value)

    assert_linear(validate, make_value)


def test_a_bulk_request_is_refused_by_its_length_before_its_items():
    serializer = bank.bulk_serializer(
        bank.CategoryCreateSerializer(), data=[{"name": "x"}] * 100_000
    )

    assert not serializer.is_valid()
    assert [str(error) for error in serializer.errors] == [
        "Ensure this field has no more than 100 elements."
    ]


FILTERSETS = {
    "categories": (bank_filters.CategoryFilterSet, Category),
    "topics": (bank_filters.TopicFilterSet, Topic),
    "subtopics": (bank_filters.SubtopicFilterSet, Subtopic),
    "rubric-dimensions": (bank_filters.RubricDimensionFilterSet, RubricDimension),
    "questions": (bank_filters.QuestionFilterSet, Question),
}


@pytest.mark.parametrize(
    ("resource", "parameter"),
    [(name, p) for name, (fs, _m) in FILTERSETS.items() for p in fs.base_filters],
)
def test_every_bank_filter_validates_adversarial_100kb_values_in_linear_time(resource, parameter):
    filterset, model = FILTERSETS[resource]

    def validate(query: dict[str, str]) -> None:
        filterset(query, queryset=model.objects.none()).is_valid()

    assert_linear(validate, lambda make, n: {parameter: make(n)})

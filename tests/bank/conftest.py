"""Bank test helpers: URLs, entries made through the ORM, valid question bodies per kind."""

from __future__ import annotations

from typing import Any

import pytest

from django_interview_panels.models import (
    Category,
    Question,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)

BANK = "/api/panel/bank/"
# URL segment -> (list key, model)
RESOURCES = {
    "categories": ("categories", Category),
    "topics": ("topics", Topic),
    "subtopics": ("subtopics", Subtopic),
    "rubric-dimensions": ("rubric_dimensions", RubricDimension),
    "questions": ("questions", Question),
}
ENTRY_RESOURCES = ("categories", "topics", "subtopics", "rubric-dimensions")

# A valid create body per question kind (without subtopic_uuid).
QUESTION_BODIES: dict[str, dict[str, Any]] = {
    "open": {
        "kind": "open",
        "text": "Explain list comprehension.",
        "difficulty": "easy",
        "answer_key": {
            "expected_answer": "A compact way to build a list.",
            "ideal_answer_summary": "Syntax, filter, readability.",
            "keywords": ["for", "in"],
            "keyword_coverage": 0.5,
            "red_flags": ["map only"],
        },
    },
    "single_choice": {
        "kind": "single_choice",
        "text": "Which is mutable?",
        "difficulty": "medium",
        "choices": ["tuple", "list"],
        "answer_key": {"correct": [1], "shuffle_choices": True},
    },
    "multiple_choice": {
        "kind": "multiple_choice",
        "text": "Which are sequences?",
        "difficulty": "hard",
        "choices": ["list", "dict", "tuple"],
        "answer_key": {"correct": [0, 2]},
    },
    "short_answer": {
        "kind": "short_answer",
        "text": "Keyword to define a function?",
        "difficulty": "easy",
        "answer_key": {"accepted_answers": ["def"], "case_sensitive": True},
    },
    "numeric": {
        "kind": "numeric",
        "text": "len([1, 2, 3])?",
        "difficulty": "easy",
        "points": 3,
        "expected_time_seconds": 30,
        "answer_key": {"value": 3, "tolerance": 0},
    },
}


def url(resource: str, uuid: Any = None, suffix: str = "") -> str:
    if uuid is None:
        return f"{BANK}{resource}/{suffix}"
    return f"{BANK}{resource}/{uuid}/{suffix}"


def make_entry(resource: str, organization: Any, name: str = "Entry") -> Any:
    """One entry of ``resource`` for ``organization`` (None: global), with parents of its own."""
    if resource == "categories":
        return Category.objects.create(organization=organization, name=name)
    if resource == "topics":
        parent = make_entry("categories", organization, f"{name} parent")
        return Topic.objects.create(organization=organization, category=parent, name=name)
    if resource == "subtopics":
        parent = make_entry("topics", organization, f"{name} parent")
        return Subtopic.objects.create(organization=organization, topic=parent, name=name)
    if resource == "rubric-dimensions":
        return RubricDimension.objects.create(organization=organization, name=name, weight=2)
    subtopic = make_entry("subtopics", organization, f"{name} parent")
    return make_question(organization, subtopic, text=name)


def make_question(organization: Any, subtopic: Any, kind: str = "numeric", **fields: Any) -> Any:
    body = {**QUESTION_BODIES[kind], **fields}
    content = {
        "kind": body["kind"],
        "text": body["text"],
        "difficulty": body["difficulty"],
        "choices": body.get("choices", []),
        "answer_key": body["answer_key"],
    }
    question = Question.objects.create(organization=organization, subtopic=subtopic, **content)
    QuestionVersion.objects.create(question=question, number=1, **question.content())
    return question


def create_body(resource: str, parent: Any = None, name: str = "New entry") -> dict[str, Any]:
    """A valid create body for ``resource``; ``parent`` is the entry a child hangs under."""
    if resource == "categories":
        return {"name": name}
    if resource == "topics":
        return {"name": name, "category_uuid": str(parent.uuid)}
    if resource == "subtopics":
        return {"name": name, "topic_uuid": str(parent.uuid)}
    if resource == "rubric-dimensions":
        return {"name": name, "description": "How clear", "weight": 3}
    return {**QUESTION_BODIES["open"], "text": name, "subtopic_uuid": str(parent.uuid)}


def parent_for(resource: str, organization: Any) -> Any:
    """An entry of ``organization`` a new ``resource`` entry can hang under (None: no parent)."""
    kind = {"topics": "categories", "subtopics": "topics", "questions": "subtopics"}.get(resource)
    return None if kind is None else make_entry(kind, organization, "Parent")


@pytest.fixture
def subtopic(tenant) -> Subtopic:
    return Subtopic.objects.filter(organization=tenant.organization).order_by("id").first()

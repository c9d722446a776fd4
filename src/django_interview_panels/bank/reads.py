"""The read path of the bank: entries as plain dicts, one query per request whatever the size.

Each resource's rows (its parents' UUIDs and names joined in) are read with ``values_list`` in one
query; ``represent_*`` then builds the dicts and never touches the database. The answer key is in
a question's dict only when the caller may read it (managers).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..api.fields import format_datetime
from ..conf import app_settings


def _organization_column() -> str:
    return f"organization__{app_settings.ORGANIZATION_UUID_FIELD}"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _ref(uuid: Any, name: str) -> dict[str, Any]:
    return {"uuid": str(uuid), "name": name}


def represent_categories(categories: QuerySet) -> list[dict[str, Any]]:
    """Categories: uuid, name, organization (UUID, or null for a global one)."""
    rows = categories.values_list("uuid", "name", _organization_column())
    return [
        {"uuid": str(uuid), "name": name, "organization": _text(organization)}
        for uuid, name, organization in rows
    ]


def represent_topics(topics: QuerySet) -> list[dict[str, Any]]:
    """Topics, each with its category."""
    rows = topics.values_list(
        "uuid", "name", _organization_column(), "category__uuid", "category__name"
    )
    return [
        {
            "uuid": str(uuid),
            "name": name,
            "organization": _text(organization),
            "category": _ref(category_uuid, category_name),
        }
        for uuid, name, organization, category_uuid, category_name in rows
    ]


def represent_subtopics(subtopics: QuerySet) -> list[dict[str, Any]]:
    """Subtopics, each with its topic and category."""
    rows = subtopics.values_list(
        "uuid",
        "name",
        _organization_column(),
        "topic__uuid",
        "topic__name",
        "topic__category__uuid",
        "topic__category__name",
    )
    return [
        {
            "uuid": str(uuid),
            "name": name,
            "organization": _text(organization),
            "topic": _ref(topic_uuid, topic_name),
            "category": _ref(category_uuid, category_name),
        }
        for uuid, name, organization, topic_uuid, topic_name, category_uuid, category_name in rows
    ]


def represent_rubric_dimensions(dimensions: QuerySet) -> list[dict[str, Any]]:
    """Rubric dimensions: name, description and default weight."""
    rows = dimensions.values_list("uuid", "name", "description", "weight", _organization_column())
    return [
        {
            "uuid": str(uuid),
            "name": name,
            "description": description,
            "weight": weight,
            "organization": _text(organization),
        }
        for uuid, name, description, weight, organization in rows
    ]


_QUESTION_COLUMNS = (
    "uuid",
    "kind",
    "text",
    "difficulty",
    "points",
    "expected_time_seconds",
    "choices",
    "answer_key",
    "rubric_weights",
    "version",
    "is_retired",
    "subtopic__uuid",
    "subtopic__name",
    "subtopic__topic__uuid",
    "subtopic__topic__name",
    "subtopic__topic__category__uuid",
    "subtopic__topic__category__name",
    "created_at",
    "updated_at",
)


def represent_questions(questions: QuerySet, *, include_answer_keys: bool) -> list[dict[str, Any]]:
    """Questions with their subtopic, topic and category; ``answer_key`` for managers only."""
    rows = questions.values_list(*_QUESTION_COLUMNS, _organization_column())
    represented = []
    for (
        uuid,
        kind,
        text,
        difficulty,
        points,
        expected_time,
        choices,
        answer_key,
        rubric_weights,
        version,
        is_retired,
        subtopic_uuid,
        subtopic_name,
        topic_uuid,
        topic_name,
        category_uuid,
        category_name,
        created_at,
        updated_at,
        organization,
    ) in rows:
        question: dict[str, Any] = {
            "uuid": str(uuid),
            "kind": kind,
            "text": text,
            "difficulty": difficulty,
            "points": points,
            "expected_time_seconds": expected_time,
            "choices": choices,
        }
        if include_answer_keys:
            question["answer_key"] = answer_key
        question.update(
            {
                "rubric_weights": rubric_weights,
                "version": version,
                "is_retired": is_retired,
                "subtopic": _ref(subtopic_uuid, subtopic_name),
                "topic": _ref(topic_uuid, topic_name),
                "category": _ref(category_uuid, category_name),
                "organization": _text(organization),
                "created_at": format_datetime(created_at),
                "updated_at": format_datetime(updated_at),
            }
        )
        represented.append(question)
    return represented


def represent_versions(versions: QuerySet, *, include_answer_keys: bool) -> list[dict[str, Any]]:
    """A question's versions as stored; ``answer_key`` for managers only."""
    rows = versions.values_list(
        "number",
        "kind",
        "text",
        "difficulty",
        "points",
        "expected_time_seconds",
        "choices",
        "answer_key",
        "rubric_weights",
        "is_used",
        "created_at",
    )
    represented = []
    for (
        number,
        kind,
        text,
        difficulty,
        points,
        expected_time,
        choices,
        answer_key,
        rubric_weights,
        is_used,
        created_at,
    ) in rows:
        version: dict[str, Any] = {
            "number": number,
            "kind": kind,
            "text": text,
            "difficulty": difficulty,
            "points": points,
            "expected_time_seconds": expected_time,
            "choices": choices,
        }
        if include_answer_keys:
            version["answer_key"] = answer_key
        version.update(
            {
                "rubric_weights": rubric_weights,
                "is_used": is_used,
                "created_at": format_datetime(created_at),
            }
        )
        represented.append(version)
    return represented

"""What a reviewer reads: the queue of items waiting for review, and one item with everything a
score needs (the question as drawn with its answer key and rubric, the answer, the scores and
every review).

Reads run a fixed number of queries whatever the size of a page or of an item's history, and
never write. Points are JSON numbers with up to four decimals (``points``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ..api.fields import format_datetime
from ..conf import app_settings
from ..models import CHOICE_KINDS, AttemptItem, ItemReview
from .scoring import canonical_choices
from .services import ItemNotFound, current_state, rubric_for

# What the queue and an item need beside the item: its version, attempt, assignment, panel and
# candidate, joined in (one query for a page of items).
_RELATED = (
    "question_version",
    "question__subtopic",
    "attempt__assignment__panel",
    "attempt__assignment__candidate",
)


def points(value: Decimal | None) -> float | None:
    """Points as the API writes them: a JSON number (four decimals at most), None if unscored."""
    return None if value is None else float(value)


def optional_datetime(value: dt.datetime | None) -> str | None:
    return None if value is None else format_datetime(value)


def describe_candidate(candidate: Any) -> dict[str, Any]:
    """A candidate's UUID, name and email, through the configured resolvers; all null once the
    candidate was erased from the panel (the assignment's candidate is NULL)."""
    if candidate is None:
        return {"uuid": None, "name": None, "email": None}
    return {
        "uuid": str(getattr(candidate, app_settings.CANDIDATE_UUID_FIELD)),
        "name": app_settings.CANDIDATE_NAME(candidate),
        "email": app_settings.CANDIDATE_EMAIL(candidate),
    }


def answer_choices(item: AttemptItem) -> list[int] | None:
    """A choice answer as indexes into the version's stored ``choices`` (None for other kinds or
    no answer): the candidate's answer names displayed positions."""
    if item.question_version.kind not in CHOICE_KINDS or not isinstance(item.answer, list):
        return None
    return canonical_choices(item.choice_order, item.answer)


def organization_items(organization: Any) -> QuerySet:
    """Every item of the organization's live panels, oldest first (the order they were drawn:
    attempts by start, items by position), with what a row shows joined in."""
    return (
        AttemptItem.objects.filter(
            attempt__panel__organization=organization, attempt__panel__is_deleted=False
        )
        .select_related(*_RELATED)
        .order_by("id")
    )


def _attempt(item: AttemptItem, now: dt.datetime) -> dict[str, Any]:
    attempt = item.attempt
    return {
        "uuid": str(attempt.uuid),
        "state": current_state(attempt, now),
        "started_at": format_datetime(attempt.started_at),
        "submitted_at": optional_datetime(attempt.submitted_at),
        "closed_at": optional_datetime(attempt.closed_at),
    }


def represent_queue(items: QuerySet) -> list[dict[str, Any]]:
    """A page of the review queue: each item with its panel, candidate, question and score (no
    answer and no history: the item's own read has them)."""
    now = timezone.now()
    rows = []
    for item in items:
        version, assignment = item.question_version, item.attempt.assignment
        rows.append(
            {
                "uuid": str(item.uuid),
                "status": item.status,
                "position": item.position,
                "kind": version.kind,
                "text": version.text,
                "points_possible": version.points,
                "points_earned": points(item.points_earned),
                "evaluator": item.evaluator,
                "panel": {"uuid": str(assignment.panel.uuid), "name": assignment.panel.name},
                "candidate": describe_candidate(assignment.candidate),
                "attempt": _attempt(item, now),
            }
        )
    return rows


def represent_review(review: ItemReview) -> dict[str, Any]:
    """One entry of an item's review history."""
    return {
        "reviewer_name": review.reviewer_name,
        "created_at": format_datetime(review.created_at),
        "points_earned": points(review.points_earned),
        "previous_points": points(review.previous_points),
        "dimension_scores": review.dimension_scores,
        "comment": review.comment,
    }


def find_item(organization: Any, item_uuid: uuid.UUID) -> AttemptItem:
    """The organization's item; another organization's, a deleted panel's and a missing one are
    the same 404."""
    item = organization_items(organization).filter(uuid=item_uuid).first()
    if item is None:
        raise ItemNotFound()
    return item


def item_for_review(organization: Any, item_uuid: uuid.UUID) -> dict[str, Any]:
    """One item as a reviewer sees it (three queries: the item, its reviews, the rubric)."""
    item = find_item(organization, item_uuid)
    version, question = item.question_version, item.question
    assignment = item.attempt.assignment
    rubric = rubric_for(assignment.panel_id)
    weights = rubric.weights(version)
    reviews = ItemReview.objects.filter(item_id=item.pk).order_by("id")
    return {
        "uuid": str(item.uuid),
        "position": item.position,
        "status": item.status,
        "panel": {"uuid": str(assignment.panel.uuid), "name": assignment.panel.name},
        "candidate": describe_candidate(assignment.candidate),
        "attempt": _attempt(item, timezone.now()),
        "question": {
            "uuid": str(question.uuid),
            "version": version.number,
            "subtopic": {"uuid": str(question.subtopic.uuid), "name": question.subtopic.name},
            "kind": version.kind,
            "text": version.text,
            "difficulty": version.difficulty,
            "points": version.points,
            "expected_time_seconds": version.expected_time_seconds,
            "choices": version.choices,
            "answer_key": version.answer_key,
            "rubric_weights": version.rubric_weights,
        },
        "rubric": [
            {
                "uuid": key,
                "name": dimension.name,
                "description": dimension.description,
                "weight": weights[key],
            }
            for key, dimension in rubric.dimensions.items()
        ],
        "choice_order": item.choice_order,
        "answer": item.answer,
        "answer_choices": answer_choices(item),
        "answered_at": optional_datetime(item.answered_at),
        "points_possible": version.points,
        "points_earned": points(item.points_earned),
        "dimension_scores": item.dimension_scores,
        "rationale": item.rationale,
        "evaluator": item.evaluator,
        "scored_at": optional_datetime(item.scored_at),
        "reviews": [represent_review(review) for review in reviews],
    }

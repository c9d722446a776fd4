"""Results: a panel's table of candidates with the exposure spread of its questions, and one
candidate's breakdown.

Each read runs a fixed number of queries whatever the number of candidates or items, and never
writes: an open attempt past its deadline reads as ``expired`` without being stored so. Points
are JSON numbers (four decimals at most), as in the reviews.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api import pagination
from ..api.exceptions import NotFoundError
from ..api.fields import format_datetime
from ..api.pagination import Page
from ..candidates.access import allowed_time
from ..conf import app_settings
from ..interviews import draws
from ..interviews.review_reads import (
    answer_choices,
    describe_candidate,
    optional_datetime,
    points,
    represent_review,
)
from ..interviews.services import current_state, read_pool, rubric_for
from ..models import (
    Attempt,
    AttemptItem,
    AttemptState,
    InterviewPanel,
    ItemReview,
    ItemStatus,
    PanelCandidate,
    Question,
    QuestionExposure,
)

NOT_STARTED = "not_started"
CANDIDATE_NOT_FOUND = _("Candidate not found")
# Shares and means: enough places to tell values apart, few enough to read.
SHARE_PLACES = 4
MEAN_PLACES = 2


def _attempt_of(assignment: PanelCandidate, panel: InterviewPanel) -> Attempt | None:
    """The assignment's attempt (joined in by the caller), wired to the assignment and panel
    already in memory so that its state needs no query."""
    attempt = getattr(assignment, "attempt", None)
    if attempt is not None:
        assignment.panel = panel
        attempt.assignment = assignment
    return attempt


def _panel(panel: InterviewPanel) -> dict[str, Any]:
    return {
        "uuid": str(panel.uuid),
        "name": panel.name,
        "total_number_of_questions": panel.total_number_of_questions,
        "start_datetime": format_datetime(panel.start_datetime),
        "end_datetime": format_datetime(panel.end_datetime),
        "time_limit_minutes": panel.time_limit_minutes,
    }


def _sum(value: Decimal | int | None) -> float:
    return float(value or 0)


# --- The panel's results ----------------------------------------------------------------------

REMOVED = "removed"
# What a row's ``state`` may be, and so the ``status`` filter's values.
ROW_STATES = (
    NOT_STARTED,
    AttemptState.IN_PROGRESS,
    AttemptState.SUBMITTED,
    AttemptState.EXPIRED,
    AttemptState.WITHDRAWN,
    REMOVED,
)
# ``ordering``: the rows' sort keys; every one ends with the assignment order, so rows that tie
# keep one order from page to page. No ordering: assignment order.
ORDERINGS = ("score", "-score", "time_spent", "-time_spent", "submitted_at", "-submitted_at")


def row_state(assignment: PanelCandidate, attempt: Attempt | None, now: dt.datetime) -> str:
    """A candidate's state as a row shows it: ``removed`` once removed from the panel (whatever
    the attempt did), ``not_started`` without an attempt, else the attempt's state as it reads
    now (``expired`` past the deadline)."""
    if assignment.removed_at is not None:
        return REMOVED
    if attempt is None:
        return NOT_STARTED
    return current_state(attempt, now)


def _state_expression(panel: InterviewPanel, now: dt.datetime) -> Case:
    """``row_state`` in SQL, for the ``status`` filter: an open attempt reads ``expired`` once
    the candidate's end (``token_expires_at``) or the start plus their allowed time is past, as
    ``interviews.services.deadline`` has it (tests/interviews/test_results_panel_rows.py checks
    the two agree)."""
    past_deadline = Q(token_expires_at__lte=now)
    if panel.time_limit_minutes:
        # The allowed time differs per candidate (multiplier, extra minutes) and SQL has no
        # portable duration x number: one cutoff per accommodation that open attempts have
        # (one query; a handful of distinct pairs in practice).
        accommodations = (
            PanelCandidate.objects.filter(panel=panel, attempt__state=AttemptState.IN_PROGRESS)
            .values_list("time_multiplier", "extra_minutes")
            .distinct()
            .order_by()
        )
        for multiplier, extra in accommodations:
            allowed = allowed_time(
                PanelCandidate(time_multiplier=multiplier, extra_minutes=extra), panel
            )
            past_deadline |= Q(
                time_multiplier=multiplier,
                extra_minutes=extra,
                attempt__started_at__lte=now - allowed,
            )
    return Case(
        When(removed_at__isnull=False, then=Value(REMOVED)),
        When(attempt__isnull=True, then=Value(NOT_STARTED)),
        When(Q(attempt__state=AttemptState.IN_PROGRESS) & past_deadline, then=Value("expired")),
        default=F("attempt__state"),
        output_field=CharField(),
    )


def _items_of_row(aggregate: Any, output: Any = None) -> Subquery:
    """An aggregate over the row's attempt's items, as a subquery (no GROUP BY over the host's
    candidate columns); None when the candidate has not started."""
    return Subquery(
        # By the attempt the row joins in already: the subquery reads the items' index alone.
        AttemptItem.objects.filter(attempt_id=OuterRef("attempt__id"))
        .order_by()
        .values("attempt_id")
        .annotate(value=aggregate)
        .values("value"),
        output_field=output,
    )


def candidate_rows(
    panel: InterviewPanel,
    *,
    status: str | None = None,
    ordering: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet:
    """The panel's assignments, one row per candidate (removed ones included), with what a row
    shows annotated: one query whatever the number of candidates, to page or to stream."""
    now = now or timezone.now()
    rows = (
        PanelCandidate.objects.filter(panel=panel)
        .select_related("candidate", "attempt")
        .annotate(
            row_state=_state_expression(panel, now),
            row_items=_items_of_row(Count("id")),
            row_earned=_items_of_row(Sum("points_earned")),
            row_possible=_items_of_row(Sum("question_version__points")),
            row_pending=_items_of_row(Count("id", filter=Q(status=ItemStatus.PENDING))),
            row_needs_review=_items_of_row(Count("id", filter=Q(status=ItemStatus.NEEDS_REVIEW))),
            row_time_spent=Coalesce(
                _items_of_row(Sum("time_spent_seconds"), IntegerField()), Value(0)
            ),
        )
    )
    if status:
        rows = rows.filter(row_state=status)
    order: list[Any] = []
    if ordering:
        key = ordering.lstrip("-")
        column = {
            "score": F("score"),
            "time_spent": F("row_time_spent"),
            "submitted_at": F("attempt__submitted_at"),
        }[key]
        # Not submitted (null) last either way.
        order.append(
            column.desc(nulls_last=True)
            if ordering.startswith("-")
            else column.asc(nulls_last=True)
        )
    return rows.order_by(*order, "id")


def describe_row(assignment: PanelCandidate, panel: InterviewPanel) -> dict[str, Any]:
    """One annotated row of ``candidate_rows`` as the results show it (no query)."""
    attempt = _attempt_of(assignment, panel)
    candidate = _describe(assignment.candidate)
    started = attempt is not None
    return {
        "candidate_uuid": candidate["uuid"],
        "candidate_name": candidate["name"],
        "candidate_email": candidate["email"],
        "state": assignment.row_state,
        "score": assignment.score,
        "points_earned": _sum(assignment.row_earned) if started else None,
        "points_possible": int(assignment.row_possible or 0) if started else None,
        "items": assignment.row_items or 0,
        "items_pending": assignment.row_pending or 0,
        "items_needing_review": assignment.row_needs_review or 0,
        "time_spent_seconds": assignment.row_time_spent or 0,
        "started_at": format_datetime(attempt.started_at) if started else None,
        "submitted_at": optional_datetime(attempt.submitted_at) if started else None,
        "removed_at": optional_datetime(assignment.removed_at),
    }


def _describe(candidate: Any) -> dict[str, Any]:
    """``describe_candidate``, or nulls for a candidate whose personal data was erased."""
    if candidate is None:
        return {"uuid": None, "name": None, "email": None}
    return describe_candidate(candidate)


def panel_results(panel: InterviewPanel, page: Page, request: Any) -> dict[str, Any]:
    """A page of the panel's rows (``candidate_rows``, filtered and ordered as asked), and the
    exposure spread of its questions (over every candidate)."""
    counts = PanelCandidate.objects.filter(panel=panel).aggregate(
        candidates=Count("id"), drawn=Count("attempt")
    )
    return {
        "panel": _panel(panel),
        "candidates": [describe_row(row, panel) for row in page.object_list],
        "pagination": pagination.describe(page, request),
        "exposure": exposure(panel, candidates=counts["candidates"], drawn_sets=counts["drawn"]),
    }


def exposure(panel: InterviewPanel, *, candidates: int, drawn_sets: int) -> dict[str, Any]:
    """How evenly the panel's sets share its questions: the most and least drawn question among
    the current pool and every question a set holds (one retired since keeps its draws; a pool
    question never drawn counts 0), the most drawn one's share of the sets, and the cap."""
    pool = {question.id for cell in read_pool(panel, lock=False) for question in cell.pool}
    counts = dict.fromkeys(pool, 0)
    counts.update(QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws"))
    most = least = None
    if counts:
        # Ties go to the question created first, so the answer is stable.
        most = min(counts, key=lambda question_id: (-counts[question_id], question_id))
        least = min(counts, key=lambda question_id: (counts[question_id], question_id))
    texts = {
        question_id: (str(question_uuid), text)
        for question_id, question_uuid, text in Question.objects.filter(
            id__in=[q for q in (most, least) if q is not None]
        ).values_list("id", "uuid", "text")
    }

    def describe(question_id: int | None) -> dict[str, Any] | None:
        if question_id is None:
            return None
        question_uuid, text = texts[question_id]
        return {"question_uuid": question_uuid, "text": text, "draws": counts[question_id]}

    most_draws = counts[most] if most is not None else 0
    return {
        "candidates_drawn": drawn_sets,
        "questions_in_pool": len(pool),
        "questions_drawn": sum(1 for draws_of in counts.values() if draws_of),
        "most_drawn": describe(most),
        "least_drawn": describe(least),
        "max_share": round(most_draws / drawn_sets, SHARE_PLACES) if drawn_sets else 0.0,
        "cap": draws.exposure_cap(candidates, app_settings.MAX_EXPOSURE_SHARE),
    }


# --- One candidate's result -------------------------------------------------------------------


def find_assignment(panel: InterviewPanel, candidate_uuid: Any) -> PanelCandidate:
    """The panel's assignment of the candidate with that UUID (None: not found), as a 404."""
    assignment = None
    if candidate_uuid is not None:
        lookup = {f"candidate__{app_settings.CANDIDATE_UUID_FIELD}": candidate_uuid}
        assignment = (
            PanelCandidate.objects.filter(panel=panel, **lookup)
            .select_related("candidate", "attempt")
            .first()
        )
    if assignment is None:
        message = str(CANDIDATE_NOT_FOUND)
        raise NotFoundError(message, {"candidate_uuid": [message]})
    return assignment


def candidate_result(panel: InterviewPanel, assignment: PanelCandidate) -> dict[str, Any]:
    """One candidate's result: totals, the breakdown per subtopic x difficulty and per rubric
    dimension, and the items in order with their latest review (four queries at most)."""
    attempt = _attempt_of(assignment, panel)
    items: list[AttemptItem] = []
    latest: dict[int, ItemReview] = {}
    if attempt is not None:
        items = list(
            AttemptItem.objects.filter(attempt=attempt)
            .select_related("question_version", "question__subtopic")
            .order_by("position")
        )
        # Ascending ids: the last one seen per item is its latest.
        for review in ItemReview.objects.filter(item__attempt=attempt).order_by("id"):
            latest[review.item_id] = review
    rubric = rubric_for(panel.pk)
    earned = sum((item.points_earned or 0 for item in items), Decimal(0))
    return {
        "panel": {"uuid": str(panel.uuid), "name": panel.name},
        "candidate": _describe(assignment.candidate),
        "state": row_state(assignment, attempt, timezone.now()),
        "score": assignment.score,
        "points_earned": float(earned) if attempt else None,
        "points_possible": sum(item.question_version.points for item in items) if attempt else None,
        "time_spent_seconds": sum(item.time_spent_seconds for item in items),
        "expected_time_seconds": sum(item.question_version.expected_time_seconds for item in items),
        "started_at": format_datetime(attempt.started_at) if attempt else None,
        "submitted_at": optional_datetime(attempt.submitted_at) if attempt else None,
        "removed_at": optional_datetime(assignment.removed_at),
        "by_subtopic": _by_subtopic(items),
        "by_dimension": _by_dimension(items, rubric.dimensions),
        "items": [_item(item, latest.get(item.pk)) for item in items],
    }


def _by_subtopic(items: list[AttemptItem]) -> list[dict[str, Any]]:
    """Per subtopic x difficulty, in the order the set first reaches each (the draw's order)."""
    cells: dict[tuple[int, str], dict[str, Any]] = {}
    for item in items:
        subtopic, version = item.question.subtopic, item.question_version
        cell = cells.setdefault(
            (subtopic.pk, version.difficulty),
            {
                "subtopic": {"uuid": str(subtopic.uuid), "name": subtopic.name},
                "difficulty": version.difficulty,
                "items": 0,
                "points_earned": Decimal(0),
                "points_possible": 0,
                "time_spent_seconds": 0,
                "expected_time_seconds": 0,
            },
        )
        cell["items"] += 1
        cell["points_earned"] += item.points_earned or 0
        cell["points_possible"] += version.points
        cell["time_spent_seconds"] += item.time_spent_seconds
        cell["expected_time_seconds"] += version.expected_time_seconds
    return [{**cell, "points_earned": float(cell["points_earned"])} for cell in cells.values()]


def _by_dimension(items: list[AttemptItem], dimensions: dict[str, Any]) -> list[dict[str, Any]]:
    """Per rubric dimension of the organization: the mean score (0..100) over the items scored
    on it, and how many those are (mean null when none)."""
    scores: dict[str, list[int]] = defaultdict(list)
    for item in items:
        for key, score in (item.dimension_scores or {}).items():
            scores[key].append(score)
    rows = []
    for key, dimension in dimensions.items():
        given = scores.get(key, [])
        rows.append(
            {
                "uuid": key,
                "name": dimension.name,
                "weight": dimension.weight,
                "mean_score": round(sum(given) / len(given), MEAN_PLACES) if given else None,
                "items": len(given),
            }
        )
    return rows


def _item(item: AttemptItem, review: ItemReview | None) -> dict[str, Any]:
    version = item.question_version
    return {
        "uuid": str(item.uuid),
        "position": item.position,
        "kind": version.kind,
        "text": version.text,
        "choices": version.choices,
        "answer": item.answer,
        "answered_at": optional_datetime(item.answered_at),
        "answer_choices": answer_choices(item),
        "status": item.status,
        "points_earned": points(item.points_earned),
        "points_possible": version.points,
        "time_spent_seconds": item.time_spent_seconds,
        "expected_time_seconds": version.expected_time_seconds,
        "dimension_scores": item.dimension_scores,
        "rationale": item.rationale,
        "evaluator": item.evaluator,
        "scored_at": optional_datetime(item.scored_at),
        "latest_review": represent_review(review) if review is not None else None,
    }

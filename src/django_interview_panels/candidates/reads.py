"""A panel's candidates as managers see them: one row per assignment with its status.

``status`` is derived, never stored, by ``candidate_status`` (the one place that says what each
status means; docs/candidates.md). It depends on the attempt's deadline, computed in Python
(``interviews.services.current_state``), so the list reads all of a panel's rows that match the
``search`` in one query (at most ``MAX_CANDIDATES_PER_PANEL``), derives each status, filters on
it, and cuts the page: two queries whatever the number of candidates (the panel's lookup, then
the rows, with candidate, attempt and the attempt's item counts joined in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..api.fields import format_datetime
from ..api.pagination import Page, PageRequest
from ..conf import app_settings
from ..interviews.review_reads import describe_candidate
from ..interviews.services import current_state
from ..models import (
    Attempt,
    AttemptItem,
    AttemptState,
    InterviewPanel,
    ItemStatus,
    PanelCandidate,
    get_candidate_model,
)


class CandidateStatus:
    """The values of a row's ``status``, in the order a candidate goes through them."""

    INVITED = "invited"
    STARTED = "started"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    EVALUATED = "evaluated"
    REVIEWED = "reviewed"
    REMOVED = "removed"

    ALL = (INVITED, STARTED, SUBMITTED, EXPIRED, EVALUATED, REVIEWED, REMOVED)


def candidate_status(
    *,
    removed: bool,
    attempt: Attempt | None,
    waiting: int,
    reviewed: int,
    now: dt.datetime,
) -> str:
    """A candidate's status on a panel: the one definition (docs/candidates.md "Status").

    ``attempt`` (None: not started) must have its assignment and panel attached (its deadline is
    theirs); ``waiting`` counts its items still ``pending`` or ``needs_review``, ``reviewed`` its
    items a reviewer scored.

    - ``removed``: a manager removed the candidate (whatever the attempt's state);
    - ``invited``: no attempt yet;
    - ``started``: the attempt is open and its deadline ahead;
    - ``expired``: the attempt is open past its deadline, or was closed as ``expired`` or
      ``withdrawn`` (never submitted): it stays so once scored (``score`` says how much);
    - ``submitted``: submitted, and some item still waits for the evaluator or a reviewer;
    - ``evaluated``: submitted, every item scored by its rule or the evaluator, none reviewed;
    - ``reviewed``: submitted, no item waiting, and a reviewer scored at least one.
    """
    if removed:
        return CandidateStatus.REMOVED
    if attempt is None:
        return CandidateStatus.INVITED
    state = current_state(attempt, now)
    if state == AttemptState.IN_PROGRESS:
        return CandidateStatus.STARTED
    if state in (AttemptState.EXPIRED, AttemptState.WITHDRAWN):
        return CandidateStatus.EXPIRED
    if waiting:
        return CandidateStatus.SUBMITTED
    return CandidateStatus.REVIEWED if reviewed else CandidateStatus.EVALUATED


def _item_count(*statuses: str) -> Coalesce:
    items = (
        AttemptItem.objects.filter(attempt__assignment_id=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("attempt_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(items, output_field=IntegerField()), Value(0))


def rows_of(panel: InterviewPanel) -> QuerySet:
    """The panel's assignments, in assignment order, with what a row shows joined in."""
    return (
        PanelCandidate.objects.filter(panel=panel)
        .select_related("candidate", "attempt")
        .annotate(
            items_waiting=_item_count(ItemStatus.PENDING, ItemStatus.NEEDS_REVIEW),
            items_reviewed=_item_count(ItemStatus.REVIEWED),
        )
        .order_by("id")
    )


def search_fields(candidate_model: Any) -> list[str]:
    """The candidate fields ``search`` looks in: the ``CANDIDATE_SEARCH_FIELDS`` (by default
    ``name`` and ``email``, what ``CANDIDATE_NAME`` and ``CANDIDATE_EMAIL`` show) that are concrete
    text fields of ``candidate_model``; any other entry is left out, so a swapped model without
    them searches nothing rather than failing. No other column is ever matched: a match count is an
    oracle on the column's value (a password hash, a secret), one character at a time."""
    from django.core.exceptions import FieldDoesNotExist
    from django.db import models

    configured = app_settings.CANDIDATE_SEARCH_FIELDS
    if isinstance(configured, str) or not isinstance(configured, list | tuple | set | frozenset):
        return []
    names = []
    for name in configured:
        try:
            field = candidate_model._meta.get_field(name) if isinstance(name, str) else None
        except FieldDoesNotExist:
            field = None
        if (
            isinstance(field, models.CharField | models.TextField)
            and field.concrete
            and name not in names
        ):
            names.append(name)
    return names


def search_condition(text: str, candidate_model: Any) -> Q:
    """Candidates whose ``search_fields`` contain ``text``, ignoring case (none: nobody)."""
    condition = Q(pk__in=[])
    for name in search_fields(candidate_model):
        condition |= Q(**{f"candidate__{name}__icontains": text})
    return condition


@dataclass(frozen=True)
class Row:
    """An assignment and its derived status."""

    assignment: PanelCandidate
    status: str


def with_status(panel: InterviewPanel, assignments: Any) -> list[Row]:
    """Each assignment (from ``rows_of``) with its status; runs no query."""
    now = timezone.now()
    rows = []
    for assignment in assignments:
        assignment.panel = panel
        attempt = getattr(assignment, "attempt", None)
        if attempt is not None:
            attempt.assignment = assignment
        status = candidate_status(
            removed=assignment.removed_at is not None,
            attempt=attempt,
            waiting=assignment.items_waiting,
            reviewed=assignment.items_reviewed,
            now=now,
        )
        rows.append(Row(assignment, status))
    return rows


def list_rows(
    panel: InterviewPanel, *, search: str | None, status: str | None, page_request: PageRequest
) -> tuple[list[dict[str, Any]], Page]:
    """A page of the panel's candidates (without ``status``: all but removed ones)."""
    queryset = rows_of(panel)
    if search:
        queryset = queryset.filter(search_condition(search, get_candidate_model()))
    # Removed or not is a column: filtered in the database; the other statuses below.
    queryset = queryset.filter(removed_at__isnull=status != CandidateStatus.REMOVED)
    rows = with_status(panel, queryset)
    if status is not None:
        rows = [row for row in rows if row.status == status]
    size = page_request.size
    page = Page(page_request.number, size, len(rows), None)  # type: ignore[arg-type]
    if page.number > page.total_pages:
        return [], page
    offset = (page.number - 1) * size
    return [represent(row) for row in rows[offset : offset + size]], page


def one_row(panel: InterviewPanel, assignment: PanelCandidate) -> dict[str, Any]:
    """The row of one assignment (removed ones included): one query."""
    [row] = with_status(panel, rows_of(panel).filter(pk=assignment.pk))
    return represent(row)


def _optional(value: dt.datetime | None) -> str | None:
    return format_datetime(value) if value is not None else None


def represent(row: Row) -> dict[str, Any]:
    """A row as the API renders it; runs no query."""
    assignment = row.assignment
    attempt = getattr(assignment, "attempt", None)
    candidate = (
        describe_candidate(assignment.candidate)
        if assignment.candidate_id is not None
        else {"uuid": None, "name": None, "email": None}
    )
    return {
        "uuid": str(assignment.uuid),
        "candidate_uuid": candidate["uuid"],
        "candidate_name": candidate["name"],
        "candidate_email": candidate["email"],
        "token": assignment.token,
        "token_expires_at": format_datetime(assignment.token_expires_at),
        "status": row.status,
        "score": assignment.score,
        "started_at": _optional(attempt.started_at) if attempt else None,
        "submitted_at": _optional(attempt.submitted_at) if attempt else None,
        "removed_at": _optional(assignment.removed_at),
        "window_starts_at": _optional(assignment.window_starts_at),
        "window_ends_at": _optional(assignment.window_ends_at),
        "extra_minutes": assignment.extra_minutes,
        "time_multiplier": float(assignment.time_multiplier),
    }


def represent_assignments(
    panel: InterviewPanel, assignments: list[PanelCandidate]
) -> list[dict[str, Any]]:
    """The rows of assignments just written (added, removed, rotated): one query."""
    ids = [assignment.pk for assignment in assignments]
    return [represent(row) for row in with_status(panel, rows_of(panel).filter(pk__in=ids))]

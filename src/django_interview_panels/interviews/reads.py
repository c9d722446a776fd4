"""What a candidate reads: the interview's overview and their attempt. Never the answer key,
never another candidate's anything; a read never writes (an attempt past its deadline reads as
``expired`` without being stored so)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from ..api.fields import format_datetime
from ..candidates.access import effective_start
from ..models import Attempt, AttemptItem, PanelCandidate
from .services import attempt_deadline, current_state, deadline

NOT_STARTED = "not_started"


def represent_overview(assignment: PanelCandidate) -> dict[str, Any]:
    """The welcome screen's facts: the panel, the time allowed and where the candidate stands."""
    panel = assignment.panel
    now = timezone.now()
    attempt = Attempt.objects.filter(assignment_id=assignment.pk).first()
    if attempt is not None:
        attempt.assignment = assignment
    # The candidate's own window (docs/candidates-access.md): their start and end.
    start = effective_start(assignment, panel)
    return {
        "panel": {
            "name": panel.name,
            "description": panel.description,
            "total_number_of_questions": panel.total_number_of_questions,
            "start_datetime": format_datetime(start),
            "end_datetime": format_datetime(assignment.token_expires_at),
            "time_limit_minutes": panel.time_limit_minutes,
        },
        "state": current_state(attempt, now) if attempt else NOT_STARTED,
        "can_start": attempt is None and start <= now,
        "deadline": format_datetime(
            attempt_deadline(attempt) if attempt else deadline(assignment, panel, now)
        ),
        "server_time": format_datetime(now),
    }


def represent_attempt(attempt: Attempt, *, items: bool = True) -> dict[str, Any]:
    """The attempt as its candidate sees it: state, times and (with ``items``) the question set
    in order with the saved answers. Two queries at most: the attempt's items with versions."""
    now = timezone.now()
    end = attempt_deadline(attempt)
    state = current_state(attempt, now)
    body: dict[str, Any] = {
        "uuid": str(attempt.uuid),
        "state": state,
        "started_at": format_datetime(attempt.started_at),
        "deadline": format_datetime(end),
        "server_time": format_datetime(now),
        "time_left_seconds": max(0, int((end - now).total_seconds()))
        if state == "in_progress"
        else 0,
        "submitted_at": format_datetime(attempt.submitted_at) if attempt.submitted_at else None,
    }
    if items:
        rows = AttemptItem.objects.filter(attempt_id=attempt.pk).select_related("question_version")
        body["items"] = [represent_item(item) for item in rows.order_by("position")]
    return body


def represent_item(item: AttemptItem) -> dict[str, Any]:
    """One question of the set as shown: choices in the candidate's order, no answer key."""
    version = item.question_version
    choices = list(version.choices or ())
    if item.choice_order:
        choices = [choices[index] for index in item.choice_order]
    return {
        "uuid": str(item.uuid),
        "position": item.position,
        "kind": version.kind,
        "text": version.text,
        "choices": choices,
        "points": version.points,
        "expected_time_seconds": version.expected_time_seconds,
        "answer": item.answer,
        "answered_at": _optional_datetime(item.answered_at),
    }


def _optional_datetime(value: dt.datetime | None) -> str | None:
    return format_datetime(value) if value else None

"""A candidate's access to a panel (docs/candidates-access.md): an optional window of their own,
extra minutes and a time multiplier; and the times every other module derives from them.

The times are pure functions of stored fields, read on every request: a change of access
applies at once, also to an attempt in progress.

- effective start: ``window_starts_at``, else the panel's ``start_datetime``;
- effective end: ``window_ends_at``, else the panel's ``end_datetime``; the token expires then
  (``token_expires_at`` always holds it; a removed candidate's holds the removal time);
- an attempt's deadline: the earlier of the token's expiry and, when the panel has a time limit,
  ``started_at + time_limit_minutes x time_multiplier + extra_minutes``. Without a time limit
  the deadline is the end, and the multiplier and extra minutes change nothing.

This module imports no other domain at import time: the interview services import it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status

from ..api.exceptions import APIError, RuleViolation
from ..api.fields import AwareDateTimeField, StrictIntegerField
from ..audit import audit, organization_uuid
from ..models import InterviewPanel, PanelCandidate

# The access fields, as stored on the assignment (the interview's start reads them locked).
ACCESS_FIELDS = ("window_starts_at", "window_ends_at", "extra_minutes", "time_multiplier")
# A week, as the panel's time limit: more is not one sitting.
MAX_EXTRA_MINUTES = 10_080
MIN_TIME_MULTIPLIER = Decimal("1.00")
MAX_TIME_MULTIPLIER = Decimal("10.00")

REMOVED = _("The candidate was removed from the panel; their access can no longer change.")


class CandidateConflict(APIError):
    """The request is valid but the candidate's state refuses it (409)."""

    status_code = status.HTTP_409_CONFLICT


def conflict(message: Any, field: str = "candidate_uuid") -> CandidateConflict:
    return CandidateConflict(message, {field: [str(message)]})


# --- Times ------------------------------------------------------------------------------------


def effective_start(assignment: PanelCandidate, panel: InterviewPanel) -> dt.datetime:
    """When the candidate may start: their window's start, else the panel's."""
    return assignment.window_starts_at or panel.start_datetime


def effective_end(assignment: PanelCandidate, panel: InterviewPanel) -> dt.datetime:
    """When the candidate's access ends (their token expires): their window's end, else the
    panel's. A removal expires the token earlier; ``token_expires_at`` says so."""
    return assignment.window_ends_at or panel.end_datetime


def allowed_time(assignment: PanelCandidate, panel: InterviewPanel) -> dt.timedelta | None:
    """Time the candidate has from their start: the panel's limit x multiplier + extra minutes
    (None: the panel has no time limit, the end alone bounds the attempt)."""
    if not panel.time_limit_minutes:
        return None
    multiplier = Decimal(assignment.time_multiplier or 1)
    # In microseconds, exactly: the multiplier has two decimals.
    micros = int(Decimal(panel.time_limit_minutes) * 60_000_000 * multiplier)
    return dt.timedelta(microseconds=micros, minutes=assignment.extra_minutes or 0)


def deadline(
    assignment: PanelCandidate, panel: InterviewPanel, started_at: dt.datetime
) -> dt.datetime:
    """The attempt's deadline: the token's expiry (the effective end, or the removal), capped by
    the start plus the allowed time when the panel has a time limit."""
    end = assignment.token_expires_at
    allowed = allowed_time(assignment, panel)
    if allowed is not None:
        end = min(end, started_at + allowed)
    return end


# --- Changing access --------------------------------------------------------------------------


def change_access(
    *,
    organization: Any,
    panel: InterviewPanel,
    assignment: PanelCandidate,
    data: dict[str, Any],
    actor: Any = None,
) -> PanelCandidate:
    """Apply a partial change of the candidate's access and move ``token_expires_at`` to the new
    effective end, in one transaction. ``panel`` must be locked by the caller (the lock an
    update of the panel's end takes), so the end read here is the one that stays.

    A removed candidate is refused (409). An open attempt whose deadline has already passed
    (under the access as it was) is closed first, as expired: a change never reopens it. A
    change of nothing (no field, or only the stored values) returns the assignment as it is:
    nothing saved, no signal, no audit line.
    """
    from ..interviews.services import close_if_past_deadline  # that module imports this one
    from ..signals import candidate_access_changed, send_on_commit

    now = timezone.now()
    with transaction.atomic():
        # Lock order as the interview's writes: panel (caller), attempt, then assignment.
        close_if_past_deadline(assignment, now)
        locked = PanelCandidate.objects.select_for_update().get(pk=assignment.pk)
        if locked.removed_at is not None:
            raise conflict(REMOVED)
        # Only the fields whose value differs from the stored one: a PATCH that changes nothing
        # (an empty body, or the values already stored) writes, signals and audits nothing.
        changes = {
            field: data[field]
            for field in ACCESS_FIELDS
            if field in data and data[field] != getattr(locked, field)
        }
        if not changes:
            return locked
        for field, value in changes.items():
            setattr(locked, field, value)
        errors = window_errors(locked, panel, now, changed=changes)
        if errors:
            raise RuleViolation(_("Invalid request data"), errors)
        locked.token_expires_at = effective_end(locked, panel)
        locked.save(update_fields=[*changes, "token_expires_at"])
        locked.panel = panel
        send_on_commit(
            candidate_access_changed,
            PanelCandidate,
            assignment=locked,
            panel=panel,
            actor=actor,
        )
    audit(
        "candidate access changed: panel=%s organization=%s user=%s candidate=%s fields=%s",
        panel.uuid,
        organization_uuid(organization),
        getattr(actor, "pk", None),
        candidate_uuid(locked),
        ",".join(changes),
    )
    return locked


def window_errors(
    assignment: PanelCandidate, panel: InterviewPanel, now: dt.datetime, *, changed: dict[str, Any]
) -> dict[str, list[str]]:
    """The rules on the candidate's window, as field errors (empty when they hold): the
    effective start before the effective end, and a window end of their own, when this request
    sets one, in the future. The window may lie outside the panel's schedule (an accommodation
    may let a candidate start earlier or finish later than the others). A start at or after the
    end is reported only when this request sets a window field: an invariant already broken
    (stored before the panel's update refused it) is no error on a field the client never sent."""
    start, end = effective_start(assignment, panel), effective_end(assignment, panel)
    if end <= start and {"window_starts_at", "window_ends_at"} & set(changed):
        field = "window_ends_at" if "window_ends_at" in changed else "window_starts_at"
        message = _("The window must end after it starts (the panel's start or end when null).")
        return {field: [str(message)]}
    if changed.get("window_ends_at") is not None and end <= now:
        return {"window_ends_at": [str(_("window_ends_at must be in the future."))]}
    return {}


def candidate_uuid(assignment: PanelCandidate) -> str | None:
    """The candidate's public UUID (None once erased)."""
    from ..conf import app_settings

    candidate = assignment.candidate
    if candidate is None:
        return None
    return str(getattr(candidate, app_settings.CANDIDATE_UUID_FIELD))


def move_token_expiries(panel: InterviewPanel, end: dt.datetime) -> int:
    """A panel's end moved: move the token expiry of every candidate who follows it (no window
    end of their own, not removed). Returns how many moved."""
    return PanelCandidate.objects.filter(
        panel=panel, window_ends_at__isnull=True, removed_at__isnull=True
    ).update(token_expires_at=end)


# --- Reading access ---------------------------------------------------------------------------


def represent_access(assignment: PanelCandidate, panel: InterviewPanel) -> dict[str, Any]:
    """The candidate's access as the endpoint answers it, with the effective times and the
    current deadline of their attempt (None: not started). At most one query (the attempt)."""
    from ..api.fields import format_datetime
    from ..interviews.services import current_state
    from ..models import Attempt

    def optional(value: dt.datetime | None) -> str | None:
        return None if value is None else format_datetime(value)

    now = timezone.now()
    attempt = Attempt.objects.filter(assignment_id=assignment.pk).first()
    attempt_body = None
    if attempt is not None:
        assignment.panel = panel
        attempt.assignment = assignment
        attempt_body = {
            "state": current_state(attempt, now),
            "started_at": format_datetime(attempt.started_at),
            "deadline": format_datetime(deadline(assignment, panel, attempt.started_at)),
        }
    return {
        "candidate_uuid": candidate_uuid(assignment),
        "window_starts_at": optional(assignment.window_starts_at),
        "window_ends_at": optional(assignment.window_ends_at),
        "extra_minutes": assignment.extra_minutes,
        "time_multiplier": float(assignment.time_multiplier),
        "starts_at": format_datetime(effective_start(assignment, panel)),
        "ends_at": format_datetime(effective_end(assignment, panel)),
        "token_expires_at": format_datetime(assignment.token_expires_at),
        "removed": assignment.removed_at is not None,
        "attempt": attempt_body,
    }


# --- Input ------------------------------------------------------------------------------------


# How far a float may be from a number of two decimals and still be taken as it: binary floats
# miss most of them by one unit in the last place (0.01 x 114 is 1.1400000000000001); anything
# further off (1.005, 1.0001) is a third decimal the client meant.
MULTIPLIER_TOLERANCE = Decimal("1e-12")


@extend_schema_field(
    {
        "type": "number",
        "minimum": 1,
        "maximum": 10,
        "multipleOf": 0.01,
        "description": "A JSON number, two decimals at most.",
    }
)
class TimeMultiplierField(serializers.DecimalField):
    """A JSON number from 1.00 to 10.00 with two decimals at most (``1``, ``1.5``, ``1.25``);
    a string, a boolean or a non-finite number is refused, as the API's other strict fields."""

    default_error_messages = {"invalid": _("A number is required.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=4,
            decimal_places=2,
            min_value=MIN_TIME_MULTIPLIER,
            max_value=MAX_TIME_MULTIPLIER,
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not math.isfinite(data):
            self.fail("invalid")
        # The float's shortest text (1.1, not 1.100000000000000088...): the number as sent.
        value = Decimal(str(data))
        rounded = value.quantize(Decimal("0.01")) if abs(value) < 10**6 else value
        if abs(value - rounded) <= MULTIPLIER_TOLERANCE:
            value = rounded
        return super().to_internal_value(str(value))


class AccessSerializer(serializers.Serializer):
    """A change of access: any of the fields; null windows fall back to the panel's."""

    window_starts_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text="When the candidate may start; null: the panel's start_datetime.",
    )
    window_ends_at = AwareDateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            "When the candidate's access ends (their token expires); null: the panel's "
            "end_datetime. Must be in the future when set."
        ),
    )
    extra_minutes = StrictIntegerField(
        required=False,
        min_value=0,
        max_value=MAX_EXTRA_MINUTES,
        help_text="Minutes added to the panel's time limit (nothing without a time limit).",
    )
    time_multiplier = TimeMultiplierField(
        required=False,
        help_text=(
            "Multiplies the panel's time limit, before the extra minutes (nothing without a "
            "time limit). 1.00 to 10.00, two decimals at most."
        ),
    )

"""Add, remove and rotate: a panel's candidates after its create. Plain functions, each one
transaction, an audit line and a signal once it commits.

Locks, in the order of the interview services (``interviews/services.py``) so that concurrent
requests wait rather than deadlock: the panel row (as a start and a panel update take it), then
the attempt row (as a save and a submit), then the assignment row (as ``refresh_total``).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api.exceptions import PanelNotFound, RuleViolation
from ..audit import actor_id, audit, organization_uuid
from ..bank import coverage
from ..conf import app_settings
from ..interviews.services import InterviewConflict, withdraw_attempt
from ..locking import lock_of
from ..models import InterviewPanel, PanelCandidate
from ..panels import services as panel_services
from ..signals import candidate_removed, send_on_commit, token_rotated
from ..tokens import new_token
from .access import candidate_uuid

PANEL_ENDED = _("Candidates cannot be added to an interview panel that has ended.")
ALREADY_ASSIGNED = _("Candidate %(uuid)s is already assigned to this interview panel.")
REMOVED_BEFORE = _(
    "Candidate %(uuid)s was removed from this interview panel and cannot be added again."
)
TOO_MANY = _(
    "An interview panel holds at most %(max)d candidates (removed ones included): it has "
    "%(count)d, and %(added)d more would make %(total)d."
)
REMOVED = _("The candidate has been removed from this interview panel.")


def _lock_panel(panel: InterviewPanel) -> InterviewPanel:
    """The panel's row, locked, as it is now; a panel deleted meanwhile is the panel 404."""
    locked = InterviewPanel.objects.select_for_update().filter(pk=panel.pk).first()
    if locked is None or locked.is_deleted:
        raise PanelNotFound()
    return locked


def add_candidates(
    *, panel: InterviewPanel, candidate_uuids: list[uuid.UUID], actor: Any = None
) -> list[PanelCandidate]:
    """Assign the organization's candidates to a panel that has not ended, each with a token
    valid until the panel's end (``panels.services.assign_candidates``, as the create does).

    Unknown candidates (or another organization's) are the create's 404; candidates already
    assigned, or removed earlier, and a panel that would pass ``MAX_CANDIDATES_PER_PANEL`` are
    400s. ``candidate_uuids`` come from ``CandidateAddSerializer`` (each once, at least one).
    """
    with transaction.atomic():
        panel = _lock_panel(panel)
        if panel.end_datetime <= timezone.now():
            message = str(PANEL_ENDED)
            raise RuleViolation(message, {"interview_panel_uuid": [message]})
        # The instance, as the create passes it: with a `to_field` foreign key the pk would be
        # compared with the wrong column.
        found = panel_services.candidates_by_uuid(panel.organization, candidate_uuids)
        missing = panel_services.missing_candidate_errors(candidate_uuids, found)
        if missing:
            raise coverage.references_not_found({"candidate_uuids": missing}, [str(_("Candidate"))])

        existing = dict(
            PanelCandidate.objects.filter(
                panel=panel, candidate_id__in=list(found.values())
            ).values_list("candidate_id", "removed_at")
        )
        taken: dict[int, list[str]] = {}
        for index, candidate_uuid in enumerate(candidate_uuids):
            candidate_id = found[candidate_uuid]
            if candidate_id in existing:
                message = REMOVED_BEFORE if existing[candidate_id] else ALREADY_ASSIGNED
                taken[index] = [str(message % {"uuid": candidate_uuid})]
        if taken:
            raise RuleViolation(_("Invalid request data"), {"candidate_uuids": taken})

        count = PanelCandidate.objects.filter(panel=panel).count()
        cap = app_settings.MAX_CANDIDATES_PER_PANEL
        if count + len(candidate_uuids) > cap:
            message = TOO_MANY % {
                "max": cap,
                "count": count,
                "added": len(candidate_uuids),
                "total": count + len(candidate_uuids),
            }
            raise RuleViolation(_("Invalid request data"), {"candidate_uuids": [str(message)]})

        assignments = panel_services.assign_candidates(
            panel=panel, candidate_ids=[found[u] for u in candidate_uuids], actor=actor
        )
    audit(
        "panel candidates added: panel=%s organization=%s user=%s candidates=%s",
        panel.uuid,
        organization_uuid(panel.organization),
        actor_id(actor),
        ",".join(str(u) for u in candidate_uuids),
    )
    return assignments


def remove_candidate(
    *, panel: InterviewPanel, assignment: PanelCandidate, actor: Any = None
) -> PanelCandidate:
    """Remove a candidate from a panel: the token stops working at once (it expires now, and
    ``with_valid_token`` refuses removed assignments), an attempt in progress is closed as
    ``withdrawn`` and scored (``interviews.services.withdraw_attempt``); the record, answers and
    scores stay. Idempotent: removing a removed candidate changes nothing and sends nothing."""
    with transaction.atomic():
        # The panel's lock serializes removals (and starts) of the panel's candidates: a start
        # racing the removal either drew before it (and is withdrawn) or sees the token expired.
        panel = _lock_panel(panel)
        now = timezone.now()
        if PanelCandidate.objects.filter(pk=assignment.pk, removed_at__isnull=False).exists():
            return PanelCandidate.objects.select_related("candidate").get(pk=assignment.pk)
        # The attempt first (its lock, then the assignment's, as a submit takes them), with the
        # deadline as it was: a removal past an unclosed deadline closes it as expired.
        withdraw_attempt(assignment=assignment, now=now)
        locked = lock_of(
            PanelCandidate.objects.select_related("candidate").filter(pk=assignment.pk), "self"
        ).get()
        locked.removed_at = now
        locked.token_expires_at = now
        locked.save(update_fields=["removed_at", "token_expires_at"])
        locked.panel = panel
        send_on_commit(
            candidate_removed, PanelCandidate, assignment=locked, panel=panel, actor=actor
        )
    audit(
        "panel candidate removed: panel=%s organization=%s user=%s candidate=%s",
        panel.uuid,
        organization_uuid(panel.organization),
        actor_id(actor),
        _candidate_uuid(locked),
    )
    return locked


def rotate_token(
    *, panel: InterviewPanel, assignment: PanelCandidate, actor: Any = None
) -> PanelCandidate:
    """Give the candidate a new token: the old one stops opening the interview at once, the
    expiry stays. A removed candidate's token is refused (409): a removal is final."""
    with transaction.atomic():
        locked = lock_of(
            PanelCandidate.objects.select_related("candidate").filter(pk=assignment.pk), "self"
        ).first()
        if locked is None:
            raise PanelNotFound()
        if locked.removed_at is not None:
            message = str(REMOVED)
            raise InterviewConflict(message, {"candidate_uuid": [message]})
        locked.token = new_token()
        locked.save(update_fields=["token"])
        locked.panel = panel
        send_on_commit(
            token_rotated,
            PanelCandidate,
            assignment=locked,
            panel=panel,
            actor=actor,
            token=locked.token,
        )
    audit(
        "panel candidate token rotated: panel=%s organization=%s user=%s candidate=%s",
        panel.uuid,
        organization_uuid(panel.organization),
        actor_id(actor),
        _candidate_uuid(locked),
    )
    return locked


def _candidate_uuid(assignment: PanelCandidate) -> str:
    # The candidate as clients know them; an erased one by the assignment's own UUID.
    return candidate_uuid(assignment) or f"assignment:{assignment.uuid}"

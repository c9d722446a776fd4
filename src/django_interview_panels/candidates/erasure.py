"""Erasing a candidate's personal data from a panel on request (docs/candidates-access.md
"Erasure"), per the ``ERASURE`` setting:

- ``"deidentify"`` (default): the assignment stays without its candidate (``candidate`` set to
  NULL): answers, scores and reviews are kept, no longer linked to the person;
- ``"delete"``: the same, then (``delete_erased``, its own transaction once the first has
  committed) the assignment is deleted with its attempt, items and reviews.

Either way an open attempt is first closed as withdrawn, the candidate counts as removed, and
their token is replaced by a new random value that has already expired, so the old one is gone
from the database. The panel's exposure counts
stay: they count draws, not people.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..audit import audit, organization_uuid
from ..conf import app_settings
from ..locking import lock_of
from ..models import Attempt, AttemptItem, InterviewPanel, ItemReview, PanelCandidate
from ..signals import candidate_erased, send_on_commit
from ..tokens import new_token
from .access import candidate_uuid

DEIDENTIFY = "deidentify"
DELETE = "delete"
ERASURE_MODES = (DEIDENTIFY, DELETE)


def erase_candidate(
    *, organization: Any, panel: InterviewPanel, assignment: PanelCandidate, actor: Any = None
) -> PanelCandidate | None:
    """Erase the candidate's personal data from ``panel`` (its row locked by the caller), in one
    transaction. An open attempt is closed as withdrawn first (scored from the answers saved).
    Returns the de-identified assignment, or None when the setting deletes it."""
    from ..interviews.services import withdraw_attempt  # that module imports candidates.access

    mode = app_settings.ERASURE
    now = timezone.now()
    with transaction.atomic():
        # Lock order as the interview's writes: panel (caller), attempt, then assignment. In both
        # modes: the delete itself comes later, in its own transaction (``delete_erased``).
        withdraw_attempt(assignment, now)
        locked = PanelCandidate.objects.select_for_update().get(pk=assignment.pk)
        locked.candidate = assignment.candidate  # for the audit line and the signal
        erased_uuid = candidate_uuid(locked)
        assignment_uuid = locked.uuid
        locked.candidate = None
        locked.erased_at = now
        locked.removed_at = locked.removed_at or now
        # The old token's value is gone; the new one never opens anything.
        locked.token = new_token()
        locked.token_expires_at = now
        locked.save(
            update_fields=["candidate", "erased_at", "removed_at", "token", "token_expires_at"]
        )
        locked.panel = panel
        result = None if mode == DELETE else locked
        send_on_commit(
            candidate_erased,
            PanelCandidate,
            assignment=result,
            assignment_uuid=assignment_uuid,
            candidate_uuid=erased_uuid,
            panel=panel,
            actor=actor,
        )
    audit(
        # Not the candidate's UUID: with the assignment's, it would link the de-identified
        # answers back to the person for anyone holding the logs (the signal carries it).
        "candidate erased: panel=%s organization=%s user=%s assignment=%s mode=%s",
        panel.uuid,
        organization_uuid(organization),
        getattr(actor, "pk", None),
        assignment_uuid,
        mode,
    )
    return result


def delete_erased(assignment_pk: int) -> None:
    """The ``"delete"`` mode's second step, in a transaction of its own once the erasure (which
    closed the attempt and de-identified the assignment) has committed: delete the attempt's item
    reviews and items, then the attempt, then the assignment, locking them in the order the
    evaluations and reviews take (item, attempt, assignment). Doing this in the erasure's
    transaction would hold the attempt's row from ``withdraw_attempt`` while waiting for an item
    that an evaluation holds while it waits for the attempt: a deadlock. Once the attempt is
    closed no save, submit or sweep writes it any more, so only that order remains. Should this
    step fail, the assignment stays erased (de-identified, removed) and a second call finishes."""
    with transaction.atomic():
        item_ids = list(
            lock_of(AttemptItem.objects.filter(attempt__assignment_id=assignment_pk), "self")
            .order_by("id")
            .values_list("id", flat=True)
        )
        ItemReview.objects.filter(item_id__in=item_ids).delete()
        AttemptItem.objects.filter(id__in=item_ids).delete()
        attempt_ids = list(
            lock_of(Attempt.objects.filter(assignment_id=assignment_pk), "self")
            .order_by("id")
            .values_list("id", flat=True)
        )
        Attempt.objects.filter(id__in=attempt_ids).delete()
        list(PanelCandidate.objects.select_for_update().filter(pk=assignment_pk).values("pk"))
        PanelCandidate.objects.filter(pk=assignment_pk, erased_at__isnull=False).delete()


def represent_erasure(assignment_uuid: Any, result: PanelCandidate | None) -> dict[str, Any]:
    from ..api.fields import format_datetime

    return {
        "assignment_uuid": str(assignment_uuid),
        "mode": DELETE if result is None else DEIDENTIFY,
        "erased_at": None if result is None else format_datetime(result.erased_at),
    }

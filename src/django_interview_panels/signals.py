"""Signals for every state change of a panel's candidates and their interviews.

Each is sent once the database transaction that made the change has committed (never for a
change that rolled back), with ``sender`` the model class whose row changed and keyword
arguments listed beside each signal. Receivers run in the request (or task) that made the
change; an exception in one is logged and does not reach the client or the other receivers
(``send_robust``). docs/signals.md documents them for hosts.

Connect a receiver as with any Django signal::

    from django.dispatch import receiver
    from django_interview_panels import signals

    @receiver(signals.candidate_added)
    def welcome(sender, assignment, panel, actor, **kwargs): ...
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("django_interview_panels")

# A candidate was assigned to a panel (at create or added later).
# sender: PanelCandidate. kwargs: assignment (PanelCandidate), panel (InterviewPanel), actor
# (user or None)
candidate_added = Signal()
# A manager removed a candidate: the token no longer works, the record stays (an open attempt is
# withdrawn first: attempt_expired, reason "withdrawn").
# sender: PanelCandidate. kwargs: assignment, panel, actor
candidate_removed = Signal()
# A candidate's personal data was erased from a panel.
# sender: PanelCandidate. kwargs: assignment (None when the setting deletes the record),
# assignment_uuid, candidate_uuid (str), panel, actor
candidate_erased = Signal()
# A candidate's access (window, extra minutes, multiplier) changed.
# sender: PanelCandidate. kwargs: assignment, panel, actor
candidate_access_changed = Signal()
# A candidate's token was replaced; the old one no longer works.
# sender: PanelCandidate. kwargs: assignment, panel, actor, token (the new token)
token_rotated = Signal()
# A manager asked for the invitation to be sent again.
# sender: PanelCandidate. kwargs: assignment, panel, actor, token (the current token)
invitation_resent = Signal()
# The candidate started the attempt (first start only; a resume sends nothing).
# sender: Attempt. kwargs: attempt (Attempt), assignment, panel
attempt_started = Signal()
# The candidate submitted the attempt before its deadline (a second submit sends nothing).
# sender: Attempt. kwargs: attempt, assignment, panel
attempt_submitted = Signal()
# An open attempt was closed without a submit: at its deadline (by close_expired_attempts, or
# by the candidate's submit once past it) or withdrawn because a manager removed the candidate.
# sender: Attempt. kwargs: attempt, assignment, panel, reason ("deadline" or "withdrawn")
attempt_expired = Signal()
# No answer of a closed attempt waits for the evaluator any more: each has a score from its
# rule, the evaluator or a reviewer, or waits for a reviewer (``needs_review`` counts those).
# Sent once per attempt: at the close when the rules scored every item, else by the write that
# scored the last pending one.
# sender: Attempt. kwargs: attempt, assignment, panel, needs_review (int: items waiting for a
# reviewer)
attempt_evaluated = Signal()
# A reviewer scored an item (every review, a second one of the same item included).
# sender: AttemptItem. kwargs: item (AttemptItem), attempt, assignment, panel, actor (the
# reviewer, or None), review (ItemReview)
item_reviewed = Signal()


def send_on_commit(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` once the current transaction commits (now, outside one)."""
    transaction.on_commit(partial(_send, signal, sender, kwargs))


def _send(signal: Signal, sender: Any, kwargs: dict[str, Any]) -> None:
    for receiver, result in signal.send_robust(sender, **kwargs):
        if isinstance(result, Exception):
            logger.error("signal receiver %r failed", receiver, exc_info=result)

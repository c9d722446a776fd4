"""Start, answer, submit, score and review: plain functions, each one transaction.

Locks are taken in one order in each chain, so concurrent requests wait rather than deadlock:
a start locks the panel row, then the pool's question rows (by id), then writes versions and
exposure; saves and submits lock the attempt row, then the assignment row (``refresh_total``);
evaluations and reviews lock the item's row, then (when it was pending) the attempt's, then the
assignment's. A start holds its panel's
row while it draws, which serializes the draws of one panel: the exposure counts each draw reads
are then the ones the previous draw wrote.

Every state change sends its signal (``signals.py``, docs/signals.md) once the transaction
commits: a start (not a resume), a submit, a close at the deadline or by a withdrawal, the end of
an attempt's evaluation (no item left pending), a review.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models import Count, F, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed

from .. import signals
from ..api.exceptions import APIError, NotFoundError
from ..audit import audit, organization_uuid
from ..candidates.access import ACCESS_FIELDS, effective_start
from ..candidates.access import deadline as candidate_deadline
from ..conf import app_settings
from ..locking import lock_of
from ..models import (
    Attempt,
    AttemptItem,
    AttemptState,
    InterviewPanel,
    ItemReview,
    ItemStatus,
    PanelCandidate,
    Question,
    QuestionDistribution,
    QuestionExposure,
    QuestionKind,
    QuestionVersion,
)
from . import draws
from .scoring import as_points, canonical_choices, rule_share, total_score, weighted_points

logger = logging.getLogger("django_interview_panels")


# --- Errors -----------------------------------------------------------------------------------


class InterviewConflict(APIError):
    """The request is valid but the interview's state refuses it (409)."""

    status_code = status.HTTP_409_CONFLICT


class InvalidInterviewToken(AuthenticationFailed):
    """A token that stopped opening the interview during the request (its panel deleted, its end
    passed): the authentication's answer, challenge header included (401)."""

    def __init__(self) -> None:
        from .authentication import INVALID_TOKEN

        super().__init__(INVALID_TOKEN)


class ItemNotFound(NotFoundError):
    """An attempt item this caller cannot see: missing, another candidate's or another
    organization's answer alike."""

    default_detail = _("Item not found")

    def __init__(self) -> None:
        message = str(self.default_detail)
        super().__init__(message, {"item_uuid": [message]})


def _conflict(message: Any) -> InterviewConflict:
    return InterviewConflict(message, {"detail": [str(message)]})


NOT_STARTED = _("The interview has not started yet.")
NO_ATTEMPT = _("The interview has not been started: start it first.")
ALREADY_SUBMITTED = _("The interview has been submitted; answers can no longer change.")
TIME_IS_UP = _("The time for this interview is up; answers can no longer change.")


# --- Time -------------------------------------------------------------------------------------


def deadline(
    assignment: PanelCandidate, panel: InterviewPanel, started_at: dt.datetime
) -> dt.datetime:
    """The earlier of the candidate's end (their token's expiry: their window's end, else the
    panel's) and their start plus the time they are allowed (the panel's time limit x their
    multiplier + their extra minutes; docs/candidates-access.md). Computed from the stored
    fields on every request, so a change of access applies at once to an attempt in progress."""
    return candidate_deadline(assignment, panel, started_at)


def current_state(attempt: Attempt, now: dt.datetime) -> str:
    """The state an attempt reads as: stored, or ``expired`` once an open one is past its
    deadline (computed, so a read never writes)."""
    if attempt.state == AttemptState.IN_PROGRESS and now >= attempt_deadline(attempt):
        return AttemptState.EXPIRED
    return attempt.state


def attempt_deadline(attempt: Attempt) -> dt.datetime:
    return deadline(attempt.assignment, attempt.assignment.panel, attempt.started_at)


# --- Start ------------------------------------------------------------------------------------


def start_attempt(*, assignment: PanelCandidate) -> Attempt:
    """Create the candidate's attempt with its drawn question set, or return the one that
    exists: every call gives the same set."""
    return start_or_resume_attempt(assignment=assignment)[0]


def start_or_resume_attempt(*, assignment: PanelCandidate) -> tuple[Attempt, bool]:
    """``start_attempt``, and whether this call created the attempt: of concurrent starts of
    one candidate exactly one does (the others waited for the panel's lock and resume it)."""
    existing = _attempt_of(assignment)
    if existing is not None:
        _resume(existing)
        return existing, False
    with transaction.atomic():
        panel = InterviewPanel.objects.select_for_update().filter(pk=assignment.panel_id).first()
        # The time once the panel's lock is held: a start that queued behind other draws loses
        # none of its time limit, and the end is checked on the locked row.
        now = timezone.now()
        # The candidate's access as it is now (an update of the panel or of the candidate's
        # access moves it under this lock). A removed candidate's end is the removal
        # (docs/candidates.md): refused either way.
        access = (
            PanelCandidate.objects.filter(pk=assignment.pk, removed_at__isnull=True)
            .values_list("token_expires_at", *ACCESS_FIELDS)
            .first()
        )
        end = access[0] if access is not None else None
        if panel is None or panel.is_deleted or end is None or end <= now:
            raise InvalidInterviewToken()
        assignment.token_expires_at = end
        for field, value in zip(ACCESS_FIELDS, access[1:], strict=True):
            setattr(assignment, field, value)
        # The candidate's own window start, else the panel's.
        if now < effective_start(assignment, panel):
            raise _conflict(NOT_STARTED)
        # Another start of this candidate may have drawn while this one waited for the lock.
        existing = _attempt_of(assignment)
        if existing is not None:
            return existing, False
        seed = draws.new_seed()
        drawn = _draw(panel, seed)
        attempt = Attempt.objects.create(
            assignment=assignment,
            panel=panel,
            seed=seed,
            algorithm_version=draws.ALGORITHM_VERSION,
            started_at=now,
            last_activity_at=now,
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt_id=attempt.pk,
                position=position,
                question_id=item.question.id,
                question_version_id=item.question.version_id,
                choice_order=item.choice_order,
            )
            for position, item in enumerate(drawn, start=1)
        )
        attempt.assignment = assignment
        attempt.assignment.panel = panel
        # Only the call that created the attempt: a resume returned above, before this.
        signals.send_on_commit(
            signals.attempt_started, Attempt, attempt=attempt, assignment=assignment, panel=panel
        )
    _announce("attempt started", attempt)
    return attempt, True


def _resume(attempt: Attempt) -> None:
    """Restart the clock of an open attempt's time spent (``last_activity_at``): the time
    between the candidate's last save and a resume (a break, a closed tab) counts for no item.
    One UPDATE by primary key, only while the attempt is stored as open."""
    if attempt.state != AttemptState.IN_PROGRESS:
        return
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk, state=AttemptState.IN_PROGRESS).update(
        last_activity_at=now
    )
    attempt.last_activity_at = now


def time_spent(attempt: Attempt, now: dt.datetime) -> tuple[int, dt.datetime]:
    """Whole seconds since the attempt's last activity (its start, resume or last save that
    changed an answer) up to ``now`` or the deadline, whichever is first, never negative (so
    at most the attempt's whole duration); and the attempt's next mark: the last one moved by
    the seconds counted, so that the fraction left over counts with the next save (saves a
    fraction of a second apart do not each lose it), or ``now`` if the clock went back."""
    since = attempt.last_activity_at or attempt.started_at
    until = min(now, attempt_deadline(attempt))
    if until < since:
        return 0, now
    seconds = int((until - since).total_seconds())
    return seconds, since + dt.timedelta(seconds=seconds)


def _attempt_of(assignment: PanelCandidate) -> Attempt | None:
    attempt = Attempt.objects.filter(assignment_id=assignment.pk).first()
    if attempt is not None:
        attempt.assignment = assignment
    return attempt


def read_pool(panel: InterviewPanel, *, lock: bool) -> list[draws.Cell]:
    """The panel's cells (distribution x difficulty, in order) with the questions a draw may
    take from each and their draws so far. With ``lock``, the questions' rows are locked (by
    id), so no edit or retirement changes them before the draw marks their versions used."""
    distributions = list(
        QuestionDistribution.objects.filter(panel=panel)
        .order_by("id")
        .values_list("subtopic_id", "easy", "medium", "hard")
    )
    wanted = [
        (subtopic_id, difficulty, count)
        for subtopic_id, *counts in distributions
        for difficulty, count in zip(draws.DIFFICULTY_ORDER, counts, strict=True)
        if count
    ]
    if not wanted:
        return []
    condition = Q()
    for subtopic_id, difficulty, _count in wanted:
        condition |= Q(subtopic_id=subtopic_id, difficulty=difficulty)
    questions = (
        Question.objects.filter(condition)
        .visible_to(panel.organization_id)
        .drawable()
        .order_by("id")
    )
    if lock:
        questions = questions.select_for_update()
    rows = list(questions.values_list("id", "uuid", "subtopic_id", "difficulty"))
    ids = [row[0] for row in rows]
    versions = _current_versions(ids, create_missing=lock)
    exposure = dict(
        QuestionExposure.objects.filter(panel=panel, question_id__in=ids).values_list(
            "question_id", "draws"
        )
    )
    pools: dict[tuple[int, str], list[draws.PoolQuestion]] = {}
    for question_id, question_uuid, subtopic_id, difficulty in rows:
        # The choices as the version drawn holds them: the ones the candidate is shown.
        version_id, choices, key = versions.get(question_id, (0, (), {}))
        pools.setdefault((subtopic_id, difficulty), []).append(
            draws.PoolQuestion(
                id=question_id,
                uuid=question_uuid,
                version_id=version_id,
                choices=len(choices or ()),
                shuffle_choices=bool((key or {}).get("shuffle_choices")),
                draws=exposure.get(question_id, 0),
            )
        )
    return [
        draws.Cell(subtopic_id, difficulty, count, tuple(pools.get((subtopic_id, difficulty), ())))
        for subtopic_id, difficulty, count in wanted
    ]


def _current_versions(
    question_ids: list[int], *, create_missing: bool
) -> dict[int, tuple[int, Any, Any]]:
    """Each question's current version: its id, choices and answer key. A question written
    straight to the table (a host's fixture or script, not the API, the admin or an import) has
    none yet: under the draw's row locks, ``create_missing`` gives it one from its content."""
    versions = {
        question_id: (version_id, choices, key)
        for question_id, version_id, choices, key in QuestionVersion.objects.filter(
            question_id__in=question_ids, number=F("question__version")
        ).values_list("question_id", "id", "choices", "answer_key")
    }
    missing = [question_id for question_id in question_ids if question_id not in versions]
    if missing and create_missing:
        created = QuestionVersion.objects.bulk_create(
            QuestionVersion(question=question, number=question.version, **question.content())
            for question in Question.objects.filter(id__in=missing)
        )
        versions.update(
            (version.question_id, (version.pk, version.choices, version.answer_key))
            for version in created
        )
    return versions


def _upsert_names_target(model: type[models.Model]) -> bool:
    database = router.db_for_write(model)
    return connections[database].features.supports_update_conflicts_with_target


def _draw(panel: InterviewPanel, seed: str) -> list[draws.DrawnQuestion]:
    """Draw a set for ``panel`` (its row locked by the caller), mark the versions drawn as used
    and count the draws."""
    cells = read_pool(panel, lock=True)
    short = [cell for cell in cells if cell.short_by]
    if short:
        raise _stock_conflict(panel, short)
    drawn = draws.draw(seed, cells)

    version_ids = [item.question.version_id for item in drawn]
    QuestionVersion.objects.filter(id__in=version_ids, is_used=False).update(is_used=True)
    QuestionExposure.objects.bulk_create(
        [
            QuestionExposure(
                panel=panel, question_id=item.question.id, draws=item.question.draws + 1
            )
            for item in drawn
        ],
        update_conflicts=True,
        # The conflict target where the database names one (PostgreSQL, SQLite); MariaDB and
        # MySQL take any unique key (ON DUPLICATE KEY UPDATE), here (panel, question) alone.
        unique_fields=["panel", "question"] if _upsert_names_target(QuestionExposure) else None,
        update_fields=["draws"],
    )
    return drawn


def _stock_conflict(panel: InterviewPanel, short: list[draws.Cell]) -> InterviewConflict:
    names = dict(
        QuestionDistribution.objects.filter(panel=panel).values_list(
            "subtopic_id", "subtopic__name"
        )
    )
    message = _("Not enough questions in the bank to draw this interview's question set.")
    details = [
        str(
            _(
                "Subtopic '%(subtopic)s' has %(available)d %(difficulty)s questions, "
                "%(count)d needed."
            )
            % {
                "subtopic": names.get(cell.subtopic_id, ""),
                "available": len(cell.pool),
                "difficulty": cell.difficulty,
                "count": cell.count,
            }
        )
        for cell in short
    ]
    logger.warning("interview draw short of questions: panel=%s cells=%d", panel.uuid, len(short))
    return InterviewConflict(message, {"question_distributions": details})


# --- Answers ----------------------------------------------------------------------------------


def _open_attempt(assignment: PanelCandidate, now: dt.datetime) -> Attempt:
    """The candidate's attempt, row locked, refused unless it still takes answers."""
    attempt = lock_of(
        Attempt.objects.select_related("assignment", "assignment__panel").filter(
            assignment_id=assignment.pk
        ),
        "self",
    ).first()
    if attempt is None:
        raise _conflict(NO_ATTEMPT)
    _refuse_unless_open(attempt, now)
    return attempt


def _refuse_unless_open(attempt: Attempt, now: dt.datetime) -> None:
    """Refuse a locked attempt that no longer takes answers."""
    panel = attempt.assignment.panel
    # Re-read with the lock: a panel deleted, a token ended or a candidate removed since
    # authentication (a removal withdraws the attempt under this lock).
    if (
        panel.is_deleted
        or attempt.assignment.token_expires_at <= now
        or attempt.assignment.removed_at is not None
        or attempt.state == AttemptState.WITHDRAWN
    ):
        raise InvalidInterviewToken()
    state = current_state(attempt, now)
    if state == AttemptState.SUBMITTED:
        raise _conflict(ALREADY_SUBMITTED)
    if state == AttemptState.EXPIRED:
        raise _conflict(TIME_IS_UP)


def save_answer(*, assignment: PanelCandidate, item_uuid: uuid.UUID, answer: Any) -> AttemptItem:
    """Store (or with None, clear) the answer to one item. Idempotent: the same answer twice
    leaves the same state (``answered_at`` included: an autosave that repeats the answer does
    not move it). ``answer`` is checked here for the item's kind (``answer_validator``); the
    view's ``AnswerSerializer`` only checks the body's shape."""
    now = timezone.now()
    with transaction.atomic():
        # One query for the item, its version and its attempt, the attempt's row locked (the
        # lock a submit takes): autosave is the most frequent request, and each query is a
        # round trip to the database.
        item = lock_of(
            AttemptItem.objects.select_related(
                "attempt__assignment__panel", "question_version"
            ).filter(attempt__assignment_id=assignment.pk, uuid=item_uuid),
            "attempt",
        ).first()
        if item is None:
            # Say why as before: no attempt or a closed one (409, 401), else no such item.
            _open_attempt(assignment, now)
            raise ItemNotFound()
        _refuse_unless_open(item.attempt, now)
        validate = _answer_validator(item)
        answer = validate(answer)
        if _same_answer(answer, item.answer):
            # The item's columns come from before the attempt's lock was granted: a save that
            # committed meanwhile may have changed the answer. Read it again before skipping.
            item.answer = AttemptItem.objects.values_list("answer", flat=True).get(pk=item.pk)
        if not _same_answer(answer, item.answer):
            # The time since the attempt's last activity goes to this item: added in the
            # item's UPDATE (F(): a concurrent save of the same item adds its own share), and
            # the attempt's clock restarts under the lock the select took.
            spent, mark = time_spent(item.attempt, now)
            read_before = item.time_spent_seconds
            item.answer = answer
            item.answered_at = now if answer is not None else None
            item.time_spent_seconds = F("time_spent_seconds") + spent
            item.save(update_fields=["answer", "answered_at", "time_spent_seconds"])
            # In memory a plain number again (the table holds the exact sum).
            item.time_spent_seconds = read_before + spent
            Attempt.objects.filter(pk=item.attempt_id).update(last_activity_at=mark)
            item.attempt.last_activity_at = mark
    return item


def _same_answer(new: Any, saved: Any) -> bool:
    """Equal as JSON: 1 and 1.0 (or True) are equal in Python but not the same answer."""
    if isinstance(new, list) and isinstance(saved, list):
        return len(new) == len(saved) and all(map(_same_answer, new, saved))
    return type(new) is type(saved) and new == saved


def _answer_validator(item: AttemptItem) -> Any:
    from .serializers import answer_validator  # the serializers import the services' errors

    version = item.question_version
    return answer_validator(version.kind, len(version.choices or ()))


# --- Submit and close -------------------------------------------------------------------------


def submit_attempt(*, assignment: PanelCandidate) -> Attempt:
    """Close the attempt and score it. Idempotent: a closed attempt is returned as it is.

    Past the deadline the attempt closes as ``expired``: the answers saved before it count.
    """
    now = timezone.now()
    with transaction.atomic():
        attempt = _lock_attempts(
            Attempt.objects.select_related("assignment", "assignment__panel").filter(
                assignment_id=assignment.pk
            )
        ).first()
        if attempt is None:
            raise _conflict(NO_ATTEMPT)
        if attempt.state == AttemptState.WITHDRAWN:
            raise InvalidInterviewToken()  # the candidate was removed meanwhile
        if attempt.state != AttemptState.IN_PROGRESS:
            return attempt
        panel = attempt.assignment.panel
        if panel.is_deleted or attempt.assignment.token_expires_at <= now:
            raise InvalidInterviewToken()
        _close(attempt, now)
    return attempt


def close_expired_attempts(*, now: dt.datetime | None = None) -> int:
    """Close and score every open attempt past its deadline (a task or a command runs this:
    candidates who never submit still get their score). Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    open_attempts = (
        Attempt.objects.filter(state=AttemptState.IN_PROGRESS, panel__is_deleted=False)
        .select_related("assignment", "assignment__panel")
        .order_by("id")
    )
    for attempt in open_attempts.iterator(chunk_size=200):
        if now < attempt_deadline(attempt):
            continue
        with transaction.atomic():
            locked = _lock_attempts(
                Attempt.objects.select_related("assignment", "assignment__panel").filter(
                    pk=attempt.pk, state=AttemptState.IN_PROGRESS
                )
            ).first()
            # Again under the lock: the panel's end or time limit may have moved meanwhile, and
            # only an attempt past its deadline is the sweep's to close (as expired).
            if locked is not None and now >= attempt_deadline(locked):
                _close(locked, now)
                closed += 1
    return closed


def close_overdue_attempts_of(panel: InterviewPanel, now: dt.datetime) -> int:
    """Store the close of each of ``panel``'s open attempts already past its deadline as the
    stored schedule gives it: called, under the panel's row lock (the caller's), before a change
    of its end or time limit, so that a later end or a larger limit never reopens an attempt
    whose time was up (as ``close_if_past_deadline`` before a change of access). ``panel`` must
    hold the stored values. One query when none is overdue; each overdue attempt is locked after
    the panel, as a start's lock order has it. Returns how many were closed."""
    closed = 0
    open_attempts = (
        Attempt.objects.filter(panel_id=panel.pk, state=AttemptState.IN_PROGRESS)
        .select_related("assignment")
        .order_by("id")
    )
    for attempt in open_attempts:
        attempt.assignment.panel = panel
        if now < attempt_deadline(attempt):
            continue
        with transaction.atomic():
            locked = _lock_attempts(
                Attempt.objects.select_related("assignment").filter(
                    pk=attempt.pk, state=AttemptState.IN_PROGRESS
                )
            ).first()
            if locked is not None:
                locked.assignment.panel = panel
                if now >= attempt_deadline(locked):
                    _close(locked, now)
                    closed += 1
    return closed


def close_if_past_deadline(assignment: PanelCandidate, now: dt.datetime) -> Attempt | None:
    """Store the close of the candidate's open attempt if its deadline (as the stored access
    gives it) has passed: called before a change of access, so that an attempt whose time was
    up stays closed whatever the new access says. Returns the attempt (None: never started)."""
    with transaction.atomic():
        attempt = _locked_attempt(assignment)
        if (
            attempt is not None
            and attempt.state == AttemptState.IN_PROGRESS
            and now >= attempt_deadline(attempt)
        ):
            _close(attempt, now)
    return attempt


def _locked_attempt(assignment: PanelCandidate) -> Attempt | None:
    return _lock_attempts(
        Attempt.objects.select_related("assignment", "assignment__panel").filter(
            assignment_id=assignment.pk
        )
    ).first()


def _lock_attempts(attempts: QuerySet[Attempt]) -> QuerySet[Attempt]:
    """``attempts``' rows locked, for a lookup that may close them: on MariaDB/MySQL after a
    shared lock on their panel's row, which InnoDB takes when the close writes ``state`` (it
    shares an index with the panel's foreign key); taken after the attempt's, it would reverse
    the panel-then-attempt order of a start and a panel update."""
    return lock_of(attempts, "self", share=("panel",))


def _close(attempt: Attempt, now: dt.datetime, *, withdrawn: bool = False) -> None:
    """Close a locked open attempt: submitted (or ``withdrawn``, by a manager), or expired at its
    deadline; score the items their kind's rule scores and hand the open answers to the
    evaluator once this commits."""
    end = attempt_deadline(attempt)
    if now >= end:
        attempt.state, attempt.closed_at = AttemptState.EXPIRED, end
    elif withdrawn:
        attempt.state, attempt.closed_at = AttemptState.WITHDRAWN, now
    else:
        attempt.state, attempt.submitted_at, attempt.closed_at = AttemptState.SUBMITTED, now, now
    attempt.save(update_fields=["state", "submitted_at", "closed_at"])
    _finish_close(
        attempt, now, reason="withdrawn" if attempt.state == AttemptState.WITHDRAWN else "deadline"
    )


def _finish_close(attempt: Attempt, now: dt.datetime, *, reason: str = "deadline") -> None:
    """Score a just-closed attempt by the rules, write the total, announce the close (and, with
    nothing left for the evaluator, the evaluation) and enqueue the evaluation on commit."""
    items = _score_by_rules(attempt, now)
    refresh_total(attempt)
    _announce(f"attempt {attempt.state}", attempt)
    context = _signal_context(attempt)
    if attempt.state == AttemptState.SUBMITTED:
        signals.send_on_commit(signals.attempt_submitted, Attempt, **context)
    else:
        signals.send_on_commit(signals.attempt_expired, Attempt, reason=reason, **context)
    if not any(item.status == ItemStatus.PENDING for item in items):
        # Nothing for the evaluator: the rules finished the scoring (the task finds no work).
        signals.send_on_commit(signals.attempt_evaluated, Attempt, needs_review=0, **context)

    from . import tasks  # the task module needs the settings of the host's task backend

    transaction.on_commit(partial(tasks.enqueue_evaluation, attempt.uuid))


def withdraw_attempt(assignment: PanelCandidate, now: dt.datetime | None = None) -> Attempt | None:
    """Close the candidate's open attempt as ``withdrawn`` at ``now`` (a manager removed or
    erased the candidate): the answers saved so far are scored as at any close and kept for the
    record. An attempt already past its deadline (not yet swept) closes as ``expired`` at it, as
    the sweep would have closed it. A closed attempt is left as it is (nothing sent). Returns the
    attempt, None without one.

    Call it in the removal's transaction *before* the removal locks or writes the assignment's
    row: the lock order of every close is the attempt's row, then the assignment's (a submit
    racing the removal would otherwise deadlock), and the deadline is read from the assignment's
    end as it was.

    Sends ``attempt_expired`` once the transaction commits, with ``reason="withdrawn"`` (or
    ``"deadline"`` for one already past its deadline).
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _locked_attempt(assignment)
        if attempt is not None and attempt.state == AttemptState.IN_PROGRESS:
            # Past its deadline already: expired at it, as the sweep would have closed it.
            _close(attempt, now, withdrawn=True)
    return attempt


def _score_by_rules(attempt: Attempt, now: dt.datetime) -> list[AttemptItem]:
    """Score every item of a just-closed attempt that needs no evaluator: rule kinds, and open
    questions left unanswered (nothing to judge: no points). Returns the attempt's items."""
    items = list(AttemptItem.objects.filter(attempt=attempt).select_related("question_version"))
    for item in items:
        version = item.question_version
        if version.kind == QuestionKind.OPEN:
            if item.answer is not None and str(item.answer).strip():
                continue  # left pending for the evaluator
            item.points_earned, item.rationale = as_points(0), "No answer."
        else:
            answer = item.answer
            if answer is not None and version.kind in (
                QuestionKind.SINGLE_CHOICE,
                QuestionKind.MULTIPLE_CHOICE,
            ):
                answer = canonical_choices(item.choice_order, answer)
            share = rule_share(version.kind, version.answer_key, len(version.choices), answer)
            item.points_earned = as_points(Decimal(str(share)) * version.points)
            item.rationale = ""
        item.status, item.scored_at = ItemStatus.SCORED, now
    AttemptItem.objects.bulk_update(
        [item for item in items if item.status == ItemStatus.SCORED],
        ["points_earned", "rationale", "status", "scored_at"],
    )
    return items


def refresh_total(attempt: Attempt) -> int:
    """Write the candidate's ``score`` (the panel responses' field): its items' points, summed
    and rounded half up. Unscored items count nothing until they are scored."""
    with transaction.atomic():
        # The assignment's row lock first, then the sum: a review and an evaluation finishing
        # together would otherwise each sum without the other's points, and the later write
        # would store a total that misses one (the sum read before the other committed).
        list(
            PanelCandidate.objects.select_for_update().filter(pk=attempt.assignment_id).values("pk")
        )
        points = AttemptItem.objects.filter(attempt=attempt).aggregate(total=Sum("points_earned"))
        score = total_score(points["total"])
        PanelCandidate.objects.filter(pk=attempt.assignment_id).update(score=score)
    return score


# --- Evaluation -------------------------------------------------------------------------------


def evaluate_attempt(*, attempt_uuid: uuid.UUID) -> int:
    """Score the attempt's open answers that wait for it, with the configured evaluator.

    Idempotent: an item is written only while it is still pending, under its row lock, so a
    task run twice (or retried after a crash) never scores an item twice. An item the evaluator
    fails on ``EVALUATION_ATTEMPTS`` times is left for a reviewer. Returns the items evaluated.
    """
    from .evaluators import EvaluationError, EvaluationRequest, get_evaluator

    attempt = (
        Attempt.objects.select_related("assignment", "assignment__panel")
        .filter(uuid=attempt_uuid)
        .first()
    )
    if attempt is None or attempt.state == AttemptState.IN_PROGRESS:
        return 0
    evaluator = get_evaluator()
    pending = list(
        AttemptItem.objects.filter(attempt=attempt, status=ItemStatus.PENDING).select_related(
            "question_version"
        )
    )
    dimensions = rubric_for(attempt.panel_id)
    done, finished = 0, False
    for item in pending:
        request = EvaluationRequest(
            question=item.question_version,
            answer=str(item.answer or ""),
            dimensions=tuple(dimensions.for_question(item.question_version)),
        )
        evaluation, failure = None, ""
        for _attempt in range(max(1, int(app_settings.EVALUATION_ATTEMPTS))):
            try:
                evaluation = _checked(evaluator.evaluate(request), item.question_version)
                break
            except EvaluationError as exc:
                failure = str(exc)
            except Exception as exc:  # an evaluator's bug must not leave the item unscored
                logger.exception("evaluator %s failed on item %s", evaluator.name, item.uuid)
                failure = type(exc).__name__
        stored, last = _store_evaluation(attempt, item, evaluation, failure, evaluator)
        done, finished = done + stored, finished or last
    if done and not finished:  # the store that finished the evaluation wrote the total
        refresh_total(attempt)
    return done


def _checked(evaluation: Any, version: QuestionVersion) -> Any:
    """``evaluation`` with its points as stored, within 0 and the question's points; anything
    unusable (not a number, NaN, dimension scores that are not 0..100 integers) is the
    evaluator's failure, never a score."""
    from .evaluators import EvaluationError

    try:
        points = as_points(evaluation.points)
    except (ArithmeticError, TypeError, ValueError, AttributeError) as exc:
        raise EvaluationError(f"unusable points: {exc!r}") from exc
    if not points.is_finite():
        raise EvaluationError("unusable points: not finite")
    scores = getattr(evaluation, "dimension_scores", None) or {}
    if not isinstance(scores, dict) or not all(
        isinstance(key, str) and type(value) is int and 0 <= value <= 100
        for key, value in scores.items()
    ):
        raise EvaluationError("unusable dimension scores")
    bounded = min(max(points, as_points(0)), as_points(version.points))
    return dataclasses.replace(evaluation, points=bounded)


def _store_evaluation(
    attempt: Attempt, item: AttemptItem, evaluation: Any, failure: str, evaluator: Any
) -> tuple[int, bool]:
    """Write one evaluation (or its failure) to a still pending item. Returns the items written
    (0 or 1) and whether this write left none of the attempt's items pending: that write (and
    only that one) writes the total and sends ``attempt_evaluated``."""
    now = timezone.now()
    with transaction.atomic():
        locked = (
            AttemptItem.objects.select_for_update()
            .filter(pk=item.pk, status=ItemStatus.PENDING)
            .first()
        )
        if locked is None:
            return 0, False
        _lock_attempt(attempt)
        label = f"{evaluator.name}/{evaluator.version}"
        if evaluation is None:
            locked.status, locked.rationale = (
                ItemStatus.NEEDS_REVIEW,
                (f"Not evaluated ({failure or 'no result'}): waiting for a reviewer."),
            )
            locked.evaluator = label[:200]
            locked.save(update_fields=["status", "rationale", "evaluator"])
        else:
            # ``_checked`` bounded the points and vetted the dimension scores.
            locked.status, locked.points_earned = ItemStatus.EVALUATED, evaluation.points
            locked.dimension_scores = dict(evaluation.dimension_scores)
            locked.rationale = str(evaluation.rationale or "")
            locked.evaluator = f"{evaluation.evaluator}/{evaluation.version}"[:200]
            locked.scored_at = now
            locked.save(
                update_fields=[
                    "status",
                    "points_earned",
                    "dimension_scores",
                    "rationale",
                    "evaluator",
                    "scored_at",
                ]
            )
        finished = _announce_if_evaluated(attempt)
    return 1, finished


def _lock_attempt(attempt: Attempt) -> None:
    """Lock the attempt's row after one of its items' (evaluations and reviews take them in
    this order): every write that takes an item out of ``pending`` then runs one at a time, so
    exactly one of them sees none left."""
    list(Attempt.objects.select_for_update().filter(pk=attempt.pk).values("pk"))


def _announce_if_evaluated(attempt: Attempt) -> bool:
    """Under the attempt's lock, after a write that took an item out of ``pending``: if none is
    left, write the total and send ``attempt_evaluated`` on commit. Returns whether it did."""
    counts = dict(
        AttemptItem.objects.filter(
            attempt=attempt, status__in=(ItemStatus.PENDING, ItemStatus.NEEDS_REVIEW)
        )
        .values("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    if counts.get(ItemStatus.PENDING):
        return False
    refresh_total(attempt)
    signals.send_on_commit(
        signals.attempt_evaluated,
        Attempt,
        needs_review=counts.get(ItemStatus.NEEDS_REVIEW, 0),
        **_signal_context(attempt),
    )
    return True


def _signal_context(attempt: Attempt) -> dict[str, Any]:
    """The attempt, assignment and panel arguments of a signal, from what the caller loaded (the
    attempt with its assignment and panel): no query now, and none when a receiver follows
    ``attempt.assignment``, ``attempt.panel`` or ``assignment.panel``."""
    assignment = attempt.assignment
    panel = assignment.panel
    if attempt.panel_id == panel.pk:
        attempt.panel = panel
    return {"attempt": attempt, "assignment": assignment, "panel": panel}


# --- Rubric and reviews -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rubric:
    """The rubric dimensions an organization's answers are scored on."""

    dimensions: dict[str, Any]  # uuid text -> RubricDimension

    def weights(self, version: QuestionVersion) -> dict[str, int]:
        overrides = version.rubric_weights or {}
        return {
            key: int(overrides.get(key, dimension.weight))
            for key, dimension in self.dimensions.items()
        }

    def for_question(self, version: QuestionVersion) -> list[Any]:
        from .evaluators import Dimension

        weights = self.weights(version)
        return [
            Dimension(key, dimension.name, dimension.description, weights[key])
            for key, dimension in self.dimensions.items()
            if weights[key] > 0
        ]


def rubric_for(panel_id: int) -> Rubric:
    """The rubric dimensions visible to the panel's organization."""
    from ..models import RubricDimension

    # A scalar subquery (``= (SELECT ... LIMIT 1)``): MariaDB refuses a LIMIT inside ``IN (...)``.
    organization_id = Subquery(
        InterviewPanel.objects.filter(pk=panel_id).values("organization_id")[:1]
    )
    dimensions = RubricDimension.objects.filter(
        Q(organization__isnull=True) | Q(organization_id=organization_id)
    ).order_by("name", "id")
    return Rubric({str(dimension.uuid): dimension for dimension in dimensions})


def review_item(
    *,
    organization: Any,
    item_uuid: uuid.UUID,
    reviewer: Any,
    dimension_scores: dict[str, int] | None,
    points: Decimal | None,
    comment: str,
) -> AttemptItem:
    """Set an item's score as a reviewer: from scores on rubric dimensions (weighted as the
    question says) or as points. Kept as an ``ItemReview`` with who and when."""
    with transaction.atomic():
        item = lock_of(
            AttemptItem.objects.select_related(
                "question_version", "attempt__assignment__panel"
            ).filter(
                uuid=item_uuid,
                attempt__panel__organization=organization,
                attempt__panel__is_deleted=False,
            ),
            "self",
        ).first()
        if item is None:
            raise ItemNotFound()
        if item.attempt.state == AttemptState.IN_PROGRESS:
            raise _conflict(_("The attempt is still open: review it once it is closed."))
        version = item.question_version
        rubric = rubric_for(item.attempt.panel_id)
        scores = dict(dimension_scores or {})
        unknown = sorted(set(scores) - set(rubric.dimensions))
        if unknown:
            message = _("Rubric dimension not found")
            raise NotFoundError(
                message, {"dimension_scores": [f"{key}: {message}" for key in unknown]}
            )
        if points is None:
            weights = rubric.weights(version)
            if not sum(weights.get(key, 0) for key in scores):
                raise APIError(
                    _("Invalid request data"),
                    {
                        "dimension_scores": [
                            str(
                                _(
                                    "Score at least one dimension this question weighs above 0, "
                                    "or give points."
                                )
                            )
                        ]
                    },
                )
            points = weighted_points(version.points, scores, weights)
        elif points > version.points:
            message = _("points must not exceed the question's %(points)d.") % {
                "points": version.points
            }
            raise APIError(_("Invalid request data"), {"points": [str(message)]})
        now = timezone.now()
        attempt = item.attempt
        was_pending = item.status == ItemStatus.PENDING
        if was_pending:
            # A review ahead of the evaluator: it may be the write that leaves nothing pending.
            _lock_attempt(attempt)
        previous_points = item.points_earned
        review = ItemReview.objects.create(
            item=item,
            reviewer=reviewer if getattr(reviewer, "pk", None) else None,
            # The column's length: a host's user model may allow longer names.
            reviewer_name=str(getattr(reviewer, "get_username", lambda: "")() or "")[:255],
            points_earned=as_points(points),
            dimension_scores=scores,
            comment=comment,
            previous_points=item.points_earned,
        )
        item.status, item.points_earned = ItemStatus.REVIEWED, as_points(points)
        if scores:
            item.dimension_scores = scores
        item.scored_at = now
        item.save(update_fields=["status", "points_earned", "dimension_scores", "scored_at"])
        context = _signal_context(attempt)
        panel = context["panel"]
        actor = reviewer if getattr(reviewer, "pk", None) else None
        signals.send_on_commit(
            signals.item_reviewed,
            AttemptItem,
            item=item,
            actor=actor,
            review=review,
            **context,
        )
        if not (was_pending and _announce_if_evaluated(attempt)):
            refresh_total(attempt)
        audit(
            "attempt item reviewed: organization=%s panel=%s item=%s user=%s "
            "previous_points=%s points=%s",
            organization_uuid(organization),
            panel.uuid,
            item.uuid,
            getattr(reviewer, "pk", None),
            previous_points,
            item.points_earned,
        )
    return item


def _announce(event: str, attempt: Attempt) -> None:
    transaction.on_commit(
        partial(logger.info, "%s: attempt=%s panel=%s", event, attempt.uuid, attempt.panel_id)
    )

"""The interview's signals: each sent once per real change with its documented arguments, only
after the commit, never for a change rolled back or repeated, and a failing receiver never
reaches the client. Also the review's audit line."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from django_interview_panels import signals
from django_interview_panels.interviews import services, tasks
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ItemReview,
    ItemStatus,
    PanelCandidate,
)
from tests import factories

from .conftest import INTERVIEW, open_panel, token_client
from .evaluation import (
    DUMMY_TASKS,
    CountingEvaluator,
    RefusingEvaluator,
    answered,
    evaluator_path,
    forget_calls,
    give_keywords,
)
from .taking import REVIEWS, reviewer_client

ATTEMPT_SIGNALS = {
    "attempt_started": signals.attempt_started,
    "attempt_submitted": signals.attempt_submitted,
    "attempt_expired": signals.attempt_expired,
    "attempt_evaluated": signals.attempt_evaluated,
    "item_reviewed": signals.item_reviewed,
}


class Recorder:
    """Receives every interview signal; keeps (name, sender, kwargs) in the order sent, and the
    candidate's score as the database holds it when each one arrives."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, dict[str, Any]]] = []
        self.scores: list[int] = []
        self._receivers = []
        for name, signal in ATTEMPT_SIGNALS.items():

            def receive(sender: Any, signal: Any = None, _name: str = name, **kwargs: Any) -> None:
                self.sent.append((_name, sender, kwargs))
                self.scores.append(
                    PanelCandidate.objects.get(pk=kwargs["assignment"].pk).score or 0
                )

            self._receivers.append((signal, receive))
            signal.connect(receive, weak=False)

    def names(self) -> list[str]:
        return [name for name, _sender, _kwargs in self.sent]

    def one(self, name: str) -> tuple[Any, dict[str, Any]]:
        found = [(sender, kwargs) for sent, sender, kwargs in self.sent if sent == name]
        assert len(found) == 1, self.names()
        return found[0]

    def disconnect(self) -> None:
        for signal, receive in self._receivers:
            signal.disconnect(receive)


@pytest.fixture
def recorder() -> Any:
    recording = Recorder()
    yield recording
    recording.disconnect()


@pytest.fixture(autouse=True)
def _dummy_tasks(settings: Any) -> None:
    """The evaluation enqueued at a close is kept, not run: tests run it when they mean to."""
    settings.TASKS = DUMMY_TASKS
    forget_calls()


def use_evaluator(settings: Any, cls: type, **more: Any) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "EVALUATOR": evaluator_path(cls),
        **more,
    }


def assert_context(kwargs: dict[str, Any], assignment: PanelCandidate) -> Attempt:
    """The attempt, assignment and panel arguments name the candidate's attempt."""
    attempt = Attempt.objects.get(assignment=assignment)
    assert isinstance(kwargs["attempt"], Attempt) and kwargs["attempt"].pk == attempt.pk
    assert isinstance(kwargs["assignment"], PanelCandidate)
    assert kwargs["assignment"].pk == assignment.pk
    assert kwargs["panel"].pk == assignment.panel_id
    return attempt


# --- attempt_started ----------------------------------------------------------------------------


def test_the_first_start_sends_attempt_started_once_committed_and_a_resume_sends_nothing(
    recorder, assignments, django_capture_on_commit_callbacks
):
    client = token_client(assignments[0].token)
    with django_capture_on_commit_callbacks() as callbacks:
        assert client.post(f"{INTERVIEW}start/").status_code == 201
        assert recorder.sent == []  # not before the commit
    for callback in callbacks:
        callback()

    sender, kwargs = recorder.one("attempt_started")
    assert sender is Attempt
    assert set(kwargs) == {"attempt", "assignment", "panel"}
    attempt = assert_context(kwargs, assignments[0])
    assert kwargs["attempt"].state == AttemptState.IN_PROGRESS
    assert kwargs["attempt"].started_at == attempt.started_at

    item = AttemptItem.objects.filter(attempt=attempt).first()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{INTERVIEW}start/").status_code == 200  # the resume
        assert client.get(f"{INTERVIEW}attempt/").status_code == 200
        for _same_twice in range(2):  # a save, then one that changes nothing
            answer = {"answer": "mutable"}
            saved = client.put(f"{INTERVIEW}answers/{item.uuid}/", answer, format="json")
            assert saved.status_code == 200
    assert recorder.names() == ["attempt_started"]


def test_a_start_refused_sends_nothing(recorder, tenant, django_capture_on_commit_callbacks):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    token = PanelCandidate.objects.filter(panel=panel).first().token
    with django_capture_on_commit_callbacks(execute=True):
        assert token_client(token).post(f"{INTERVIEW}start/").status_code == 409
    assert recorder.sent == []


# --- attempt_submitted --------------------------------------------------------------------------


def test_a_submit_sends_attempt_submitted_once_and_a_second_submit_nothing(
    recorder, tenant, assignments, django_capture_on_commit_callbacks
):
    give_keywords(tenant)
    answered(assignments[0])
    client = token_client(assignments[0].token)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{INTERVIEW}submit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{INTERVIEW}submit/").status_code == 200

    # The open answers wait for the evaluator: the evaluation has not finished.
    assert recorder.names() == ["attempt_submitted"]
    sender, kwargs = recorder.one("attempt_submitted")
    assert sender is Attempt
    assert set(kwargs) == {"attempt", "assignment", "panel"}
    assert_context(kwargs, assignments[0])
    assert kwargs["attempt"].state == AttemptState.SUBMITTED
    assert kwargs["attempt"].submitted_at is not None


def test_a_submit_rolled_back_sends_nothing(
    recorder, assignments, django_capture_on_commit_callbacks
):
    answered(assignments[0])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submit_attempt(assignment=assignments[0])
        raise RuntimeError("the request failed after the submit")

    assert recorder.sent == []
    assert Attempt.objects.get().state == AttemptState.IN_PROGRESS


def test_a_submit_that_leaves_nothing_for_the_evaluator_also_sends_attempt_evaluated(
    recorder, assignments, django_capture_on_commit_callbacks
):
    services.start_attempt(assignment=assignments[0])  # no answers: unanswered items score 0
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(assignment=assignments[0])

    assert recorder.names() == ["attempt_submitted", "attempt_evaluated"]
    sender, kwargs = recorder.one("attempt_evaluated")
    assert sender is Attempt
    assert set(kwargs) == {"attempt", "assignment", "panel", "needs_review"}
    assert_context(kwargs, assignments[0])
    assert kwargs["needs_review"] == 0
    assert not AttemptItem.objects.filter(status=ItemStatus.PENDING).exists()


# --- attempt_expired ----------------------------------------------------------------------------


def test_the_sweep_sends_attempt_expired_with_reason_deadline_once(
    recorder, tenant, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant, time_limit_minutes=5)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    services.start_attempt(assignment=assignment)
    later = timezone.now() + dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired_attempts(now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_expired_attempts(now=later) == 0

    assert recorder.names() == ["attempt_expired", "attempt_evaluated"]
    sender, kwargs = recorder.one("attempt_expired")
    assert sender is Attempt
    assert set(kwargs) == {"attempt", "assignment", "panel", "reason"}
    assert kwargs["reason"] == "deadline"
    attempt = assert_context(kwargs, assignment)
    assert kwargs["attempt"].state == attempt.state == AttemptState.EXPIRED


def test_a_submit_past_the_deadline_sends_attempt_expired_not_submitted(
    recorder, tenant, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant, time_limit_minutes=10)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    client = token_client(assignment.token)
    assert client.post(f"{INTERVIEW}start/").status_code == 201
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        # A refused save writes nothing and sends nothing; the submit closes the attempt.
        item = AttemptItem.objects.first()
        late = client.put(f"{INTERVIEW}answers/{item.uuid}/", {"answer": "b"}, format="json")
        assert late.status_code == 409
        assert recorder.sent == []
        assert client.post(f"{INTERVIEW}submit/").json()["data"]["state"] == "expired"

    assert "attempt_submitted" not in recorder.names()
    assert recorder.one("attempt_expired")[1]["reason"] == "deadline"


def test_a_withdrawal_sends_attempt_expired_with_reason_withdrawn_once(
    recorder, assignments, django_capture_on_commit_callbacks
):
    services.start_attempt(assignment=assignments[0])
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = services.withdraw_attempt(assignment=assignments[0])
    with django_capture_on_commit_callbacks(execute=True):
        again = services.withdraw_attempt(assignments[0], timezone.now())  # as erasure calls it
        assert again.pk == withdrawn.pk and again.state == AttemptState.WITHDRAWN
        assert services.withdraw_attempt(assignment=assignments[1]) is None  # no attempt

    assert withdrawn.state == AttemptState.WITHDRAWN
    stored = Attempt.objects.get(pk=withdrawn.pk)
    assert stored.state == AttemptState.WITHDRAWN
    assert stored.closed_at is not None and stored.submitted_at is None
    assert recorder.names() == ["attempt_expired", "attempt_evaluated"]
    _sender, kwargs = recorder.one("attempt_expired")
    assert kwargs["reason"] == "withdrawn"
    assert_context(kwargs, assignments[0])


def test_a_withdrawal_past_the_deadline_closes_the_attempt_as_expired_at_its_deadline(
    recorder, tenant, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant, time_limit_minutes=5)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    attempt = services.start_attempt(assignment=assignment)
    later = timezone.now() + dt.timedelta(minutes=6)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_attempt(assignment=assignment, now=later)

    attempt.refresh_from_db()
    assert attempt.state == AttemptState.EXPIRED
    assert attempt.closed_at == attempt.started_at + dt.timedelta(minutes=5)
    assert recorder.one("attempt_expired")[1]["reason"] == "deadline"


def test_a_withdrawal_of_a_submitted_attempt_changes_and_sends_nothing(
    recorder, assignments, django_capture_on_commit_callbacks
):
    services.start_attempt(assignment=assignments[0])
    services.submit_attempt(assignment=assignments[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.withdraw_attempt(assignment=assignments[0]).state == "submitted"
    assert Attempt.objects.get().state == AttemptState.SUBMITTED
    assert recorder.sent == []


# --- attempt_evaluated --------------------------------------------------------------------------


def _submitted_with_open_answers(tenant: Any, assignment: PanelCandidate) -> Attempt:
    give_keywords(tenant)
    attempt = answered(assignment)
    services.submit_attempt(assignment=assignment)
    return attempt


def test_the_evaluation_task_sends_attempt_evaluated_once_with_the_total_written(
    settings, recorder, tenant, assignments, django_capture_on_commit_callbacks
):
    use_evaluator(settings, CountingEvaluator)
    attempt = _submitted_with_open_answers(tenant, assignments[0])
    assert recorder.sent == []  # the submit's callbacks were not run: nothing sent

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.evaluate_attempt.call(str(attempt.uuid)) == 6
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.evaluate_attempt.call(str(attempt.uuid)) == 0  # a re-run

    assert recorder.names() == ["attempt_evaluated"]
    sender, kwargs = recorder.one("attempt_evaluated")
    assert sender is Attempt
    assert kwargs["needs_review"] == 0
    assert_context(kwargs, assignments[0])
    # A receiver reads the candidate's total as it stands once everything is scored.
    assert recorder.scores == [6]


def test_attempt_evaluated_counts_the_items_left_for_a_reviewer(
    settings, recorder, tenant, assignments, django_capture_on_commit_callbacks
):
    use_evaluator(settings, RefusingEvaluator, EVALUATION_ATTEMPTS=1)
    attempt = _submitted_with_open_answers(tenant, assignments[0])

    with django_capture_on_commit_callbacks(execute=True):
        tasks.evaluate_attempt.call(str(attempt.uuid))

    _sender, kwargs = recorder.one("attempt_evaluated")
    assert kwargs["needs_review"] == 6
    assert AttemptItem.objects.filter(status=ItemStatus.NEEDS_REVIEW).count() == 6


def test_an_evaluation_rolled_back_sends_nothing(
    settings, recorder, tenant, assignments, django_capture_on_commit_callbacks
):
    use_evaluator(settings, CountingEvaluator)
    attempt = _submitted_with_open_answers(tenant, assignments[0])

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.evaluate_attempt(attempt_uuid=attempt.uuid)
        raise RuntimeError("rolled back")

    assert recorder.sent == []
    assert AttemptItem.objects.filter(status=ItemStatus.PENDING).count() == 6


# --- item_reviewed and the review's audit line --------------------------------------------------


@pytest.fixture
def reviewer(tenant, settings) -> Any:
    return reviewer_client(tenant, settings)


def _review(client: Any, item: AttemptItem, points: int = 1) -> Any:
    """A reviewer's score for ``item`` (each question is worth one point)."""
    return client.post(f"{REVIEWS}{item.uuid}/", {"points": points}, format="json")


def test_a_review_sends_item_reviewed_with_its_arguments(
    settings, recorder, tenant, assignments, reviewer, django_capture_on_commit_callbacks
):
    use_evaluator(settings, RefusingEvaluator, EVALUATION_ATTEMPTS=1)
    attempt = _submitted_with_open_answers(tenant, assignments[0])
    services.evaluate_attempt(attempt_uuid=attempt.uuid)  # every item needs review
    item = AttemptItem.objects.filter(attempt=attempt).order_by("position").first()

    with django_capture_on_commit_callbacks() as callbacks:
        assert _review(reviewer, item).status_code == 200
        assert recorder.sent == []  # not before the commit
    for callback in callbacks:
        callback()

    assert recorder.names() == ["item_reviewed"]  # the evaluation had finished before
    sender, kwargs = recorder.one("item_reviewed")
    assert sender is AttemptItem
    assert set(kwargs) == {
        "item",
        "attempt",
        "assignment",
        "panel",
        "actor",
        "review",
    }
    assert_context(kwargs, assignments[0])
    assert kwargs["item"].pk == item.pk
    assert kwargs["item"].status == ItemStatus.REVIEWED
    assert kwargs["item"].points_earned == Decimal(1)
    assert kwargs["review"] == ItemReview.objects.get(item=item)
    reviewer_user = ItemReview.objects.get(item=item).reviewer
    assert kwargs["actor"] == reviewer_user is not None
    assert recorder.scores == [1]

    # A second review of the same item is a change too: sent again.
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(reviewer, item, points=0).status_code == 200
    assert recorder.names() == ["item_reviewed", "item_reviewed"]
    assert recorder.sent[1][2]["review"].previous_points == Decimal(1)


def test_a_review_refused_or_rolled_back_sends_nothing(
    recorder, caplog, tenant, assignments, reviewer, django_capture_on_commit_callbacks
):
    attempt = _submitted_with_open_answers(tenant, assignments[0])
    item = AttemptItem.objects.filter(attempt=attempt).order_by("position").first()
    caplog.set_level(logging.INFO, logger="django_interview_panels")
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(reviewer, item, points=10_000).status_code == 400
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.review_item(
            organization=tenant.organization,
            item_uuid=item.uuid,
            reviewer=tenant.hr,
            dimension_scores=None,
            points=Decimal(1),
            comment="",
        )
        raise RuntimeError("rolled back")
    assert recorder.sent == []
    assert not ItemReview.objects.exists()
    assert not [r for r in caplog.records if "reviewed" in r.getMessage()]  # no audit line


def test_a_review_of_the_last_pending_item_finishes_the_evaluation(
    recorder, tenant, assignments, reviewer, django_capture_on_commit_callbacks
):
    attempt = _submitted_with_open_answers(tenant, assignments[0])
    items = list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))
    # The evaluator has not run: the reviewer scores the open answers ahead of it.
    with django_capture_on_commit_callbacks(execute=True):
        for item in items[:-1]:
            assert _review(reviewer, item).status_code == 200
    assert "attempt_evaluated" not in recorder.names()
    with django_capture_on_commit_callbacks(execute=True):
        assert _review(reviewer, items[-1]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert services.evaluate_attempt(attempt_uuid=attempt.uuid) == 0

    assert recorder.names() == ["item_reviewed"] * 6 + ["attempt_evaluated"]
    _sender, kwargs = recorder.one("attempt_evaluated")
    assert kwargs["needs_review"] == 0
    assert recorder.scores[-1] == 6


def test_a_review_writes_one_audit_line_with_actor_organization_panel_item_and_points(
    caplog, tenant, assignments, reviewer, django_capture_on_commit_callbacks
):
    attempt = _submitted_with_open_answers(tenant, assignments[0])
    item = AttemptItem.objects.filter(attempt=attempt).order_by("position").first()
    with caplog.at_level(logging.INFO, logger="django_interview_panels"):
        with django_capture_on_commit_callbacks() as callbacks:
            assert _review(reviewer, item, points=1).status_code == 200
            assert not [r for r in caplog.records if "reviewed" in r.getMessage()]
        for callback in callbacks:  # the commit
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            assert _review(reviewer, item, points=0).status_code == 200

    lines = [r.getMessage() for r in caplog.records if "item reviewed" in r.getMessage()]
    user = ItemReview.objects.filter(item=item).first().reviewer
    panel = attempt.panel
    assert lines == [
        f"attempt item reviewed: organization={tenant.uuid} panel={panel.uuid} item={item.uuid} "
        f"user={user.pk} previous_points=None points=1.0000",
        f"attempt item reviewed: organization={tenant.uuid} panel={panel.uuid} item={item.uuid} "
        f"user={user.pk} previous_points=1.0000 points=0.0000",
    ]
    assert all(r.name == "django_interview_panels" for r in caplog.records if "item rev" in r.msg)


# --- Receivers that fail ------------------------------------------------------------------------


def test_a_receiver_that_raises_is_logged_and_neither_the_client_nor_others_notice(
    recorder, caplog, assignments, django_capture_on_commit_callbacks
):
    def broken(sender: Any, **kwargs: Any) -> None:
        raise ValueError("the host's webhook is down")

    signals.attempt_started.connect(broken, weak=False)
    signals.attempt_submitted.connect(broken, weak=False)
    try:
        client = token_client(assignments[0].token)
        with (
            caplog.at_level(logging.ERROR, logger="django_interview_panels"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert client.post(f"{INTERVIEW}start/").status_code == 201
            assert client.post(f"{INTERVIEW}submit/").status_code == 200
    finally:
        signals.attempt_started.disconnect(broken)
        signals.attempt_submitted.disconnect(broken)

    assert recorder.names()[:2] == ["attempt_started", "attempt_submitted"]
    failures = [r for r in caplog.records if r.getMessage().startswith("signal receiver")]
    assert len(failures) == 2
    assert all(isinstance(r.exc_info[1], ValueError) for r in failures)
    assert Attempt.objects.get().state == AttemptState.SUBMITTED


# --- After a real commit ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_signals_wait_for_the_real_commit(recorder, tenant):
    panel = open_panel(tenant)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    with transaction.atomic():
        services.start_attempt(assignment=assignment)
        assert recorder.sent == []
    assert recorder.names() == ["attempt_started"]

    with transaction.atomic():
        services.submit_attempt(assignment=assignment)
        assert recorder.names() == ["attempt_started"]
    # Submitted and, the unanswered items scored by the rules, evaluated.
    assert recorder.names() == ["attempt_started", "attempt_submitted", "attempt_evaluated"]

    with pytest.raises(RuntimeError), transaction.atomic():
        services.start_attempt(assignment=PanelCandidate.objects.exclude(pk=assignment.pk)[0])
        raise RuntimeError("rolled back")
    assert len(recorder.sent) == 3


# --- No queries -----------------------------------------------------------------------------


def test_receivers_following_the_arguments_relations_run_no_query(
    settings, tenant, assignments, reviewer, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries: list[tuple[str, int]] = []

    def follow(sender: Any, signal: Any = None, **kwargs: Any) -> None:
        with CaptureQueriesContext(connection) as captured:
            attempt = kwargs["attempt"]
            assert attempt.assignment is kwargs["assignment"]
            assert attempt.assignment.panel is kwargs["panel"]
            assert attempt.panel.uuid == kwargs["panel"].uuid
            if "item" in kwargs:
                assert kwargs["item"].attempt is attempt
                assert kwargs["review"].item is kwargs["item"]
        queries.append((next(n for n, s in ATTEMPT_SIGNALS.items() if s is signal), len(captured)))

    for signal in ATTEMPT_SIGNALS.values():
        signal.connect(follow, weak=False)
    try:
        use_evaluator(settings, RefusingEvaluator, EVALUATION_ATTEMPTS=1)
        give_keywords(tenant)
        with django_capture_on_commit_callbacks(execute=True):
            attempt = answered(assignments[0])  # started
            services.submit_attempt(assignment=assignments[0])
            services.evaluate_attempt(attempt_uuid=attempt.uuid)  # all need review
            item = AttemptItem.objects.filter(attempt=attempt).first()
            assert _review(reviewer, item).status_code == 200
            services.start_attempt(assignment=assignments[1])
            services.withdraw_attempt(assignment=assignments[1])
    finally:
        for signal in ATTEMPT_SIGNALS.values():
            signal.disconnect(follow)

    assert queries == [
        ("attempt_started", 0),
        ("attempt_submitted", 0),
        ("attempt_evaluated", 0),
        ("item_reviewed", 0),
        ("attempt_started", 0),
        ("attempt_expired", 0),
        ("attempt_evaluated", 0),
    ]

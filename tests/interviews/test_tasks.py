"""Evaluation in the background: enqueued once on commit, idempotent, never a wrong score; and
the evaluate_answers and close_expired_attempts commands."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from django_interview_panels.interviews import services, tasks
from django_interview_panels.interviews.evaluators import Evaluation
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ItemStatus,
    PanelCandidate,
)

from .conftest import INTERVIEW, open_panel, token_client
from .evaluation import (
    DUMMY_TASKS,
    GOOD_ANSWER,
    IMMEDIATE_TASKS,
    CountingEvaluator,
    CrashingEvaluator,
    FlakyEvaluator,
    RefusingEvaluator,
    answered,
    enqueued,
    evaluator_path,
    forget_calls,
    give_keywords,
    score_of,
    submitted,
)

EVALUATE_ATTEMPT = "django_interview_panels.interviews.tasks.evaluate_attempt"


@pytest.fixture(autouse=True)
def _keywords_and_fresh_counts(tenant: Any) -> None:
    give_keywords(tenant)
    forget_calls()


@pytest.fixture
def dummy_tasks(settings: Any) -> None:
    """Tasks are kept by the dummy backend, not run."""
    settings.TASKS = DUMMY_TASKS


def use_evaluator(settings: Any, cls: type, **interview_panels: Any) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "EVALUATOR": evaluator_path(cls),
        **interview_panels,
    }


def open_items(attempt: Attempt) -> list[AttemptItem]:
    return list(AttemptItem.objects.filter(attempt=attempt).order_by("position"))


# --- Enqueued once, on commit -------------------------------------------------------------------


def test_submit_enqueues_one_evaluation_with_the_attempts_uuid_once_committed(
    dummy_tasks, assignments, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        attempt = submitted(assignments[0])
        assert enqueued() == []  # not before the commit

    for callback in callbacks:
        callback()

    [result] = enqueued()
    assert result.task.module_path == EVALUATE_ATTEMPT
    assert (result.args, result.kwargs) == ([str(attempt.uuid)], {})


def test_a_submit_rolled_back_enqueues_nothing(
    dummy_tasks, assignments, django_capture_on_commit_callbacks
):
    attempt = answered(assignments[0])

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.submit_attempt(assignment=assignments[0])
        raise RuntimeError("the request failed after the submit")

    assert enqueued() == []
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_a_second_submit_enqueues_nothing_more(
    dummy_tasks, assignments, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(assignments[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_attempt(assignment=assignments[0])

    assert len(enqueued()) == 1


def test_an_enqueued_evaluation_runs_as_its_arguments_say(
    settings, dummy_tasks, assignments, django_capture_on_commit_callbacks
):
    use_evaluator(settings, CountingEvaluator)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(assignments[0])
    [result] = enqueued()

    evaluated = result.task.call(*result.args, **result.kwargs)

    assert evaluated == 6
    assert score_of(assignments[0]) == 6


# --- Idempotent ---------------------------------------------------------------------------------


def test_running_the_task_twice_scores_once(settings, dummy_tasks, assignments):
    use_evaluator(settings, CountingEvaluator)
    attempt = submitted(assignments[0])

    first = tasks.evaluate_attempt.call(str(attempt.uuid))
    scored_at = [item.scored_at for item in open_items(attempt)]
    second = tasks.evaluate_attempt.call(str(attempt.uuid))

    assert (first, second) == (6, 0)
    assert len(CountingEvaluator.calls) == 6
    assert [item.scored_at for item in open_items(attempt)] == scored_at
    assert score_of(assignments[0]) == 6


def test_the_task_leaves_an_open_attempt_alone(settings, dummy_tasks, assignments):
    use_evaluator(settings, CountingEvaluator)
    attempt = answered(assignments[0])

    assert tasks.evaluate_attempt.call(str(attempt.uuid)) == 0
    assert CountingEvaluator.calls == []


def test_the_task_ignores_an_attempt_that_does_not_exist(db):
    assert tasks.evaluate_attempt.call("00000000-0000-4000-8000-000000000000") == 0


# --- Failures leave the item to a reviewer ------------------------------------------------------


def test_an_evaluator_that_always_refuses_leaves_the_items_needing_review(
    settings, dummy_tasks, assignments
):
    use_evaluator(settings, RefusingEvaluator, EVALUATION_ATTEMPTS=2)
    attempt = submitted(assignments[0])

    tasks.evaluate_attempt.call(str(attempt.uuid))

    items = open_items(attempt)
    assert len(RefusingEvaluator.calls) == 2 * len(items)
    assert {item.status for item in items} == {ItemStatus.NEEDS_REVIEW}
    assert {item.points_earned for item in items} == {None}
    assert {item.evaluator for item in items} == {"refusing/1"}
    assert all("the model refused" in item.rationale for item in items)
    assert score_of(assignments[0]) == 0


def test_the_default_number_of_tries_is_three(settings, dummy_tasks, assignments):
    use_evaluator(settings, RefusingEvaluator)
    attempt = submitted(assignments[0])

    tasks.evaluate_attempt.call(str(attempt.uuid))

    assert len(RefusingEvaluator.calls) == 3 * len(open_items(attempt))


def test_an_evaluator_that_crashes_is_treated_as_one_that_refuses(
    settings, dummy_tasks, assignments
):
    use_evaluator(settings, CrashingEvaluator, EVALUATION_ATTEMPTS=3)
    attempt = submitted(assignments[0])

    tasks.evaluate_attempt.call(str(attempt.uuid))

    items = open_items(attempt)
    assert len(CrashingEvaluator.calls) == 3 * len(items)
    assert {item.status for item in items} == {ItemStatus.NEEDS_REVIEW}
    assert {item.points_earned for item in items} == {None}
    assert score_of(assignments[0]) == 0


def test_an_item_left_for_review_is_not_evaluated_again(settings, dummy_tasks, assignments):
    use_evaluator(settings, RefusingEvaluator, EVALUATION_ATTEMPTS=1)
    attempt = submitted(assignments[0])
    tasks.evaluate_attempt.call(str(attempt.uuid))
    use_evaluator(settings, CountingEvaluator)
    calls = len(CountingEvaluator.calls)

    assert tasks.evaluate_attempt.call(str(attempt.uuid)) == 0
    assert len(CountingEvaluator.calls) == calls
    assert {item.status for item in open_items(attempt)} == {ItemStatus.NEEDS_REVIEW}


def test_a_failure_within_the_tries_is_retried_to_a_score(settings, dummy_tasks, assignments):
    use_evaluator(settings, FlakyEvaluator, EVALUATION_ATTEMPTS=2)
    attempt = submitted(assignments[0])

    tasks.evaluate_attempt.call(str(attempt.uuid))

    assert {item.status for item in open_items(attempt)} == {ItemStatus.EVALUATED}
    assert score_of(assignments[0]) == 6


# --- The immediate backend (the default) --------------------------------------------------------


def test_with_the_immediate_backend_the_score_is_there_after_submit(
    settings, assignments, hr_client, panel, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    candidate = token_client(assignments[0].token)
    items = candidate.post(f"{INTERVIEW}start/").json()["data"]["items"]
    for item in items[:4]:
        response = candidate.put(
            f"{INTERVIEW}answers/{item['uuid']}/", {"answer": GOOD_ANSWER}, format="json"
        )
        assert response.status_code == 200, response.json()

    with django_capture_on_commit_callbacks(execute=True):
        assert candidate.post(f"{INTERVIEW}submit/").status_code == 200

    # The default evaluator: 4 answers with every keyword, 2 left blank.
    assert score_of(assignments[0]) == 4
    statuses = sorted(AttemptItem.objects.values_list("status", flat=True))
    assert statuses == ["evaluated"] * 4 + ["scored"] * 2
    read = hr_client.get(f"/api/panel/get/{panel.uuid}/").json()["data"]
    scores = {c["uuid"]: c["score"] for c in read["candidates"]}
    assert scores[str(assignments[0].uuid)] == 4


def test_the_default_task_backend_is_the_immediate_one(assignments):
    backend = tasks.evaluate_attempt.get_backend()

    assert type(backend).__name__ == "ImmediateBackend"


# --- manage.py evaluate_answers -----------------------------------------------------------------


def test_evaluate_answers_enqueues_each_closed_attempt_with_pending_answers(
    dummy_tasks, assignments
):
    # Submitted outside on_commit capture: the test transaction never commits, nothing enqueued.
    first, second = submitted(assignments[0]), submitted(assignments[1])
    answered(assignments[2])  # still open: not evaluated yet
    out = StringIO()

    call_command("evaluate_answers", stdout=out)

    assert sorted(result.args[0] for result in enqueued()) == sorted(
        [str(first.uuid), str(second.uuid)]
    )
    assert out.getvalue() == "Enqueued the evaluation of 2 attempt(s).\n"


def test_evaluate_answers_enqueues_a_withdrawn_attempt_with_pending_answers(
    dummy_tasks, assignments
):
    attempt = answered(assignments[0])
    services.withdraw_attempt(assignment=assignments[0])  # a manager removed the candidate

    call_command("evaluate_answers", stdout=StringIO())

    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.WITHDRAWN
    assert [result.args[0] for result in enqueued()] == [str(attempt.uuid)]


def test_evaluate_answers_skips_attempts_with_nothing_pending(settings, dummy_tasks, assignments):
    use_evaluator(settings, CountingEvaluator)
    attempt = submitted(assignments[0])
    tasks.evaluate_attempt.call(str(attempt.uuid))

    call_command("evaluate_answers", stdout=StringIO())

    assert enqueued() == []


def test_evaluate_answers_takes_one_panel(dummy_tasks, tenant, assignments):
    other_panel = open_panel(tenant)
    elsewhere = PanelCandidate.objects.filter(panel=other_panel).first()
    submitted(assignments[0])
    theirs = submitted(elsewhere)

    call_command("evaluate_answers", "--panel", str(other_panel.uuid), stdout=StringIO())

    assert [result.args[0] for result in enqueued()] == [str(theirs.uuid)]


@pytest.mark.parametrize("value", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_evaluate_answers_refuses_a_panel_it_cannot_find(db, value):
    with pytest.raises(CommandError, match="No interview panel"):
        call_command("evaluate_answers", "--panel", value)


def test_evaluate_answers_leaves_a_deleted_panels_attempts(dummy_tasks, panel, assignments):
    submitted(assignments[0])
    panel.__class__.objects.filter(pk=panel.pk).update(is_deleted=True)

    call_command("evaluate_answers", stdout=StringIO())

    assert enqueued() == []


def test_evaluate_answers_with_the_immediate_backend_scores_at_once(settings, assignments):
    settings.TASKS = IMMEDIATE_TASKS
    submitted(assignments[0])
    assert score_of(assignments[0]) == 0

    call_command("evaluate_answers", stdout=StringIO())

    assert score_of(assignments[0]) == 6


def test_evaluate_answers_says_so_when_the_backend_refuses(settings, assignments):
    settings.TASKS = {"default": {"BACKEND": "no_such_module.Backend"}}
    submitted(assignments[0])

    with pytest.raises(CommandError, match="refused the evaluation"):
        call_command("evaluate_answers", stdout=StringIO())


# --- manage.py close_expired_attempts -----------------------------------------------------------


def expire(assignment: PanelCandidate) -> None:
    """Move the candidate's end (their token's expiry) an hour into the past."""
    PanelCandidate.objects.filter(pk=assignment.pk).update(
        token_expires_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_close_expired_attempts_closes_and_scores_the_attempts_past_their_deadline(
    settings, assignments, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE_TASKS
    late, on_time = answered(assignments[0]), answered(assignments[1])
    expire(assignments[0])
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("close_expired_attempts", stdout=out)

    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.state, on_time.state) == (AttemptState.EXPIRED, AttemptState.IN_PROGRESS)
    assert out.getvalue() == "Closed 1 expired attempt(s).\n"
    assert score_of(assignments[0]) == 6
    assert score_of(assignments[1]) == 0


def test_close_expired_attempts_twice_closes_once(assignments):
    answered(assignments[0])
    expire(assignments[0])
    call_command("close_expired_attempts", stdout=StringIO())
    out = StringIO()

    call_command("close_expired_attempts", stdout=out)

    assert out.getvalue() == "Closed 0 expired attempt(s).\n"


def test_the_close_expired_attempts_task_closes_them_too(assignments):
    attempt = answered(assignments[0])
    expire(assignments[0])

    assert tasks.close_expired_attempts.call() == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.EXPIRED


class NotANumberEvaluator(CountingEvaluator):
    """Returns points that are not a number: a broken third-party evaluator."""

    name = "nan"

    def evaluate(self, request):
        super().evaluate(request)
        return Evaluation(points=float("nan"), rationale="?", evaluator="nan", version="1")


def test_an_evaluation_with_unusable_points_leaves_the_item_for_a_reviewer(
    settings, dummy_tasks, assignments
):
    use_evaluator(settings, NotANumberEvaluator, EVALUATION_ATTEMPTS=2)
    attempt = submitted(assignments[0])

    tasks.evaluate_attempt.call(str(attempt.uuid))

    items = open_items(attempt)
    assert {item.status for item in items} == {ItemStatus.NEEDS_REVIEW}
    assert {item.points_earned for item in items} == {None}

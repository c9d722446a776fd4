"""Helpers of the evaluation tests: closed attempts with open answers the evaluator can judge,
test evaluators that count their calls, and the task backends of this Django."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from typing import Any, ClassVar

from django_interview_panels.interviews import services, tasks
from django_interview_panels.interviews.evaluators import (
    BaseEvaluator,
    Evaluation,
    EvaluationError,
    EvaluationRequest,
)
from django_interview_panels.models import Attempt, PanelCandidate, Question

# django.tasks on Django 6, the django-tasks backport on 5.2 (as compat.py picks).
_TASKS = "django.tasks" if importlib.util.find_spec("django.tasks") else "django_tasks"
DUMMY_TASKS = {"default": {"BACKEND": f"{_TASKS}.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": f"{_TASKS}.backends.immediate.ImmediateBackend"}}

KEY = {
    "expected_answer": "A mutable, ordered sequence.",
    "keywords": ["mutable", "ordered"],
    "keyword_coverage": 1,
}
GOOD_ANSWER = "Lists are mutable and ordered."


def give_keywords(tenant: Any) -> None:
    """Every question of ``tenant``'s bank gets an answer key with keywords (written straight to
    the table: the first draw makes their versions)."""
    Question.objects.filter(subtopic__topic__category=tenant.category).update(answer_key=KEY)


def answered(assignment: PanelCandidate, answer: str = GOOD_ANSWER) -> Attempt:
    """Start ``assignment``'s attempt and answer every item with ``answer``."""
    attempt = services.start_attempt(assignment=assignment)
    for item in attempt.items.order_by("position"):
        services.save_answer(assignment=assignment, item_uuid=item.uuid, answer=answer)
    return attempt


def submitted(assignment: PanelCandidate, answer: str = GOOD_ANSWER) -> Attempt:
    """``answered``, then submitted (the evaluation is enqueued on commit: the caller decides
    whether the commit callbacks run)."""
    attempt = answered(assignment, answer)
    services.submit_attempt(assignment=assignment)
    attempt.refresh_from_db()
    return attempt


def enqueued() -> list[Any]:
    """The task results the dummy backend holds."""
    return list(tasks.evaluate_attempt.get_backend().results)


def score_of(assignment: PanelCandidate) -> int:
    return PanelCandidate.objects.get(pk=assignment.pk).score


class CountingEvaluator(BaseEvaluator):
    """Gives every answer all the points; counts its calls (class-wide: get_evaluator builds the
    instance)."""

    name = "counting"
    calls: ClassVar[list[str]] = []

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        type(self).calls.append(request.answer)
        return Evaluation(
            points=Decimal(request.question.points),
            rationale="All there.",
            evaluator=self.name,
            version=self.version,
        )


class RefusingEvaluator(CountingEvaluator):
    """Raises ``EvaluationError`` on every call."""

    name = "refusing"

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        type(self).calls.append(request.answer)
        raise EvaluationError("the model refused")


class CrashingEvaluator(CountingEvaluator):
    """Fails with an exception no evaluator should raise (a bug) on every call."""

    name = "crashing"

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        type(self).calls.append(request.answer)
        raise ZeroDivisionError("a bug in the evaluator")


class FlakyEvaluator(CountingEvaluator):
    """Fails the first call for each question, then scores it like ``CountingEvaluator``."""

    name = "flaky"
    failed: ClassVar[set[int]] = set()

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        if request.question.pk not in self.failed:
            self.failed.add(request.question.pk)
            type(self).calls.append(request.answer)
            raise EvaluationError("try again")
        return super().evaluate(request)


def forget_calls() -> None:
    CountingEvaluator.calls.clear()
    FlakyEvaluator.failed.clear()


def evaluator_path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"

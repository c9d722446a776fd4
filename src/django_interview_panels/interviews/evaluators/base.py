"""The evaluator interface: what scores an open answer.

Like Django's email and cache backends: a small base class, one method to implement, a default
that works offline, and the host's choice by dotted path (``INTERVIEW_PANELS["EVALUATOR"]``,
options in ``INTERVIEW_PANELS["EVALUATOR_OPTIONS"]``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core import checks


class EvaluationError(Exception):
    """The evaluator could not score this answer (a timeout, a refusal, an unusable reply).

    The item is asked about again up to ``EVALUATION_ATTEMPTS`` times, then left for a reviewer:
    never given a score the evaluator did not stand behind.
    """


@dataclass(frozen=True)
class Dimension:
    """A rubric dimension an answer may be scored on, with its weight for this question."""

    uuid: str
    name: str
    description: str
    weight: int


@dataclass(frozen=True)
class EvaluationRequest:
    """What an evaluator gets: the question as the candidate saw it, the answer, the rubric."""

    # The ``QuestionVersion`` the candidate answered (text, points, answer_key, ...).
    question: Any
    answer: str
    dimensions: tuple[Dimension, ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """What an evaluator returns. ``points`` lies between 0 and the question's points;
    ``dimension_scores`` maps rubric dimension UUIDs to 0..100 (empty when not judged)."""

    points: Decimal
    rationale: str
    evaluator: str
    version: str
    dimension_scores: dict[str, int] = field(default_factory=dict)


class BaseEvaluator:
    """Scores one open answer. Subclasses implement ``evaluate``; one instance serves every
    request and task of a process, so it keeps no per-answer state."""

    # Shown with each score it gives (``AttemptItem.evaluator`` is "name/version").
    name = "base"
    version = "1"

    def __init__(self, **options: Any) -> None:
        self.options = options

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        """Score ``request.answer``; raise ``EvaluationError`` when it cannot be judged."""
        raise NotImplementedError("subclasses of BaseEvaluator must provide an evaluate() method")

    def check(self) -> list[checks.CheckMessage]:
        """Configuration problems, reported by ``manage.py check`` as Django's backends do."""
        return []

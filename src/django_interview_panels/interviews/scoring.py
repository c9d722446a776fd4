"""What an answer earns: the bank's rules per kind applied to an item, the total of an attempt.

Points are ``Decimal`` with four places (the column's); a candidate's total, the ``score`` of the
panel responses, is the sum of its items' points rounded half up to an integer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..bank import scoring as rules
from ..models import QuestionKind

POINTS_PLACES = Decimal("0.0001")


def as_points(value: float | Decimal) -> Decimal:
    """``value`` as stored: four decimal places."""
    return Decimal(str(value)).quantize(POINTS_PLACES, rounding=ROUND_HALF_UP)


def total_score(points: Decimal | None) -> int:
    """A candidate's integer score from the sum of their items' points (half up)."""
    if points is None:
        return 0
    return int(Decimal(points).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def canonical_choices(choice_order: list[int], selected: list[int]) -> list[int]:
    """Displayed positions as indexes into the version's ``choices``."""
    if not choice_order:
        return list(selected)
    return [choice_order[position] for position in selected]


def rule_share(kind: str, answer_key: dict[str, Any], choices: int, answer: Any) -> float:
    """The share of the points an answer earns by its kind's rule (not for open questions).

    ``answer`` is already in canonical form (choice indexes into the stored ``choices``); no
    answer earns nothing.
    """
    if answer is None:
        return 0.0
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return rules.choice_share(
            answer_key, answer, multiple=kind == QuestionKind.MULTIPLE_CHOICE, options=choices
        )
    if kind == QuestionKind.SHORT_ANSWER:
        return rules.short_answer_share(answer_key, answer)
    if kind == QuestionKind.NUMERIC:
        return rules.numeric_share(answer_key, float(answer))
    raise ValueError(f"{kind} answers are not scored by a rule")


def weighted_points(
    points: int, dimension_scores: dict[str, int], weights: dict[str, int]
) -> Decimal:
    """An item's points from scores (0..100) on rubric dimensions: the weighted mean of the
    scores given, as a share of ``points``. Dimensions of weight 0 do not count."""
    total_weight = sum(weights.get(key, 0) for key in dimension_scores)
    if not total_weight:
        return as_points(0)
    mean = sum(score * weights.get(key, 0) for key, score in dimension_scores.items())
    return as_points(Decimal(points) * Decimal(mean) / Decimal(100 * total_weight))

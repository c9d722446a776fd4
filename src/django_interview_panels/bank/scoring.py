"""How an answer to each automatically scoreable kind is scored: the rules docs/bank.md states.

Pure functions of a question's answer key and one answer, returning the share of the question's
points earned, between 0 and 1. Open questions are scored by an evaluator or a reviewer on the
rubric (the interview domain), not here.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any


def choice_share(
    answer_key: dict[str, Any], selected: list[int], *, multiple: bool, options: int
) -> float:
    """Single choice: 1 when the one correct option alone is selected, else 0.

    Multiple choice (``options`` choices in all): each correct option selected earns
    1 / (correct options), each wrong one selected costs 1 / (wrong options), never below 0 in
    all: Moodle's fractions, as the file formats write them. All the correct options and nothing
    else earns everything; selecting every option earns nothing.
    """
    correct = set(answer_key["correct"])
    chosen = set(selected)
    if not multiple:
        return 1.0 if chosen == correct else 0.0
    right, wrong = len(chosen & correct), len(chosen - correct)
    wrong_options = options - len(correct)
    penalty = wrong / wrong_options if wrong_options else 0.0
    return max(0.0, right / len(correct) - penalty)


def normalized(text: str, *, case_sensitive: bool, normalize_whitespace: bool) -> str:
    """``text`` as short answers are compared: NFC, whitespace runs collapsed and trimmed when
    ``normalize_whitespace``, case folded unless ``case_sensitive``."""
    text = unicodedata.normalize("NFC", text)
    if normalize_whitespace:
        text = " ".join(text.split())
    return text if case_sensitive else text.casefold()


def short_answer_share(answer_key: dict[str, Any], answer: str) -> float:
    """1 when ``answer`` matches one accepted answer, both normalized alike, else 0."""
    options = {
        "case_sensitive": answer_key.get("case_sensitive", False),
        "normalize_whitespace": answer_key.get("normalize_whitespace", True),
    }
    given = normalized(answer, **options)
    accepted = {normalized(item, **options) for item in answer_key["accepted_answers"]}
    return 1.0 if given in accepted else 0.0


def numeric_share(answer_key: dict[str, Any], answer: float) -> float:
    """1 when ``answer`` lies within ``tolerance`` of ``value`` (bounds included), else 0."""
    if not math.isfinite(answer):
        return 0.0
    tolerance = answer_key.get("tolerance", 0)
    return 1.0 if abs(answer - answer_key["value"]) <= tolerance else 0.0

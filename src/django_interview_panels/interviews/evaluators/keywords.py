"""The default evaluator: expected keywords and red flags, offline and deterministic."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import checks

from ..scoring import as_points
from .base import BaseEvaluator, Evaluation, EvaluationError, EvaluationRequest

# Anything but letters, digits and the underscore separates words (linear: one class, one +).
_SEPARATORS = re.compile(r"[\W_]+")
# The answer key's default, as the bank's serializer has it.
DEFAULT_COVERAGE = Decimal("0.5")
DEFAULT_RED_FLAG_PENALTY = Decimal("0.25")


def normalized_words(text: str) -> str:
    """``text`` as keywords are matched: NFKC, case folded, every run of non-word characters one
    space, padded with a space at each end so ``" keyword "`` matches whole words only."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return f" {_SEPARATORS.sub(' ', text).strip()} "


def _share_option(value: Any) -> Decimal | None:
    """``value`` as a share from 0 to 1, or None when it is none (a bool, a text, NaN, 1.5)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        share = Decimal(str(value))
    except InvalidOperation:
        return None
    if not share.is_finite() or not Decimal(0) <= share <= Decimal(1):
        return None
    return share


def _terms(key: dict[str, Any], name: str) -> list[tuple[str, str]]:
    """The answer key's ``name`` list as (as written, normalized) pairs: one per distinct
    normalized term (``"List"`` and ``"list"`` are one keyword), none that normalizes to nothing
    (``"!!"`` would match every answer's word gaps)."""
    values = key.get(name, [])
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise EvaluationError(f"the answer key's {name} are not a list of texts")
    terms: dict[str, str] = {}
    for value in values:
        normalized = normalized_words(value)
        if normalized.strip():
            terms.setdefault(normalized, value)
    return [(written, normalized) for normalized, written in terms.items()]


class KeywordEvaluator(BaseEvaluator):
    """Scores an open answer by the share of the answer key's ``keywords`` it contains, against
    the ``keyword_coverage`` required, less a penalty per ``red_flags`` entry found.

    Coverage at or above the required share earns all the points, below it a proportional share
    (half the required coverage, half the points); each red flag found costs ``RED_FLAG_PENALTY``
    (default 0.25) of the points, never below 0. Words match whole, after NFKC normalization and
    case folding, with punctuation as a word gap. A question without keywords cannot be judged
    this way: it is left for a reviewer. Time is linear in the answer's length (one pass to
    normalize, one substring search per keyword).
    """

    name = "keywords"
    version = "1"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # An unusable value is reported by check() (E018), not raised here: the system checks
        # must be able to build the evaluator to report it.
        self.red_flag_penalty = _share_option(
            options.get("RED_FLAG_PENALTY", DEFAULT_RED_FLAG_PENALTY)
        )

    def evaluate(self, request: EvaluationRequest) -> Evaluation:
        if self.red_flag_penalty is None:
            raise EvaluationError("EVALUATOR_OPTIONS['RED_FLAG_PENALTY'] is not a share (E018)")
        key = request.question.answer_key
        if not isinstance(key, dict):
            raise EvaluationError("the question has no answer key")
        keywords = _terms(key, "keywords")
        if not keywords:
            raise EvaluationError("the answer key has no keywords to check")
        required = _share_option(key.get("keyword_coverage", DEFAULT_COVERAGE))
        if required is None:
            raise EvaluationError("the answer key's keyword_coverage is not a share from 0 to 1")
        red_flags = _terms(key, "red_flags")

        answer = normalized_words(request.answer)
        found = [written for written, normalized in keywords if normalized in answer]
        missing = [written for written, normalized in keywords if normalized not in answer]
        flags = [written for written, normalized in red_flags if normalized in answer]

        coverage = Decimal(len(found)) / Decimal(len(keywords))
        # A required share of 0 is met by any answer (and must not be divided by).
        share = Decimal(1) if coverage >= required else coverage / required
        share = max(Decimal(0), share - self.red_flag_penalty * len(flags))
        rationale = (
            f"Covered {len(found)} of {len(keywords)} expected keywords "
            f"({coverage:.0%} against {required:.0%} required)"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; red flags: {', '.join(flags)}" if flags else "")
            + "."
        )
        return Evaluation(
            points=as_points(share * request.question.points),
            rationale=rationale,
            evaluator=self.name,
            version=self.version,
        )

    def check(self) -> list[checks.CheckMessage]:
        if self.red_flag_penalty is None:
            return [
                checks.Error(
                    "INTERVIEW_PANELS['EVALUATOR_OPTIONS']['RED_FLAG_PENALTY'] must be a number "
                    f"from 0 to 1, not {self.options.get('RED_FLAG_PENALTY')!r}.",
                    id="interview_panels.E018",
                )
            ]
        unknown = sorted(set(self.options) - {"RED_FLAG_PENALTY"})
        if unknown:
            return [
                checks.Error(
                    f"INTERVIEW_PANELS['EVALUATOR_OPTIONS'] has {', '.join(map(repr, unknown))}, "
                    "which the keyword evaluator does not take.",
                    hint="Its only option is RED_FLAG_PENALTY (a share of the points, 0 to 1).",
                    id="interview_panels.E018",
                )
            ]
        return []

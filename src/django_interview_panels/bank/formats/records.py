"""The format-level question record: what a file holds, before any model or database sees it.

A record is immutable and hashable, so a parse result can be compared, deduplicated and used as a
dictionary key. The answer key is one frozen dataclass per kind (``OpenKey``, ``ChoiceKey``,
``ShortAnswerKey``, ``NumericKey``); ``QuestionRecord`` checks that the key matches the kind.

Records check their shape (kinds, indices, types), never the caps: an export must be able to
write any record the bank holds, and the parsers apply the caps (``FormatLimits``) on import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

KINDS = ("open", "single_choice", "multiple_choice", "short_answer", "numeric")
CHOICE_KINDS = ("single_choice", "multiple_choice")
DIFFICULTIES = ("easy", "medium", "hard")


def _freeze(instance: Any, name: str) -> None:
    """Store a list given for a tuple field as a tuple, so the record stays hashable."""
    value = getattr(instance, name)
    if isinstance(value, list):
        object.__setattr__(instance, name, tuple(value))
    if not isinstance(getattr(instance, name), tuple):
        raise ValueError(f"{name} must be a tuple")


def _check_strings(name: str, values: tuple[Any, ...]) -> None:
    for value in values:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"every item of {name} must be a non-empty string")


@dataclass(frozen=True)
class OpenKey:
    """An open question's key: what an evaluator or reviewer scores a free-text answer against."""

    expected_answer: str = ""
    ideal_answer_summary: str = ""
    keywords: tuple[str, ...] = ()
    # Share of the keywords an answer must cover, in [0, 1].
    keyword_coverage: float = 0.0
    red_flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("keywords", "red_flags"):
            _freeze(self, name)
            _check_strings(name, getattr(self, name))
        if not isinstance(self.expected_answer, str) or not isinstance(
            self.ideal_answer_summary, str
        ):
            raise ValueError("expected_answer and ideal_answer_summary must be strings")
        coverage = self.keyword_coverage
        if isinstance(coverage, bool) or not isinstance(coverage, int | float):
            raise ValueError("keyword_coverage must be a number")
        if not (math.isfinite(coverage) and 0 <= coverage <= 1):
            raise ValueError("keyword_coverage must be between 0 and 1")
        object.__setattr__(self, "keyword_coverage", float(coverage))


@dataclass(frozen=True)
class ChoiceKey:
    """A choice question's key: indices into ``QuestionRecord.choices``, ascending, no repeats."""

    correct: tuple[int, ...]
    shuffle_choices: bool = False

    def __post_init__(self) -> None:
        _freeze(self, "correct")
        if any(isinstance(i, bool) or not isinstance(i, int) for i in self.correct):
            raise ValueError("correct must hold integers")
        if list(self.correct) != sorted(set(self.correct)):
            raise ValueError("correct must be ascending, without repeats")
        if not isinstance(self.shuffle_choices, bool):
            raise ValueError("shuffle_choices must be a boolean")


@dataclass(frozen=True)
class ShortAnswerKey:
    """A short-answer question's key: an answer is right when it matches one accepted answer."""

    accepted_answers: tuple[str, ...]
    case_sensitive: bool = False
    normalize_whitespace: bool = True

    def __post_init__(self) -> None:
        _freeze(self, "accepted_answers")
        if not self.accepted_answers:
            raise ValueError("a short-answer question needs at least one accepted answer")
        _check_strings("accepted_answers", self.accepted_answers)
        if not isinstance(self.case_sensitive, bool) or not isinstance(
            self.normalize_whitespace, bool
        ):
            raise ValueError("case_sensitive and normalize_whitespace must be booleans")


@dataclass(frozen=True)
class NumericKey:
    """A numeric question's key: an answer is right when within ``tolerance`` of ``value``."""

    value: float
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        for name in ("value", "tolerance"):
            number = getattr(self, name)
            if isinstance(number, bool) or not isinstance(number, int | float):
                raise ValueError(f"{name} must be a number")
            if not math.isfinite(number):
                raise ValueError(f"{name} must be finite")
            object.__setattr__(self, name, float(number))
        if self.tolerance < 0:
            raise ValueError("tolerance must not be negative")


AnswerKey = OpenKey | ChoiceKey | ShortAnswerKey | NumericKey

# The key class each kind carries.
KEY_TYPES: dict[str, type] = {
    "open": OpenKey,
    "single_choice": ChoiceKey,
    "multiple_choice": ChoiceKey,
    "short_answer": ShortAnswerKey,
    "numeric": NumericKey,
}


@dataclass(frozen=True)
class QuestionRecord:
    """One question as a file holds it: names from the category path, the text, the answer key.

    ``answer_key`` is keyword-only and required: ``QuestionRecord(..., answer_key=OpenKey())``.
    Construction raises ``ValueError`` when the parts do not fit together (a key of another
    kind, an index outside ``choices``, two correct options on a single-choice question).
    """

    category: str
    topic: str
    subtopic: str
    kind: str
    text: str
    # "easy", "medium" or "hard"; None when the file does not say (the importer picks a default).
    difficulty: str | None
    points: int = 1
    expected_time_seconds: int | None = None
    # Choice kinds only, in file order; ChoiceKey.correct indexes into it.
    choices: tuple[str, ...] = ()
    answer_key: AnswerKey = field(kw_only=True)

    def __post_init__(self) -> None:
        for name in ("category", "topic", "subtopic"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string")
            if "\n" in value or "\r" in value:
                raise ValueError(f"{name} must be one line")
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError("text must be a non-empty string")
        if self.difficulty is not None and self.difficulty not in DIFFICULTIES:
            raise ValueError(f"difficulty must be None or one of {', '.join(DIFFICULTIES)}")
        if isinstance(self.points, bool) or not isinstance(self.points, int) or self.points < 0:
            raise ValueError("points must be an integer of at least 0")
        seconds = self.expected_time_seconds
        if seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 1
        ):
            raise ValueError("expected_time_seconds must be None or a positive integer")
        _freeze(self, "choices")
        if not isinstance(self.answer_key, KEY_TYPES[self.kind]):
            raise ValueError(f"a {self.kind} question needs a {KEY_TYPES[self.kind].__name__}")
        if self.kind in CHOICE_KINDS:
            self._check_choices()
        elif self.choices:
            raise ValueError(f"a {self.kind} question has no choices")

    def _check_choices(self) -> None:
        key = self.answer_key
        assert isinstance(key, ChoiceKey)  # checked by the caller, for the type checker
        if len(self.choices) < 2:
            raise ValueError("a choice question needs at least two choices")
        _check_strings("choices", self.choices)
        if any(i < 0 or i >= len(self.choices) for i in key.correct):
            raise ValueError("correct indexes outside choices")
        if self.kind == "single_choice" and len(key.correct) != 1:
            raise ValueError("a single-choice question has exactly one correct choice")
        if self.kind == "multiple_choice" and not key.correct:
            raise ValueError("a multiple-choice question has at least one correct choice")

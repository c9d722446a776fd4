"""The default evaluator: keyword coverage against the required share, red flags, normalization.

No database: the question is an unsaved ``QuestionVersion``, as the evaluator only reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from django_interview_panels.interviews.evaluators import (
    EvaluationError,
    EvaluationRequest,
    get_evaluator,
)
from django_interview_panels.interviews.evaluators.keywords import (
    KeywordEvaluator,
    normalized_words,
)
from django_interview_panels.models import QuestionVersion
from tests.test_hardening_input import SAME_SIZE_FACTOR, SIZE_FACTOR, SLACK, median_seconds

KEYWORDS = ["mutable", "ordered", "append", "index"]


def question(points: int = 10, **key: Any) -> QuestionVersion:
    answer_key = {"keywords": KEYWORDS, "keyword_coverage": 0.5, "red_flags": [], **key}
    return QuestionVersion(
        kind="open", text="What is a list?", points=points, answer_key=answer_key
    )


def evaluate(answer: str, evaluator: KeywordEvaluator | None = None, **key: Any) -> Any:
    points = key.pop("points", 10)
    request = EvaluationRequest(question=question(points, **key), answer=answer)
    return (evaluator or KeywordEvaluator()).evaluate(request)


# --- Coverage -----------------------------------------------------------------------------------


def test_coverage_at_the_required_share_earns_all_the_points():
    result = evaluate("Lists are mutable and ordered.")

    assert result.points == Decimal("10.0000")


def test_coverage_above_the_required_share_earns_no_more_than_all_the_points():
    result = evaluate("mutable ordered append index")

    assert result.points == Decimal("10.0000")


def test_coverage_below_the_required_share_earns_a_proportional_share():
    # 1 of 4 keywords is 25% coverage, half of the 50% required: half the points.
    result = evaluate("Lists are mutable.")

    assert result.points == Decimal("5.0000")


def test_a_higher_required_share_lowers_the_points_of_the_same_answer():
    # 2 of 4 = 50% against 80%: 0.625 of the points.
    result = evaluate("mutable and ordered", keyword_coverage=0.8)

    assert result.points == Decimal("6.2500")


def test_no_keyword_found_earns_nothing():
    result = evaluate("Something else entirely.")

    assert result.points == Decimal("0.0000")


def test_a_required_share_of_zero_gives_every_answer_all_the_points():
    result = evaluate("Something else entirely.", keyword_coverage=0)

    assert result.points == Decimal("10.0000")


def test_the_default_required_share_is_one_half():
    key = {"keywords": KEYWORDS}
    request = EvaluationRequest(
        question=QuestionVersion(kind="open", points=4, answer_key=key), answer="mutable ordered"
    )

    assert KeywordEvaluator().evaluate(request).points == Decimal("4.0000")


def test_points_are_rounded_to_four_places():
    # 1 of 3 keywords against 100% required: a third of the points.
    result = evaluate("alpha", keywords=["alpha", "beta", "gamma"], keyword_coverage=1, points=1)

    assert result.points == Decimal("0.3333")


def test_the_rationale_names_the_coverage_and_the_missing_keywords():
    result = evaluate("Lists are mutable.")

    assert result.rationale == (
        "Covered 1 of 4 expected keywords (25% against 50% required); "
        "missing: ordered, append, index."
    )


def test_the_evaluation_names_the_evaluator_and_its_version():
    result = evaluate("mutable")

    assert (result.evaluator, result.version, result.dimension_scores) == ("keywords", "1", {})


# --- Red flags ----------------------------------------------------------------------------------


def test_each_red_flag_found_costs_a_quarter_of_the_points_by_default():
    result = evaluate("mutable ordered, and immutable too", red_flags=["immutable"])

    assert result.points == Decimal("7.5000")
    assert result.rationale.endswith("; red flags: immutable.")


def test_two_red_flags_cost_twice_the_penalty():
    result = evaluate("mutable ordered immutable hashable", red_flags=["immutable", "hashable"])

    assert result.points == Decimal("5.0000")


def test_red_flags_never_take_the_points_below_zero():
    flags = ["one", "two", "three", "four", "five"]

    result = evaluate("mutable one two three four five", red_flags=flags)

    assert result.points == Decimal("0.0000")


def test_the_red_flag_penalty_is_an_option():
    evaluator = KeywordEvaluator(RED_FLAG_PENALTY="0.1")

    result = evaluate("mutable ordered immutable", evaluator, red_flags=["immutable"])

    assert result.points == Decimal("9.0000")


def test_a_red_flag_that_is_only_punctuation_flags_nothing():
    result = evaluate("mutable ordered -- !!", red_flags=["!!", "--"])

    assert result.points == Decimal("10.0000")


def test_a_red_flag_not_in_the_answer_costs_nothing():
    result = evaluate("mutable ordered", red_flags=["immutable"])

    assert result.points == Decimal("10.0000")
    assert "red flags" not in result.rationale


# --- Matching -----------------------------------------------------------------------------------


def test_keywords_match_whole_words_only():
    # "index" inside "indexes", "append" inside "appended": neither is the word.
    result = evaluate("indexes appended", keywords=["index", "append"], keyword_coverage=1)

    assert result.points == Decimal("0.0000")


def test_keywords_match_across_case():
    result = evaluate("MUTABLE Ordered", keyword_coverage=0.5)

    assert result.points == Decimal("10.0000")


def test_keywords_match_after_nfkc_normalization():
    # Full-width letters and the "fi" ligature are the same words after NFKC.
    full_width = "".join(chr(ord(letter) - ord("a") + 0xFF41) for letter in "mutable")
    result = evaluate(f"{full_width}, \ufb01nal", keywords=["mutable", "final"], keyword_coverage=1)

    assert result.points == Decimal("10.0000")


def test_keywords_match_after_case_folding_beyond_lowercase():
    # "STRASSE" and "straße" fold to the same word; lower() would not make them equal.
    result = evaluate("Die STRASSE", keywords=["straße"], keyword_coverage=1)

    assert result.points == Decimal("10.0000")


def test_punctuation_and_underscores_separate_words():
    result = evaluate(
        "(mutable),ordered;append_index", keywords=["mutable", "ordered", "append", "index"]
    )

    assert result.points == Decimal("10.0000")


def test_a_keyword_of_several_words_matches_across_any_punctuation_between_them():
    result = evaluate("a list-comprehension!", keywords=["list comprehension"], keyword_coverage=1)

    assert result.points == Decimal("10.0000")


def test_a_keyword_of_several_words_needs_them_adjacent_and_in_order():
    result = evaluate(
        "comprehension of a list", keywords=["list comprehension"], keyword_coverage=1
    )

    assert result.points == Decimal("0.0000")


def test_keywords_written_twice_count_once():
    # "Mutable" and "mutable" are one keyword: found, it is 1 of 2 (not 2 of 3).
    result = evaluate("mutable", keywords=["mutable", "Mutable", "ordered"], keyword_coverage=1)

    assert result.points == Decimal("5.0000")
    assert result.rationale.startswith("Covered 1 of 2 expected keywords")


def test_normalized_words_are_space_separated_and_padded():
    assert normalized_words("  Hello,\tWORLD__x! ") == " hello world x "


# --- What cannot be judged ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        {"keywords": []},
        {"keywords": ["", "  ", "!?"]},
        {},
    ],
    ids=["empty", "only-punctuation", "absent"],
)
def test_no_keywords_is_an_evaluation_error(key):
    request = EvaluationRequest(question=QuestionVersion(points=1, answer_key=key), answer="x")

    with pytest.raises(EvaluationError):
        KeywordEvaluator().evaluate(request)


@pytest.mark.parametrize(
    "key",
    [
        {"keywords": "mutable"},
        {"keywords": ["mutable", 3]},
        {"keywords": ["mutable"], "red_flags": "immutable"},
        {"keywords": ["mutable"], "keyword_coverage": None},
        {"keywords": ["mutable"], "keyword_coverage": "lots"},
        {"keywords": ["mutable"], "keyword_coverage": 1.5},
        {"keywords": ["mutable"], "keyword_coverage": float("nan")},
    ],
    ids=[
        "keywords-text",
        "keywords-number",
        "red-flags-text",
        "coverage-none",
        "coverage-text",
        "coverage-above-one",
        "coverage-nan",
    ],
)
def test_an_answer_key_the_api_would_refuse_is_an_evaluation_error(key):
    # Keys written straight to the table skip the API's validation; they are left for a reviewer.
    request = EvaluationRequest(
        question=QuestionVersion(points=1, answer_key=key), answer="mutable"
    )

    with pytest.raises(EvaluationError):
        KeywordEvaluator().evaluate(request)


def test_an_answer_key_that_is_not_an_object_is_an_evaluation_error():
    request = EvaluationRequest(question=QuestionVersion(points=1, answer_key=None), answer="x")

    with pytest.raises(EvaluationError):
        KeywordEvaluator().evaluate(request)


@pytest.mark.parametrize("penalty", ["lots", 1.5, -0.1, True, None, float("nan"), [0.1]])
def test_an_unusable_red_flag_penalty_is_e018_and_evaluates_nothing(penalty):
    evaluator = KeywordEvaluator(RED_FLAG_PENALTY=penalty)

    assert [message.id for message in evaluator.check()] == ["interview_panels.E018"]
    with pytest.raises(EvaluationError):
        evaluate("mutable ordered", evaluator)


def test_an_option_the_keyword_evaluator_does_not_take_is_e018():
    evaluator = KeywordEvaluator(RED_FLAG_PENALTIES=0.1)

    errors = evaluator.check()

    assert [message.id for message in errors] == ["interview_panels.E018"]
    assert "'RED_FLAG_PENALTIES'" in errors[0].msg


@pytest.mark.parametrize("penalty", [0, 1, "0.5", Decimal("0.3")])
def test_a_red_flag_penalty_from_zero_to_one_passes(penalty):
    assert KeywordEvaluator(RED_FLAG_PENALTY=penalty).check() == []


# --- Deterministic ------------------------------------------------------------------------------


def test_the_same_answer_gets_the_same_evaluation_every_time():
    answer = "Lists are MUTABLE, ordered; never immutable."
    key = {"red_flags": ["immutable"]}

    first = evaluate(answer, KeywordEvaluator(), **key)

    assert all(evaluate(answer, KeywordEvaluator(), **key) == first for _ in range(20))


def test_the_default_evaluator_is_the_keyword_evaluator(settings):
    settings.INTERVIEW_PANELS = {}

    assert isinstance(get_evaluator(), KeywordEvaluator)


# --- Linear time --------------------------------------------------------------------------------

LARGE = 100_000
SMALL = 1_000
# Keys the answers below nearly match at every word: short keywords, so that the time that does
# not grow with the answer stays small next to the time that does (or a quadratic pass over the
# answer would hide behind it), and keywords of the bank's longest (1,000 characters), the worst
# case of the substring search. Ten of each, as keywords and as red flags.
NEAR_MISS_KEYS = {
    "short-keywords": [f"a a a k{i}" for i in range(10)],
    "long-keywords": [("a " * 499) + f"k{i}" for i in range(10)],
}

# Answers of about n characters built against the matcher: word runs that each keyword nearly
# matches, runs of separators, characters that NFKC or case folding expand, combining marks.
ADVERSARIAL_ANSWERS: dict[str, Callable[[int], str]] = {
    "near-miss-words": lambda n: "a " * (n // 2),
    "separator-run": lambda n: "!_-" * (n // 3),
    "spaces-then-word": lambda n: " " * n + "a",
    "nfkc-expanding": lambda n: "\ufdfa" * (n // 18),
    "casefold-expanding": lambda n: "ß" * (n // 2),
    "combining-marks": lambda n: "a" + "\u0301" * n,
    "alternating": lambda n: "a_" * (n // 2),
}


def benign_answer(n: int) -> str:
    return "lorem ipsum dolor sit amet " * (n // 27)


def near_miss_evaluation(keywords: list[str]) -> Callable[[str], Any]:
    key = {"keywords": keywords, "red_flags": keywords, "keyword_coverage": 1}
    question = QuestionVersion(points=1, answer_key=key)
    evaluator = KeywordEvaluator()
    return lambda answer: evaluator.evaluate(EvaluationRequest(question=question, answer=answer))


@pytest.mark.parametrize("key", list(NEAR_MISS_KEYS))
@pytest.mark.parametrize("kind", list(ADVERSARIAL_ANSWERS))
def test_evaluation_time_is_linear_in_the_answers_length(kind, key):
    """Measured as in tests/test_hardening_input.py: ratios within one run, no absolute times.
    Linear work on 100 kB is ~100x that on 1 kB and about that of a benign answer of the same
    size; quadratic work is ~10,000x."""
    evaluate_answer = near_miss_evaluation(NEAR_MISS_KEYS[key])
    make = ADVERSARIAL_ANSWERS[kind]
    benign_value, small_value, large_value = benign_answer(LARGE), make(SMALL), make(LARGE)
    benign_large = median_seconds(lambda: evaluate_answer(benign_value))
    small = median_seconds(lambda: evaluate_answer(small_value))
    large = median_seconds(lambda: evaluate_answer(large_value))

    assert large <= SAME_SIZE_FACTOR * benign_large + SLACK, (large, benign_large)
    assert large <= SIZE_FACTOR * small + SLACK, (large, small)

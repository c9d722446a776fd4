"""The documented scoring rules of the automatically scoreable kinds (docs/bank.md)."""

from __future__ import annotations

import pytest

from django_interview_panels.bank.scoring import choice_share, numeric_share, short_answer_share


@pytest.mark.parametrize(
    ("selected", "share"),
    [([1], 1.0), ([0], 0.0), ([], 0.0), ([0, 1], 0.0)],
)
def test_single_choice_earns_all_only_for_the_correct_option_alone(selected, share):
    assert choice_share({"correct": [1]}, selected, multiple=False, options=3) == share


@pytest.mark.parametrize(
    ("correct", "options", "selected", "share"),
    [
        ([0, 2], 4, [0, 2], 1.0),  # all the correct ones, nothing else
        ([0, 2], 4, [0], 0.5),  # half of the correct ones
        ([0, 2], 4, [0, 1], 0.0),  # one right (+1/2), one wrong (-1/2)
        ([0, 2], 4, [0, 2, 1], 0.5),  # both right, one of two wrong ones
        ([0, 2], 4, [0, 1, 2, 3], 0.0),  # everything: the wrong ones cancel the right ones
        ([0, 1], 3, [0, 1, 2], 0.0),  # everything, with fewer wrong than right options
        ([0, 2], 4, [1, 3], 0.0),  # never below zero
        ([0, 1, 2], 3, [0, 1, 2], 1.0),  # every option correct
        ([0, 2], 4, [], 0.0),
    ],
)
def test_multiple_choice_partial_credit(correct, options, selected, share):
    assert choice_share({"correct": correct}, selected, multiple=True, options=options) == share


@pytest.mark.parametrize(
    ("key", "answer", "share"),
    [
        ({"accepted_answers": ["list.append"]}, "  LIST.append ", 1.0),
        ({"accepted_answers": ["a  b"]}, "a b", 1.0),
        ({"accepted_answers": ["a  b"], "normalize_whitespace": False}, "a b", 0.0),
        ({"accepted_answers": ["Append"], "case_sensitive": True}, "append", 0.0),
        ({"accepted_answers": ["caf\u00e9"]}, "cafe\u0301", 1.0),  # composed alike
        ({"accepted_answers": ["append"]}, "extend", 0.0),
    ],
)
def test_short_answers_match_after_the_documented_normalisation(key, answer, share):
    assert short_answer_share(key, answer) == share


@pytest.mark.parametrize(
    ("answer", "share"),
    [(3.5, 1.0), (3.0, 1.0), (4.0, 1.0), (4.01, 0.0), (float("nan"), 0.0), (float("inf"), 0.0)],
)
def test_numeric_answers_within_the_tolerance_earn_all(answer, share):
    assert numeric_share({"value": 3.5, "tolerance": 0.5}, answer) == share

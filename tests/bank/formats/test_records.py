"""QuestionRecord's shape checks, the format registry and the caps of FormatLimits."""

from __future__ import annotations

import pytest

from django_interview_panels.bank.formats import (
    ChoiceKey,
    FormatLimits,
    GIFTFormat,
    MoodleXMLFormat,
    NumericKey,
    OpenKey,
    QuestionRecord,
    ShortAnswerKey,
    get_format,
)
from django_interview_panels.bank.formats.base import category_names


def record(**overrides):
    fields = {
        "category": "C",
        "topic": "T",
        "subtopic": "S",
        "kind": "single_choice",
        "text": "Pick one",
        "difficulty": "easy",
        "choices": ("a", "b"),
        "answer_key": ChoiceKey(correct=(1,)),
    }
    fields.update(overrides)
    return QuestionRecord(**fields)


def test_a_record_is_hashable_and_lists_become_tuples():
    made = record(choices=["a", "b"], answer_key=ChoiceKey(correct=[0]))
    assert made.choices == ("a", "b")
    assert made.answer_key.correct == (0,)
    assert hash(made) == hash(record(answer_key=ChoiceKey(correct=(0,))))
    assert made.points == 1
    assert made.expected_time_seconds is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": "matching"},
        {"difficulty": "trivial"},
        {"text": "  "},
        {"category": ""},
        {"topic": "two\nlines"},
        {"points": -1},
        {"points": 1.5},
        {"expected_time_seconds": 0},
        {"answer_key": OpenKey()},
        {"answer_key": ChoiceKey(correct=(0, 1))},
        {"answer_key": ChoiceKey(correct=(2,))},
        {"kind": "multiple_choice", "answer_key": ChoiceKey(correct=())},
        {"choices": ("only",), "answer_key": ChoiceKey(correct=(0,))},
        {"choices": ("a", "")},
        {"kind": "open", "answer_key": OpenKey()},  # choices on an open question
    ],
)
def test_a_record_that_does_not_fit_together_raises_value_error(overrides):
    with pytest.raises(ValueError):
        record(**overrides)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ChoiceKey(correct=(1, 0)),
        lambda: ChoiceKey(correct=(0, 0)),
        lambda: ShortAnswerKey(accepted_answers=()),
        lambda: NumericKey(value=float("nan")),
        lambda: NumericKey(value=1, tolerance=-0.5),
        lambda: OpenKey(keyword_coverage=1.5),
        lambda: OpenKey(keywords=("",)),
    ],
)
def test_an_answer_key_checks_its_own_fields(build):
    with pytest.raises(ValueError):
        build()


def test_numeric_values_are_stored_as_floats():
    key = NumericKey(value=3, tolerance=0)
    assert isinstance(key.value, float) and isinstance(key.tolerance, float)


def test_get_format_knows_both_names_and_names_them_when_asked_for_another():
    assert isinstance(get_format("moodle_xml"), MoodleXMLFormat)
    assert isinstance(get_format("gift"), GIFTFormat)
    assert get_format("gift").media_type.startswith("text/plain")
    assert (get_format("moodle_xml").file_extension, get_format("gift").file_extension) == (
        "xml",
        "txt",
    )
    with pytest.raises(KeyError, match="gift, moodle_xml"):
        get_format("qti")


def test_limits_report_the_first_cap_a_record_breaks():
    limits = FormatLimits(max_choices=2, max_item_length=3, max_points=5)
    assert limits.check(record()) is None
    assert "choices" in limits.check(record(choices=("a", "b", "c")))
    assert "longer than 3" in limits.check(record(choices=("a", "long")))
    assert "Points" in limits.check(record(points=6))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$course$/top/A/B/C", ("A", "B", "C")),
        ("$system$/top/A/B/C/D/E", ("A", "B", "C/D/E")),
        ("$course$/A/B/C", ("A", "B", "C")),  # exports older than Moodle 3.5 have no "top"
        ("A/B/C", ("A", "B", "C")),
        ("$course$/top/a//b/ c /d", ("a/b", "c", "d")),
        ("$course$/top/Name ending in // / // starts/x", ("Name ending in /", "/ starts", "x")),
    ],
)
def test_category_paths_map_to_category_topic_and_subtopic(path, expected):
    assert category_names(path) == expected


@pytest.mark.parametrize("path", ["$course$/top", "$course$/top/A", "A/B", "", "A//B/C/ /D"])
def test_a_category_path_without_three_names_is_a_reason_naming_it(path):
    reason = category_names(path)
    assert isinstance(reason, str)
    assert path in reason

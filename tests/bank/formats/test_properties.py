"""Hypothesis: both formats read back what they write, and never fail other than FormatError.

``FUZZ_EXAMPLES`` sets the examples per test (50 by default, a few seconds in all);
``FUZZ_EXAMPLES=2000`` for a long run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_interview_panels.bank.formats import (
    DIFFICULTIES,
    ChoiceKey,
    FormatError,
    FormatLimits,
    NumericKey,
    OpenKey,
    ParseResult,
    QuestionRecord,
    ShortAnswerKey,
    get_format,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
FORMATS = [get_format("moodle_xml"), get_format("gift")]
examples = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# GIFT's escapes and separators, XML's specials, Moodle's wildcard, format markers, slashes.
SPECIALS = [*"~=#{}:\\%*[]-></&<>\"'$ \t\n", "->", "[html]", "[plain]", "//", "\\n", "]]>"]
characters = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
# Texts as the formats keep them: stripped, "\n" line ends, no control characters but tab.
texts = (
    st.lists(st.one_of(characters, st.sampled_from(SPECIALS)), min_size=1, max_size=12)
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
names = texts.map(lambda text: " ".join(text.split())).filter(bool)
finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def records(draw: st.DrawFn) -> QuestionRecord:
    kind = draw(
        st.sampled_from(["open", "single_choice", "multiple_choice", "short_answer", "numeric"])
    )
    choices: tuple[str, ...] = ()
    key: object
    if kind == "open":
        key = OpenKey(
            expected_answer=draw(st.one_of(st.just(""), texts)),
            ideal_answer_summary=draw(st.one_of(st.just(""), texts)),
            keywords=tuple(draw(st.lists(texts, max_size=3))),
            keyword_coverage=draw(st.floats(min_value=0, max_value=1)),
            red_flags=tuple(draw(st.lists(texts, max_size=3))),
        )
    elif kind in ("single_choice", "multiple_choice"):
        choices = tuple(draw(st.lists(texts, min_size=2, max_size=6)))
        indices = range(len(choices))
        if kind == "single_choice":
            correct = (draw(st.sampled_from(indices)),)
        else:
            correct = tuple(sorted(draw(st.sets(st.sampled_from(indices), min_size=1))))
        key = ChoiceKey(correct=correct, shuffle_choices=draw(st.booleans()))
    elif kind == "short_answer":
        key = ShortAnswerKey(
            accepted_answers=tuple(draw(st.lists(texts, min_size=1, max_size=3))),
            case_sensitive=draw(st.booleans()),
            normalize_whitespace=draw(st.booleans()),
        )
    else:
        key = NumericKey(
            value=draw(finite), tolerance=draw(st.floats(min_value=0, allow_infinity=False))
        )
    return QuestionRecord(
        category=draw(names),
        topic=draw(names),
        subtopic=draw(names),
        kind=kind,
        text=draw(texts),
        difficulty=draw(st.one_of(st.none(), st.sampled_from(DIFFICULTIES))),
        points=draw(st.integers(min_value=0, max_value=1000)),
        expected_time_seconds=draw(st.one_of(st.none(), st.integers(1, 86_400))),
        choices=choices,
        answer_key=key,
    )


record_lists = st.lists(records(), max_size=5)


@pytest.mark.parametrize("question_format", FORMATS, ids=lambda f: f.name)
@examples
@given(batch=record_lists)
def test_parse_reads_back_exactly_what_render_wrote(question_format, batch):
    result = question_format.parse(question_format.render(batch), max_questions=100)
    assert result.problems == ()
    assert result.records == tuple(batch)


def _parse(question_format, data: bytes) -> None:
    try:
        result = question_format.parse(data, max_questions=20)
    except FormatError as error:
        assert str(error)
        return
    assert isinstance(result, ParseResult)
    for problem in result.problems:
        assert problem.location and problem.reason


@pytest.mark.parametrize("question_format", FORMATS, ids=lambda f: f.name)
@examples
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_result_or_a_format_error(question_format, data):
    _parse(question_format, data)


# Text made mostly of the characters each format gives a meaning to.
gift_text = st.text(
    alphabet=st.one_of(st.sampled_from(list("~=#{}:\\%/$\n -0123456789.TF[]>")), characters),
    max_size=400,
)
xml_text = st.lists(
    st.sampled_from(
        [
            "<quiz>",
            "</quiz>",
            '<question type="category">',
            '<question type="essay">',
            '<question type="multichoice">',
            '<question type="shortanswer">',
            '<question type="numerical">',
            '<question type="truefalse">',
            "</question>",
            "<category>",
            "</category>",
            "<text>",
            "</text>",
            "<questiontext>",
            "</questiontext>",
            '<answer fraction="100">',
            '<answer fraction="x">',
            "</answer>",
            "<tolerance>",
            "</tolerance>",
            "<single>false</single>",
            "<tags><tag>",
            "</tag></tags>",
            "<defaultgrade>",
            "</defaultgrade>",
            "$course$/top/A/B/C",
            "a/b",
            "difficulty:",
            "easy",
            "1.5",
            "-3",
            "*",
            "&amp;",
            "&lt;",
            "<![CDATA[<p>]]>",
            "<interview_panels>",
            "</interview_panels>",
            "<keyword_coverage>",
            "<!DOCTYPE quiz>",
        ]
    ),
    max_size=60,
).map("".join)


@examples
@given(text=gift_text)
def test_gift_like_text_gives_a_result_or_a_format_error(text):
    _parse(get_format("gift"), ("$CATEGORY: A/B/C\n\n" + text).encode())


@examples
@given(text=xml_text)
def test_xml_like_text_gives_a_result_or_a_format_error(text):
    _parse(get_format("moodle_xml"), text.encode())


@st.composite
def mutated(draw: st.DrawFn, question_format) -> bytes:
    """A valid rendered file with a few slices deleted, duplicated or replaced."""
    data = bytearray(question_format.render(draw(st.lists(records(), min_size=1, max_size=3))))
    for _step in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 20)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace"]))
        if action == "delete":
            del data[start:end]
        elif action == "duplicate":
            data[start:start] = data[start:end]
        else:
            data[start:end] = draw(st.binary(max_size=8))
    return bytes(data)


@pytest.mark.parametrize("question_format", FORMATS, ids=lambda f: f.name)
@examples
@given(data=st.data())
def test_mutated_valid_files_give_a_result_or_a_format_error(question_format, data):
    _parse(question_format, data.draw(mutated(question_format)))


def _tricky_records() -> list[QuestionRecord]:
    """The cases each format needs a convention for, written out so every run covers them."""
    base = {"category": "/lead/ing", "topic": "a//b", "subtopic": "$course$", "difficulty": None}
    return [
        QuestionRecord(
            **base,
            kind="open",
            text="[html]<b>x</b> \\n {a} ~ = # : \\\\ ]]> &amp;\nline two",
            answer_key=OpenKey(
                expected_answer='"quoted"\n// not a comment',
                keywords=("a, b", "[c]"),
                keyword_coverage=5e-324,
                red_flags=("//", "$CATEGORY: x"),
            ),
        ),
        QuestionRecord(
            **base,
            kind="single_choice",
            text="//starts like a comment",
            choices=("%50%weighted", "[plain]x", "=eq", "~tilde"),
            answer_key=ChoiceKey(correct=(2,)),
        ),
        QuestionRecord(
            **base,
            kind="multiple_choice",
            text="$CATEGORY: not a category",
            choices=tuple(f"c{i}" for i in range(20)),
            answer_key=ChoiceKey(correct=tuple(range(0, 20, 3)), shuffle_choices=True),
        ),
        QuestionRecord(
            **base,
            kind="short_answer",
            text="T",
            answer_key=ShortAnswerKey(accepted_answers=("p->next", "*", "\\*", "T", "%5%")),
        ),
        QuestionRecord(
            **base,
            kind="numeric",
            text="::not a name::",
            answer_key=NumericKey(value=-1e300, tolerance=0.1),
        ),
    ]


@pytest.mark.parametrize("question_format", FORMATS, ids=lambda f: f.name)
def test_records_that_need_each_convention_read_back_equal(question_format):
    batch = _tricky_records()
    result = question_format.parse(question_format.render(batch), max_questions=10)
    assert result.problems == ()
    assert result.records == tuple(batch)


@pytest.mark.parametrize("question_format", FORMATS, ids=lambda f: f.name)
def test_a_parse_stops_after_max_problems(question_format):
    bad = QuestionRecord(
        category="A",
        topic="B",
        subtopic="C",
        kind="open",
        text="x" * 10,
        difficulty=None,
        answer_key=OpenKey(),
    )
    data = question_format.render([bad] * 10)
    small = type(question_format)(limits=FormatLimits(max_problems=3, max_text_length=5))
    result = small.parse(data, max_questions=100)
    assert result.records == ()
    assert len(result.problems) == 4
    assert "More than 3 problems" in result.problems[-1].reason

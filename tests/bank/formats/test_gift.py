"""GIFT: a sample of each kind, the problems a file can have, escapes, caps and linear time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from django_interview_panels.bank.formats import (
    ChoiceKey,
    FormatError,
    FormatLimits,
    GIFTFormat,
    NumericKey,
    OpenKey,
    QuestionRecord,
    ShortAnswerKey,
)

SAMPLES = Path(__file__).parent / "samples"
GIFT = GIFTFormat()


def parse(text: str, max_questions: int = 100):
    return GIFT.parse(text.encode(), max_questions=max_questions)


def test_the_sample_file_maps_every_kind():
    result = GIFT.parse((SAMPLES / "all_kinds.gift.txt").read_bytes(), max_questions=100)
    assert result.problems == ()
    names = {"category": "Engineering", "topic": "Python", "subtopic": "Basics"}
    assert result.records == (
        QuestionRecord(
            **names,
            kind="open",
            text="How does a list differ from a tuple?",
            difficulty="medium",
            expected_time_seconds=300,
            answer_key=OpenKey(
                expected_answer="A list is mutable; a tuple is not.",
                keywords=("mutable", "hashable"),
                keyword_coverage=0.5,
                red_flags=("they are the same",),
            ),
        ),
        QuestionRecord(
            **names,
            kind="single_choice",
            text="Which keyword defines a function?",
            difficulty="easy",
            choices=("def", "func", "lambda"),
            answer_key=ChoiceKey(correct=(0,)),
        ),
        QuestionRecord(
            **names,
            kind="multiple_choice",
            text="Which values are falsy?",
            difficulty=None,
            choices=("0", '""', '"0"'),
            answer_key=ChoiceKey(correct=(0, 1)),
        ),
        QuestionRecord(
            **names,
            kind="numeric",
            text='What does len("abc") return?',
            difficulty=None,
            points=2,
            answer_key=NumericKey(value=3, tolerance=0),
        ),
        QuestionRecord(
            **names,
            kind="numeric",
            text="Give pi to two decimals.",
            difficulty=None,
            answer_key=NumericKey(value=3.14, tolerance=0.005),
        ),
        QuestionRecord(
            **names,
            kind="short_answer",
            text="Name the built-in that turns a string into an integer.",
            difficulty=None,
            answer_key=ShortAnswerKey(accepted_answers=("int", "int()")),
        ),
        QuestionRecord(
            **names,
            kind="single_choice",
            text="Which operator is written a = b { c }?",
            difficulty=None,
            choices=("True", "False"),
            answer_key=ChoiceKey(correct=(0,)),
        ),
    )


def test_every_unmappable_question_is_a_problem_with_its_line_and_the_rest_is_read():
    result = GIFT.parse((SAMPLES / "problems.gift.txt").read_bytes(), max_questions=100)
    assert [record.text for record in result.records] == ["Still imported."]
    problems = {problem.location: problem.reason for problem in result.problems}
    assert list(problems) == [
        "line 1",
        "line 5",
        "line 9",
        "line 11",
        "line 13",
        "line 15",
        "line 17",
    ]
    assert "No category path" in problems["line 1"]
    assert "“$course$/top/Engineering/Python” has 2 level(s)" in problems["line 5"]
    assert "“matching”" in problems["line 9"]
    assert "“description”" in problems["line 11"]
    assert "braces" in problems["line 13"]
    assert "not a number" in problems["line 15"]
    assert "“impossible”" in problems["line 17"]


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ("{=a ~%50%b ~c}", "exactly one option"),
        ("{~a ~b}", "No option has a positive fraction"),
        ("{~%150%a ~b}", "bad fraction"),
        ("}=only{", "braces"),
        ("{=a =%50%b}", "partial credit"),
        ("{=a*b}", "wildcard"),
        ("{#1:1 =2}", "exactly one answer"),
        ("{#5..1}", "range"),
        ("{~one}", "at least two options"),
    ],
)
def test_answers_we_cannot_represent_are_problems(answers, reason):
    result = parse(f"$CATEGORY: A/B/C\n\nQuestion{answers}\n")
    assert result.records == ()
    assert len(result.problems) == 1
    assert result.problems[0].location == "line 3"
    assert reason in result.problems[0].reason


@pytest.mark.parametrize(
    ("block", "kind", "key"),
    [
        ("Q{#1..5}", "numeric", NumericKey(value=3, tolerance=2)),
        ("Q{#=7:1#right ~#wrong}", "numeric", NumericKey(value=7, tolerance=1)),
        ("Q{=yes =%0%no}", "short_answer", ShortAnswerKey(accepted_answers=("yes",))),
        ("Q{=a\\*b}", "short_answer", ShortAnswerKey(accepted_answers=("a*b",))),
        ("Q{F#wrong#right}", "single_choice", ChoiceKey(correct=(1,))),
        ("Q{####general feedback}", "open", OpenKey()),
    ],
)
def test_moodle_variants_of_each_kind_are_read(block, kind, key):
    result = parse(f"$CATEGORY: A/B/C\n\n{block}\n")
    assert result.problems == ()
    (record,) = result.records
    assert (record.kind, record.answer_key) == (kind, key)


def test_a_missing_word_question_keeps_a_blank_where_the_answers_were():
    result = parse("$CATEGORY: A/B/C\n\nGrant is {~buried =entombed ~living} in Grant's tomb.")
    assert result.records[0].text == "Grant is _____ in Grant's tomb."


def test_escapes_and_format_markers_are_undone_and_a_question_may_span_lines():
    result = parse(
        "$CATEGORY: A/B/C\n\n::name \\: with colon::[html]<b>a</b> \\~ \\= \\# \\{ \\} \\: \\\\"
        "\nsecond line\\nthird{\n=\\=right\n~wrong\\~\n}\n"
    )
    assert result.problems == ()
    (record,) = result.records
    assert record.text == "<b>a</b> ~ = # { } : \\\nsecond line\nthird"
    assert record.choices == ("=right", "wrong~")


def test_metadata_comments_fill_our_fields_and_other_comments_are_ignored():
    result = parse(
        "$CATEGORY: A/B/C\n\n// question: 12  name: from Moodle\n"
        "// just a note\n// difficulty: Hard\n// points: 4\n// shuffle_choices: yes\n"
        "Pick{=a ~b}\n"
    )
    assert result.problems == ()
    (record,) = result.records
    assert (record.difficulty, record.points, record.answer_key.shuffle_choices) == (
        "hard",
        4,
        True,
    )


def test_render_writes_category_lines_metadata_and_escapes():
    record = QuestionRecord(
        category="Cat/egory",
        topic="T",
        subtopic="S",
        kind="short_answer",
        text="What is {x}?",
        difficulty="hard",
        expected_time_seconds=90,
        answer_key=ShortAnswerKey(accepted_answers=("p->next", "a*"), case_sensitive=True),
    )
    text = GIFT.render([record]).decode()
    assert text.startswith("$CATEGORY: $course$/top/Cat//egory/T/S\n\n")
    assert "// difficulty: hard\n// expected_time: 90\n// case_sensitive: true\n" in text
    assert "// kind: short_answer\n" in text  # "=p->next" alone would read as matching
    assert "What is \\{x\\}?{\n\t=%100%p->next\n\t=%100%a\\\\*\n}" in text
    assert parse(text).records == (record,)


def test_max_questions_stops_the_parse_with_a_problem():
    text = "$CATEGORY: A/B/C\n\n" + "".join(f"Q{i}{{}}\n\n" for i in range(5))
    result = parse(text, max_questions=3)
    assert [record.text for record in result.records] == ["Q0", "Q1", "Q2"]
    assert len(result.problems) == 1
    assert result.problems[0].location == "line 9"
    assert "more than 3 questions" in result.problems[0].reason


def test_a_byte_order_mark_and_windows_line_ends_are_accepted():
    data = "\ufeff$CATEGORY: A/B/C\r\n\r\nQ{}\r\n".encode()
    assert [record.text for record in GIFT.parse(data, max_questions=10).records] == ["Q"]


def test_undecodable_and_oversized_files_are_format_errors():
    with pytest.raises(FormatError, match="UTF-8"):
        GIFT.parse(b"Q{}\xff\xfe", max_questions=10)
    with pytest.raises(FormatError, match="larger than 10 bytes"):
        GIFTFormat(limits=FormatLimits(max_bytes=10)).parse(b"Q{}" * 4, max_questions=10)


def test_text_caps_are_problems():
    small = GIFTFormat(limits=FormatLimits(max_text_length=5, max_choices=2))
    data = b"$CATEGORY: A/B/C\n\nLonger text{}\n\nQ{=a ~b ~c}\n\nOK{}\n"
    result = small.parse(data, max_questions=10)
    assert [record.text for record in result.records] == ["OK"]
    assert [problem.location for problem in result.problems] == ["line 3", "line 5"]


def _parse_seconds(text: str) -> float:
    # CPU time of this process, not wall time: other processes on a busy machine do not count.
    data = ("$CATEGORY: A/B/C\n\n" + text).encode()
    best = float("inf")
    for _attempt in range(5):
        start = time.process_time()
        GIFT.parse(data, max_questions=10)
        best = min(best, time.process_time() - start)
    return best


# Lines that would make a backtracking or rescanning parser slow: runs of escapes, of
# separators, of weights, of name colons, of general-feedback hashes, of unclosed braces.
ADVERSARIAL = [
    lambda n: "::" + "\\:" * n,
    lambda n: "::" + ":x" * n,
    lambda n: "Q{" + "~" * n + "}",
    lambda n: "Q{" + "~%1" * n + "}",
    lambda n: "Q{#" + "=" * n + "}",
    lambda n: "Q{" + "#" * n + "}",
    lambda n: "Q{" + "\\" * n,
    lambda n: "{" * n,
    lambda n: "Q{=" + "a" * n + "#" + "}",
    lambda n: "// keywords: " + "[" * n + "\nQ{}",
]


@pytest.mark.parametrize("pattern", range(len(ADVERSARIAL)))
def test_adversarial_lines_parse_in_linear_time(pattern):
    """A 1 MB line (over the question cap, refused once its length is known) costs no more per
    character than a 10 kB one; under the cap, 15 times the input takes about 15 times as long
    (a quadratic parser would take 225 times)."""

    def line(chars: int) -> str:
        make = ADVERSARIAL[pattern]
        return make(chars // len(make(1)))

    small = _parse_seconds(line(10_000))
    capped = _parse_seconds(line(1_000_000))
    large = _parse_seconds(line(150_000))
    # Three times the linear share, or a floor for noise on a busy machine; a quadratic step
    # over 150,000 characters takes 225 times the small parse and fails either bound.
    assert capped < max(3 * 100 * small, 0.05)
    assert large < max(3 * 15 * small, 0.02)

"""Moodle XML: a sample of each kind, the problems a file can have, refused DTDs and entities."""

from __future__ import annotations

from pathlib import Path

import pytest

from django_interview_panels.bank.formats import (
    ChoiceKey,
    FormatError,
    FormatLimits,
    MoodleXMLFormat,
    NumericKey,
    OpenKey,
    QuestionRecord,
    ShortAnswerKey,
)

SAMPLES = Path(__file__).parent / "samples"
XML = MoodleXMLFormat()


def quiz(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>{body}</quiz>'.encode()


CATEGORY = (
    '<question type="category"><category><text>$course$/top/A/B/C</text></category></question>'
)


def test_the_sample_file_maps_every_kind():
    result = XML.parse((SAMPLES / "all_kinds.xml").read_bytes(), max_questions=100)
    assert result.problems == ()
    names = {"category": "Engineering", "topic": "Databases", "subtopic": "SQL"}
    assert result.records == (
        QuestionRecord(
            **names,
            kind="open",
            # HTML stays as Moodle gives it.
            text="<p>When does an index <b>slow</b> a query down?</p>",
            difficulty="hard",
            points=3,
            answer_key=OpenKey(expected_answer="<p>On writes, and on low-selectivity reads.</p>"),
        ),
        QuestionRecord(
            **names,
            kind="single_choice",
            text="Which join keeps every row of the left table?",
            difficulty="easy",
            expected_time_seconds=60,
            choices=("INNER JOIN", "LEFT JOIN"),
            answer_key=ChoiceKey(correct=(1,), shuffle_choices=True),
        ),
        QuestionRecord(
            **names,
            kind="multiple_choice",
            text="Which are aggregate functions?",
            difficulty=None,
            points=2,
            choices=("COUNT", "SUM", "UPPER"),
            answer_key=ChoiceKey(correct=(0, 1)),
        ),
        QuestionRecord(
            **names,
            kind="short_answer",
            text="Which keyword removes duplicate rows?",
            difficulty=None,
            answer_key=ShortAnswerKey(accepted_answers=("DISTINCT",)),
        ),
        QuestionRecord(
            **names,
            kind="numeric",
            text="Which TCP port does PostgreSQL listen on by default?",
            difficulty=None,
            answer_key=NumericKey(value=5432),
        ),
        QuestionRecord(
            **names,
            kind="single_choice",
            text="NULL = NULL is true in SQL.",
            difficulty=None,
            choices=("True", "False"),
            answer_key=ChoiceKey(correct=(1,)),
        ),
    )


def test_every_unmappable_question_is_a_problem_with_its_position_and_name():
    result = XML.parse((SAMPLES / "problems.xml").read_bytes(), max_questions=100)
    assert [record.text for record in result.records] == ["Still imported."]
    problems = {problem.location: problem.reason for problem in result.problems}
    assert list(problems) == [
        "question 1 (Before any category)",
        "question 3 (Two levels)",
        "question 5 (Match)",
        "question 6 (Cloze)",
        "question 7 (Bad fraction)",
        "question 8 (No answer)",
        "question 9 (Half grade)",
    ]
    assert "No category path" in problems["question 1 (Before any category)"]
    assert "has 2 level(s)" in problems["question 3 (Two levels)"]
    assert "Unsupported question type “matching”" in problems["question 5 (Match)"]
    assert "Unsupported question type “cloze”" in problems["question 6 (Cloze)"]
    assert "bad fraction" in problems["question 7 (Bad fraction)"]
    assert "no answer with full credit" in problems["question 8 (No answer)"]
    assert "not a whole number" in problems["question 9 (Half grade)"]


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("<question><questiontext><text>Q</text></questiontext></question>", "no type"),
        (
            '<question type="essay"><questiontext><text><p>x</p></text></questiontext></question>',
            "holds XML elements",
        ),
        (
            '<question type="essay"><questiontext><text> </text></questiontext></question>',
            "no text",
        ),
        (
            '<question type="essay"><questiontext><text>Q</text></questiontext>'
            "<tags><tag><text>easy</text></tag><tag><text>difficulty:hard</text></tag></tags>"
            "</question>",
            "two difficulties",
        ),
        (
            '<question type="essay"><questiontext><text>Q</text></questiontext>'
            "<tags><tag><text>difficulty:brutal</text></tag></tags></question>",
            "“brutal”",
        ),
        (
            '<question type="numerical"><questiontext><text>Q</text></questiontext>'
            '<answer fraction="100"><text>1</text><tolerance>-1</tolerance></answer></question>',
            "tolerance",
        ),
        (
            '<question type="shortanswer"><questiontext><text>Q</text></questiontext>'
            '<answer fraction="100"><text>a*</text></answer></question>',
            "wildcard",
        ),
        (
            '<question type="truefalse"><questiontext><text>Q</text></questiontext>'
            '<answer fraction="100"><text>yes</text></answer></question>',
            "true/false",
        ),
    ],
)
def test_questions_we_cannot_map_are_problems(question, reason):
    result = XML.parse(quiz(CATEGORY + question), max_questions=10)
    assert result.records == ()
    assert len(result.problems) == 1
    assert result.problems[0].location.startswith("question 2 (")
    assert reason in result.problems[0].reason


def test_elements_other_than_questions_are_problems():
    result = XML.parse(quiz("<note>hi</note>"), max_questions=10)
    assert [(p.location, p.reason) for p in result.problems] == [
        ("element 1", "<note> is not a <question>; it was not read.")
    ]


def test_max_questions_stops_the_parse_with_a_problem():
    essays = "".join(
        f'<question type="essay"><name><text>Q{i}</text></name>'
        f"<questiontext><text>Text {i}</text></questiontext></question>"
        for i in range(5)
    )
    result = XML.parse(quiz(CATEGORY + essays), max_questions=2)
    assert [record.text for record in result.records] == ["Text 0", "Text 1"]
    assert [(p.location, "more than 2 questions" in p.reason) for p in result.problems] == [
        ("question 4 (Q2)", True)
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><questiontext><text>&lol9;</text></questiontext></question></quiz>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><questiontext><text>&secret;</text></questiontext></question></quiz>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE quiz SYSTEM "http://example.invalid/quiz.dtd">
<quiz/>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<quiz/>
"""


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_dtds_entities_and_external_references_are_refused_whole(data):
    with pytest.raises(FormatError, match="DTD, entities or external references"):
        XML.parse(data, max_questions=10)


def test_an_undeclared_entity_is_a_format_error_not_an_expansion():
    with pytest.raises(FormatError, match="not well-formed XML"):
        XML.parse(quiz("&lol9;"), max_questions=10)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question>", r"not well-formed XML \(line 1\)"),
        (b"not xml at all", "not well-formed XML"),
        (b"", "not well-formed XML"),
        (b"<questions/>", "root element is not <quiz>"),
        (b"<quiz>\xff</quiz>", "not UTF-8"),
    ],
)
def test_unusable_files_are_format_errors_with_a_short_message(data, message):
    with pytest.raises(FormatError, match=message):
        XML.parse(data, max_questions=10)


def test_oversized_files_are_refused_before_parsing():
    with pytest.raises(FormatError, match="larger than 100 bytes"):
        MoodleXMLFormat(limits=FormatLimits(max_bytes=100)).parse(quiz(" " * 100), max_questions=1)


def test_a_byte_order_mark_is_accepted():
    data = b"\xef\xbb\xbf" + quiz(
        CATEGORY + '<question type="essay"><questiontext><text>Q</text></questiontext></question>'
    )
    assert [record.text for record in XML.parse(data, max_questions=10).records] == ["Q"]


def test_render_writes_moodle_elements_tags_and_our_extra_block():
    record = QuestionRecord(
        category="C",
        topic="T",
        subtopic="S",
        kind="open",
        text="Explain <joins> & \x01friends",
        difficulty="medium",
        points=2,
        expected_time_seconds=120,
        answer_key=OpenKey(expected_answer="Rows", keywords=("outer",), keyword_coverage=0.25),
    )
    data = XML.render([record])
    text = data.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    assert "<text>$course$/top/C/T/S</text>" in text
    assert "Explain &lt;joins&gt; &amp; friends" in text  # \x01 cannot be in XML: dropped
    assert "<defaultgrade>2</defaultgrade>" in text
    assert "<text>difficulty:medium</text>" in text and "<text>expected_time:120</text>" in text
    assert '<graderinfo format="html">\n      <text>Rows</text>' in text
    assert "<keyword_coverage>0.25</keyword_coverage>" in text
    (parsed,) = XML.parse(data, max_questions=10).records
    assert parsed.text == "Explain <joins> & friends"
    assert parsed.answer_key == record.answer_key


def test_multiple_choice_fractions_share_plus_and_minus_one_hundred_percent():
    record = QuestionRecord(
        category="C",
        topic="T",
        subtopic="S",
        kind="multiple_choice",
        text="Pick",
        difficulty=None,
        choices=("a", "b", "c", "d", "e"),
        answer_key=ChoiceKey(correct=(0, 2, 4)),
    )
    text = XML.render([record]).decode()
    assert text.count('fraction="33.33333"') == 3
    assert text.count('fraction="-50"') == 2
    assert XML.parse(text.encode(), max_questions=10).records == (record,)

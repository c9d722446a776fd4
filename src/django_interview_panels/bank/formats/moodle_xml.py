"""Moodle XML, read and written the way Moodle's ``question/format/xml/format.php`` does.

Parsing goes through defusedxml with DTDs forbidden: a file that declares a DTD, an entity
(the "billion laughs") or an external reference is refused whole, before any expansion.

Difficulty and expected time travel as question tags (``difficulty:hard``, ``expected_time:120``;
a plain ``easy``/``medium``/``hard`` tag is read too), an open question's expected answer as the
essay's ``graderinfo``, and our other fields in an ``<interview_panels>`` element that Moodle
ignores on import (docs/formats.md).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree import ElementTree as ET  # Builds the output only; input goes through defusedxml.

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext_lazy as _

from .base import (
    FormatError,
    FormatProblem,
    ParseResult,
    ProblemList,
    QuestionFormat,
    Unmappable,
    assemble_category_path,
    build_record,
    category_names,
    check_fraction,
    choice_key,
    clean_text,
    escape_wildcards,
    format_float,
    format_percent,
    full_credit_answers,
    parse_coverage,
    parse_difficulty,
    parse_expected_time,
    parse_float,
    parse_points,
    unescape_wildcards,
)
from .records import DIFFICULTIES, ChoiceKey, NumericKey, OpenKey, QuestionRecord, ShortAnswerKey

# Characters XML 1.0 cannot hold, even escaped: dropped from the output.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Our fields that Moodle has no element for live under this element of a <question>.
_EXTRA = "interview_panels"
# The Moodle question type of each kind.
_MOODLE_TYPES = {
    "open": "essay",
    "single_choice": "multichoice",
    "multiple_choice": "multichoice",
    "short_answer": "shortanswer",
    "numeric": "numerical",
}
# Longest question name shown in a problem's location.
_LOCATION_NAME_LENGTH = 60
# Longest generated <name>: Moodle shows names in lists, the text is what counts.
_NAME_LENGTH = 50


def _text_of(element: ET.Element | None, path: str) -> str:
    """The stripped text at ``path`` below ``element``, "" when absent.

    Moodle keeps HTML escaped or in CDATA; a text holding XML elements is not mapped.
    """
    found = None if element is None else element.find(path)
    if found is None:
        return ""
    if len(found):
        raise Unmappable(
            _("A <%(tag)s> holds XML elements; HTML must be escaped or in CDATA.")
            % {"tag": str(found.tag)[:50]}
        )
    return clean_text(found.text or "")


def _flag(element: ET.Element, path: str, default: bool) -> bool:
    """A Moodle yes/no element: "false", "0" and empty are no, as Moodle's trans_single()."""
    found = element.find(path)
    if found is None:
        return default
    return (found.text or "").strip().lower() not in ("false", "0", "")


def _fraction(answer: ET.Element) -> float:
    return check_fraction(parse_float(answer.get("fraction", "0")))


def _quiz_children(text: str) -> Iterator[tuple[int, ET.Element]]:
    """(position, element) of each child of <quiz>, streamed: a child is dropped from the tree
    once read, so memory holds one question at a time, however many the file has."""
    depth, index = 0, 0
    root: ET.Element | None = None
    try:
        events = SafeET.iterparse(io.StringIO(text), events=("start", "end"), forbid_dtd=True)
        for event, element in events:
            if event == "start":
                depth += 1
                if depth == 1:
                    if element.tag != "quiz":
                        raise FormatError(
                            _("The file is not Moodle XML: its root element is not <quiz>.")
                        )
                    root = element
                continue
            depth -= 1
            if depth == 1 and root is not None:
                index += 1
                yield index, element
                root.remove(element)
    except DefusedXmlException:
        raise FormatError(
            _("The file declares a DTD, entities or external references; they are refused.")
        ) from None
    except ET.ParseError as error:
        raise FormatError(
            _("The file is not well-formed XML (line %(line)d).") % {"line": error.position[0]}
        ) from None


class MoodleXMLFormat(QuestionFormat):
    """Moodle XML: essay, multichoice, shortanswer, numerical, truefalse and categories."""

    name = "moodle_xml"
    media_type = "application/xml"
    file_extension = "xml"

    def parse(self, data: bytes, *, max_questions: int) -> ParseResult:
        records: list[QuestionRecord] = []
        problems = ProblemList(self.limits)
        names: tuple[str, str, str] | str | None = None
        count = 0
        for index, element in _quiz_children(self.decode(data)):
            if problems.full:
                break
            if element.tag != "question":
                problems.append(
                    FormatProblem(
                        str(_("element %(n)d") % {"n": index}),
                        str(
                            _("<%(tag)s> is not a <question>; it was not read.")
                            % {"tag": str(element.tag)[:50]}
                        ),
                    )
                )
                continue
            moodle_type = (element.get("type") or "").strip()
            if moodle_type == "category":
                try:
                    names = category_names(_text_of(element, "category/text"))
                except Unmappable as problem:
                    names = problem.reason
                continue
            count += 1
            if count > max_questions:
                problems.append(
                    FormatProblem(
                        _location(index, element),
                        str(
                            _("The file holds more than %(n)d questions; the rest was not read.")
                            % {"n": max_questions}
                        ),
                    )
                )
                break
            try:
                if names is None:
                    raise Unmappable(
                        _("No category path: put a category entry before the question.")
                    )
                if isinstance(names, str):
                    raise Unmappable(names)
                records.append(self._question(element, moodle_type, names))
            except Unmappable as problem:
                problems.append(FormatProblem(_location(index, element), problem.reason))
        return ParseResult(records=tuple(records), problems=problems.result())

    def _question(
        self, element: ET.Element, moodle_type: str, names: tuple[str, str, str]
    ) -> QuestionRecord:
        read = _READERS.get(moodle_type)
        if read is None:
            raise Unmappable(
                _("Unsupported question type “%(type)s”.") % {"type": moodle_type[:50]}
                if moodle_type
                else _("The question has no type.")
            )
        text = _text_of(element, "questiontext/text")
        if not text:
            raise Unmappable(_("The question has no text."))
        grade = element.find("defaultgrade")
        fields: dict[str, Any] = {
            "category": names[0],
            "topic": names[1],
            "subtopic": names[2],
            "text": text,
            "points": 1 if grade is None else parse_points(grade.text or ""),
            **_tags(element),
            **read(element),
        }
        return build_record(self.limits, **fields)

    def render(self, records: Iterable[QuestionRecord]) -> bytes:
        quiz = ET.Element("quiz")
        current: tuple[str, str, str] | None = None
        for record in records:
            names = (record.category, record.topic, record.subtopic)
            if names != current:
                category = ET.SubElement(quiz, "question", type="category")
                _add_text(ET.SubElement(category, "category"), assemble_category_path(names))
                current = names
            _render_question(quiz, record)
        ET.indent(quiz)
        body = ET.tostring(quiz, encoding="unicode")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _location(index: int, element: ET.Element) -> str:
    try:
        name = _text_of(element, "name/text")
    except Unmappable:
        name = ""
    name = " ".join(name.split())[:_LOCATION_NAME_LENGTH]
    return str(_("question %(n)d (%(name)s)") % {"n": index, "name": name})


def _tags(element: ET.Element) -> dict[str, Any]:
    """Difficulty and expected time from the question's tags; other tags are dropped."""
    difficulties, times = set(), set()
    for tag in element.findall("tags/tag"):
        value = _text_of(tag, "text")
        lowered = value.lower()
        if lowered.startswith("difficulty:"):
            difficulties.add(parse_difficulty(value.partition(":")[2]))
        elif lowered in DIFFICULTIES:
            difficulties.add(lowered)
        elif lowered.startswith("expected_time:"):
            times.add(parse_expected_time(value.partition(":")[2]))
    if len(difficulties) > 1 or len(times) > 1:
        raise Unmappable(_("The question's tags give two difficulties or two expected times."))
    return {
        "difficulty": difficulties.pop() if difficulties else None,
        "expected_time_seconds": times.pop() if times else None,
    }


def _read_essay(element: ET.Element) -> dict[str, Any]:
    extra = element.find(_EXTRA)
    coverage = None if extra is None else extra.find("keyword_coverage")
    return {
        "kind": "open",
        "answer_key": OpenKey(
            expected_answer=_text_of(element, "graderinfo/text"),
            ideal_answer_summary=_text_of(extra, "ideal_answer_summary/text"),
            keywords=_items(extra, "keyword"),
            keyword_coverage=0.0 if coverage is None else parse_coverage(coverage.text or ""),
            red_flags=_items(extra, "red_flag"),
        ),
    }


def _items(extra: ET.Element | None, tag: str) -> tuple[str, ...]:
    if extra is None:
        return ()
    return tuple(_text_of(item, "text") for item in extra.findall(tag))


def _read_multichoice(element: ET.Element) -> dict[str, Any]:
    kind = "single_choice" if _flag(element, "single", True) else "multiple_choice"
    choices, fractions = [], []
    for answer in element.findall("answer"):
        text = _text_of(answer, "text")
        if text:  # Moodle skips blank options.
            choices.append(text)
            fractions.append(_fraction(answer))
    if len(choices) < 2:
        raise Unmappable(_("A choice question needs at least two options."))
    shuffle = _flag(element, "shuffleanswers", False)
    return {
        "kind": kind,
        "choices": tuple(choices),
        "answer_key": choice_key(kind, fractions, shuffle_choices=shuffle),
    }


def _read_truefalse(element: ET.Element) -> dict[str, Any]:
    """A true/false question becomes a single choice between "True" and "False"."""
    right = [
        _text_of(answer, "text").lower()
        for answer in element.findall("answer")
        if _fraction(answer) > 0
    ]
    if right not in (["true"], ["false"]):
        raise Unmappable(
            _("A true/false question needs the answers “true” and “false”, one of them right.")
        )
    return {
        "kind": "single_choice",
        "choices": ("True", "False"),
        "answer_key": ChoiceKey(correct=(0 if right == ["true"] else 1,)),
    }


def _read_shortanswer(element: ET.Element) -> dict[str, Any]:
    answers = []
    for answer in element.findall("answer"):
        text = _text_of(answer, "text")
        if text:  # Moodle skips blank answers.
            answers.append((_fraction(answer), text))
    # Wrong answers (0% or less, often a "*" catch-all) are dropped before the wildcard check.
    accepted = full_credit_answers(answers)
    if not accepted:
        raise Unmappable(_("The question has no answer with full credit."))
    return {
        "kind": "short_answer",
        "answer_key": ShortAnswerKey(
            accepted_answers=tuple(unescape_wildcards(answer) for answer in accepted),
            case_sensitive=_flag(element, "usecase", False),
            normalize_whitespace=_flag(element, f"{_EXTRA}/normalize_whitespace", True),
        ),
    }


def _read_numerical(element: ET.Element) -> dict[str, Any]:
    answers = [(_fraction(answer), answer) for answer in element.findall("answer")]
    right = full_credit_answers(answers)  # type: ignore[arg-type]
    if len(right) != 1:
        raise Unmappable(
            _("A numeric question needs exactly one answer with full credit; it has %(n)d.")
            % {"n": len(right)}
        )
    answer: ET.Element = right[0]  # type: ignore[assignment]
    value = parse_float(_text_of(answer, "text"))
    tolerance_element = answer.find("tolerance")
    tolerance = 0.0 if tolerance_element is None else parse_float(tolerance_element.text or "0")
    if value is None or tolerance is None or tolerance < 0:
        raise Unmappable(_("A numeric answer is not a number with a tolerance of 0 or more."))
    return {"kind": "numeric", "answer_key": NumericKey(value=value, tolerance=tolerance)}


_READERS = {
    "essay": _read_essay,
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
}


def _add_text(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "text").text = _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, **attributes)
    element.text = text
    return element


def _render_question(quiz: ET.Element, record: QuestionRecord) -> None:
    question = ET.SubElement(quiz, "question", type=_MOODLE_TYPES[record.kind])
    _add_text(ET.SubElement(question, "name"), " ".join(record.text.split())[:_NAME_LENGTH])
    _add_text(ET.SubElement(question, "questiontext", format="html"), record.text)
    _add_text(ET.SubElement(question, "generalfeedback", format="html"), "")
    _add(question, "defaultgrade", str(record.points))
    extra = ET.Element(_EXTRA)
    key = record.answer_key
    if isinstance(key, OpenKey):
        _add(question, "responseformat", "editor")
        _add(question, "responserequired", "1")
        _add(question, "responsefieldlines", "15")
        _add(question, "attachments", "0")
        _add(question, "attachmentsrequired", "0")
        _add_text(ET.SubElement(question, "graderinfo", format="html"), key.expected_answer)
        _add_text(ET.SubElement(question, "responsetemplate", format="html"), "")
        if key.ideal_answer_summary:
            _add_text(ET.SubElement(extra, "ideal_answer_summary"), key.ideal_answer_summary)
        for keyword in key.keywords:
            _add_text(ET.SubElement(extra, "keyword"), keyword)
        if key.keyword_coverage:
            _add(extra, "keyword_coverage", format_float(key.keyword_coverage))
        for red_flag in key.red_flags:
            _add_text(ET.SubElement(extra, "red_flag"), red_flag)
    elif isinstance(key, ChoiceKey):
        _add(question, "single", "true" if record.kind == "single_choice" else "false")
        _add(question, "shuffleanswers", "true" if key.shuffle_choices else "false")
        _add(question, "answernumbering", "abc")
        for choice, fraction in zip(record.choices, _fractions(record), strict=True):
            answer = ET.SubElement(question, "answer", fraction=fraction, format="html")
            _add_text(answer, choice)
            _add_text(ET.SubElement(answer, "feedback", format="html"), "")
    elif isinstance(key, ShortAnswerKey):
        _add(question, "usecase", "1" if key.case_sensitive else "0")
        for accepted in key.accepted_answers:
            answer = ET.SubElement(question, "answer", fraction="100", format="moodle_auto_format")
            _add_text(answer, escape_wildcards(accepted))
            _add_text(ET.SubElement(answer, "feedback", format="html"), "")
        if not key.normalize_whitespace:
            _add(extra, "normalize_whitespace", "false")
    else:
        assert isinstance(key, NumericKey)
        answer = ET.SubElement(question, "answer", fraction="100", format="moodle_auto_format")
        _add_text(answer, format_float(key.value))
        _add(answer, "tolerance", format_float(key.tolerance))
        _add_text(ET.SubElement(answer, "feedback", format="html"), "")
    tags = [f"difficulty:{record.difficulty}"] if record.difficulty else []
    if record.expected_time_seconds is not None:
        tags.append(f"expected_time:{record.expected_time_seconds}")
    if tags:
        tags_element = ET.SubElement(question, "tags")
        for tag in tags:
            _add_text(ET.SubElement(tags_element, "tag"), tag)
    if len(extra):
        question.append(extra)


def _fractions(record: QuestionRecord) -> list[str]:
    """Fractions in percent: a single choice's right option 100, the others 0; a multiple
    choice's right options share +100%, the wrong ones share -100%."""
    key = record.answer_key
    assert isinstance(key, ChoiceKey)
    correct = set(key.correct)
    if record.kind == "single_choice":
        return ["100" if i in correct else "0" for i in range(len(record.choices))]
    right = format_percent(100 / len(correct))
    wrong_count = len(record.choices) - len(correct)
    wrong = format_percent(-100 / wrong_count) if wrong_count else "0"
    return [right if i in correct else wrong for i in range(len(record.choices))]

"""GIFT, Moodle's plain-text question format, read and written the way Moodle's own
``question/format/gift/format.php`` does, plus comment lines for what GIFT has no place for.

A question is a block of non-blank lines; lines starting with ``//`` are comments. Our fields
with no place in GIFT travel as comment lines right above the question (``// difficulty: hard``,
see docs/formats.md); Moodle ignores them. ``$CATEGORY: $course$/top/A/B/C`` blocks set the
category path of the questions after them.

Every search over file content is a single left-to-right scan (``str.find`` or a regular
expression without nested or adjacent repeats), so parsing time is linear in the file size.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from .base import (
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
from .records import ChoiceKey, NumericKey, OpenKey, QuestionRecord, ShortAnswerKey

# What a backslash escapes in GIFT; "\n" is a line break inside a text.
_ESCAPABLE = "\\~=#{}:"
_UNESCAPE = re.compile(r"\\(.)", re.S)
# Moodle's text-format markers at the start of a text ("[html]Text"): dropped on reading.
_FORMAT_MARKERS = ("moodle", "html", "plain", "markdown")
# An answer weight at the start of an answer: "%50%", "%-33.33333%".
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d*)?)%")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
# The comment-line keys we read (docs/formats.md); other comments are ignored.
_META_KEYS = frozenset(
    {
        "difficulty",
        "points",
        "expected_time",
        "expected_answer",
        "ideal_answer_summary",
        "keywords",
        "keyword_coverage",
        "red_flags",
        "shuffle_choices",
        "case_sensitive",
        "normalize_whitespace",
        "kind",
    }
)
_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
# Longest generated question name: GIFT names are labels, the text is what counts.
_NAME_LENGTH = 40


@functools.cache
def _unescaped(chars: str) -> re.Pattern[str]:
    """A pattern whose group 1 matches one of ``chars`` not escaped by a backslash."""
    return re.compile(r"\\.|([" + re.escape(chars) + "])", re.S)


def _find(text: str, chars: str, start: int = 0) -> int:
    """Index of the first of ``chars`` at or after ``start`` that is not escaped, or -1."""
    for match in _unescaped(chars).finditer(text, start):
        if match.group(1) is not None:
            return match.start()
    return -1


def _split(text: str, chars: str) -> list[tuple[str, str]]:
    """``text`` cut at each unescaped one of ``chars``: (the char before the piece, piece)."""
    pieces, separator, start = [], "", 0
    for match in _unescaped(chars).finditer(text):
        if match.group(1) is not None:
            pieces.append((separator, text[start : match.start()]))
            separator, start = match.group(1), match.end()
    pieces.append((separator, text[start:]))
    return pieces


def _strip_feedback(answer: str) -> str:
    """An answer without its feedback (after the first unescaped "#")."""
    cut = _find(answer, "#")
    return answer if cut < 0 else answer[:cut]


def _cut_general_feedback(answers: str) -> str:
    """The answers without the general feedback after the last unescaped "####"."""
    run, last, previous = 0, -1, -2
    for match in _unescaped("#").finditer(answers):
        if match.group(1) is None:
            run = 0
            continue
        run = run + 1 if match.start() == previous + 1 else 1
        previous = match.start()
        if run >= 4:
            last = match.start() - 3
    return answers if last < 0 else answers[:last].strip()


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        char = match.group(1)
        if char == "n":
            return "\n"
        return char if char in _ESCAPABLE else match.group(0)

    return _UNESCAPE.sub(replace, text)


def _text(raw: str) -> str:
    """The text of a raw GIFT piece: its format marker dropped, escapes undone, stripped."""
    raw = raw.strip()
    if raw.startswith("["):
        end = raw.find("]")
        if end > 0 and raw[1:end] in _FORMAT_MARKERS:
            raw = raw[end + 1 :]
    return clean_text(_unescape(raw))


def _escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and line breaks written ``\\n``."""
    escaped = "".join(f"\\{char}" if char in _ESCAPABLE else char for char in text)
    return escaped.replace("\n", "\\n")


def _escape_text(text: str) -> str:
    """An escaped text; one that starts like a format marker gets "[plain]" in front."""
    escaped = _escape(text)
    if escaped.startswith("["):
        end = escaped.find("]")
        if end > 0 and escaped[1:end] in _FORMAT_MARKERS:
            escaped = "[plain]" + escaped
    return escaped


def _blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, stripped lines) of each run of non-blank lines."""
    start, lines = 0, []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if line:
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


class GIFTFormat(QuestionFormat):
    """Moodle's GIFT text format: essay, multiple choice, short answer, numerical, true/false."""

    name = "gift"
    media_type = "text/plain; charset=utf-8"
    file_extension = "txt"

    def parse(self, data: bytes, *, max_questions: int) -> ParseResult:
        text = self.decode(data)
        records: list[QuestionRecord] = []
        problems = ProblemList(self.limits)
        names: tuple[str, str, str] | str | None = None
        count = 0
        for line_number, lines in _blocks(text):
            if problems.full:
                break
            comments = [line for line in lines if line.startswith("//")]
            body = "\n".join(line for line in lines if not line.startswith("//"))
            if not body:
                continue  # Only comments: Moodle's "// question: 12" headers and the like.
            if body.startswith(_CATEGORY):
                names = category_names(body[len(_CATEGORY) :].strip())
                continue
            location = str(_("line %(n)d") % {"n": line_number})
            count += 1
            if count > max_questions:
                problems.append(
                    FormatProblem(
                        location,
                        str(
                            _("The file holds more than %(n)d questions; the rest was not read.")
                            % {"n": max_questions}
                        ),
                    )
                )
                break
            try:
                if sum(len(line) for line in lines) > self.limits.max_question_chars:
                    raise Unmappable(
                        _("The question is longer than %(n)d characters.")
                        % {"n": self.limits.max_question_chars}
                    )
                if names is None:
                    raise Unmappable(
                        _(
                            "No category path: put a “$CATEGORY: $course$/top/Category/Topic/"
                            "Subtopic” line before the question."
                        )
                    )
                if isinstance(names, str):
                    raise Unmappable(names)
                records.append(self._question(body, _metadata(comments), names))
            except Unmappable as problem:
                problems.append(FormatProblem(location, problem.reason))
        return ParseResult(records=tuple(records), problems=problems.result())

    def _question(
        self, body: str, meta: dict[str, str], names: tuple[str, str, str]
    ) -> QuestionRecord:
        text = body
        if text.startswith("::"):
            end = _find_name_end(text)
            text = text[2:] if end < 0 else text[end + 2 :].strip()
        start, end = _find(text, "{"), _find(text, "}")
        if start < 0 and end < 0:
            raise Unmappable(
                _("Unsupported question type “description” (a text without an answer block).")
            )
        if start < 0 or end < start:
            raise Unmappable(_("The answer block's braces { } do not match."))
        answers = _cut_general_feedback(text[start + 1 : end].strip())
        after = text[end + 1 :]
        # Moodle's missing-word form: answers inside the sentence leave a blank in the text.
        question = text[:start] + ("_____" + after if after.strip() else "")
        fields: dict[str, Any] = {
            "category": names[0],
            "topic": names[1],
            "subtopic": names[2],
            "text": _text(question),
            "difficulty": _meta(meta, "difficulty", parse_difficulty, None),
            "points": _meta(meta, "points", parse_points, 1),
            "expected_time_seconds": _meta(meta, "expected_time", parse_expected_time, None),
        }
        if not fields["text"]:
            raise Unmappable(_("The question has no text."))
        fields.update(self._answers(answers, meta))
        return build_record(self.limits, **fields)

    def _answers(self, answers: str, meta: dict[str, str]) -> dict[str, Any]:
        """The kind, choices and key of a question from its answer block (without braces)."""
        if not answers:
            return {"kind": "open", "answer_key": _open_key(meta)}
        if answers.startswith("#"):
            return {"kind": "numeric", "answer_key": _numeric_key(answers[1:])}
        if _find(answers, "~") >= 0:
            return _choices(answers, meta)
        is_short = meta.get("kind", "").strip() == "short_answer"
        if not is_short and "->" in answers and _find(answers, "=") >= 0:
            raise Unmappable(_("Unsupported question type “matching”."))
        verdict = _TRUE_FALSE.get(_strip_feedback(answers).strip())
        if verdict is not None and not is_short:
            return {
                "kind": "single_choice",
                "choices": ("True", "False"),
                "answer_key": ChoiceKey(correct=(0 if verdict else 1,)),
            }
        accepted = []
        for separator, piece in _split(answers, "="):
            piece = piece.strip()
            if not separator and not piece:
                continue
            weight, piece = _weight(piece, 100.0)
            text = _text(_strip_feedback(piece))
            if text:  # Moodle skips blank answers.
                accepted.append((weight, text))
        # Wrong answers (0% or less) may use the "*" wildcard: they are dropped first.
        full = _required(full_credit_answers(accepted))
        return {
            "kind": "short_answer",
            "answer_key": ShortAnswerKey(
                accepted_answers=tuple(unescape_wildcards(answer) for answer in full),
                case_sensitive=_meta(meta, "case_sensitive", _boolean, False),
                normalize_whitespace=_meta(meta, "normalize_whitespace", _boolean, True),
            ),
        }

    def render(self, records: Iterable[QuestionRecord]) -> bytes:
        parts: list[str] = []
        current: tuple[str, str, str] | None = None
        for record in records:
            names = (record.category, record.topic, record.subtopic)
            if names != current:
                parts.append(f"{_CATEGORY} {assemble_category_path(names)}\n\n")
                current = names
            parts.append(_render_question(record))
        return "".join(parts).encode("utf-8")


def _find_name_end(text: str) -> int:
    """Index of the unescaped "::" that ends a name opened at index 0, or -1."""
    index = _find(text, ":", 2)
    while index >= 0:
        if text.startswith(":", index + 1):
            return index
        index = _find(text, ":", index + 1)
    return -1


def _weight(piece: str, default: float) -> tuple[float, str]:
    """(fraction in percent, rest) of an answer that may start with a "%50%" weight."""
    match = _WEIGHT.match(piece)
    if not match:
        return default, piece
    return check_fraction(parse_float(match.group(1))), piece[match.end() :]


def _required(answers: list[str]) -> list[str]:
    if not answers:
        raise Unmappable(_("The question has no answer with full credit."))
    return answers


def _choices(answers: str, meta: dict[str, str]) -> dict[str, Any]:
    """A multiple-choice block: "=" marks the right option of a single choice; without "=",
    weighted "~%50%" options make a multiple choice, as Moodle reads it."""
    kind = "single_choice" if _find(answers, "=") >= 0 else "multiple_choice"
    choices, fractions = [], []
    for separator, piece in _split(answers, "~="):
        piece = piece.strip()
        if not separator and not piece:
            continue
        if separator == "=":
            fraction = 100.0
        else:
            fraction, piece = _weight(piece, 0.0)
        text = _text(_strip_feedback(piece))
        if text:  # Moodle skips blank options.
            choices.append(text)
            fractions.append(fraction)
    if len(choices) < 2:
        raise Unmappable(_("A choice question needs at least two options."))
    shuffle = _meta(meta, "shuffle_choices", _boolean, False)
    return {
        "kind": kind,
        "choices": tuple(choices),
        "answer_key": choice_key(kind, fractions, shuffle_choices=shuffle),
    }


def _numeric_key(answers: str) -> NumericKey:
    """A numerical block after its "#": "3.14:0.01", "1..5" or "=3.14:0.01 =%50%3:1"."""
    wrong = _find(answers, "~")  # Feedback for any other answer: dropped.
    if wrong >= 0:
        answers = answers[:wrong]
    values = []
    for separator, piece in _split(answers, "="):
        piece = piece.strip()
        if not separator and not piece:
            continue
        weight, piece = _weight(piece, 100.0)
        values.append((weight, _number_answer(_strip_feedback(piece).strip())))
    found = full_credit_answers(values)  # type: ignore[arg-type]
    if len(found) != 1:
        raise Unmappable(
            _("A numeric question needs exactly one answer with full credit; it has %(n)d.")
            % {"n": len(found)}
        )
    return found[0]  # type: ignore[return-value]


def _number_answer(answer: str) -> NumericKey:
    value: float | None
    tolerance: float | None
    if answer.find("..") > 0:
        low, _dots, high = answer.partition("..")
        low_value, high_value = parse_float(_unescape(low)), parse_float(_unescape(high))
        if low_value is None or high_value is None or high_value < low_value:
            raise Unmappable(_("A numeric answer's range is not two numbers, low..high."))
        value = (low_value + high_value) / 2
        tolerance = high_value - value
    else:
        colon = _find(answer, ":")
        if colon > 0:
            value = parse_float(_unescape(answer[:colon]))
            tolerance = parse_float(_unescape(answer[colon + 1 :]))
        else:
            value, tolerance = parse_float(_unescape(answer)), 0.0
    if value is None or tolerance is None or tolerance < 0:
        raise Unmappable(_("A numeric answer is not a number with a tolerance of 0 or more."))
    return NumericKey(value=value, tolerance=tolerance)


def _metadata(comments: list[str]) -> dict[str, str]:
    """Our keys from "// key: value" comment lines; the last one of a key wins."""
    meta = {}
    for line in comments:
        key, separator, value = line[2:].partition(":")
        key = key.strip().lower()
        if separator and key in _META_KEYS:
            meta[key] = value.strip()
    return meta


def _meta(meta: dict[str, str], key: str, parse: Any, default: Any) -> Any:
    return parse(meta[key]) if key in meta else default


def _boolean(value: str) -> bool:
    try:
        return _BOOLEANS[value.strip().lower()]
    except KeyError:
        raise Unmappable(_("“%(value)s” is not true or false.") % {"value": value[:50]}) from None


def _json(value: str) -> Any:
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise Unmappable(_("A comment value is not valid JSON.")) from None


def _meta_text(value: str) -> str:
    """A text comment value: a JSON string, or the rest of the line as written."""
    if value.startswith('"'):
        value = _json(value)
        if not isinstance(value, str):
            raise Unmappable(_("A comment value is not a JSON string."))
    return clean_text(value)


def _meta_list(value: str) -> tuple[str, ...]:
    """A list comment value: a JSON array of strings, or comma-separated words."""
    if value.startswith("["):
        items = _json(value)
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise Unmappable(_("A comment value is not a JSON array of strings."))
    else:
        items = value.split(",")
    return tuple(item for item in (clean_text(item) for item in items) if item)


def _open_key(meta: dict[str, str]) -> OpenKey:
    return OpenKey(
        expected_answer=_meta(meta, "expected_answer", _meta_text, ""),
        ideal_answer_summary=_meta(meta, "ideal_answer_summary", _meta_text, ""),
        keywords=_meta(meta, "keywords", _meta_list, ()),
        keyword_coverage=_meta(meta, "keyword_coverage", parse_coverage, 0.0),
        red_flags=_meta(meta, "red_flags", _meta_list, ()),
    )


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _render_question(record: QuestionRecord) -> str:
    meta: list[tuple[str, str]] = []
    if record.difficulty is not None:
        meta.append(("difficulty", record.difficulty))
    if record.points != 1:
        meta.append(("points", str(record.points)))
    if record.expected_time_seconds is not None:
        meta.append(("expected_time", str(record.expected_time_seconds)))
    key = record.answer_key
    if isinstance(key, OpenKey):
        body = "{}"
        if key.expected_answer:
            meta.append(("expected_answer", _dump(key.expected_answer)))
        if key.ideal_answer_summary:
            meta.append(("ideal_answer_summary", _dump(key.ideal_answer_summary)))
        if key.keywords:
            meta.append(("keywords", _dump(list(key.keywords))))
        if key.keyword_coverage:
            meta.append(("keyword_coverage", format_float(key.keyword_coverage)))
        if key.red_flags:
            meta.append(("red_flags", _dump(list(key.red_flags))))
    elif isinstance(key, ChoiceKey):
        if key.shuffle_choices:
            meta.append(("shuffle_choices", "true"))
        body = "{\n" + "".join(_render_choices(record.kind, record.choices, key)) + "}"
    elif isinstance(key, ShortAnswerKey):
        if key.case_sensitive:
            meta.append(("case_sensitive", "true"))
        if not key.normalize_whitespace:
            meta.append(("normalize_whitespace", "false"))
        if any("->" in answer for answer in key.accepted_answers):
            # Moodle would read "=a->b" as a matching question; this comment says otherwise.
            meta.append(("kind", "short_answer"))
        answers = (_escape_text(escape_wildcards(answer)) for answer in key.accepted_answers)
        body = "{\n" + "".join(f"\t=%100%{answer}\n" for answer in answers) + "}"
    else:
        assert isinstance(key, NumericKey)
        body = f"{{#{format_float(key.value)}:{format_float(key.tolerance)}}}"
    name = " ".join(record.text.split())[:_NAME_LENGTH]
    lines = [f"// {key}: {value}\n" for key, value in meta]
    lines.append(f"::{_escape(name)}::{_escape_text(record.text)}{body}\n\n")
    return "".join(lines)


def _render_choices(kind: str, choices: tuple[str, ...], key: ChoiceKey) -> Iterator[str]:
    correct = set(key.correct)
    wrong_count = len(choices) - len(correct)
    for index, choice in enumerate(choices):
        text = _escape_text(choice)
        if kind == "single_choice":
            if index in correct:
                yield f"\t={text}\n"
            else:
                # An explicit 0% keeps a text that starts like a weight ("%5%...") a text.
                yield f"\t~%0%{text}\n" if text.startswith("%") else f"\t~{text}\n"
        elif index in correct:
            yield f"\t~%{format_percent(100 / len(correct))}%{text}\n"
        else:
            yield f"\t~%{format_percent(-100 / wrong_count)}%{text}\n"

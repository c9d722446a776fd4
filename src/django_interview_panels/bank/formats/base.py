"""What every question format shares: the parse result, errors, caps and the category path.

A format turns bytes into ``QuestionRecord`` objects and back, and never touches the database.
``parse()`` raises ``FormatError`` only when the whole file is unusable; anything smaller (one
question of an unsupported type, a bad fraction, a missing category path) becomes a
``FormatProblem`` with a location and a reason, and that question is left out of the records.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .records import DIFFICULTIES, ChoiceKey, QuestionRecord

__all__ = [
    "FormatError",
    "FormatLimits",
    "FormatProblem",
    "ParseResult",
    "QuestionFormat",
]


class FormatError(Exception):
    """The whole file is unusable: too big, undecodable, not XML, or a DTD or entity refused.

    The message is short and user-facing (a lazy translation; ``str(error)`` renders it).
    """

    def __init__(self, message: object) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class FormatProblem:
    """One element or line that was not imported, and why."""

    # "line 12" (GIFT, the question's first line) or "question 3 (name)" (Moodle XML, the
    # position of the <question> element in the file, category entries included).
    location: str
    reason: str


@dataclass(frozen=True)
class ParseResult:
    """The questions a file holds, in file order, and the parts that could not be mapped."""

    records: tuple[QuestionRecord, ...]
    problems: tuple[FormatProblem, ...]


@dataclass(frozen=True)
class FormatLimits:
    """Caps a parse applies, so an upload's cost is bounded whatever it holds."""

    # Largest file, in bytes, before anything is decoded. Moodle XML takes about 1.5 kB a
    # question, so 10,000 questions are some 15 MB.
    max_bytes: int = 50 * 1024 * 1024
    # Longest category, topic or subtopic name, in characters (the bank's name columns).
    max_name_length: int = 255
    # Longest question text, expected answer or ideal-answer summary, in characters.
    max_text_length: int = 20_000
    # Longest choice, accepted answer, keyword or red flag, in characters.
    max_item_length: int = 2_000
    # Most choices of one choice question; most accepted answers of one short-answer question.
    max_choices: int = 20
    # Most keywords, and most red flags, of one open question.
    max_keywords: int = 50
    # Largest points value (Moodle's defaultgrade).
    max_points: int = 1000
    # Longest expected time, in seconds.
    max_expected_time_seconds: int = 24 * 60 * 60
    # Longest GIFT question (its lines, comments included), in characters, read before parsing.
    max_question_chars: int = 200_000
    # Most problems one parse reports; it stops reading there (a file of a million bad lines
    # would otherwise cost a million problems).
    max_problems: int = 1000

    def check(self, record: QuestionRecord) -> str | None:
        """The reason ``record`` breaks a cap, or None."""
        for name in (record.category, record.topic, record.subtopic):
            if len(name) > self.max_name_length:
                return str(
                    _("A category, topic or subtopic name is longer than %(n)d characters.")
                    % {"n": self.max_name_length}
                )
        key = record.answer_key
        texts = (
            record.text,
            getattr(key, "expected_answer", ""),
            getattr(key, "ideal_answer_summary", ""),
        )
        if any(len(text) > self.max_text_length for text in texts):
            return str(_("A text is longer than %(n)d characters.") % {"n": self.max_text_length})
        accepted = getattr(key, "accepted_answers", ())
        if len(record.choices) > self.max_choices or len(accepted) > self.max_choices:
            return str(
                _("The question has more than %(n)d choices or accepted answers.")
                % {"n": self.max_choices}
            )
        keywords, red_flags = getattr(key, "keywords", ()), getattr(key, "red_flags", ())
        if len(keywords) > self.max_keywords or len(red_flags) > self.max_keywords:
            return str(
                _("The question has more than %(n)d keywords or red flags.")
                % {"n": self.max_keywords}
            )
        items = (*record.choices, *accepted, *keywords, *red_flags)
        if any(len(item) > self.max_item_length for item in items):
            return str(
                _("A choice, answer, keyword or red flag is longer than %(n)d characters.")
                % {"n": self.max_item_length}
            )
        if record.points > self.max_points:
            return str(_("Points are above %(n)d.") % {"n": self.max_points})
        seconds = record.expected_time_seconds
        if seconds is not None and seconds > self.max_expected_time_seconds:
            return str(
                _("The expected time is above %(n)d seconds.")
                % {"n": self.max_expected_time_seconds}
            )
        return None


class ProblemList(list[FormatProblem]):
    """The problems of one parse, up to ``FormatLimits.max_problems``; then a last one says
    the rest of the file was not read, and ``full`` tells the parser to stop."""

    def __init__(self, limits: FormatLimits) -> None:
        super().__init__()
        self.limit = limits.max_problems
        self.full = False

    def append(self, problem: FormatProblem) -> None:
        if self.full:
            return
        if len(self) >= self.limit:
            self.full = True
            problem = FormatProblem(
                problem.location,
                str(
                    _("More than %(n)d problems; the rest of the file was not read.")
                    % {"n": self.limit}
                ),
            )
        super().append(problem)

    def result(self) -> tuple[FormatProblem, ...]:
        return tuple(self)


class QuestionFormat:
    """A question file format. Subclasses implement parse() and render(); instances hold no state
    beyond their limits, so one instance may serve every request."""

    # Registry name, as get_format() takes it.
    name = ""
    # The HTTP media type of a rendered file.
    media_type = "application/octet-stream"
    # The file name extension of a rendered file, without the dot.
    file_extension = ""

    def __init__(self, *, limits: FormatLimits | None = None) -> None:
        self.limits = limits or FormatLimits()

    def parse(self, data: bytes, *, max_questions: int) -> ParseResult:
        """Read a file. Raises FormatError only when the whole file is unusable."""
        raise NotImplementedError("subclasses of QuestionFormat must provide parse()")

    def render(self, records: Iterable[QuestionRecord]) -> bytes:
        """Write records as a file that parse() reads back to equal records."""
        raise NotImplementedError("subclasses of QuestionFormat must provide render()")

    def decode(self, data: bytes) -> str:
        """UTF-8 text of ``data`` (a byte order mark is dropped), line ends made ``\\n``."""
        if len(data) > self.limits.max_bytes:
            raise FormatError(
                _("The file is larger than %(n)d bytes.") % {"n": self.limits.max_bytes}
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormatError(_("The file is not UTF-8 text.")) from None
        return normalize_line_ends(text)


def normalize_line_ends(text: str) -> str:
    """``\\r\\n`` and a lone ``\\r`` become ``\\n``, as XML parsers and Moodle do."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean_text(text: str) -> str:
    """A text as the formats keep it: line ends made ``\\n``, outer whitespace stripped."""
    return normalize_line_ends(text).strip()


# Moodle's context prefixes of a category path ("$course$/top/...").
_CONTEXT_PREFIX = re.compile(r"\$[a-z]+\$")
# A "/" with no "/" on either side separates names; "//" inside a name is a literal "/".
_PATH_SEPARATOR = re.compile(r"(?<!/)/(?!/)")


def split_category_path(path: str) -> list[str]:
    """The names of a Moodle category path, Moodle's way: "//" is an escaped "/", names trimmed."""
    return [part.replace("//", "/").strip() for part in _PATH_SEPARATOR.split(path)]


def assemble_category_path(names: Iterable[str]) -> str:
    """A category path Moodle splits back into ``names``, under ``$course$/top``.

    A name starting or ending with "/" gets a space on that side, as Moodle does, so its
    escaped slashes never touch a separator (the space is trimmed on reading).
    """
    parts = ["$course$", "top"]
    for name in names:
        escaped = name.replace("/", "//")
        if escaped.startswith("/"):
            escaped = " " + escaped
        if escaped.endswith("/"):
            escaped += " "
        parts.append(escaped)
    return "/".join(parts)


def category_names(path: str) -> tuple[str, str, str] | str:
    """(category, topic, subtopic) named by a category path, or the reason it names none.

    The context prefix (``$course$``, ``$system$``, ...) and then "top" are dropped. Three names
    remain, or more: the first is the category, the second the topic, the rest joined with "/"
    name the subtopic. Fewer than three is a problem naming the path.
    """
    names = split_category_path(path)
    if names and _CONTEXT_PREFIX.fullmatch(names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    if names == [""]:
        names = []
    if any(not name for name in names):
        return str(_("The category path “%(path)s” has an empty name.") % {"path": path})
    if len(names) < 3:
        return str(
            _(
                "The category path “%(path)s” has %(n)d level(s) below “top”; it needs three: "
                "category/topic/subtopic."
            )
            % {"path": path, "n": len(names)}
        )
    return names[0], names[1], "/".join(names[2:])


# A decimal number as Moodle writes one; no nested repeats, so matching is linear.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Longer numbers are not numbers a question needs (and keep Decimal and float cheap).
_MAX_NUMBER_CHARS = 100


def parse_float(text: str) -> float | None:
    """A finite float from a decimal number, or None."""
    text = text.strip()
    if len(text) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def parse_whole(text: str) -> int | None:
    """A whole number from a decimal number ("2", "2.0000000"), or None."""
    text = text.strip()
    if len(text) > _MAX_NUMBER_CHARS or not _NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    # Exponents as large as "1e99999" stay cheap: compare before converting.
    if abs(value) > 10**9 or value != value.to_integral_value():
        return None
    return int(value)


def format_float(value: float) -> str:
    """The shortest text that reads back as exactly ``value``."""
    return repr(float(value))


def format_percent(value: float) -> str:
    """A Moodle fraction in percent, five decimals at most, as Moodle writes "33.33333"."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def check_fraction(value: float | None) -> float:
    """A fraction in percent, or Unmappable when missing or outside -100..100."""
    if value is None or not -100 <= value <= 100:
        raise Unmappable(_("An answer has a bad fraction (a percentage from -100 to 100)."))
    return value


def is_full(value: float) -> bool:
    """Whether a fraction in percent is full credit (Moodle writes 100 or 100.0000000)."""
    return abs(value - 100) < 1e-6


def choice_key(kind: str, fractions: list[float], *, shuffle_choices: bool) -> ChoiceKey:
    """The key of a choice question from its options' fractions in percent.

    An option is correct when its fraction is above 0. A single-choice question needs exactly
    one such option, at 100%: other partial credit has no place in our single choice.
    """
    correct = tuple(i for i, fraction in enumerate(fractions) if fraction > 0)
    if kind == "single_choice" and (len(correct) != 1 or not is_full(fractions[correct[0]])):
        raise Unmappable(
            _(
                "A single-choice question needs exactly one option with a positive fraction, "
                "at 100%; partial credit on other options is not supported."
            )
        )
    if not correct:
        raise Unmappable(_("No option has a positive fraction, so none is correct."))
    return ChoiceKey(correct=correct, shuffle_choices=shuffle_choices)


def full_credit_answers(answers: list[tuple[float, str]]) -> list[str]:
    """The answers at 100% of (fraction in percent, answer); those at 0% or less are dropped
    (Moodle's catch-all "*" wrong answers); partial credit is Unmappable."""
    if any(fraction > 0 and not is_full(fraction) for fraction, _answer in answers):
        raise Unmappable(_("Answers with partial credit are not supported."))
    return [answer for fraction, answer in answers if fraction > 0]


def escape_wildcards(answer: str) -> str:
    """A short answer with each "*" written "\\*": a bare "*" is Moodle's wildcard."""
    return answer.replace("*", "\\*")


def unescape_wildcards(answer: str) -> str:
    """The literal short answer of Moodle's pattern; Unmappable when it uses the "*" wildcard."""
    for index, char in enumerate(answer):
        if char == "*" and (index == 0 or answer[index - 1] != "\\"):
            raise Unmappable(
                _("An accepted answer uses Moodle's “*” wildcard, which is not supported.")
            )
    return answer.replace("\\*", "*")


def parse_difficulty(value: str) -> str:
    """A difficulty name from a tag or comment value; Unmappable when it names none."""
    difficulty = value.strip().lower()
    if difficulty not in DIFFICULTIES:
        raise Unmappable(
            _("Unknown difficulty “%(value)s”: use easy, medium or hard.") % {"value": value[:50]}
        )
    return difficulty


def parse_expected_time(value: str) -> int:
    """Expected seconds from a tag or comment value; Unmappable unless a positive whole number."""
    seconds = parse_whole(value)
    if seconds is None or seconds < 1:
        raise Unmappable(
            _("The expected time “%(value)s” is not a positive whole number of seconds.")
            % {"value": value[:50]}
        )
    return seconds


def parse_points(value: str) -> int:
    """Points from Moodle's defaultgrade or a comment; Unmappable unless a whole number >= 0."""
    points = parse_whole(value)
    if points is None or points < 0:
        raise Unmappable(
            _("The points (Moodle's default mark) “%(value)s” are not a whole number.")
            % {"value": value[:50]}
        )
    return points


def parse_coverage(value: str) -> float:
    """A keyword coverage share; Unmappable unless a number from 0 to 1."""
    coverage = parse_float(value)
    if coverage is None or not 0 <= coverage <= 1:
        raise Unmappable(
            _("The keyword coverage “%(value)s” is not a number from 0 to 1.")
            % {"value": value[:50]}
        )
    return coverage


class Unmappable(Exception):
    """Raised inside a parser for one question it cannot map; becomes a FormatProblem."""

    def __init__(self, reason: object) -> None:
        super().__init__(str(reason))
        self.reason = str(reason)


def build_record(limits: FormatLimits, **fields: object) -> QuestionRecord:
    """A record from parsed fields, within ``limits``; Unmappable otherwise."""
    try:
        record = QuestionRecord(**fields)  # type: ignore[arg-type]
    except ValueError as error:
        raise Unmappable(_("The question is not valid: %(error)s.") % {"error": error}) from None
    reason = limits.check(record)
    if reason:
        raise Unmappable(reason)
    return record

"""Question file formats: Moodle XML and GIFT, read into ``QuestionRecord`` objects and written
back, without the database. docs/formats.md describes the mapping and its conventions.

``get_format(name)`` returns the format registered under ``name`` ("moodle_xml" or "gift").
"""

from __future__ import annotations

from .base import FormatError, FormatLimits, FormatProblem, ParseResult, QuestionFormat
from .gift import GIFTFormat
from .moodle_xml import MoodleXMLFormat
from .records import (
    CHOICE_KINDS,
    DIFFICULTIES,
    KINDS,
    AnswerKey,
    ChoiceKey,
    NumericKey,
    OpenKey,
    QuestionRecord,
    ShortAnswerKey,
)

__all__ = [
    "CHOICE_KINDS",
    "DIFFICULTIES",
    "FORMATS",
    "KINDS",
    "AnswerKey",
    "ChoiceKey",
    "FormatError",
    "FormatLimits",
    "FormatProblem",
    "GIFTFormat",
    "MoodleXMLFormat",
    "NumericKey",
    "OpenKey",
    "ParseResult",
    "QuestionFormat",
    "QuestionRecord",
    "ShortAnswerKey",
    "get_format",
]

# The built-in formats by registry name.
FORMATS: dict[str, type[QuestionFormat]] = {
    MoodleXMLFormat.name: MoodleXMLFormat,
    GIFTFormat.name: GIFTFormat,
}


def get_format(name: str, *, limits: FormatLimits | None = None) -> QuestionFormat:
    """The format registered under ``name``; ``KeyError`` names the known ones otherwise."""
    try:
        format_class = FORMATS[name]
    except KeyError:
        raise KeyError(
            f"Unknown question format {name!r}; known: {', '.join(sorted(FORMATS))}"
        ) from None
    return format_class(limits=limits)

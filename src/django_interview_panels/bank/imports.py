"""Importing question records (from a file format) into an organization's bank.

``import_questions`` maps each record's category path onto the bank (an entry the organization
can see is reused: its own first, then a global one; a missing one is created for the
organization), skips a question its subtopic already holds with the same text (so importing a
file twice creates nothing new), and writes everything in one transaction: a dry run, or any
record that cannot be mapped, rolls it all back. The report lists what would be or was created
and every record it could not map, with the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..api.fields import MAX_NAME_LENGTH, has_visible_character
from ..models import (
    Category,
    Difficulty,
    Question,
    QuestionVersion,
    Subtopic,
    Topic,
    get_organization_model,
)
from ..models.bank import DEFAULT_EXPECTED_TIME_SECONDS, MAX_EXPECTED_TIME_SECONDS, MAX_POINTS
from .formats.base import FormatProblem
from .formats.records import QuestionRecord
from .serializers import QuestionCreateSerializer

# Rows per INSERT: well under SQLite's 32,766 bound parameters with the question's 14 columns.
BATCH_SIZE = 500


@dataclass
class ImportReport:
    """What an import created (or, on a dry run, would create), and what it could not map."""

    dry_run: bool
    categories: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    subtopics: list[str] = field(default_factory=list)
    questions: int = 0
    skipped: int = 0
    problems: list[FormatProblem] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        """Whether the import was written: not a dry run, and nothing left unmapped."""
        return not self.dry_run and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "imported": self.imported,
            "created": {
                "categories": self.categories,
                "topics": self.topics,
                "subtopics": self.subtopics,
                "questions": self.questions,
            },
            "skipped_existing": self.skipped,
            "problems": [
                {"location": problem.location, "reason": str(problem.reason)}
                for problem in self.problems
            ],
        }


class _RolledBack(Exception):
    """Raised inside the transaction to undo a dry run or a failed import."""


def answer_key_data(record: QuestionRecord) -> dict[str, Any]:
    """The record's answer key as the bank stores it (JSON: lists, not tuples)."""
    return {
        name: list(value) if isinstance(value, tuple) else value
        for name, value in dataclasses.asdict(record.answer_key).items()
    }


# Any UUID: the record's subtopic is found by its path, not by this field.
_SOME_SUBTOPIC = "00000000-0000-0000-0000-000000000000"


class APIQuestionRules:
    """The API's question create rules, applied to records: lengths, visible texts, answer keys
    per kind and their defaults (such as ``keyword_coverage``), so an imported question is one
    the API could have created.

    One serializer validates every record, as a ``many=True`` list does: building a serializer
    per record (its fields copied each time) made an import of 10,000 questions 4.5x its floor.
    """

    def __init__(self, default_difficulty: str | None) -> None:
        self.default_difficulty = default_difficulty
        self.serializer = QuestionCreateSerializer()

    def content(self, record: QuestionRecord) -> tuple[dict[str, Any] | None, str | None]:
        """The question's content as the API would store it, or why the API would refuse it."""
        data = {
            "subtopic_uuid": _SOME_SUBTOPIC,
            "kind": record.kind,
            "text": record.text,
            "difficulty": record.difficulty or self.default_difficulty,
            "points": record.points,
            "expected_time_seconds": record.expected_time_seconds or DEFAULT_EXPECTED_TIME_SECONDS,
            "choices": list(record.choices),
            "answer_key": answer_key_data(record),
        }
        try:
            content = dict(self.serializer.run_validation(data))
        except serializers.ValidationError as exc:
            return None, "; ".join(_flatten(exc.detail))
        del content["subtopic_uuid"]
        return content, None


def _flatten(errors: Any, prefix: str = "") -> list[str]:
    """``{"answer_key": {"keywords": ["..."]}}`` as ``["answer_key.keywords: ..."]``."""
    if isinstance(errors, dict):
        return [
            line
            for key, value in errors.items()
            for line in _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(errors, list):
        return [line for value in errors for line in _flatten(value, prefix)]
    return [f"{prefix}: {errors}" if prefix else str(errors)]


def record_problem(record: QuestionRecord, default_difficulty: str | None) -> str | None:
    """Why ``record`` cannot become a bank question, or None."""
    names = (record.category, record.topic, record.subtopic)
    if not all(has_visible_character(name) for name in names):
        return str(_("Category, topic and subtopic names need a visible character."))
    if any(len(name) > MAX_NAME_LENGTH for name in names):
        return str(
            _("Category, topic and subtopic names are at most %(max)d characters.")
            % {"max": MAX_NAME_LENGTH}
        )
    if record.difficulty is None and default_difficulty is None:
        return str(_("The question has no difficulty and no default difficulty was chosen."))
    if not 1 <= record.points <= MAX_POINTS:
        return str(_("Points must be between 1 and %(max)d.") % {"max": MAX_POINTS})
    seconds = record.expected_time_seconds
    if seconds is not None and seconds > MAX_EXPECTED_TIME_SECONDS:
        return str(
            _("The expected time must be at most %(max)d seconds.")
            % {"max": MAX_EXPECTED_TIME_SECONDS}
        )
    return None


def import_questions(
    *,
    organization: Any,
    records: Sequence[QuestionRecord],
    default_difficulty: str | None = None,
    dry_run: bool = False,
    problems: Iterable[FormatProblem] = (),
) -> ImportReport:
    """Import ``records`` into ``organization``'s bank, all or nothing.

    ``problems`` are the parser's; any problem, the parser's or a record's, means nothing is
    written. ``default_difficulty`` applies to records whose file gave none.
    """
    if default_difficulty is not None and default_difficulty not in Difficulty.values:
        raise ValueError(f"unknown difficulty {default_difficulty!r}")
    report = ImportReport(dry_run=dry_run, problems=list(problems))
    try:
        with transaction.atomic():
            _write(organization, records, default_difficulty, report)
            if not report.imported:
                raise _RolledBack
    except _RolledBack:
        pass
    return report


def _write(
    organization: Any,
    records: Sequence[QuestionRecord],
    default_difficulty: str | None,
    report: ImportReport,
) -> None:
    # One import per organization at a time: a second one waits here, then finds the first's
    # entries and questions, so two uploads of one file still create everything once.
    get_organization_model().objects.select_for_update().filter(pk=organization.pk).exists()
    tree = _BankTree(organization, report)
    rules = APIQuestionRules(default_difficulty)
    questions: list[Question] = []
    seen: set[tuple[int, str]] = set()
    for number, record in enumerate(records, start=1):
        reason = record_problem(record, default_difficulty)
        content = None
        if reason is None:
            content, reason = rules.content(record)
        if reason is not None or content is None:
            report.problems.append(FormatProblem(f"question {number}", str(reason)))
            continue
        subtopic = tree.subtopic(record.category, record.topic, record.subtopic)
        # The text as stored (the API's field trims it), so a second import finds it.
        key = (subtopic.pk, content["text"])
        if key in seen or content["text"] in tree.existing_texts(subtopic):
            report.skipped += 1
            continue
        seen.add(key)
        questions.append(Question(organization=organization, subtopic=subtopic, **content))
    if report.problems:
        report.questions = len(questions)
        return
    for start in range(0, len(questions), BATCH_SIZE):
        created = Question.objects.bulk_create(questions[start : start + BATCH_SIZE])
        QuestionVersion.objects.bulk_create(
            QuestionVersion(question=question, number=1, **question.content())
            for question in created
        )
    report.questions = len(questions)


class _BankTree:
    """Category, topic and subtopic rows by name, read once per parent and created on demand."""

    def __init__(self, organization: Any, report: ImportReport) -> None:
        self.organization = organization
        self.report = report
        self.categories = self._by_name(Category.objects.visible_to(organization))
        # (parent pk, name) -> entry, filled one parent at a time.
        self.topics: dict[tuple[int, str], Topic] = {}
        self.subtopics: dict[tuple[int, str], Subtopic] = {}
        self.loaded: set[tuple[str, int]] = set()
        self.locked: set[tuple[type, int]] = set()
        self.texts: dict[int, set[str]] = {}

    def _reuse(self, entries: dict[Any, Any], key: Any) -> Any | None:
        """The existing entry under ``key``, row-locked until the import ends (a delete of it
        then waits and finds the new children, as for a child created through the API), or
        None when there is none or it was deleted meanwhile."""
        entry = entries.get(key)
        if entry is None or (type(entry), entry.pk) in self.locked:
            return entry
        if type(entry).objects.select_for_update().filter(pk=entry.pk).exists():
            self.locked.add((type(entry), entry.pk))
            return entry
        del entries[key]
        return None

    def _by_name(self, queryset: Any, parent: int | None = None) -> dict[Any, Any]:
        # The organization's own entry wins over a global one of the same name.
        found: dict[Any, Any] = {}
        for entry in queryset.order_by("organization_id", "pk"):
            key = entry.name if parent is None else (parent, entry.name)
            if key not in found or entry.organization_id is not None:
                found[key] = entry
        return found

    def _load(self, level: str, parent: int, queryset: Any, into: dict) -> None:
        if (level, parent) not in self.loaded:
            self.loaded.add((level, parent))
            into.update(self._by_name(queryset.visible_to(self.organization), parent))

    def category(self, name: str) -> Category:
        if self._reuse(self.categories, name) is None:
            self.categories[name] = Category.objects.create(
                organization=self.organization, name=name
            )
            self.report.categories.append(name)
        return self.categories[name]

    def topic(self, category_name: str, name: str) -> Topic:
        category = self.category(category_name)
        self._load("topic", category.pk, Topic.objects.filter(category=category), self.topics)
        if self._reuse(self.topics, (category.pk, name)) is None:
            self.topics[(category.pk, name)] = Topic.objects.create(
                organization=self.organization, category=category, name=name
            )
            self.report.topics.append(f"{category_name}/{name}")
        return self.topics[(category.pk, name)]

    def subtopic(self, category_name: str, topic_name: str, name: str) -> Subtopic:
        topic = self.topic(category_name, topic_name)
        self._load("subtopic", topic.pk, Subtopic.objects.filter(topic=topic), self.subtopics)
        if self._reuse(self.subtopics, (topic.pk, name)) is None:
            self.subtopics[(topic.pk, name)] = Subtopic.objects.create(
                organization=self.organization, topic=topic, name=name
            )
            self.report.subtopics.append(f"{category_name}/{topic_name}/{name}")
        return self.subtopics[(topic.pk, name)]

    def existing_texts(self, subtopic: Subtopic) -> set[str]:
        if subtopic.pk not in self.texts:
            self.texts[subtopic.pk] = set(
                Question.objects.visible_to(self.organization)
                .filter(subtopic=subtopic)
                .values_list("text", flat=True)
            )
        return self.texts[subtopic.pk]

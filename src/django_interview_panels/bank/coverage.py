"""Coverage: whether the bank holds enough questions for a panel, and how often each would be seen.

A panel asks, per subtopic, for a number of easy, medium and hard questions; each candidate draws
that many distinct questions. ``question_coverage`` answers, per subtopic x difficulty, how many
drawable questions the organization may use (``available``), how many a candidate draws
(``required``), how many are missing (``short_by``), and the projected exposure: over the panel's
candidates, how many see each question on average and at most. The panel create checks its stock
with the same function; the coverage endpoint shows it before the create. docs/coverage.md holds
the formulas and the draw they assume.

The references of a request (category, topics, subtopics) are looked up here too, once for both
callers, so that both answer unknown and misplaced references with the same errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..api.exceptions import NotFoundError, RuleViolation
from ..models import Category, Difficulty, Question, Subtopic, Topic


@dataclass(frozen=True)
class DifficultyCoverage:
    """One subtopic x difficulty: stock, demand and projected exposure over ``candidates``."""

    available: int
    required: int
    candidates: int

    @property
    def short_by(self) -> int:
        """Questions missing for one candidate's draw; 0 when the stock suffices."""
        return max(0, self.required - self.available)

    @property
    def exposure_mean(self) -> float | None:
        """Candidates who see each question, on average: ``candidates * required / available``.

        0 when nothing is drawn; None when the draw cannot be made (``short_by`` > 0), since no
        panel with that demand can be created.
        """
        if self.required == 0:
            return 0.0
        if self.short_by:
            return None
        return self.candidates * self.required / self.available

    @property
    def exposure_max(self) -> int | None:
        """Candidates who see the most seen question: ``ceil(candidates * required / available)``.

        Exposure-balanced draws (each candidate takes the least-used questions) keep every two
        questions' use within one of each other, so the most used one is the mean rounded up.
        """
        if self.required == 0:
            return 0
        if self.short_by:
            return None
        return -(-self.candidates * self.required // self.available)  # integer ceiling


@dataclass(frozen=True)
class SubtopicCoverage:
    """One distribution: its subtopic and a ``DifficultyCoverage`` per difficulty, in order."""

    subtopic: Subtopic
    difficulties: dict[str, DifficultyCoverage]

    @property
    def sufficient(self) -> bool:
        return not any(cell.short_by for cell in self.difficulties.values())


@dataclass(frozen=True)
class Coverage:
    """The coverage of a panel's distributions, one ``SubtopicCoverage`` each, in their order."""

    candidates: int
    subtopics: tuple[SubtopicCoverage, ...]

    @property
    def sufficient(self) -> bool:
        """Whether every candidate's draw can be made: no subtopic x difficulty is short."""
        return all(subtopic.sufficient for subtopic in self.subtopics)


def question_coverage(
    *, organization: Any, distributions: Sequence[Mapping[str, Any]], candidates: int
) -> Coverage:
    """The coverage of ``distributions`` in the bank ``organization`` may use, in one query.

    Each distribution maps ``"subtopic"`` to a ``Subtopic`` and each difficulty ("easy",
    "medium", "hard") to the number of questions a candidate draws of it. Available questions
    are the organization's own and the global ones, not retired.
    """
    subtopic_ids = {d["subtopic"].pk for d in distributions}
    stock: dict[tuple[int, str], int] = {}
    if subtopic_ids:
        rows = (
            Question.objects.visible_to(organization)
            .drawable()
            .filter(subtopic_id__in=subtopic_ids)
            .values("subtopic_id", "difficulty")
            .annotate(available=Count("id"))
        )
        stock = {(row["subtopic_id"], row["difficulty"]): row["available"] for row in rows}
    return Coverage(
        candidates=candidates,
        subtopics=tuple(
            SubtopicCoverage(
                subtopic=d["subtopic"],
                difficulties={
                    difficulty: DifficultyCoverage(
                        available=stock.get((d["subtopic"].pk, difficulty), 0),
                        required=d[difficulty],
                        candidates=candidates,
                    )
                    for difficulty in Difficulty.values
                },
            )
            for d in distributions
        ),
    )


def coverage_for_request(
    *,
    organization: Any,
    category_uuid: uuid.UUID,
    distributions: Sequence[Mapping[str, Any]],
    candidates: int,
) -> tuple[Category, Coverage]:
    """The category and coverage of a request's distributions (by UUID), four queries.

    Unknown or foreign references are 404 and misplaced ones 400, exactly as the panel create
    answers them.
    """
    references = find_references(organization, category_uuid, distributions)
    if references.missing:
        raise references_not_found(references.missing, references.missing_kinds)
    subtopics = references.placed_subtopics(distributions)
    coverage = question_coverage(
        organization=organization,
        distributions=[{**d, "subtopic": s} for d, s in zip(distributions, subtopics, strict=True)],
        candidates=candidates,
    )
    return references.category, coverage


# --- References -------------------------------------------------------------------------------


@dataclass
class References:
    """What a request's category and distributions name, among what the organization may see.

    ``missing`` holds the field errors of the unknown references (a foreign one looks the same),
    keyed the way the request is, and ``missing_kinds`` their kinds ("Category", "Topic",
    "Subtopic"), for the caller to add its own before answering 404.
    """

    category: Category | None
    topics: dict[uuid.UUID, Topic]
    subtopics: dict[uuid.UUID, Subtopic]
    missing: dict[str, Any]
    missing_kinds: list[str]

    def placed_subtopics(self, distributions: Sequence[Mapping[str, Any]]) -> list[Subtopic]:
        """The subtopic of each distribution, once each topic is under the category and each
        subtopic under its topic; otherwise a 400 naming every misplaced one."""
        category = self.category
        distribution_errors: dict[int, dict[str, list[str]]] = {}
        for index, d in enumerate(distributions):
            topic, subtopic = self.topics[d["topic_uuid"]], self.subtopics[d["subtopic_uuid"]]
            errors = {}
            if topic.category_id != category.pk:
                errors["topic_uuid"] = [
                    str(
                        _("Topic '%(topic)s' is not under category '%(category)s'.")
                        % {"topic": topic.name, "category": category.name}
                    )
                ]
            if subtopic.topic_id != topic.pk:
                errors["subtopic_uuid"] = [
                    str(
                        _("Subtopic '%(subtopic)s' is not under topic '%(topic)s'.")
                        % {"subtopic": subtopic.name, "topic": topic.name}
                    )
                ]
            if errors:
                distribution_errors[index] = errors
        if distribution_errors:
            raise RuleViolation(
                _("Topics and subtopics must belong to the chosen category"),
                {"question_distributions": distribution_errors},
            )
        return [self.subtopics[d["subtopic_uuid"]] for d in distributions]


def find_references(
    organization: Any, category_uuid: uuid.UUID, distributions: Sequence[Mapping[str, Any]]
) -> References:
    """Look up the category and every distribution's topic and subtopic (three queries)."""
    category = Category.objects.visible_to(organization).filter(uuid=category_uuid).first()
    topics = _by_uuid(Topic, organization, [d["topic_uuid"] for d in distributions])
    subtopics = _by_uuid(Subtopic, organization, [d["subtopic_uuid"] for d in distributions])

    missing: dict[str, Any] = {}
    kinds: list[str] = []
    if category is None:
        message = _("Category %(uuid)s not found.") % {"uuid": category_uuid}
        missing["category_uuid"] = [str(message)]
        kinds.append(str(_("Category")))
    # Errors per list element are keyed by index, the way DRF reports list fields.
    distribution_errors: dict[int, dict[str, list[str]]] = {}
    for index, d in enumerate(distributions):
        errors = {}
        if d["topic_uuid"] not in topics:
            errors["topic_uuid"] = [str(_("Topic %(uuid)s not found.") % {"uuid": d["topic_uuid"]})]
        if d["subtopic_uuid"] not in subtopics:
            errors["subtopic_uuid"] = [
                str(_("Subtopic %(uuid)s not found.") % {"uuid": d["subtopic_uuid"]})
            ]
        if errors:
            distribution_errors[index] = errors
    if any("topic_uuid" in e for e in distribution_errors.values()):
        kinds.append(str(_("Topic")))
    if any("subtopic_uuid" in e for e in distribution_errors.values()):
        kinds.append(str(_("Subtopic")))
    if distribution_errors:
        missing["question_distributions"] = distribution_errors
    return References(category, topics, subtopics, missing, kinds)


def references_not_found(missing: dict[str, Any], kinds: list[str]) -> NotFoundError:
    """The 404 for ``missing`` references of ``kinds``: "Category, topic and subtopic not found"."""
    return NotFoundError(_("%(kinds)s not found") % {"kinds": _join_kinds(kinds)}, missing)


def _join_kinds(kinds: list[str]) -> str:
    """["Category", "Topic", "Candidate"] -> "Category, topic and candidate"."""
    words = [kinds[0]] + [kind.lower() for kind in kinds[1:]]
    if len(words) == 1:
        return words[0]
    return str(_("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]})


def _by_uuid(model: type, organization: Any, uuids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    queryset = model.objects.visible_to(organization).filter(uuid__in=set(uuids))
    if model is Subtopic:
        queryset = queryset.select_related("topic")
    return {entry.uuid: entry for entry in queryset}

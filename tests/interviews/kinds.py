"""A panel whose question set holds every question kind, for tests that answer by kind.

``factories.make_bank`` writes open questions only. ``assign_kinds`` gives each subtopic x
difficulty cell that ``factories.panel_payload`` draws from one kind, so every candidate's set
of six holds each of the five kinds (open twice), wherever the draw lands in a cell.
"""

from __future__ import annotations

from typing import Any

from django_interview_panels.models import AttemptItem, PanelCandidate, Question, QuestionKind
from tests import factories
from tests.fuzz_rules import DIFFICULTIES, VALID_CONTENT

from .conftest import INTERVIEW, open_panel, token_client

# The kind of each (topic index, difficulty) cell of the panel's distributions.
CELL_KINDS = {
    (0, "easy"): QuestionKind.OPEN,
    (0, "medium"): QuestionKind.SINGLE_CHOICE,
    (0, "hard"): QuestionKind.MULTIPLE_CHOICE,
    (1, "easy"): QuestionKind.SHORT_ANSWER,
    (1, "medium"): QuestionKind.NUMERIC,
    (1, "hard"): QuestionKind.OPEN,
}
# A valid answer per kind (choice positions within VALID_CONTENT's choices).
VALID_ANSWERS = {
    QuestionKind.OPEN: "Lists are mutable; tuples are not.",
    QuestionKind.SHORT_ANSWER: "list",
    QuestionKind.NUMERIC: 42,
    QuestionKind.SINGLE_CHOICE: [1],
    QuestionKind.MULTIPLE_CHOICE: [0, 2],
}


def assign_kinds(category: Any) -> None:
    """Make every question of each drawn cell of ``category`` the kind ``CELL_KINDS`` says,
    with valid choices and answer key. Written straight to the table, before any draw: the
    draw makes the versions from the current content."""
    for index, subtopic in enumerate(factories.first_subtopics(category)):
        for difficulty in DIFFICULTIES:
            kind = CELL_KINDS[(index % 2, difficulty)]
            choices, answer_key = VALID_CONTENT[kind]
            Question.objects.filter(subtopic=subtopic, difficulty=difficulty).update(
                kind=kind, choices=choices, answer_key=answer_key
            )


def items_by_kind(assignment: Any) -> dict[str, AttemptItem]:
    """One item of each kind of ``assignment``'s attempt (the first by position)."""
    items: dict[str, AttemptItem] = {}
    rows = AttemptItem.objects.filter(attempt__assignment=assignment).select_related(
        "question_version"
    )
    for item in rows.order_by("-position"):
        items[item.question_version.kind] = item
    return items


def start_with_every_kind(tenant: Any, **panel_overrides: Any) -> PanelCandidate:
    """The first candidate of a new open panel of ``tenant`` whose set holds every kind, with
    the attempt started through the API."""
    assign_kinds(tenant.category)
    panel = open_panel(tenant, **panel_overrides)
    assignment = PanelCandidate.objects.filter(panel=panel).order_by("id").first()
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code == 201, response.json()
    return assignment

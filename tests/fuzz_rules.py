"""The API's rules that OpenAPI cannot express, applied to Schemathesis' positive cases.

Shared by the in-process fuzzing (tests/test_fuzz.py) and the CLI run against a live server
(tests/live/): both bend a *positive* create/update body so that "valid data is accepted" is
checked for real. Pure Python (no Django), so the CLI's hooks module can import it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict

# The example project's and the test factories' banks hold this many questions per difficulty.
QUESTIONS_PER_DIFFICULTY = 5
DIFFICULTIES = ("easy", "medium", "hard")


class World(TypedDict):
    """What a positive body of one organization may name: its category, (topic, subtopic) pairs
    of that category, and its candidates' UUIDs."""

    category: str
    pairs: list[tuple[str, str]]
    candidates: list[str]


def is_positive(case: Any) -> bool:
    """Whether Schemathesis generated ``case`` as data the schema calls valid."""
    return case.meta is not None and case.meta.generation.mode.is_positive


def iso(value: dt.datetime) -> str:
    """RFC 3339 in UTC with a ``Z``, as the API writes datetimes."""
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def bend_positive_body(case: Any, world: World, now: dt.datetime | None = None) -> None:
    """Bend a positive create/update/coverage body to the rules the schema cannot express.

    Distributions name the world's subtopics and add up to the total, candidates are the
    world's, and the start lies in the future (``now`` + 1 h) with the end 8 h after it.
    """
    if not is_positive(case):
        return
    if case.operation.path.endswith("/bank/import/"):
        bend_import_body(case)
        return
    if "/bank/" in case.operation.path and not case.operation.path.endswith("/bank/coverage/"):
        bend_bank_body(case, world)
        return
    if not isinstance(case.body, dict):
        return
    body = case.body
    creates = case.operation.path.endswith("/create/")
    if creates or case.operation.path.endswith("/bank/coverage/"):
        # The coverage request names the bank as the create does.
        body["category_uuid"] = world["category"]
        distributions = (body.get("question_distributions") or [{}])[: len(world["pairs"])]
        for distribution, (topic, subtopic) in zip(distributions, world["pairs"], strict=False):
            distribution["topic_uuid"], distribution["subtopic_uuid"] = topic, subtopic
            for difficulty in DIFFICULTIES:
                distribution[difficulty] = min(
                    distribution.get(difficulty, 0), QUESTIONS_PER_DIFFICULTY
                )
            distribution["easy"] = max(distribution["easy"], 1)
        body["question_distributions"] = distributions
    if creates:
        body["total_number_of_questions"] = sum(d[k] for d in distributions for k in DIFFICULTIES)
        if "candidate_uuids" in body:
            count = min(len(set(body["candidate_uuids"])), len(world["candidates"]))
            body["candidate_uuids"] = world["candidates"][:count]
        body.setdefault("start_datetime", None)
    if "start_datetime" in body or "end_datetime" in body:
        now = now if now is not None else dt.datetime.now(dt.UTC)
        start = (now + dt.timedelta(hours=1)).replace(microsecond=0)
        body["start_datetime"] = iso(start)
        body["end_datetime"] = iso(start + dt.timedelta(hours=8))


# A valid (choices, answer key) pair per question kind.
VALID_CONTENT = {
    "open": ([], {"expected_answer": "A list is mutable."}),
    "single_choice": (["yes", "no"], {"correct": [0]}),
    "multiple_choice": (["a", "b", "c"], {"correct": [0, 2]}),
    "short_answer": ([], {"accepted_answers": ["list"]}),
    "numeric": ([], {"value": 42, "tolerance": 0.5}),
}


def bend_bank_body(case: Any, world: World) -> None:
    """Bend positive bank create and question PATCH bodies: parents are the world's, and a
    question's choices and answer key fit its kind (rules between fields, or between a body and
    the stored question, which the schema cannot state)."""
    path = case.operation.path
    bodies = case.body if isinstance(case.body, list) else [case.body]
    for body in bodies:
        if not isinstance(body, dict):
            continue
        if case.method == "PATCH" and path.startswith("/api/panel/bank/questions/"):
            # A question's choices and answer key must fit its kind, stored or sent: a PATCH
            # that touches either names the kind too; weights name no dimension.
            if "rubric_weights" in body:
                body["rubric_weights"] = {}
            if "subtopic_uuid" in body:
                body["subtopic_uuid"] = world["pairs"][0][1]
            if {"kind", "choices", "answer_key"} & set(body):
                kind = body.get("kind") if body.get("kind") in VALID_CONTENT else "open"
                body["kind"] = kind
                body["choices"], body["answer_key"] = VALID_CONTENT[kind]
            continue
        if path.startswith("/api/panel/bank/topics/") and "category_uuid" in body:
            body["category_uuid"] = world["category"]
        if path.startswith("/api/panel/bank/subtopics/") and "topic_uuid" in body:
            body["topic_uuid"] = world["pairs"][0][0]
        if path.startswith("/api/panel/bank/questions/") and "subtopic_uuid" in body:
            body["subtopic_uuid"] = world["pairs"][0][1]
            body["rubric_weights"] = {}
            kind = body.get("kind") if body.get("kind") in VALID_CONTENT else "open"
            body["kind"] = kind
            body["choices"], body["answer_key"] = VALID_CONTENT[kind]


# A small file every format setting accepts: one GIFT question with its difficulty.
VALID_IMPORT_FILE = (
    b"$CATEGORY: $course$/top/Fuzzing/Imports/Files\n\n"
    b"// difficulty: easy\n::q1::Which is mutable? {=list ~tuple}\n"
)


def bend_import_body(case: Any) -> None:
    """A positive import sends a file of its format: random bytes are rightly a 400."""
    if not isinstance(case.body, dict):
        return
    case.body["file"] = VALID_IMPORT_FILE
    case.body["file_format"] = "gift"

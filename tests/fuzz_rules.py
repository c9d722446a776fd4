"""The API's rules that OpenAPI cannot express, applied to Schemathesis' positive cases.

Shared by the in-process fuzzing (tests/test_fuzz.py) and the CLI run against a live server
(tests/live/): both bend a *positive* create/update body so that "valid data is accepted" is
checked for real, and point a candidate's answer at an item of their attempt that takes it.
Pure Python (no Django), so the CLI's hooks module can import it.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zlib
from typing import Any, TypedDict

# The example project's and the test factories' banks hold this many questions per difficulty.
QUESTIONS_PER_DIFFICULTY = 5
DIFFICULTIES = ("easy", "medium", "hard")


class World(TypedDict, total=False):
    """What a positive body of one organization may name: its category, (topic, subtopic) pairs
    of that category, and its candidates' UUIDs; and a panel open now with those candidates, for
    the paths of one candidate (``candidates/<panel>/<candidate>/...``)."""

    category: str
    pairs: list[tuple[str, str]]
    candidates: list[str]
    panel: str


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
    if "/candidates/{interview_panel_uuid}/" in case.operation.path:
        bend_candidate_case(case, world, now or dt.datetime.now(dt.UTC))
        return
    if case.operation.path.endswith("/bank/import/"):
        bend_import_body(case)
        return
    if "/bank/" in case.operation.path and not case.operation.path.endswith("/bank/coverage/"):
        bend_bank_body(case, world)
        return
    if "/reviews/" in case.operation.path:
        bend_review_body(case)
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


def bend_review_body(case: Any) -> None:
    """A positive review names rubric dimensions by UUID (OpenAPI 3.0 cannot constrain an
    object's keys), gives scores or points, and points with at most four decimals."""
    body = case.body
    if not isinstance(body, dict):
        # No body at all: the schema cannot require one of two optional fields.
        case.body, case.media_type = {"points": 0}, "application/json"
        return
    scores = body.get("dimension_scores")
    if isinstance(scores, dict):
        body["dimension_scores"] = {
            str(uuid.uuid5(uuid.NAMESPACE_URL, str(key))): value for key, value in scores.items()
        }
    if isinstance(body.get("points"), int | float):
        body["points"] = round(body["points"], 4)
    if not body.get("dimension_scores") and "points" not in body:
        body["points"] = 0


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


# --- The candidate's answers ------------------------------------------------------------------

ANSWER_PATH = "/interview/answers/{item_uuid}/"
TEXT_KINDS = ("open", "short_answer")
CHOICE_KINDS = ("single_choice", "multiple_choice")
ALL_KINDS = (*TEXT_KINDS, "numeric", *CHOICE_KINDS)
# One generated item UUID in this many is left as generated: a missing item, a 404. Four: at
# 25 examples per operation (CI on PostgreSQL) one in 16 left a run without a 404 about half the
# time, which test_fuzzing_reached_the_success_paths reports.
KEEP_GENERATED_ITEM = 4
MISSING_ITEM = "00000000-0000-4000-8000-000000000000"
CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class CandidateItem(TypedDict):
    """An item of the fuzzing candidate's attempt: what a valid answer to it must look like."""

    uuid: str
    kind: str
    choices: int


def bend_candidate_case(case: Any, world: World, now: dt.datetime) -> None:
    """Point a positive case of one candidate's paths at the world's panel and one of its
    candidates (when the world has one panel: in-process; the live hooks map paths themselves),
    and keep a positive access change within the window rules (``bend_access_window``)."""
    if "panel" in world:
        parameters = case.path_parameters or {}
        parameters["interview_panel_uuid"] = world["panel"]
        if "candidate_uuid" in parameters:
            parameters["candidate_uuid"] = _stable_pick(
                world["candidates"], str(parameters["candidate_uuid"])
            )
        case.path_parameters = parameters
    if case.operation.path.endswith("/access/") and isinstance(case.body, dict):
        bend_access_window(case.body, now)


def bend_access_window(body: dict[str, Any], now: dt.datetime) -> None:
    """The window must end after it starts, whatever the stored window and the panel's schedule
    (a schema example's update moves a panel to 2099): a window end set here comes with a start
    of its own, now - 1 h, and lies in the future; a start alone is now - 1 h, before any end; a
    reset (null) of one side resets both, back to the panel's own window."""
    ends, starts = body.get("window_ends_at"), body.get("window_starts_at")
    if ends is not None:
        body["window_ends_at"] = iso(now + dt.timedelta(days=400))
        body["window_starts_at"] = iso(now - dt.timedelta(hours=1))
    elif starts is not None:
        body["window_starts_at"] = iso(now - dt.timedelta(hours=1))
    elif "window_ends_at" in body or "window_starts_at" in body:
        body["window_ends_at"] = body["window_starts_at"] = None


def _stable_pick(choices: list[Any] | tuple[Any, ...], key: str) -> Any:
    # From the case's own content, not a random generator: Hypothesis replays a case exactly.
    return choices[zlib.crc32(key.encode()) % len(choices)]


def kinds_taking(answer: Any) -> tuple[str, ...]:
    """The item kinds an answer of this JSON shape fits (positions still to be fitted)."""
    if answer is None:
        return ALL_KINDS
    if isinstance(answer, bool):
        return ()
    if isinstance(answer, str):
        return TEXT_KINDS
    if isinstance(answer, int | float):
        return ("numeric",)
    if isinstance(answer, list):
        return CHOICE_KINDS if len(answer) <= 1 else ("multiple_choice",)
    return ()


def fit_positions(positions: list[Any], item: CandidateItem) -> list[int]:
    """Generated positions (distinct integers from 0) made a valid selection of ``item``'s
    choices: each taken modulo the number of choices, repeats dropped, as many as allowed."""
    fitted: list[int] = []
    for position in positions:
        if type(position) is int and item["choices"]:
            position %= item["choices"]
            if position not in fitted:
                fitted.append(position)
    return fitted[: 1 if item["kind"] == "single_choice" else item["choices"]]


def has_answer_shape(body: Any) -> bool:
    """Whether ``body`` is ``{"answer": ...}`` with an answer of one of the schema's shapes
    (a string, a number, distinct integers from 0, or null). Bounds of strings and numbers are
    not checked: no bend changes them, so the server still judges them."""
    if not isinstance(body, dict) or "answer" not in body:
        return False
    answer = body["answer"]
    if isinstance(answer, list):
        positions = [p for p in answer if type(p) is int and p >= 0]
        return len(positions) == len(answer) == len(set(answer))
    return answer is None or (
        not isinstance(answer, bool) and isinstance(answer, str | int | float)
    )


def bend_answer_case(case: Any, items: list[CandidateItem]) -> None:
    """Point a PUT of an answer at an item of the fuzzing candidate's attempt whose kind takes
    the answer's shape, and fit choice positions to that item's choices (the schema cannot tie
    an answer's shape to the path's item).

    A generated item UUID becomes such an item; one in ``KEEP_GENERATED_ITEM`` is a missing
    item instead (a 404), and so is one when the attempt has no item of a fitting kind. An item
    of the attempt already in the path (a stateful link resolved it) stays when it takes the
    answer. Shapes are read from the body itself, not from Schemathesis' mode (which calls
    some bodies generated as negative valid after all). Only positions are ever changed, and
    only in a list of the schema's shape; a path that is no UUID, an answer of no shape, an
    over-long string or an out-of-range number goes out as generated, to be refused.
    """
    if case.method != "PUT" or not case.operation.path.endswith(ANSWER_PATH) or not items:
        return
    parameters = case.path_parameters or {}
    current = parameters.get("item_uuid")
    if not isinstance(current, str) or not CANONICAL_UUID.match(current):
        return
    body = case.body
    shaped = has_answer_shape(body)
    kinds = kinds_taking(body["answer"]) if shaped else ALL_KINDS
    known = {item["uuid"]: item for item in items}
    # Schemathesis may carry a UUID a hook put in an earlier case over to later ones, and links
    # name the candidate's items: such a UUID is kept only for an answer its item takes.
    linked = known.get(current)
    if linked is not None and linked["kind"] in kinds:
        item = linked
    else:
        key = f"{current}:{body!r}"
        fitting = [item for item in items if item["kind"] in kinds]
        if not fitting or zlib.crc32(key.encode()) % KEEP_GENERATED_ITEM == 0:
            # A missing item (a 404): the generated UUID, or one no item of the attempt has.
            if current in known:
                case.path_parameters["item_uuid"] = MISSING_ITEM
            return
        item = _stable_pick(fitting, key)
        case.path_parameters["item_uuid"] = item["uuid"]
    if shaped and isinstance(body["answer"], list):
        body["answer"] = fit_positions(body["answer"], item)

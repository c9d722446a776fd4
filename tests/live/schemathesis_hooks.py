"""Schemathesis CLI hooks for the live run (``SCHEMATHESIS_HOOKS=tests.live.schemathesis_hooks``).

Generated UUIDs almost never name anything, so without help every update, delete and create
would stop at 404. Before each call these hooks put real demo UUIDs into paths, list filters
and bodies, most of the time of the caller's organization, sometimes of the other organization
(which must look like a missing one) and sometimes leave the generated one (not found):

- positive create/update bodies are bent to the rules OpenAPI cannot express by the same code as
  the in-process fuzzing (``tests.fuzz_rules``); the schema's own examples only get their
  placeholder UUIDs replaced, so an example the server rejects still fails the run;
- negative components are left as generated, so "invalid data is rejected" stays honest;
- stateful chains keep the UUIDs their links carry;
- as the candidate, an answer's item becomes one of the candidate's items whose kind takes the
  generated answer's shape, positions fitted to its choices (``tests.fuzz_rules
  .bend_answer_case``, as in-process); in stateful chains the link's item stays when it fits.

The live driver (``tests/live/schemathesis_live.py``) writes the demo identifiers to the JSON
file named by ``LIVE_FUZZ_CONTEXT``; the hooks write the statuses they saw to ``LIVE_FUZZ_STATS``.
"""

from __future__ import annotations

import atexit
import json
import os
import random
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from schemathesis.generation.meta import TestPhase

from tests.fuzz_rules import CandidateItem, World, bend_answer_case, bend_positive_body

CONTEXT: dict[str, Any] = json.loads(Path(os.environ["LIVE_FUZZ_CONTEXT"]).read_text())
OWN: World = CONTEXT["own"]
FOREIGN: World = CONTEXT["foreign"]
ROLE = os.environ.get("LIVE_FUZZ_ROLE", "unknown")
# The fuzzing candidate's items (uuid, kind, number of choices), from the driver's start.
CANDIDATE_ITEMS: list[CandidateItem] = CONTEXT["candidate"]["items"]

CANONICAL_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
PANEL_PARAMETER = "interview_panel_uuid"
ADD_CANDIDATES_PATH = "/api/panel/candidates/{interview_panel_uuid}/"
# Own panels kept ready for reads, updates and deletes; refilled as deletes use them up.
POOL_SIZE = 6
# How often the hooks' own create is tried before the request keeps its generated UUID.
SETUP_TRIES = 5
# Shares of real own / other organization's / generated UUIDs put into a request.
OWN_SHARE, FOREIGN_SHARE = 0.7, 0.15
# Share of valid create bodies that get one reference to a stranger's or a made-up entry.
STRANGER_SHARE = 0.2

# Seeded, so that a run's choices can be replayed with the same --seed.
CHOICE = random.Random(int(os.environ.get("LIVE_FUZZ_SEED", "0")))
LOCK = threading.Lock()
POOL: list[str] = list(CONTEXT["own_panels"])
# (role, method, path template, status) of every call, for the driver's reached-paths check.
SEEN: Counter[tuple[str, str, str, int]] = Counter()


def pick() -> str:
    """Which organization's UUID to use this time: "own", "foreign" or "generated"."""
    draw = CHOICE.random()
    if draw < OWN_SHARE:
        return "own"
    return "foreign" if draw < OWN_SHARE + FOREIGN_SHARE else "generated"


def create_own_panel() -> str | None:
    """A new panel of the caller's organization, created through the API as its HR user.

    A refused create is retried a few times (a busy server may answer 503) and counted under
    the role "setup", where the driver fails the run on any 5xx; None when all tries failed.
    """
    body = json.dumps(CONTEXT["create_example"]).encode()
    for _ in range(SETUP_TRIES):
        request = urllib.request.Request(
            CONTEXT["base_url"] + "/api/panel/create/",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {CONTEXT['hr_token']}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                SEEN[("setup", "POST", "/api/panel/create/", response.status)] += 1
                return json.load(response)["data"]["uuid"]
        except urllib.error.HTTPError as error:
            SEEN[("setup", "POST", "/api/panel/create/", error.code)] += 1
            retry_after = error.headers.get("Retry-After", "")
            time.sleep(min(float(retry_after), 5) if retry_after.isdigit() else 0.5)
    return None


def own_panel() -> str | None:
    """One of the pool's panels (the pool is refilled first when deletes have thinned it)."""
    with LOCK:
        while len(POOL) < POOL_SIZE:
            panel = create_own_panel()
            if panel is None:
                break
            POOL.append(panel)
        return CHOICE.choice(POOL) if POOL else None


def is_positive_at(case: Any, location: str) -> bool:
    """Whether ``case``'s component at ``location`` ("path", "query", "body") is valid data."""
    meta = case.meta
    if meta is None:
        return False
    component = next((info for loc, info in meta.components.items() if loc.value == location), None)
    # Schema examples and some stateful steps carry no per-component record: the case's mode.
    mode = component.mode if component is not None else meta.generation.mode
    return mode.is_positive


def map_path(case: Any) -> None:
    """Point a generated panel UUID at an own panel, another organization's, or leave it."""
    value = (case.path_parameters or {}).get(PANEL_PARAMETER)
    if not isinstance(value, str) or not CANONICAL_UUID.match(value):
        return
    if not is_positive_at(case, "path"):
        return
    choice = pick()
    if choice == "own":
        case.path_parameters[PANEL_PARAMETER] = own_panel() or value
    elif choice == "foreign":
        case.path_parameters[PANEL_PARAMETER] = CHOICE.choice(CONTEXT["foreign_panels"])


def map_list_filters(case: Any) -> None:
    """Let the list's ``category`` and ``candidate`` filters name real bank entries/candidates."""
    query = case.query or {}
    if not is_positive_at(case, "query"):
        return
    for name, key in (("category", "category"), ("candidate", "candidates")):
        if name in query:
            choice = pick()
            if choice != "generated":
                world = OWN if choice == "own" else FOREIGN
                values = world[key]
                query[name] = values if isinstance(values, str) else CHOICE.choice(values)


def replace_example_uuids(case: Any) -> None:
    """Swap the placeholder UUIDs of a schema example for the caller's, keeping all else."""
    body = case.body
    if not isinstance(body, dict) or not case.operation.path.endswith("/create/"):
        return
    body["category_uuid"] = OWN["category"]
    for index, distribution in enumerate(body.get("question_distributions") or []):
        if isinstance(distribution, dict):
            pair = OWN["pairs"][index % len(OWN["pairs"])]
            distribution["topic_uuid"], distribution["subtopic_uuid"] = pair
    if isinstance(body.get("candidate_uuids"), list):
        count = min(len(body["candidate_uuids"]), len(OWN["candidates"]))
        body["candidate_uuids"] = OWN["candidates"][:count]


def sometimes_name_a_stranger(case: Any) -> None:
    """Now and then point one reference of a valid create body at another organization's (or a
    made-up) entry: the answer must be 404, as for one that does not exist."""
    body = case.body
    if not isinstance(body, dict) or not case.operation.path.endswith("/create/"):
        return
    if CHOICE.random() >= STRANGER_SHARE:
        return
    stranger = FOREIGN if CHOICE.random() < 0.5 else None
    made_up = "00000000-0000-4000-8000-000000000000"
    field = CHOICE.choice(["category_uuid", "subtopic_uuid", "topic_uuid", "candidate_uuids"])
    if field == "category_uuid":
        body[field] = stranger["category"] if stranger else made_up
    elif field in ("topic_uuid", "subtopic_uuid") and body.get("question_distributions"):
        pair = CHOICE.choice(stranger["pairs"]) if stranger else (made_up, made_up)
        body["question_distributions"][0][field] = pair[0 if field == "topic_uuid" else 1]
    elif field == "candidate_uuids" and body.get("candidate_uuids"):
        body[field][0] = CHOICE.choice(stranger["candidates"]) if stranger else made_up


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Put real demo UUIDs into the request (see the module docstring for which and when)."""
    meta = case.meta
    phase = meta.phase.name if meta is not None else None
    if "/interview/" in case.operation.path:
        # The candidate's operations: only an answer's item and body need real data.
        bend_answer_case(case, CANDIDATE_ITEMS)
        return
    # Stateful chains carry the UUIDs their links resolved: leave paths and filters alone.
    if phase != TestPhase.STATEFUL:
        if PANEL_PARAMETER in (case.path_parameters or {}):
            map_path(case)
        if case.operation.path == "/api/panel/get/":
            map_list_filters(case)
    if not is_positive_at(case, "body"):
        return
    if phase == TestPhase.EXAMPLES:
        replace_example_uuids(case)
        return
    bend_positive_body(case, OWN)
    if phase != TestPhase.STATEFUL:
        sometimes_name_a_stranger(case)
    add_no_candidate_of_the_panel(case)


def add_no_candidate_of_the_panel(case: Any) -> None:
    """An add names candidates that no panel has: the candidates an inferred link takes from a
    panel's response are on that panel already (400 "already assigned", a rule between the body
    and the stored panel that the schema cannot state), and the demo world has no unassigned
    candidate to spare. So the live add answers 404; tests/candidates add real ones."""
    body = case.body
    if case.method != "POST" or case.operation.path != ADD_CANDIDATES_PATH:
        return
    if isinstance(body, dict) and isinstance(body.get("candidate_uuids"), list):
        body["candidate_uuids"] = [
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"{index}:{value}"))
            for index, value in enumerate(body["candidate_uuids"])
        ]


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Count the answer, and drop a deleted panel from the pool."""
    SEEN[(ROLE, case.method, case.operation.path, response.status_code)] += 1
    panel = (case.path_parameters or {}).get(PANEL_PARAMETER)
    if case.method == "DELETE" and response.status_code == 200:
        with LOCK:
            if panel in POOL:
                POOL.remove(panel)


@atexit.register
def write_stats() -> None:
    """Leave the statuses seen for the driver, which checks that the success paths were reached."""
    path = os.environ.get("LIVE_FUZZ_STATS")
    if path:
        rows = [[*key, count] for key, count in sorted(SEEN.items())]
        with open(path, "w") as stats:
            json.dump(rows, stats)

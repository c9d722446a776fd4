"""Property-based fuzzing of every operation with Schemathesis, in-process over WSGI.

Each staff operation is fuzzed as HR (a manager), as a plain member and anonymously, each
candidate operation (tag "Interview") as a candidate with a started attempt, as HR and
anonymously, with all of Schemathesis' default checks. ``FUZZ_EXAMPLES`` sets the examples per
operation and role (100 by default; ``FUZZ_EXAMPLES=1000`` for a long run).

Some rules cannot be written in OpenAPI: the distributions must add up to the total, the end must
follow the start and lie in the future, and the UUIDs must name bank entries and candidates of the
caller's organization. For *positive* cases (data the schema calls valid) a hook bends the
generated body to satisfy those rules, keeping every other generated value, so that "valid data is
accepted" is checked for real. An answer's shape depends on its item's kind, which the path names:
a hook points the answer at an item of the candidate's attempt whose kind takes it. Negative cases
are sent as generated. The rules themselves are tested one by one in tests/test_api_*.py and
tests/interviews/.
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import negative_data_rejection

from django_interview_panels.interviews import services
from django_interview_panels.models import AttemptItem, PanelCandidate
from django_interview_panels.panels import services as panel_services
from tests import factories
from tests.fuzz_rules import CandidateItem, bend_answer_case, bend_positive_body, is_positive
from tests.interviews.conftest import open_panel
from tests.interviews.kinds import assign_kinds

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
CANDIDATE_TAG = "Interview"


@pytest.fixture(autouse=True)
def keep_test_connection_open():
    """The WSGI handler closes the database connection after each request; the test's
    transaction lives on that connection, so do what Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(tenant) -> dict[str, Any]:
    """The tenant's bank entries and candidates that positive cases may reference, and a panel
    open now whose candidates the candidate-management operations manage."""
    subtopics = factories.first_subtopics(tenant.category)
    panel = open_panel(tenant)

    def new_candidate() -> str:
        return factories.candidate_uuid(factories.make_candidate(tenant.organization))

    def new_assigned_candidate() -> str:
        # A candidate of the panel for a removal to remove: the three first ones stay, so a
        # rotation and a read always find their candidate on the panel.
        candidate = factories.make_candidate(tenant.organization)
        panel_services.assign_candidates(panel=panel, candidate_ids=[candidate.pk])
        return factories.candidate_uuid(candidate)

    return {
        "category": str(tenant.category.uuid),
        "pairs": [(str(s.topic.uuid), str(s.uuid)) for s in subtopics],
        "candidates": [factories.candidate_uuid(c) for c in tenant.candidates],
        # For the candidates' paths: a panel open now with the tenant's candidates.
        "panel": str(panel.uuid),
        "new_candidate": new_candidate,
        "new_assigned_candidate": new_assigned_candidate,
    }


def obey_unwritten_rules(case: Any, world: dict[str, Any]) -> None:
    """Bend a positive create/update body to the rules the schema cannot express."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.operation.path == "/api/panel/get/" and "page" in (case.query or {}):
        # A page past the last one is a 400 on `page`; the first page always exists.
        case.query["page"] = 1
    bend_positive_body(case, world, now=factories.future(0))
    bend_candidates_case(case, world)


CANDIDATES_PATH = "/api/panel/candidates/"


def bend_candidates_case(case: Any, world: dict[str, Any]) -> None:
    """Point a positive candidate-management case at the world's panel and one of its
    candidates (a generated UUID names none: always a 404), and make an add name candidates of
    the organization not on the panel yet (new ones: earlier cases added the others)."""
    if not case.operation.path.startswith(CANDIDATES_PATH) or not is_positive(case):
        return
    parameters = case.path_parameters or {}
    if "interview_panel_uuid" in parameters:
        parameters["interview_panel_uuid"] = world["panel"]
    if "candidate_uuid" in parameters:
        key = str(parameters["candidate_uuid"])
        if case.method == "DELETE":
            parameters["candidate_uuid"] = world["new_assigned_candidate"]()
        else:
            parameters["candidate_uuid"] = world["candidates"][zlib.crc32(key.encode()) % 3]
    if case.method == "POST" and isinstance(case.body, dict) and "candidate_uuids" in case.body:
        count = min(max(len(set(map(str, case.body["candidate_uuids"]))), 1), 3)
        case.body["candidate_uuids"] = [world["new_candidate"]() for _ in range(count)]


# Statuses seen per (method, path template, role): proof that the fuzzing reached the success paths.
SEEN: Counter[tuple[str, str, str, int]] = Counter()

# The credential the requests of the running test carry (token None: anonymous), set by
# `act_as`: a user's API token as a Bearer token, or a candidate's in X-Interview-Token.
ACTING: dict[str, str | None] = {"token": None, "header": "Authorization"}


@schema.auth(refresh_interval=None)
class ActingAuth:
    """Sends the acting credential, so Schemathesis knows it is real (its ignored-auth check
    then expects a 401 without it)."""

    def get(self, case: Any, context: Any) -> str | None:
        return ACTING["token"]

    def set(self, case: Any, token: str | None, context: Any) -> None:
        if not token:
            return
        header = ACTING["header"]
        value = token if header == "X-Interview-Token" else f"Bearer {token}"
        case.headers = {**(case.headers or {}), header: value}


@pytest.fixture
def act_as(tenant):
    def act(role: str, candidate_token: str | None = None) -> None:
        user = {"hr": tenant.hr, "member": tenant.member}.get(role)
        ACTING["token"] = factories.make_token(user) if user else None
        ACTING["header"] = "Authorization"
        if role == "candidate":
            ACTING["token"], ACTING["header"] = candidate_token, "X-Interview-Token"

    yield act
    ACTING["token"], ACTING["header"] = None, "Authorization"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["hr", "member", "anonymous"])
@schema.exclude(tag=CANDIDATE_TAG).parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_operation_conforms_to_schema(case, role, act_as, world):
    act_as(role)
    obey_unwritten_rules(case, world)
    excluded = []
    if case.operation.path.endswith("/bank/import/"):
        # Multipart parts are text: a "file" part that is a schema-violating JSON value (an
        # object, a number) arrives as the same bytes as a file would, so the server cannot
        # tell it from a file; every other check still runs (tests/bank cover the fields).
        excluded.append(negative_data_rejection)
    response = case.call_and_validate(excluded_checks=excluded)
    SEEN[(case.method, case.operation.path, role, response.status_code)] += 1


@pytest.fixture
def interview(tenant, settings) -> dict[str, Any]:
    """A panel open now whose set holds every question kind: its first candidate has started
    (their items, for the answers' paths), its second has not (for a first start)."""
    # Refused tokens (the ignored-auth check sends some) and a candidate's requests are counted
    # per minute; a run sends more than the default rates allow (tests/interviews cover them).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "interview_panels_token": None,
            "interview_panels_candidate": None,
        },
    }
    assign_kinds(tenant.category)
    panel = open_panel(tenant)
    started, fresh = PanelCandidate.objects.filter(panel=panel).order_by("id")[:2]
    # Through the service, not Django's test client: the client connects the signal handlers
    # that keep_test_connection_open disconnected (PostgreSQL then closes the test's
    # connection on the next request).
    services.start_attempt(assignment=started)
    items: list[CandidateItem] = [
        {"uuid": str(item.uuid), "kind": item.question_version.kind, "choices": len(choices)}
        for item in AttemptItem.objects.filter(attempt__assignment=started).select_related(
            "question_version"
        )
        for choices in [item.question_version.choices or []]
    ]
    return {"token": started.token, "fresh_token": fresh.token, "items": items}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["candidate", "hr", "anonymous"])
@schema.include(tag=CANDIDATE_TAG).parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_candidate_operation_conforms_to_schema(case, role, act_as, interview):
    """The candidate's operations as the candidate (a start by one who has not started yet,
    everything else by one who has), and with staff or no credentials (always 401)."""
    first_start = case.operation.path.endswith("/interview/start/")
    act_as(role, interview["fresh_token"] if first_start else interview["token"])
    bend_answer_case(case, interview["items"])
    response = case.call_and_validate()
    SEEN[(case.method, case.operation.path, role, response.status_code)] += 1


@pytest.mark.django_db
def test_stateful_workflows_conform_and_deleted_panels_stay_gone(tenant, world, act_as):
    """List, read, update and delete chained through the schema's links, as HR.

    Schemathesis starts chains from the list (it will not start from create, whose body needs
    bank UUIDs no operation produces), so a few panels exist beforehand.
    """
    for _ in range(3):
        factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    act_as("hr")

    # The panel operations only: bank chains need rules between requests (an entry in use cannot
    # be deleted) that the links cannot state; tests/bank/ covers those flows. The candidate's
    # chains run as a candidate in the test below.
    # Reviews, results and candidate management have chains of their own in their tests; with
    # them in the machine, too few chains reached a panel's delete.
    panels_only = schema.include(path_regex="^/api/panel/(create|get|update|delete)/")

    class PanelWorkflow(panels_only.as_state_machine()):
        def before_call(self, case: Any) -> None:
            if case.operation.path == "/api/panel/get/":
                # Chains start from the list's first panel: filters would mostly leave none.
                case.query = {}
            obey_unwritten_rules(case, world)

        def after_call(self, response: Any, case: Any) -> None:
            SEEN[(case.method, case.operation.path, "stateful", response.status_code)] += 1

    run_settings = settings(
        max_examples=max(EXAMPLES // 4, 10),
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(PanelWorkflow, settings=run_settings)
    except Flaky:
        # Schemathesis draws some link choices from true randomness, which Hypothesis can
        # report as a flaky strategy when it replays a case. That says nothing about the API;
        # a conformance failure is not Flaky and fails the test at once.
        run_state_machine_as_test(PanelWorkflow, settings=run_settings)

    # The chains really ran: panels were deleted and later requests for them were answered.
    assert SEEN[("DELETE", "/api/panel/delete/{interview_panel_uuid}/", "stateful", 200)] > 0


EXPORT = "/api/panel/results/{interview_panel_uuid}/export/{export_format}/"


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx", "json"])
def test_each_export_format_conforms_to_its_documented_response(tenant, act_as, export_format):
    """Generated panel UUIDs never name a panel: the streamed files (text, binary, a JSON array)
    are checked against the schema here, with every default check, for a real panel."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    act_as("hr")
    case = schema[EXPORT]["GET"].Case(
        path_parameters={"interview_panel_uuid": str(panel.uuid), "export_format": export_format},
        # A case built by hand gets no auth from the provider: the acting token, as it would.
        headers={"Authorization": f"Bearer {ACTING['token']}"},
    )
    response = case.call_and_validate()
    assert response.status_code == 200
    headers = {name.lower(): values for name, values in response.headers.items()}
    assert headers["content-disposition"][0].startswith("attachment;")


@pytest.mark.django_db
def test_stateful_candidate_chains_conform(act_as, interview):
    """Start or read the attempt, then save answers to the items the links name, as the
    candidate who has started: the answers follow the links' items."""
    act_as("candidate", interview["token"])
    candidate_only = schema.include(tag=CANDIDATE_TAG)

    class CandidateWorkflow(candidate_only.as_state_machine()):
        def before_call(self, case: Any) -> None:
            bend_answer_case(case, interview["items"])

        def after_call(self, response: Any, case: Any) -> None:
            SEEN[(case.method, case.operation.path, "stateful", response.status_code)] += 1

    run_settings = settings(
        max_examples=max(EXAMPLES // 4, 10),
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        run_state_machine_as_test(CandidateWorkflow, settings=run_settings)
    except Flaky:
        # As for the panels' chains above: link choices drawn from true randomness.
        run_state_machine_as_test(CandidateWorkflow, settings=run_settings)

    # Answers were saved to items a link named (a submit may have closed the attempt since).
    answer_path = "/api/panel/interview/answers/{item_uuid}/"
    assert SEEN[("PUT", answer_path, "stateful", 200)] + SEEN[("PUT", answer_path, "stateful", 409)]


ONE_CANDIDATE = "/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/"
# (method, path, role, status) that a fuzzing run of the operation must have reached.
REACHED = [
    ("POST", "/api/panel/create/", "hr", 201),
    ("GET", "/api/panel/get/", "member", 200),
    ("POST", "/api/panel/create/", "member", 403),
    ("GET", "/api/panel/get/", "anonymous", 401),
    ("POST", "/api/panel/bank/questions/", "hr", 201),
    ("POST", "/api/panel/bank/categories/bulk/", "hr", 201),
    ("GET", "/api/panel/bank/questions/", "member", 200),
    ("DELETE", "/api/panel/bank/topics/{topic_uuid}/", "member", 403),
    ("POST", "/api/panel/bank/coverage/", "hr", 200),
    ("POST", "/api/panel/bank/coverage/", "member", 403),
    ("GET", "/api/panel/interview/", "candidate", 200),
    ("POST", "/api/panel/interview/start/", "candidate", 201),
    ("POST", "/api/panel/interview/start/", "candidate", 200),
    ("GET", "/api/panel/interview/attempt/", "candidate", 200),
    ("PUT", "/api/panel/interview/answers/{item_uuid}/", "candidate", 200),
    ("PUT", "/api/panel/interview/answers/{item_uuid}/", "candidate", 400),
    ("PUT", "/api/panel/interview/answers/{item_uuid}/", "candidate", 404),
    ("POST", "/api/panel/interview/submit/", "candidate", 200),
    ("GET", "/api/panel/interview/attempt/", "hr", 401),
    ("PUT", "/api/panel/interview/answers/{item_uuid}/", "anonymous", 401),
    ("GET", "/api/panel/reviews/", "hr", 200),
    ("GET", "/api/panel/reviews/", "member", 403),
    ("GET", "/api/panel/candidates/{interview_panel_uuid}/", "hr", 200),
    ("POST", "/api/panel/candidates/{interview_panel_uuid}/", "hr", 201),
    ("GET", "/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/", "hr", 200),
    ("DELETE", "/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/", "hr", 200),
    ("POST", "/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/token/", "hr", 200),
    ("GET", "/api/panel/candidates/{interview_panel_uuid}/", "member", 403),
    ("POST", "/api/panel/candidates/{interview_panel_uuid}/", "anonymous", 401),
    ("GET", f"{ONE_CANDIDATE}access/", "hr", 200),
    ("PATCH", f"{ONE_CANDIDATE}access/", "hr", 200),
    ("PATCH", f"{ONE_CANDIDATE}access/", "hr", 400),
    ("PATCH", f"{ONE_CANDIDATE}access/", "member", 403),
    ("POST", f"{ONE_CANDIDATE}invitation/", "hr", 202),
    ("POST", f"{ONE_CANDIDATE}erase/", "hr", 200),
    ("POST", f"{ONE_CANDIDATE}erase/", "anonymous", 401),
]


# Some statuses come only from schema-violating cases or a generated UUID (an access change's
# 400, an answer's 404): at 10 examples (tox's Django 6 environments) a run does not always
# generate one for every operation and role, so the check needs at least this many.
REACHED_MIN_EXAMPLES = 25


def test_fuzzing_reached_the_success_paths():
    """Valid data was really accepted: a fuzzing run that only ever got errors proves little.

    Checked for the operations fuzzed in this process: pytest-xdist spreads the operations over
    its workers, each with its own ``SEEN``.
    """
    fuzzed = {(m, p, role) for (m, p, role, _s) in SEEN if role != "stateful"}
    if not fuzzed:
        pytest.skip("the fuzzing tests did not run in this session")
    if EXAMPLES < REACHED_MIN_EXAMPLES:
        pytest.skip(f"fewer than {REACHED_MIN_EXAMPLES} examples per operation and role")
    checked = [key for key in REACHED if key[:3] in fuzzed]
    assert [key for key in checked if SEEN[key] == 0] == []

"""Property-based fuzzing of every operation with Schemathesis, in-process over WSGI.

Each operation is fuzzed as HR (a manager), as a plain member and anonymously, with all of
Schemathesis' default checks. ``FUZZ_EXAMPLES`` sets the examples per operation and role (100 by
default; ``FUZZ_EXAMPLES=1000`` for a long run).

Some rules cannot be written in OpenAPI: the distributions must add up to the total, the end must
follow the start and lie in the future, and the UUIDs must name bank entries and candidates of the
caller's organization. For *positive* cases (data the schema calls valid) a hook bends the
generated body to satisfy those rules, keeping every other generated value, so that "valid data is
accepted" is checked for real. Negative cases are sent as generated. The rules themselves are
tested one by one in tests/test_api_*.py.
"""

from __future__ import annotations

import os
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

from tests import factories
from tests.fuzz_rules import bend_positive_body

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


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
    """The tenant's bank entries and candidates that positive cases may reference."""
    subtopics = factories.first_subtopics(tenant.category)
    return {
        "category": str(tenant.category.uuid),
        "pairs": [(str(s.topic.uuid), str(s.uuid)) for s in subtopics],
        "candidates": [factories.candidate_uuid(c) for c in tenant.candidates],
    }


def obey_unwritten_rules(case: Any, world: dict[str, Any]) -> None:
    """Bend a positive create/update body to the rules the schema cannot express."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.operation.path == "/api/panel/get/" and "page" in (case.query or {}):
        # A page past the last one is a 400 on `page`; the first page always exists.
        case.query["page"] = 1
    bend_positive_body(case, world, now=factories.future(0))


# Statuses seen per (method, path template, role): proof that the fuzzing reached the success paths.
SEEN: Counter[tuple[str, str, str, int]] = Counter()

# The API token the requests of the running test carry (None: anonymous), set by `act_as`.
ACTING: dict[str, str | None] = {"token": None}


@schema.auth(refresh_interval=None)
class BearerAuth:
    """Sends the acting user's token, so Schemathesis knows the credentials are real."""

    def get(self, case: Any, context: Any) -> str | None:
        return ACTING["token"]

    def set(self, case: Any, token: str | None, context: Any) -> None:
        if token:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@pytest.fixture
def act_as(tenant):
    def act(role: str) -> None:
        user = {"hr": tenant.hr, "member": tenant.member}.get(role)
        ACTING["token"] = factories.make_token(user) if user else None

    yield act
    ACTING["token"] = None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["hr", "member", "anonymous"])
@schema.parametrize()
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
    # be deleted) that the links cannot state; tests/bank/ covers those flows.
    panels_only = schema.exclude(path_regex="^/api/panel/bank/")

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
]


def test_fuzzing_reached_the_success_paths():
    """Valid data was really accepted: a fuzzing run that only ever got errors proves little.

    Checked for the operations fuzzed in this process: pytest-xdist spreads the operations over
    its workers, each with its own ``SEEN``.
    """
    fuzzed = {(m, p, role) for (m, p, role, _s) in SEEN if role != "stateful"}
    if not fuzzed:
        pytest.skip("the fuzzing tests did not run in this session")
    checked = [key for key in REACHED if key[:3] in fuzzed]
    assert [key for key in checked if SEEN[key] == 0] == []

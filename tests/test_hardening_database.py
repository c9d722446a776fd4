"""Database errors answered in the envelope: concurrent SQLite writers against a live server,
a busy database (503 with ``Retry-After``), uniqueness races (409) against every other integrity
error and any unexpected exception (500, reported as Django reports its 500s), and no response
that fails after its write committed.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.db import IntegrityError, OperationalError, connection, transaction
from rest_framework.test import APIClient

from django_interview_panels.api.responses import (
    envelope_exception_handler,
    is_retryable,
    is_unique_violation,
)
from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.panels import services
from tests import factories

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGE_PY = REPO_ROOT / "example_project" / "manage.py"
# Ports a live server of these tests may use ("8130-8139"); unset: any free port.
PORT_RANGE_VARIABLE = "INTERVIEW_PANELS_TEST_PORTS"
WRITERS = 6
WRITES_PER_WRITER = 8


# --- a live example project on a SQLite file ------------------------------------------------------


def free_port() -> int:
    """A free port of ``INTERVIEW_PANELS_TEST_PORTS`` if set, else one the system picks."""
    first, _, last = os.environ.get(PORT_RANGE_VARIABLE, "0-0").partition("-")
    for port in range(int(first), int(last or first) + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    pytest.fail(f"no free port in {PORT_RANGE_VARIABLE}={os.environ[PORT_RANGE_VARIABLE]}")


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"manage.py {args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class LiveProject:
    """The example project behind gunicorn on a seeded SQLite file."""

    url: str
    database: Path
    hr_token: str
    payload: dict[str, Any]

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, dict, str]:
        """Status, headers and body text of one request with the HR token."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.hr_token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


# Run by `manage.py shell -c`: an HR user with a token, three candidates and a one-question bank
# (seed_demo would do too, at several times the cost of hashing its demo passwords).
SEED = """
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from django_interview_panels.models import (
    Candidate, Category, Membership, Organization, Question, Subtopic, Topic,
)
organization = Organization.objects.create(name="Writers")
hr = get_user_model().objects.create(username="hr")
Membership.objects.create(user=hr, organization=organization, role="HR")
category = Category.objects.create(organization=organization, name="Python")
topic = Topic.objects.create(organization=organization, category=category, name="Basics")
subtopic = Subtopic.objects.create(organization=organization, topic=topic, name="Types")
Question.objects.create(organization=organization, subtopic=subtopic, text="?", difficulty="easy")
candidates = [
    Candidate.objects.create(organization=organization, name=f"C{i}", email=f"c{i}@example.com")
    for i in range(3)
]
print(json.dumps({
    "token": Token.objects.create(user=hr).key,
    "category": str(category.uuid),
    "topic": str(topic.uuid),
    "subtopic": str(subtopic.uuid),
    "candidates": [str(c.uuid) for c in candidates],
}))
"""


def create_payload(seed: dict[str, Any]) -> dict[str, Any]:
    """A valid create request for the seeded bank."""
    return {
        "name": "Concurrent writer",
        "total_number_of_questions": 1,
        "start_datetime": factories.iso(factories.future(1)),
        "end_datetime": factories.iso(factories.future(48)),
        "category_uuid": seed["category"],
        "question_distributions": [
            {
                "topic_uuid": seed["topic"],
                "subtopic_uuid": seed["subtopic"],
                "easy": 1,
                "medium": 0,
                "hard": 0,
            }
        ],
        "candidate_uuids": seed["candidates"],
    }


@dataclass
class SeededDatabase:
    """A migrated, seeded SQLite file and the environment that points the example project at it."""

    env: dict[str, str]
    database: Path
    seed: dict[str, Any]


@pytest.fixture(scope="module")
def seeded_database(tmp_path_factory: pytest.TempPathFactory) -> SeededDatabase:
    database = tmp_path_factory.mktemp("sqlite_writers") / "demo.sqlite3"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.live.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="0",
        PYTHONPATH=os.pathsep.join(
            [str(REPO_ROOT / "src"), str(REPO_ROOT), str(REPO_ROOT / "example_project")]
        ),
    )
    manage(env, "migrate", "--noinput", "-v", "0")
    seed = json.loads(manage(env, "shell", "--no-imports", "-c", SEED))
    return SeededDatabase(env, database, seed)


def serve(seeded: SeededDatabase, busy_timeout: float) -> Iterator[LiveProject]:
    """gunicorn, two workers of two threads each (writers in two processes and within one), on
    the example project's SQLite settings with ``busy_timeout`` seconds; stopped afterwards."""
    env = {**seeded.env, "SQLITE_BUSY_TIMEOUT": str(busy_timeout)}
    port = free_port()
    log = seeded.database.with_name(f"gunicorn-{port}.log")
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "example_project.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
                "--graceful-timeout",
                "2",
            ],
            cwd=REPO_ROOT / "example_project",
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    project = LiveProject(
        url=f"http://127.0.0.1:{port}",
        database=seeded.database,
        hr_token=seeded.seed["token"],
        payload=create_payload(seeded.seed),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"gunicorn exited {server.returncode}:\n{log.read_text()}")
            try:
                if project.request("GET", "/api/panel/get/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within 30 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield project
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def patient_server(seeded_database: SeededDatabase) -> Iterator[LiveProject]:
    """The example project's default busy timeout (20 s)."""
    yield from serve(seeded_database, 20)


@pytest.fixture
def impatient_server(seeded_database: SeededDatabase) -> Iterator[LiveProject]:
    """A busy timeout of 0.2 s, so a held lock is given up on quickly."""
    yield from serve(seeded_database, 0.2)


def panel_count(database: Path) -> int:
    stored = sqlite3.connect(database)
    try:
        [(count,)] = stored.execute("SELECT COUNT(*) FROM interview_panels_interviewpanel")
    finally:
        stored.close()
    return count


def test_concurrent_writers_on_sqlite_all_succeed(patient_server: LiveProject) -> None:
    """Six clients creating and updating panels at once: every write succeeds. A wait beyond the
    busy timeout would be a 503 with Retry-After; a 500 or an HTML page never."""
    project = patient_server
    status, _headers, body = project.request("POST", "/api/panel/create/", project.payload)
    assert status == 201, body
    shared_panel = json.loads(body)["data"]["uuid"]
    panels_before = panel_count(project.database)
    outcomes: list[tuple[str, int, dict, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(index: int) -> None:
        start.wait()
        for step in range(WRITES_PER_WRITER):
            if step % 2:
                name = f"Writer {index} step {step}"
                result = project.request(
                    "PATCH", f"/api/panel/update/{shared_panel}/", {"name": name}
                )
                kind = "update"
            else:
                result = project.request("POST", "/api/panel/create/", project.payload)
                kind = "create"
            with lock:
                outcomes.append((kind, *result))

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == WRITERS * WRITES_PER_WRITER
    for kind, status, headers, body in outcomes:
        assert headers.get("Content-Type", "").startswith("application/json"), body[:200]
        envelope = json.loads(body)
        if status == 503:
            assert headers.get("Retry-After") and envelope["success"] is False
        else:
            assert (kind, status) in {("create", 201), ("update", 200)}, body[:300]
    # The busy timeout is ample for these writes: none had to give up.
    assert [o[1] for o in outcomes if o[1] == 503] == []
    assert panel_count(project.database) == panels_before + WRITERS * WRITES_PER_WRITER // 2


def test_a_locked_sqlite_database_is_a_503_with_retry_after(
    impatient_server: LiveProject,
) -> None:
    """Another connection holds the write lock beyond the server's busy timeout."""
    project = impatient_server
    status, _headers, body = project.request("POST", "/api/panel/create/", project.payload)
    assert status == 201, body
    panel_uuid = json.loads(body)["data"]["uuid"]
    holder = sqlite3.connect(project.database, isolation_level=None, timeout=10)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        writes = [
            ("PATCH", f"/api/panel/update/{panel_uuid}/", {"name": "Blocked"}),
            ("POST", "/api/panel/create/", project.payload),
            ("DELETE", f"/api/panel/delete/{panel_uuid}/", None),
        ]
        answers = [project.request(*write) for write in writes]
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    for status, headers, body in answers:
        assert status == 503, body[:300]
        assert headers["Content-Type"].startswith("application/json")
        assert headers["Retry-After"] == "1"
        message = "The database is busy; please retry."
        assert json.loads(body) == {
            "success": False,
            "message": message,
            "errors": {"detail": [message]},
        }
    # Once the lock is gone the same write goes through.
    status, _headers, body = project.request(*writes[0])
    assert status == 200, body


# --- PostgreSQL and MariaDB: a lock wait that gives up -----------------------------------------


def second_connection() -> Any:
    """A connection of its own to the test database (a holder of row locks), and the statements
    that make this test's connection give up a lock wait quickly and then wait as before."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        holder = psycopg.connect(
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
            user=settings_dict["USER"],
            password=settings_dict["PASSWORD"] or None,
            dbname=settings_dict["NAME"],
        )
        return holder, "SET lock_timeout = '200ms'", "RESET lock_timeout"
    import MySQLdb

    holder = MySQLdb.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=int(settings_dict["PORT"] or 3306),
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or "",
        database=settings_dict["NAME"],
    )
    return (
        holder,
        "SET SESSION innodb_lock_wait_timeout = 1",
        "SET SESSION innodb_lock_wait_timeout = DEFAULT",
    )


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres", "mysql")),
    reason="row locks held by another connection: PostgreSQL, MariaDB or MySQL",
)
@pytest.mark.django_db(transaction=True)
def test_a_lock_wait_that_gives_up_is_a_503_with_retry_after(tenant: Any) -> None:
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    holder, give_up_soon, wait_as_before = second_connection()
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(tenant.hr)}")
    try:
        holder.cursor().execute(
            "SELECT 1 FROM interview_panels_interviewpanel WHERE id = %s FOR UPDATE", [panel.pk]
        )
        with connection.cursor() as cursor:
            cursor.execute(give_up_soon)
        response = client.patch(
            f"/api/panel/update/{panel.uuid}/", {"name": "Blocked"}, format="json"
        )
    finally:
        holder.rollback()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute(wait_as_before)

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert response.json()["success"] is False
    panel.refresh_from_db()
    assert panel.name != "Blocked"


# --- integrity errors: only a uniqueness race is a 409 -------------------------------------------


def database_error(statement: str, params: list[Any]) -> IntegrityError:
    """The IntegrityError the database itself raises for ``statement``."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except IntegrityError as exc:
        return exc
    raise AssertionError(f"the database accepted {statement}")


def integrity_errors(panel: InterviewPanel) -> dict[str, IntegrityError]:
    """One real integrity error of each kind the database enforces immediately."""
    assignment = panel.candidates.first()
    return {
        "unique": database_error(
            "UPDATE interview_panels_panelcandidate SET token = %s WHERE id <> %s",
            [assignment.token, assignment.pk],
        ),
        "not-null": database_error(
            "UPDATE interview_panels_interviewpanel SET name = NULL WHERE id = %s", [panel.pk]
        ),
        "check": database_error(
            "UPDATE interview_panels_interviewpanel SET total_number_of_questions = 0 "
            "WHERE id = %s",
            [panel.pk],
        ),
    }


@pytest.mark.django_db
def test_only_a_unique_violation_is_a_409(tenant: Any, caplog: Any) -> None:
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    caplog.set_level(logging.ERROR)

    statuses = {
        kind: envelope_exception_handler(error, {}).status_code
        for kind, error in integrity_errors(panel).items()
    }

    assert statuses == {"unique": 409, "not-null": 500, "check": 500}
    # The two server errors are logged with their cause; the retryable race is not an error.
    causes = [r.exc_info[1] for r in caplog.records if r.name == "django_interview_panels"]
    assert len(causes) == 2
    assert all(isinstance(cause, IntegrityError) for cause in causes)


@pytest.mark.django_db(transaction=True)
def test_a_foreign_key_violation_at_commit_is_a_500_in_the_envelope(
    tenant: Any, monkeypatch: Any, caplog: Any
) -> None:
    """What a model swapped after the first migrate looks like: the candidates' primary keys are
    not in the table the database's foreign key points at. Not a 409: a retry cannot help."""
    real_lookup = services.candidates_by_uuid

    def candidates_of_another_table(organization: Any, uuids: list[Any]) -> dict[Any, Any]:
        return {uuid: pk + 10**9 for uuid, pk in real_lookup(organization, uuids).items()}

    monkeypatch.setattr(services, "candidates_by_uuid", candidates_of_another_table)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(tenant.hr)}")

    response = client.post(
        "/api/panel/create/",
        factories.panel_payload(tenant.category, tenant.candidates),
        format="json",
    )

    assert_internal_error_envelope(response)
    assert InterviewPanel.objects.count() == 0
    [record] = [r for r in caplog.records if r.name == "django_interview_panels"]
    assert record.levelno == logging.ERROR
    assert isinstance(record.exc_info[1], IntegrityError)


# --- any unexpected exception: a 500 in the envelope, reported like Django's own -----------------


def broken_candidate_name(candidate: Any) -> str:
    raise RuntimeError("SELECT secret FROM candidates")


def assert_internal_error_envelope(response: Any) -> None:
    """The views' answer to an unexpected error: a JSON 500 that shows nothing of the cause."""
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "success": False,
        "message": "Internal server error",
        "errors": {"detail": ["Internal server error"]},
    }


def unrenderable_candidate_name(candidate: Any) -> Any:
    return object()


@pytest.fixture
def received_exceptions() -> Iterator[list[Any]]:
    """Requests for which Django's ``got_request_exception`` signal was sent."""
    received: list[Any] = []

    def receiver(sender: Any, request: Any, **kwargs: Any) -> None:
        received.append(request)

    got_request_exception.connect(receiver)
    yield received
    got_request_exception.disconnect(receiver)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_an_unexpected_exception_is_a_500_envelope_reported_like_django_does(
    tenant: Any, settings: Any, caplog: Any, received_exceptions: list[Any], debug: bool
) -> None:
    settings.DEBUG = debug
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_NAME": broken_candidate_name,
    }
    factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(tenant.member)}")

    response = client.get("/api/panel/get/")

    assert_internal_error_envelope(response)
    assert "secret" not in response.content.decode()
    # The app's logger and django.request (mail_admins, error trackers) each get the traceback
    # once, and the signal Django sends for its own 500s is sent.
    for logger_name in ("django_interview_panels", "django.request"):
        [record] = [r for r in caplog.records if r.name == logger_name]
        assert record.levelno == logging.ERROR
        assert isinstance(record.exc_info[1], RuntimeError)
    assert [request.path for request in received_exceptions] == ["/api/panel/get/"]


# --- no response fails after its write committed ------------------------------------------------


def row_counts() -> tuple[int, int]:
    return InterviewPanel.objects.count(), PanelCandidate.objects.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "candidate_name",
    [broken_candidate_name, unrenderable_candidate_name],
    ids=["read-back-raises", "read-back-unrenderable"],
)
@pytest.mark.parametrize("write", ["create", "update"])
def test_a_write_whose_response_fails_is_rolled_back(
    tenant: Any, settings: Any, candidate_name: Any, write: str
) -> None:
    """Everything between the write and the response (read-back, rendering) happens before the
    commit: when it fails, the client's 500 is the truth and nothing was stored."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    before = (row_counts(), InterviewPanel.objects.values_list("name", flat=True).get())
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_NAME": candidate_name,
    }
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(tenant.hr)}")

    if write == "create":
        payload = factories.panel_payload(tenant.category, tenant.candidates)
        response = client.post("/api/panel/create/", payload, format="json")
    else:
        url = f"/api/panel/update/{panel.uuid}/"
        response = client.patch(url, {"name": "Renamed"}, format="json")

    assert response.status_code == 500
    assert response.json()["success"] is False
    assert (row_counts(), InterviewPanel.objects.values_list("name", flat=True).get()) == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["get/", "get/{uuid}/"], ids=["list", "detail"])
def test_a_read_the_renderer_refuses_is_a_500_envelope_not_html(
    tenant: Any, settings: Any, received_exceptions: list[Any], path: str
) -> None:
    """Rendering happens inside the views' error handling, for reads as for writes."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_NAME": unrenderable_candidate_name,
    }
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(tenant.member)}")

    response = client.get("/api/panel/" + path.format(uuid=panel.uuid))

    assert_internal_error_envelope(response)
    assert len(received_exceptions) == 1


class _Psycopg2Error(Exception):
    """The shape of a psycopg2 error: its SQLSTATE is ``pgcode`` (psycopg 3 says ``sqlstate``)."""

    def __init__(self, pgcode: str) -> None:
        super().__init__(pgcode)
        self.pgcode = pgcode


def _caused_by(error: Exception, cause: Exception) -> Exception:
    error.__cause__ = cause
    return error


def test_psycopg2_errors_are_classified_by_their_pgcode() -> None:
    assert is_unique_violation(_caused_by(IntegrityError("dup"), _Psycopg2Error("23505")))
    assert not is_unique_violation(_caused_by(IntegrityError("fk"), _Psycopg2Error("23503")))
    for code in ("55P03", "40001", "40P01"):
        assert is_retryable(_caused_by(OperationalError("busy"), _Psycopg2Error(code)))
    assert not is_retryable(_caused_by(OperationalError("other"), _Psycopg2Error("57014")))

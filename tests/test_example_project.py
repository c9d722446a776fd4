"""The example project, run as its users run it: ``manage.py`` subprocesses on a throwaway SQLite.

Nothing here uses the test suite's settings or database, so these tests behave the same under
``tests.settings_swapped`` or against PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGE_PY = REPO_ROOT / "example_project" / "manage.py"

# Rows of every installed model, printed as JSON by `manage.py shell -c`.
COUNT_ROWS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.label: m._default_manager.count() for m in apps.get_models()}))"
)


def manage(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``example_project/manage.py`` with ``args`` from the repository root; must succeed."""
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


@dataclass
class SeededProject:
    """A migrated example-project database seeded twice, with what each run printed."""

    env: dict[str, str]
    first_stdout: str
    second_stdout: str
    rows_after_first: dict[str, int]
    rows_after_second: dict[str, int]

    @property
    def summary(self) -> dict[str, Any]:
        """What the first ``seed_demo --json`` printed, parsed."""
        return json.loads(self.first_stdout)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> SeededProject:
    """Migrate a fresh SQLite database once for the module and run ``seed_demo --json`` twice."""
    database = tmp_path_factory.mktemp("example_project") / "demo.sqlite3"
    env = dict(os.environ)
    # pytest-django exports the suite's settings module; the example project must use its own.
    env["DJANGO_SETTINGS_MODULE"] = "example_project.settings"
    env["DATABASE_URL"] = f"sqlite:///{database}"
    # runserver serves the sidecar's static files only with DEBUG on.
    env["DJANGO_DEBUG"] = "1"
    manage(env, "migrate", "--noinput", "-v", "0")
    first = manage(env, "seed_demo", "--json").stdout
    rows_after_first = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_ROWS).stdout)
    second = manage(env, "seed_demo", "--json").stdout
    rows_after_second = json.loads(manage(env, "shell", "--no-imports", "-c", COUNT_ROWS).stdout)
    return SeededProject(env, first, second, rows_after_first, rows_after_second)


def test_check_passes(seeded: SeededProject) -> None:
    result = manage(seeded.env, "check")
    assert "no issues" in result.stdout


def test_seed_demo_json_prints_one_json_object(seeded: SeededProject) -> None:
    # json.loads rejects anything around the object, so any other stdout output fails here.
    assert isinstance(json.loads(seeded.first_stdout), dict)
    assert isinstance(json.loads(seeded.second_stdout), dict)


def test_seed_demo_prints_the_same_identifiers_when_run_again(seeded: SeededProject) -> None:
    assert json.loads(seeded.second_stdout) == json.loads(seeded.first_stdout)


def test_seed_demo_creates_no_rows_when_run_again(seeded: SeededProject) -> None:
    assert seeded.rows_after_first["interview_panels.Question"] > 0
    assert seeded.rows_after_second == seeded.rows_after_first


BANK_CONTENT = (
    "import json; from django_interview_panels.models import Question, RubricDimension; "
    "print(json.dumps({"
    "'kinds': sorted({q.kind for q in Question.objects.all()}), "
    "'without_key': Question.objects.filter(answer_key={}).count(), "
    "'without_version': Question.objects.filter(versions__isnull=True).count(), "
    "'rubric': sorted([d.organization.name, d.name, d.weight] "
    "for d in RubricDimension.objects.all())}))"
)


def test_seed_demo_gives_questions_of_every_kind_with_answer_keys_and_a_rubric(
    seeded: SeededProject,
) -> None:
    bank = json.loads(manage(seeded.env, "shell", "--no-imports", "-c", BANK_CONTENT).stdout)

    assert bank["kinds"] == sorted(
        ["open", "single_choice", "multiple_choice", "short_answer", "numeric"]
    )
    assert bank["without_key"] == 0
    assert bank["without_version"] == 0
    assert bank["rubric"] == sorted(
        [organization, name, weight]
        for organization in ("Acme Corp", "Globex Inc")
        for name, weight in (("Technical", 3), ("Problem solving", 2), ("Communication", 1))
    )


def test_seed_demo_gives_each_organization_users_with_tokens_and_candidates(
    seeded: SeededProject,
) -> None:
    organizations = seeded.summary["organizations"]
    assert len(organizations) == 2
    assert organizations[0]["uuid"] != organizations[1]["uuid"]
    tokens = set()
    for organization in organizations:
        assert organization["name"]
        assert set(organization["users"]) == {"admin", "hr", "member"}
        for user in organization["users"].values():
            assert user["username"]
            assert user["token"]
            tokens.add(user["token"])
        assert len(organization["candidates"]) >= 3
        for candidate in organization["candidates"]:
            assert {"uuid", "name", "email"} <= set(candidate)
    assert len(tokens) == 6


def test_seed_demo_gives_each_organization_a_question_bank(seeded: SeededProject) -> None:
    for organization in seeded.summary["organizations"]:
        assert organization["categories"]
        for category in organization["categories"]:
            assert len(category["topics"]) == 2
            for topic in category["topics"]:
                assert topic["subtopics"]
                assert any(
                    all(subtopic["questions"][level] >= 5 for level in ("easy", "medium", "hard"))
                    for subtopic in topic["subtopics"]
                )


def test_seed_demo_second_organization_has_a_category_of_its_own(seeded: SeededProject) -> None:
    first, second = seeded.summary["organizations"]
    first_categories = {category["uuid"] for category in first["categories"]}
    second_categories = {category["uuid"] for category in second["categories"]}
    # The global category shows up for both; the second organization's own one only for it.
    assert first_categories & second_categories
    assert second_categories - first_categories


def test_seed_demo_lists_a_user_without_organization(seeded: SeededProject) -> None:
    users = seeded.summary["users_without_organization"]
    assert users
    assert all(user["username"] and user["token"] for user in users)


def test_seed_demo_text_output_explains_how_to_call_the_api(seeded: SeededProject) -> None:
    output = manage(seeded.env, "seed_demo").stdout
    hr_token = seeded.summary["organizations"][0]["users"]["hr"]["token"]
    assert "nothing created" in output
    assert "demo-password" in output
    assert f"Authorization: Bearer {hr_token}" in output
    assert "/api/panel/get/" in output
    assert "/api/docs/" in output


def test_seed_demo_prints_a_candidate_page_link_per_demo_candidate(seeded: SeededProject) -> None:
    output = manage(seeded.env, "seed_demo").stdout
    candidates = seeded.summary["demo_interview"]["candidates"]
    assert len(candidates) == 3
    for candidate in candidates:
        # The token in the fragment, which browsers never send (docs/ui.md).
        assert candidate["page_url"] == f"http://127.0.0.1:8000/interview/#{candidate['token']}"
        assert candidate["page_url"] in output


def expected_shell_path(path: str | Path, cwd: Path) -> str:
    """How seed_demo should spell ``path`` for a reader in ``cwd``."""
    relative = os.path.relpath(os.path.abspath(path), cwd)
    if relative.startswith(os.pardir):
        return os.path.abspath(path)
    return relative if os.sep in relative else f"./{relative}"


def test_seed_demo_tells_to_start_the_server_with_the_interpreter_that_ran_it(
    seeded: SeededProject, tmp_path: Path
) -> None:
    """The venv's python, not whatever ``python`` is on PATH; paths as typed where it ran."""
    # A relative PYTHONPATH (e.g. "src" outside tox) must still work from another directory.
    search_path = seeded.env.get("PYTHONPATH", "").split(os.pathsep)
    env = {
        **seeded.env,
        "PYTHONPATH": os.pathsep.join(str(REPO_ROOT / entry) for entry in search_path if entry),
    }
    for cwd in (REPO_ROOT, tmp_path):
        result = subprocess.run(
            [sys.executable, str(MANAGE_PY), "seed_demo"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        python = expected_shell_path(sys.executable, cwd)
        manage_py = expected_shell_path(MANAGE_PY, cwd)
        assert f"start the server first: {python} {manage_py} runserver)" in result.stdout
        assert f"make a login with: {python} {manage_py} createsuperuser)" in result.stdout


# --- A live server on the seeded database -------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Status and body of a GET, HTTP errors included."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.fixture(scope="module")
def live_url(seeded: SeededProject, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of ``manage.py runserver`` on the seeded database; stopped after the module."""
    port = free_port()
    log = tmp_path_factory.mktemp("runserver") / "runserver.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [sys.executable, str(MANAGE_PY), "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env=seeded.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if server.poll() is not None:
                pytest.fail(f"runserver exited {server.returncode}:\n{log.read_text()}")
            try:
                urllib.request.urlopen(f"{base_url}/api/schema/", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers; the tests report what it answered
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"runserver did not answer within 20 s:\n{log.read_text()}")
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_live_server_serves_the_openapi_schema(live_url: str) -> None:
    status, body = fetch(f"{live_url}/api/schema/", {"Accept": "application/json"})
    assert status == 200
    schema = json.loads(body)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Interview Panel API"


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_live_server_serves_api_docs_from_local_static_files(live_url: str, page: str) -> None:
    status, html = fetch(f"{live_url}{page}")
    assert status == 200
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets
    assert [url for url in assets if re.match(r"(?:https?:)?//", url)] == []
    assert all(url.startswith("/static/") for url in assets), assets
    # The sidecar's files are really there, so the page works without network access.
    for url in assets:
        assert fetch(f"{live_url}{url}")[0] == 200, url


def test_live_server_serves_the_candidate_page_and_its_files(live_url: str) -> None:
    status, html = fetch(f"{live_url}/interview/")
    assert status == 200 and 'data-screen="welcome"' in html
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        assert fetch(f"{live_url}{url}")[0] == 200, url


def test_live_server_lists_panels_for_a_bearer_token(live_url: str, seeded: SeededProject) -> None:
    hr_token = seeded.summary["organizations"][0]["users"]["hr"]["token"]
    status, body = fetch(f"{live_url}/api/panel/get/", {"Authorization": f"Bearer {hr_token}"})
    assert status == 200, body
    payload = json.loads(body)
    assert payload["success"] is True
    assert payload["message"] == "Interview panels retrieved successfully"


def test_a_client_generated_from_the_committed_schema_drives_the_api(
    live_url: str, seeded: SeededProject, tmp_path: Path
) -> None:
    """openapi-python-client builds a client from docs/openapi.yaml; it creates, reads, updates,
    lists and deletes a panel on the live server."""
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(REPO_ROOT / "docs" / "openapi.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "panel_api_client"),
            "--config",
            str(config),
        ],
        check=True,
        capture_output=True,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        from panel_api_client import AuthenticatedClient
        from panel_api_client.api.interview_panels import (
            panel_create,
            panel_delete,
            panel_list,
            panel_retrieve,
            panel_update,
        )
        from panel_api_client.models import (
            DistributionInputRequest,
            PanelCreateRequest,
            PanelUpdateRequest,
        )
    finally:
        sys.path.remove(str(tmp_path))

    organization = seeded.summary["organizations"][0]
    category = organization["categories"][0]
    subtopic_pairs = [(t["uuid"], t["subtopics"][0]["uuid"]) for t in category["topics"]]
    client = AuthenticatedClient(base_url=live_url, token=organization["users"]["hr"]["token"])
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)

    with client:
        created = panel_create.sync(
            client=client,
            body=PanelCreateRequest(
                name="Generated client panel",
                total_number_of_questions=3 * len(subtopic_pairs),
                start_datetime=start,
                end_datetime=start + dt.timedelta(hours=8),
                category_uuid=category["uuid"],
                question_distributions=[
                    DistributionInputRequest(
                        topic_uuid=topic, subtopic_uuid=subtopic, easy=1, medium=1, hard=1
                    )
                    for topic, subtopic in subtopic_pairs
                ],
                candidate_uuids=[c["uuid"] for c in organization["candidates"][:2]],
            ),
        )
        assert created.success is True, created
        panel = created.data
        assert len(panel.candidates) == 2
        assert panel.candidates[0].token

        fetched = panel_retrieve.sync(client=client, interview_panel_uuid=panel.uuid)
        assert fetched.data.name == "Generated client panel"

        new_end = start + dt.timedelta(hours=10)
        updated = panel_update.sync(
            client=client,
            interview_panel_uuid=panel.uuid,
            body=PanelUpdateRequest(name="Renamed by the client", end_datetime=new_end),
        )
        assert updated.data.name == "Renamed by the client"
        assert {c.token_expires_at for c in updated.data.candidates} == {new_end}

        listed = panel_list.sync(client=client)
        assert panel.uuid in [p.uuid for p in listed.data.interview_panels]

        deleted = panel_delete.sync(client=client, interview_panel_uuid=panel.uuid)
        assert deleted.message == "Interview panel deleted successfully"
        gone = panel_retrieve.sync(client=client, interview_panel_uuid=panel.uuid)
        assert gone.success is False
        assert gone.message == "Interview panel not found"

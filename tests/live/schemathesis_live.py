"""The Schemathesis CLI against a live example server, as HR, as a member and as a candidate.

    python -m tests.live.schemathesis_live [--port N] [--max-examples 100] [--seed N]

Creates a fresh database (SQLite in a temporary directory, or the database ``DATABASE_URL``
names), runs ``seed_demo --json``, starts the example project under gunicorn (runserver when
gunicorn is not installed) on 127.0.0.1, runs ``schemathesis run --checks all`` against
``/api/schema/`` once per role with the hooks of ``tests/live/schemathesis_hooks.py`` (the staff
operations as HR and as a member with a Bearer token, the candidate's as a candidate with an
``X-Interview-Token`` of a panel open now, created through the API), checks that creates,
updates, deletes and answers really succeeded, stops the server, and exits non-zero on any
failure. See docs/openapi.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from tests.fuzz_rules import QUESTIONS_PER_DIFFICULTY

REPO_ROOT = Path(__file__).resolve().parents[2]
MANAGE_PY = REPO_ROOT / "example_project" / "manage.py"
ROLES = ("hr", "member", "candidate")
# The candidate's operations (one tag): fuzzed as the candidate only; a staff Bearer token gets
# 401 there, which tests/test_fuzz.py checks in-process.
CANDIDATE_TAG = "Interview"
INTERVIEW = "/api/panel/interview/"
ANSWER = INTERVIEW + "answers/{item_uuid}/"
LIST = "/api/panel/get/"
CREATE = "/api/panel/create/"
READ = "/api/panel/get/{interview_panel_uuid}/"
UPDATE = "/api/panel/update/{interview_panel_uuid}/"
DELETE = "/api/panel/delete/{interview_panel_uuid}/"
# (method, path, status) each role must have seen at least once: proof that the hooks let the
# fuzzing reach the success paths (and, for the member, the permission check on real panels).
MUST_REACH: dict[str, tuple[tuple[str, str, int], ...]] = {
    "hr": (
        ("POST", CREATE, 201),
        ("GET", LIST, 200),
        ("GET", READ, 200),
        ("PUT", UPDATE, 200),
        ("PATCH", UPDATE, 200),
        ("DELETE", DELETE, 200),
        ("GET", READ, 404),
    ),
    "member": (
        ("GET", LIST, 200),
        ("GET", READ, 200),
        ("POST", CREATE, 403),
        ("PATCH", UPDATE, 403),
        ("DELETE", DELETE, 403),
    ),
    # The driver started both candidates' attempts: a start resumes (200).
    "candidate": (
        ("GET", INTERVIEW, 200),
        ("POST", INTERVIEW + "start/", 200),
        ("GET", INTERVIEW + "attempt/", 200),
        ("PUT", ANSWER, 200),
        ("PUT", ANSWER, 400),
        ("POST", INTERVIEW + "submit/", 200),
    ),
}

# The last line of a logged traceback: "package.module.SomeError: message".
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Locked|Timeout)\b.*")


def log(message: str) -> None:
    print(f"[live-schemathesis] {message}", flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_env(database_url: str) -> dict[str, str]:
    """The environment of the example project's processes."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "tests.live.settings"
    env["DATABASE_URL"] = database_url
    # Production-like: no debug pages, so an HTML error is what a real deployment would send.
    env["DJANGO_DEBUG"] = "0"
    # The repository root, for `tests.live.schemathesis_hooks` and `tests.fuzz_rules`.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    )
    return env


def seed(env: dict[str, str]) -> dict[str, Any]:
    """Migrate and seed the demo data; the identifiers and tokens ``seed_demo --json`` prints."""
    result = subprocess.run(
        [sys.executable, str(MANAGE_PY), "seed_demo", "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode:
        sys.exit(f"seed_demo failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout)


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    """gunicorn (two workers) or, without it, runserver, on 127.0.0.1:``port``."""
    if importlib.util.find_spec("gunicorn") is not None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "example_project.wsgi:application",
            "--pythonpath",
            str(REPO_ROOT / "example_project"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
            # No cap on the request line: an over-long query parameter must reach the app and be
            # its 400 in the envelope, not gunicorn's HTML 414 (a proxy in front may cap it).
            "--limit-request-line",
            "0",
        ]
    else:
        command = [sys.executable, str(MANAGE_PY), "runserver", f"127.0.0.1:{port}", "--noreload"]
    log(f"starting {command[2] if command[1] == '-m' else 'runserver'} on 127.0.0.1:{port}")
    with log_path.open("w") as log_file:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )


def wait_for(server: subprocess.Popen, url: str, log_path: Path, timeout: float = 60) -> None:
    """Return once ``url`` answers; exit when the server dies or stays silent."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            sys.exit(f"the server exited {server.returncode}:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit(f"the server did not answer within {timeout} s:\n{log_path.read_text()}")
            time.sleep(0.3)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def world(organization: dict[str, Any], category: dict[str, Any]) -> dict[str, Any]:
    """What valid bodies of ``organization`` may name (see ``tests.fuzz_rules.World``)."""
    return {
        "category": category["uuid"],
        "pairs": [(t["uuid"], t["subtopics"][0]["uuid"]) for t in category["topics"]],
        "candidates": [candidate["uuid"] for candidate in organization["candidates"]],
    }


def create_body(own: dict[str, Any], name: str) -> dict[str, Any]:
    """A valid create body of the world ``own``: one question per difficulty and subtopic."""
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    return {
        "name": name,
        "total_number_of_questions": 3 * len(own["pairs"]),
        "start_datetime": start.isoformat().replace("+00:00", "Z"),
        "end_datetime": (start + dt.timedelta(hours=8)).isoformat().replace("+00:00", "Z"),
        "category_uuid": own["category"],
        "question_distributions": [
            {"topic_uuid": topic, "subtopic_uuid": subtopic, "easy": 1, "medium": 1, "hard": 1}
            for topic, subtopic in own["pairs"]
        ],
        "candidate_uuids": own["candidates"][:2],
    }


def create_panels(base_url: str, token: str, body: dict[str, Any], count: int) -> list[str]:
    """Create ``count`` panels through the API; their UUIDs."""
    return [
        post(base_url + CREATE, body, Authorization=f"Bearer {token}")["uuid"] for _ in range(count)
    ]


def post(url: str, body: dict[str, Any] | None, **headers: str) -> dict[str, Any]:
    """POST ``body`` as JSON (none when None) with ``headers``; the answer's ``data``."""
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        method="POST",
        headers={**headers, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def candidate_context(base_url: str, hr_token: str, own: dict[str, Any]) -> dict[str, Any]:
    """Two candidates of a panel of ``own`` that opened an hour ago, attempts started through
    the API: the first is the fuzzing candidate (its items, for the answers' paths), the second
    submits (so the first's attempt stays open for answers whatever the order of operations)."""
    body = create_body(own, "Live fuzzing interview")
    # Every question of each subtopic and difficulty: the demo bank has one of each kind there,
    # so the set holds every kind, and every shape of answer has an item that takes it.
    for distribution in body["question_distributions"]:
        distribution.update(easy=QUESTIONS_PER_DIFFICULTY, medium=QUESTIONS_PER_DIFFICULTY)
        distribution.update(hard=QUESTIONS_PER_DIFFICULTY)
    body["total_number_of_questions"] = 3 * QUESTIONS_PER_DIFFICULTY * len(own["pairs"])
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    body["start_datetime"] = start.isoformat().replace("+00:00", "Z")
    body["end_datetime"] = (start + dt.timedelta(hours=9)).isoformat().replace("+00:00", "Z")
    panel = post(base_url + CREATE, body, Authorization=f"Bearer {hr_token}")
    tokens = [candidate["token"] for candidate in panel["candidates"][:2]]
    attempts = [
        post(base_url + INTERVIEW + "start/", None, **{"X-Interview-Token": token})
        for token in tokens
    ]
    items = [
        {"uuid": item["uuid"], "kind": item["kind"], "choices": len(item["choices"])}
        for item in attempts[0]["items"]
    ]
    return {"token": tokens[0], "submit_token": tokens[1], "items": items}


def candidate_config(context: dict[str, Any], path: Path) -> Path:
    """A Schemathesis config that sends the candidate's token with every request, and the
    second candidate's with the submit. Headers from the config count as explicit credentials
    (the ignored-auth check then expects a 401 without them); a hook's would not."""
    path.write_text(
        f'headers = {{ "X-Interview-Token" = "{context["token"]}" }}\n\n'
        "[[operations]]\n"
        'include-operation-id = "interview_submit"\n'
        f'headers = {{ "X-Interview-Token" = "{context["submit_token"]}" }}\n'
    )
    return path


def build_context(summary: dict[str, Any], base_url: str) -> dict[str, Any]:
    """The hooks' view of the demo data: Acme is the caller, Globex the stranger."""
    acme, globex = summary["organizations"]
    acme_bank = acme["categories"][0]
    # Globex's own category, which Acme cannot see.
    acme_categories = {category["uuid"] for category in acme["categories"]}
    globex_bank = next(c for c in globex["categories"] if c["uuid"] not in acme_categories)
    own, foreign = world(acme, acme_bank), world(globex, globex_bank)
    example = create_body(own, "Live fuzzing panel")
    return {
        "base_url": base_url,
        "hr_token": acme["users"]["hr"]["token"],
        "own": own,
        "foreign": foreign,
        "create_example": example,
        "own_panels": create_panels(base_url, acme["users"]["hr"]["token"], example, 6),
        "foreign_panels": create_panels(
            base_url, globex["users"]["hr"]["token"], create_body(foreign, "Globex panel"), 3
        ),
        "candidate": candidate_context(base_url, acme["users"]["hr"]["token"], own),
    }


def run_schemathesis(
    role: str, token: str, args: argparse.Namespace, env: dict[str, str], work: Path
) -> tuple[int, list[list[Any]]]:
    """One ``schemathesis run`` as ``role``: its exit code and the statuses the hooks saw.

    Staff roles send ``token`` as a Bearer token to the staff operations; the candidate role
    sends the tokens of ``candidate_config`` to the candidate's operations."""
    stats = work / f"stats-{role}.json"
    if role == "candidate":
        context = json.loads((work / "context.json").read_text())["candidate"]
        config = candidate_config(context, work / "schemathesis-candidate.toml")
        credentials = ["--config-file", str(config), "run", f"{args.base_url}/api/schema/"]
        credentials += ["--include-tag", CANDIDATE_TAG]
    else:
        credentials = ["run", f"{args.base_url}/api/schema/", "--exclude-tag", CANDIDATE_TAG]
        credentials += ["--header", f"Authorization: Bearer {token}"]
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        *credentials,
        "--checks",
        "all",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--workers",
        str(args.workers),
        "--phases",
        args.phases,
        "--generation-database",
        "none",
        "--report",
        "junit",
        "--report-junit-path",
        str(args.report_dir / f"junit-{role}.xml"),
        "--no-color",
    ]
    shown = " ".join(command[3:])
    log(f"as {role}: {shown.replace(token, '<token>') if token else shown}")
    run_env = {
        **env,
        "SCHEMATHESIS_HOOKS": "tests.live.schemathesis_hooks",
        "LIVE_FUZZ_CONTEXT": str(work / "context.json"),
        "LIVE_FUZZ_STATS": str(stats),
        "LIVE_FUZZ_ROLE": role,
        "LIVE_FUZZ_SEED": str(args.seed),
    }
    # In the temporary directory: the CLI keeps a crash cache (.schemathesis/) in its cwd.
    code = subprocess.run(command, cwd=work, env=run_env, check=False).returncode
    rows = json.loads(stats.read_text()) if stats.exists() else []
    return code, rows


def unreached(role: str, rows: list[list[Any]]) -> list[tuple[str, str, int]]:
    """The success (or permission) paths ``role`` should have reached and did not."""
    # The hooks' own creates ("setup") prove nothing about the fuzzed requests.
    seen = {
        (method, path, status)
        for row_role, method, path, status, _count in rows
        if row_role != "setup"
    }
    return [expected for expected in MUST_REACH[role] if expected not in seen]


def setup_failures(rows: list[list[Any]]) -> list[str]:
    """The hooks' own creates that the server answered with a 5xx."""
    return [
        f"the hooks' {method} {path} answered {status} x{count}"
        for role, method, path, status, count in rows
        if role == "setup" and status >= 500
    ]


def print_statuses(role: str, rows: list[list[Any]]) -> None:
    """What the server answered per operation: the run's coverage at a glance."""
    log(f"as {role}, statuses per operation (count):")
    by_operation: dict[tuple[str, str, str], list[str]] = {}
    for row_role, method, path, status, count in rows:
        by_operation.setdefault((row_role, method, path), []).append(f"{status} x{count}")
    for (row_role, method, path), statuses in sorted(by_operation.items()):
        prefix = "  (hooks) " if row_role == "setup" else "  "
        log(f"{prefix}{method} {path}: {', '.join(statuses)}")


def server_errors(server_log: str) -> Counter[tuple[str, str]]:
    """(request, exception) of each 500 the server logged, counted: the cause behind a failure."""
    errors: Counter[tuple[str, str]] = Counter()
    request = exception = ""
    for line in [*server_log.splitlines(), "Internal Server Error: <end>"]:
        if line.startswith("Internal Server Error: "):
            if request:
                errors[(request, exception or "(no traceback)")] += 1
            request, exception = line.removeprefix("Internal Server Error: "), ""
        elif request and EXCEPTION_LINE.match(line):
            exception = line.strip()[:200]
    return errors


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LIVE_FUZZ_PORT", 0)),
        help="port on 127.0.0.1 (default: a free one)",
    )
    parser.add_argument(
        "--max-examples", type=int, default=int(os.environ.get("LIVE_FUZZ_EXAMPLES", 100))
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("LIVE_FUZZ_SEED", 0)))
    parser.add_argument("--workers", default="2", help="schemathesis --workers (default 2)")
    parser.add_argument(
        "--phases", default="examples,coverage,fuzzing,stateful", help="schemathesis --phases"
    )
    parser.add_argument(
        "--roles", default=",".join(ROLES), help="comma-separated: hr,member,candidate"
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=None,
        help="where the JUnit reports go (default: the temporary directory, removed afterwards)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.port = args.port or free_port()
    args.base_url = f"http://127.0.0.1:{args.port}"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="live-schemathesis-") as tmp:
        work = Path(tmp)
        args.report_dir = args.report_dir or work
        args.report_dir.mkdir(parents=True, exist_ok=True)
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'live.sqlite3'}"
        log(f"database: {database_url.split('@')[-1]}")
        env = project_env(database_url)
        summary = seed(env)
        server_log = work / "server.log"
        server = start_server(env, args.port, server_log)
        failures: list[str] = []
        try:
            wait_for(server, f"{args.base_url}/api/schema/", server_log)
            (work / "context.json").write_text(json.dumps(build_context(summary, args.base_url)))
            users = summary["organizations"][0]["users"]
            for role in args.roles.split(","):
                token = users[role]["token"] if role in users else ""
                code, rows = run_schemathesis(role, token, args, env, work)
                print_statuses(role, rows)
                if code:
                    failures.append(f"schemathesis as {role} exited {code}")
                failures += setup_failures(rows)
                missing = unreached(role, rows)
                if missing:
                    failures.append(f"as {role}, never answered: {missing}")
        finally:
            stop_server(server)
            errors = server_errors(server_log.read_text())
            for (request, exception), count in errors.items():
                failures.append(f"server error x{count}: {request} -> {exception}")
    log(f"finished in {time.monotonic() - started:.0f} s")
    for failure in failures:
        log(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the app's list and create endpoints against their floors, and HTTP throughput.

Run from the repository root, with the app installed (``pip install -e .[example]``, plus
``orjson`` and ``gunicorn``)::

    python -m benchmarks.run            # SQLite file in benchmarks/results/
    python -m benchmarks.run --quick    # a smoke run of a few seconds
    python -m benchmarks.run --no-sql-reuse   # the app compiling its child queries every time
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interview_panels python -m benchmarks.run

With ``DATABASE_URL`` the benchmark creates (and afterwards drops) a fresh database named after
the URL's with ``_bench`` appended, on the same server. It seeds the data, checks that the app
and the floor answer the same JSON, then times the variants of each measurement in alternation
(so drift of the machine hits all alike) and reports medians and ratios. It prints a table and
writes it, with every raw timing, to ``benchmarks/results/<vendor>[-quick].json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
LIST_PATH = "/api/panel/get/"
CREATE_PATH = "/api/panel/create/"
DISTRIBUTIONS, CANDIDATES = 10, 20
CREATE_DISTRIBUTIONS = 20


# --- Database and Django ----------------------------------------------------------------------


def fresh_database() -> tuple[str, Callable[[], None]]:
    """A URL of an empty database for this run, and a function that drops it afterwards."""
    import dj_database_url

    url = os.environ.get("DATABASE_URL")
    if not url:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / "bench.sqlite3"
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: None
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite).")
    import psycopg
    from psycopg import sql

    name = f"{config['NAME']}_bench"
    conninfo = {
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        # Like Django's test runner: create and drop from the server's maintenance database,
        # so the URL's own database need not exist.
        "dbname": "postgres",
    }

    def execute(statement: sql.Composed) -> None:
        with psycopg.connect(**conninfo, autocommit=True) as connection:
            connection.execute(statement)

    execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = url.rpartition("/")

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    return f"{base}/{name}", drop


def setup_django(database_url: str) -> None:
    """Configure ``benchmarks.settings`` on ``database_url`` and migrate it."""
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    for entry in (REPO / "example_project", REPO):
        if str(entry) not in sys.path:
            sys.path.insert(0, str(entry))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def switch_off_sql_reuse() -> None:
    """Make the app build and compile its distributions and assignments queries every time.

    ``reads._rows_of_panels`` then finds no reusable SQL and runs the ORM's queryset, as the
    floor does: the difference measures what the reuse is worth.
    """
    from django_interview_panels.panels import reads

    reads._reusable_sql = lambda queryset, ids: None
    reads._SQL_CACHE.clear()


# --- Timing -----------------------------------------------------------------------------------


class CollectorClock:
    """Seconds spent in CPython's cyclic garbage collector, from ``gc.callbacks``."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started


def alternate(
    variants: dict[str, Callable[[], Any]], rounds: int, warmup: int = 2
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Milliseconds of ``rounds`` calls of each variant, interleaved, order flipped each round.

    ``warmup`` untimed rounds go first. Also returns, per call, the milliseconds of it the
    garbage collector took.
    """
    for _ in range(warmup):
        for variant in variants.values():
            variant()
    times: dict[str, list[float]] = {name: [] for name in variants}
    collector: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    clock = CollectorClock()
    gc.callbacks.append(clock)
    try:
        for round_ in range(rounds):
            for name in names if round_ % 2 == 0 else reversed(names):
                # Collect outside the clock: a collection the previous variant left due would
                # otherwise be billed to this one.
                gc.collect()
                clock.seconds = 0.0
                started = time.perf_counter()
                variants[name]()
                times[name].append((time.perf_counter() - started) * 1000)
                collector[name].append(clock.seconds * 1000)
    finally:
        gc.callbacks.remove(clock)
    return times, collector


def median(values: list[float]) -> float:
    return statistics.median(values)


def count_queries(function: Callable[[], Any]) -> tuple[Any, int]:
    """``function()`` and the number of SQL queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


# --- Measurements -----------------------------------------------------------------------------


def measure_lists(
    sizes: list[int], quick: bool, naive: bool = True
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The list at each size (all panels in one page, and the default page) against the floors.

    Also returns each size's API token, for the HTTP measurement.
    """
    from django.test import Client

    from benchmarks import floor, seed

    rows, tokens = [], {}
    for size in sizes:
        print(f"  seeding {size} panels ...", flush=True)
        seeded = seed.seed_list_organization(size, DISTRIBUTIONS, CANDIDATES)
        tokens[size] = seeded.token
        client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")
        # The default page first: a 2,000-panel page leaves the process measurably slower for a
        # while (a larger, fragmented heap), which would otherwise be billed to the small pages.
        for page_size, label in ((50, "default page (50)"), (size, "all panels in one page")):
            query = f"?page_size={page_size}" if label.startswith("all") else ""

            app = partial(_get_ok, client, LIST_PATH + query)
            floor_ = partial(
                floor.list_body,
                seeded.token,
                page=1,
                page_size=page_size,
                base_url=f"http://testserver{LIST_PATH}",
            )
            variants: dict[str, Callable[[], Any]] = {"app": app, "floor": floor_}
            app_body, app_queries = count_queries(app)
            floor_body, floor_queries = count_queries(floor_)
            assert json.loads(app_body) == json.loads(floor_body), "app and floor disagree"
            assert app_queries == floor_queries, (app_queries, floor_queries)
            if naive and label.startswith("all") and size <= 200:
                naive_ = partial(_get_ok, client, "/bench/naive/")
                naive_panels = json.loads(naive_())["data"]["interview_panels"]
                assert naive_panels == json.loads(app_body)["data"]["interview_panels"]
                variants["naive"] = naive_
            rounds = _list_rounds(size, quick)
            print(f"  timing {size} panels, {label}: {rounds} rounds ...", flush=True)
            times, collector = alternate(variants, rounds, warmup=1 if size > 200 else 2)
            row = {
                "panels": size,
                "page": label,
                "rendered_panels": len(json.loads(app_body)["data"]["interview_panels"]),
                "bytes": len(app_body),
                "bytes_identical_to_floor": app_body == floor_body,
                "queries": app_queries,
                "rounds": rounds,
                "median_ms": {name: median(values) for name, values in times.items()},
                "median_gc_ms": {name: median(values) for name, values in collector.items()},
                "median_ms_without_gc": {
                    name: median([t - g for t, g in zip(times[name], collector[name], strict=True)])
                    for name in times
                },
                "times_ms": times,
                "gc_ms": collector,
            }
            row["app_over_floor"] = row["median_ms"]["app"] / row["median_ms"]["floor"]
            if "naive" in times:
                row["naive_over_app"] = row["median_ms"]["naive"] / row["median_ms"]["app"]
            rows.append(row)
    return rows, tokens


def _get_ok(client: Any, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response.content


def _post_created(client: Any, path: str, payload: str) -> bytes:
    response = client.post(path, payload, content_type="application/json")
    assert response.status_code == 201, response.content[:500]
    return response.content


def _list_rounds(size: int, quick: bool) -> int:
    if quick:
        return 3
    return {20: 31, 200: 15}.get(size, 7)


def measure_creates(candidate_counts: list[int], quick: bool) -> list[dict[str, Any]]:
    """Create with 20 distributions and each candidate count, against raw bulk inserts."""
    from django.test import Client
    from django.utils import timezone

    from benchmarks import floor, seed

    print("  seeding the create organization ...", flush=True)
    seeded = seed.seed_create_organization(CREATE_DISTRIBUTIONS, max(candidate_counts))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")
    start = timezone.now() + dt.timedelta(days=1)
    end = start + dt.timedelta(hours=8)
    rows = []
    for count in candidate_counts:
        people = seeded.candidates[:count]
        payload = json.dumps(
            {
                "name": "Benchmark panel",
                "description": "Created through the API",
                "total_number_of_questions": CREATE_DISTRIBUTIONS,
                "start_datetime": start.isoformat(),
                "end_datetime": end.isoformat(),
                "category_uuid": str(seeded.category.uuid),
                "question_distributions": [
                    {
                        "topic_uuid": str(subtopic.topic.uuid),
                        "subtopic_uuid": str(subtopic.uuid),
                        "easy": 1,
                        "medium": 0,
                        "hard": 0,
                    }
                    for subtopic in seeded.subtopics
                ],
                "candidate_uuids": [str(person.uuid) for person in people],
            }
        )
        distributions = [(s.topic_id, s.id, 1, 0, 0) for s in seeded.subtopics]

        app = partial(_post_created, client, CREATE_PATH, payload)
        floor_ = partial(
            floor.insert_panel_rows,
            organization_id=seeded.organization.id,
            category_id=seeded.category.id,
            user_id=seeded.user.id,
            distributions=distributions,
            candidate_ids=[person.id for person in people],
            start=start,
            end=end,
        )

        body, queries = count_queries(app)
        created = json.loads(body)["data"]
        assert len(created["candidates"]) == count
        assert len(created["question_distributions"]) == CREATE_DISTRIBUTIONS
        _, floor_queries = count_queries(floor_)
        rounds = 3 if quick else 15
        print(f"  timing create with {count} candidates: {rounds} rounds ...", flush=True)
        times, collector = alternate({"app": app, "floor": floor_}, rounds)
        row = {
            "candidates": count,
            "distributions": CREATE_DISTRIBUTIONS,
            "queries": {"app": queries, "floor": floor_queries},
            "rounds": rounds,
            "median_ms": {name: median(values) for name, values in times.items()},
            "median_gc_ms": {name: median(values) for name, values in collector.items()},
            "times_ms": times,
            "gc_ms": collector,
        }
        row["app_over_floor"] = row["median_ms"]["app"] / row["median_ms"]["floor"]
        rows.append(row)
    return rows


# --- HTTP -------------------------------------------------------------------------------------


def _free_port() -> int:
    # BENCH_PORT pins the port (a shared machine may reserve a range per user).
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def measure_http(database_url: str, token: str, size: int, quick: bool) -> dict[str, Any]:
    """Requests/s and p99 of one list page under gunicorn (one sync worker) vs a plain view."""
    headers = {"Authorization": f"Bearer {token}"}
    RESULTS.mkdir(parents=True, exist_ok=True)
    body_file = RESULTS / "plain-body.json"
    body_file.unlink(missing_ok=True)
    log_file = RESULTS / "gunicorn.log"
    port = _free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_PLAIN_BODY": str(body_file),
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "benchmarks.wsgi:application",
        "--workers=1",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        f"--pythonpath={REPO},{REPO / 'example_project'}",
        f"--error-logfile={log_file}",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=REPO, env=env)
    try:
        app_body = _wait_for(port, LIST_PATH, headers)
        # The plain view serves exactly what the app just served for this page.
        body_file.write_bytes(app_body)
        targets = {
            "plain view": "/bench/plain/",
            "floor view": "/bench/floor/?page=1&page_size=50",
            "app": LIST_PATH,
        }
        bodies = {}
        for name, path in targets.items():
            status, bodies[name] = _get(port, path, headers)
            assert status == 200, (name, status, bodies[name][:300])
        lengths = {name: len(body) for name, body in bodies.items()}
        # The floor view's links name its own path; everything else must be the app's.
        app_json, floor_json = json.loads(app_body), json.loads(bodies["floor view"])
        for parsed in (app_json, floor_json):
            parsed["data"]["pagination"].update(next=None, previous=None)
        assert app_json == floor_json, "the floor view and the app disagree"
        duration, rounds = (1.0, 1) if quick else (3.0, 3)
        for name, path in targets.items():  # warm-up
            _load(port, path, headers, 0.5, lengths[name])
        segments: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for round_ in range(rounds):
            names = list(targets) if round_ % 2 == 0 else list(reversed(targets))
            for name in names:
                print(f"  HTTP round {round_ + 1}/{rounds}: {name} ...", flush=True)
                segments[name].append(_load(port, targets[name], headers, duration, lengths[name]))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result: dict[str, Any] = {
        "page": f"default page (50 of {size} panels)",
        "bytes": len(app_body),
        "segment_seconds": duration,
        "rounds": rounds,
        "concurrency": 2,
        "targets": {},
    }
    for name, runs in segments.items():
        latencies = sorted(latency for run in runs for latency in run.pop("latencies_ms"))
        errors = sum(run["errors"] for run in runs)
        result["targets"][name] = {
            "requests_per_s": median([run["requests_per_s"] for run in runs]),
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "p50_ms": latencies[len(latencies) // 2],
            "requests": sum(run["requests"] for run in runs),
            "errors": errors,
            "segments": runs,
        }
    targets_ = result["targets"]
    result["app_over_plain"] = (
        targets_["app"]["requests_per_s"] / targets_["plain view"]["requests_per_s"]
    )
    result["app_over_floor_view"] = (
        targets_["app"]["requests_per_s"] / targets_["floor view"]["requests_per_s"]
    )
    return result


def _wait_for(port: int, path: str, headers: dict[str, str]) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        try:
            status, body = _get(port, path, headers)
            if status == 200:
                return body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn did not answer {path}; see {RESULTS / 'gunicorn.log'}")
        time.sleep(0.2)


def _load(
    port: int, path: str, headers: dict[str, str], duration: float, length: int
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.load",
        f"--port={port}",
        f"--path={path}",
        f"--duration={duration}",
        "--max-requests=20000",
        "--concurrency=2",
        f"--expect-length={length}",
        *(f"--header={name}: {value}" for name, value in headers.items()),
    ]
    finished = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=duration + 60, check=True
    )
    result = json.loads(finished.stdout)
    if result["errors"]:
        raise SystemExit(f"load generator errors on {path}: {result['first_errors']}")
    return result


# --- Report -----------------------------------------------------------------------------------

TARGETS = {
    "list_within_1_2x_of_floor_at_200": "app list <= 1.2x floor at 200 panels (all in one page)",
    "list_10x_faster_than_naive_at_200": "app list >= 10x faster than naive at 200 panels",
    "list_growth_2000_over_200_at_most_11": "app list time 2,000 / 200 panels <= 11",
    "create_1000_within_3x_of_floor": "create with 1,000 candidates <= 3x raw inserts",
    "http_at_least_half_of_plain": "HTTP list requests/s >= 0.5x the plain view",
    "http_at_least_0_8x_of_floor_view": "HTTP list requests/s >= 0.8x the floor view",
}


def evaluate(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target: the measured value and whether it is met (None when not measured)."""
    lists = {(row["panels"], row["page"].startswith("all")): row for row in report["lists"]}
    creates = {row["candidates"]: row for row in report["creates"]}
    outcome: dict[str, dict[str, Any]] = {}

    def put(key: str, value: float | None, met: bool | None) -> None:
        outcome[key] = {"target": TARGETS[key], "value": value, "met": met}

    at_200 = lists.get((200, True))
    ratio = at_200["app_over_floor"] if at_200 else None
    put("list_within_1_2x_of_floor_at_200", ratio, None if ratio is None else ratio <= 1.2)
    ratio = at_200.get("naive_over_app") if at_200 else None
    put("list_10x_faster_than_naive_at_200", ratio, None if ratio is None else ratio >= 10)
    at_2000 = lists.get((2000, True))
    growth = (
        at_2000["median_ms"]["app"] / at_200["median_ms"]["app"] if at_2000 and at_200 else None
    )
    put("list_growth_2000_over_200_at_most_11", growth, None if growth is None else growth <= 11)
    # Not a target: the same ratio with the garbage collector's pauses taken out of each run.
    if at_2000 and at_200:
        outcome["list_growth_without_gc"] = {
            "target": "(for reference) the same, without garbage-collector pauses",
            "value": at_2000["median_ms_without_gc"]["app"] / at_200["median_ms_without_gc"]["app"],
            "met": None,
        }
    ratio = creates[1000]["app_over_floor"] if 1000 in creates else None
    put("create_1000_within_3x_of_floor", ratio, None if ratio is None else ratio <= 3)
    http = report.get("http")
    ratio = http["app_over_plain"] if http else None
    put("http_at_least_half_of_plain", ratio, None if ratio is None else ratio >= 0.5)
    ratio = http["app_over_floor_view"] if http else None
    put("http_at_least_0_8x_of_floor_view", ratio, None if ratio is None else ratio >= 0.8)
    return outcome


def table(report: dict[str, Any]) -> str:
    """The report as Markdown tables."""
    lines = [
        "| List | Panels rendered | Queries | App ms | Floor ms | Naive ms | App / floor "
        "| Naive / app | App GC ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["lists"]:
        medians = row["median_ms"]
        naive = f"{medians['naive']:.1f}" if "naive" in medians else "-"
        naive_ratio = f"{row['naive_over_app']:.1f}x" if "naive_over_app" in row else "-"
        lines.append(
            f"| {row['panels']} panels, {row['page']} | {row['rendered_panels']} "
            f"| {row['queries']} | {medians['app']:.1f} | {medians['floor']:.1f} | {naive} "
            f"| {row['app_over_floor']:.2f}x | {naive_ratio} | {row['median_gc_ms']['app']:.1f} |"
        )
    lines += [
        "",
        "| Create (20 distributions) | App ms | Raw inserts ms | App / floor | App queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in report["creates"]:
        medians = row["median_ms"]
        lines.append(
            f"| {row['candidates']} candidates | {medians['app']:.1f} | {medians['floor']:.1f} "
            f"| {row['app_over_floor']:.2f}x | {row['queries']['app']} |"
        )
    http = report.get("http")
    if http:
        lines += [
            "",
            f"| HTTP, {http['page']}, gunicorn 1 sync worker | Requests/s | p50 ms | p99 ms "
            "| vs plain | vs floor view |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        plain = http["targets"]["plain view"]["requests_per_s"]
        floor_view = http["targets"]["floor view"]["requests_per_s"]
        for name, target in http["targets"].items():
            lines.append(
                f"| {name} | {target['requests_per_s']:.1f} | {target['p50_ms']:.1f} "
                f"| {target['p99_ms']:.1f} | {target['requests_per_s'] / plain:.2f}x "
                f"| {target['requests_per_s'] / floor_view:.2f}x |"
            )
    lines += ["", "| Target | Measured | Met |", "| --- | ---: | --- |"]
    for outcome in report["targets"].values():
        value = "-" if outcome["value"] is None else f"{outcome['value']:.2f}"
        met = {True: "yes", False: "**no**", None: "-" if outcome["value"] else "not measured"}[
            outcome["met"]
        ]
        lines.append(f"| {outcome['target']} | {value} | {met} |")
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """What the numbers depend on."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        server = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]),
        "database": f"{connection.vendor} {server}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "commit": commit,
    }


def main() -> None:
    """Seed, check, time, report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds: a smoke run")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn measurement")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--no-creates", action="store_true", help="skip the create measurement")
    parser.add_argument(
        "--no-sql-reuse",
        action="store_true",
        help="the app without its compiled-SQL reuse (the ORM builds every query every time)",
    )
    parser.add_argument("--output", type=Path, help="JSON report path")
    args = parser.parse_args()
    if args.no_sql_reuse:
        # Inherited by the gunicorn worker of the HTTP measurement (benchmarks/wsgi.py).
        os.environ["BENCH_SQL_REUSE"] = "off"

    database_url, drop_database = fresh_database()
    try:
        setup_django(database_url)
        if os.environ.get("BENCH_SQL_REUSE") == "off":
            switch_off_sql_reuse()
        from django.conf import settings

        # The floor writes datetimes as UTC; the app follows TIME_ZONE.
        assert settings.TIME_ZONE == "UTC"
        started = time.perf_counter()
        report: dict[str, Any] = {"environment": environment()}
        print(f"Benchmark on {report['environment']['database']}", flush=True)
        sizes = [20, 200] if args.quick else [20, 200, 2000]
        report["lists"], tokens = measure_lists(sizes, args.quick, naive=not args.no_naive)
        report["creates"] = [] if args.no_creates else measure_creates([10, 100, 1000], args.quick)
        if not args.no_http:
            report["http"] = measure_http(database_url, tokens[200], 200, args.quick)
        report["targets"] = evaluate(report)
        report["seconds"] = time.perf_counter() - started
        rendered = table(report)
        report["table"] = rendered
    finally:
        drop_database()
    vendor = report["environment"]["database"].split()[0]
    output = args.output or RESULTS / f"{vendor}{'-quick' if args.quick else ''}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2))
    print()
    print(
        f"{report['environment']['command']} on {report['environment']['database']}, "
        f"{report['environment']['cpus']} CPUs, {report['environment']['date']}"
    )
    print()
    print(rendered)
    print(f"\nTook {report['seconds']:.0f} s. Report: {output}")


if __name__ == "__main__":
    main()

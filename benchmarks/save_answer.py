"""Benchmark the save-answer endpoint under gunicorn against a floor view (issue 11).

Run from the repository root, with the app installed (``pip install -e .[example]``, plus
``gunicorn``)::

    python -m benchmarks.save_answer                # SQLite file in benchmarks/results/
    python -m benchmarks.save_answer --quick        # one short segment per target
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.save_answer
    BENCH_PORT=18450 python -m benchmarks.save_answer   # a fixed port

One candidate has started a panel of 10 open questions. gunicorn serves the example project
with ``benchmarks.interview_settings`` (every rate limit off: the candidate's own 240 a minute
would refuse the load at once); a second process (``benchmarks.load``) sends ``PUT`` requests
with the same JSON bodies from ``--concurrency`` client threads, each request's answer a new
one (``{n}``: its number), so each save writes. Targets, timed in alternated segments:

- ``app``: ``PUT /api/panel/interview/answers/<item uuid>/`` with the candidate's token: token
  lookup, the attempt's row lock and state, the item, the answer's check for its kind, the
  UPDATE, the item in the response.
- ``floor view``: a plain Django view (``benchmarks/interview_urls.py``) that parses the same
  body and runs the same single UPDATE of the item's row (answer and answered_at, by primary
  key), and nothing else.
- ``no-op view``: the same request answered with no work at all: the server and middleware.

Reported: requests/s (median of the segments), p50 and p99 latency, and app / floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from benchmarks.run import (
    REPO,
    RESULTS,
    _free_port,
    _wait_for,
    count_queries,
    environment,
    fresh_database,
    median,
    setup_django,
)

ATTEMPT_PATH = "/api/panel/interview/attempt/"
ANSWER = "A list is mutable and a tuple is not; both are sequences."
BODY = json.dumps({"answer": ANSWER})
# What the load generator sends: its "{n}" becomes each request's number, so every save changes
# the answer (a save of the answer already stored skips the UPDATE the floor always runs).
BODY_TEMPLATE = json.dumps({"answer": f"{ANSWER} ({{n}})"})


def seed() -> tuple[str, Any]:
    """A panel open now, its one candidate started; returns the token and the first item."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from django_interview_panels.interviews import services as interviews
    from django_interview_panels.models import (
        AttemptItem,
        Candidate,
        Category,
        Membership,
        Organization,
        PanelCandidate,
        Question,
        QuestionVersion,
        Subtopic,
        Topic,
    )
    from django_interview_panels.panels import services
    from django_interview_panels.panels.serializers import PanelCreateSerializer

    organization = Organization.objects.create(name="Bench saves")
    user = get_user_model().objects.create_user(username="save-hr", password="unused")
    Membership.objects.create(user=user, organization=organization, role="HR")
    category = Category.objects.create(organization=organization, name="Python")
    topic = Topic.objects.create(organization=organization, category=category, name="Types")
    subtopic = Subtopic.objects.create(organization=organization, topic=topic, name="Lists")
    Question.objects.bulk_create(
        Question(
            organization=organization,
            subtopic=subtopic,
            difficulty=difficulty,
            text=f"Question {difficulty} {n}",
        )
        for difficulty in ("easy", "medium", "hard")
        for n in range(5)
    )
    QuestionVersion.objects.bulk_create(
        QuestionVersion(question=question, number=1, **question.content())
        for question in Question.objects.filter(organization=organization)
    )
    person = Candidate.objects.create(
        organization=organization, name="Candidate", email="candidate@example.com"
    )
    now = timezone.now()
    serializer = PanelCreateSerializer(
        data={
            "name": "Save benchmark",
            "description": "",
            "total_number_of_questions": 10,
            "start_datetime": (now - dt.timedelta(minutes=5)).isoformat(),
            "end_datetime": (now + dt.timedelta(days=1)).isoformat(),
            "category_uuid": str(category.uuid),
            "question_distributions": [
                {
                    "topic_uuid": str(topic.uuid),
                    "subtopic_uuid": str(subtopic.uuid),
                    "easy": 4,
                    "medium": 4,
                    "hard": 2,
                }
            ],
            "candidate_uuids": [str(person.uuid)],
        }
    )
    serializer.is_valid(raise_exception=True)
    panel = services.create_panel(
        organization=organization, created_by=user, data=serializer.validated_data
    )
    assignment = PanelCandidate.objects.select_related("panel").get(panel=panel)
    attempt = interviews.start_attempt(assignment=assignment)
    item = AttemptItem.objects.get(attempt=attempt, position=1)
    return assignment.token, item


def queries_per_request(token: str, item: Any) -> dict[str, int]:
    """The app's and the floor view's queries for one save, in process."""
    from django.test import Client, override_settings

    client = Client()
    with override_settings(ROOT_URLCONF="benchmarks.interview_urls"):
        app = count_queries(
            lambda: client.put(
                f"/api/panel/interview/answers/{item.uuid}/",
                BODY,
                content_type="application/json",
                HTTP_X_INTERVIEW_TOKEN=token,
            )
        )
        floor = count_queries(
            lambda: client.put(
                f"/bench/save-floor/{item.pk}/", BODY, content_type="application/json"
            )
        )
    assert app[0].status_code == 200, app[0].content[:300]
    assert floor[0].status_code == 200
    return {"app": app[1], "floor view": floor[1]}


def _request(port: int, method: str, path: str, headers: dict[str, str], body: str) -> Any:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _load(
    port: int, path: str, headers: dict[str, str], duration: float, concurrency: int
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.load",
        f"--port={port}",
        f"--path={path}",
        "--method=PUT",
        f"--body={BODY_TEMPLATE}",
        f"--duration={duration}",
        "--max-requests=100000",
        f"--concurrency={concurrency}",
        *(f"--header={name}: {value}" for name, value in headers.items()),
    ]
    finished = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=duration + 60, check=True
    )
    result = json.loads(finished.stdout)
    if result["errors"]:
        raise SystemExit(f"load generator errors on {path}: {result['first_errors']}")
    return result


def measure_http(
    database_url: str,
    token: str,
    item: Any,
    *,
    quick: bool,
    workers: int,
    concurrency: int,
    port: int,
) -> dict[str, Any]:
    """Requests/s of the three targets under gunicorn, in alternated segments."""
    from django_interview_panels.models import AttemptItem

    RESULTS.mkdir(parents=True, exist_ok=True)
    log_file = RESULTS / "gunicorn-save-answer.log"
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.interview_settings",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "benchmarks.wsgi:application",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        f"--pythonpath={REPO},{REPO / 'example_project'}",
        f"--error-logfile={log_file}",
        "--log-level=warning",
    ]
    json_headers = {"Content-Type": "application/json"}
    app_headers = {**json_headers, "X-Interview-Token": token}
    targets = {
        "no-op view": ("/bench/no-op/", json_headers),
        "floor view": (f"/bench/save-floor/{item.pk}/", json_headers),
        "app": (f"/api/panel/interview/answers/{item.uuid}/", app_headers),
    }
    server = subprocess.Popen(command, cwd=REPO, env=env)
    try:
        _wait_for(port, ATTEMPT_PATH, {"X-Interview-Token": token})
        # Both write what the body says: check it in the database after each.
        for name in ("floor view", "app"):
            AttemptItem.objects.filter(pk=item.pk).update(answer=None, answered_at=None)
            path, headers = targets[name]
            status, body = _request(port, "PUT", path, headers, BODY)
            assert status == 200, (name, status, body[:300])
            stored = AttemptItem.objects.values_list("answer", flat=True).get(pk=item.pk)
            assert stored == ANSWER, (name, stored)
        duration, rounds = (1.0, 1) if quick else (4.0, 3)
        for path, headers in targets.values():  # warm-up
            _load(port, path, headers, 0.5, concurrency)
        segments: dict[str, list[dict[str, Any]]] = {name: [] for name in targets}
        for round_ in range(rounds):
            names = list(targets) if round_ % 2 == 0 else list(reversed(targets))
            for name in names:
                print(f"  round {round_ + 1}/{rounds}: {name} ...", flush=True)
                path, headers = targets[name]
                segments[name].append(_load(port, path, headers, duration, concurrency))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result: dict[str, Any] = {
        "workers": workers,
        "concurrency": concurrency,
        "segment_seconds": duration,
        "rounds": rounds,
        "targets": {},
    }
    for name, runs in segments.items():
        latencies = sorted(latency for run in runs for latency in run.pop("latencies_ms"))
        result["targets"][name] = {
            "requests_per_s": median([run["requests_per_s"] for run in runs]),
            "p50_ms": latencies[len(latencies) // 2],
            "p99_ms": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
            "requests": sum(run["requests"] for run in runs),
            "segments": runs,
        }
    rates = {name: target["requests_per_s"] for name, target in result["targets"].items()}
    result["app_over_floor_view"] = rates["app"] / rates["floor view"]
    result["app_over_no_op_view"] = rates["app"] / rates["no-op view"]
    return result


def table(report: dict[str, Any]) -> str:
    http = report["http"]
    floor = http["targets"]["floor view"]["requests_per_s"]
    lines = [
        f"| PUT interview/answers/<uuid>/, gunicorn {http['workers']} sync worker(s), "
        f"{http['concurrency']} clients | Requests/s | p50 ms | p99 ms | vs floor view "
        "| Queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    queries = {**report["queries"], "no-op view": 0}
    for name, target in http["targets"].items():
        lines.append(
            f"| {name} | {target['requests_per_s']:.1f} | {target['p50_ms']:.2f} "
            f"| {target['p99_ms']:.2f} | {target['requests_per_s'] / floor:.2f}x "
            f"| {queries[name]} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one 1-second segment per target")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers")
    parser.add_argument("--concurrency", type=int, default=2, help="client threads, at most 8")
    parser.add_argument("--port", type=int, help="default: BENCH_PORT, else a free port")
    args = parser.parse_args()
    database_url, drop = fresh_database()
    try:
        setup_django(database_url)
        token, item = seed()
        report: dict[str, Any] = {"environment": environment()}
        report["queries"] = queries_per_request(token, item)
        report["http"] = measure_http(
            database_url,
            token,
            item,
            quick=args.quick,
            workers=args.workers,
            concurrency=args.concurrency,
            port=args.port or _free_port(),
        )
    finally:
        drop()
    report["environment"]["command"] = " ".join(["python -m benchmarks.save_answer", *sys.argv[1:]])
    rendered = table(report)
    report["table"] = rendered
    vendor = report["environment"]["database"].split()[0]
    path = RESULTS / f"save-answer-{vendor}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"{report['environment']['command']} on {report['environment']['database']}")
    print()
    print(rendered)
    print(f"\napp / floor view = {report['http']['app_over_floor_view']:.2f}. Report: {path}")


if __name__ == "__main__":
    main()

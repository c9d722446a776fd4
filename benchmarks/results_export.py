"""Benchmark the memory of a panel's results export: flat from 100 to 10,000 candidates.

Run from the repository root, with the app installed (``pip install -e .[example]``)::

    python -m benchmarks.results_export              # SQLite file in benchmarks/results/
    python -m benchmarks.results_export --quick      # 100 and 1,000 candidates only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.results_export

One organization with three panels of 100, 1,000 and 10,000 candidates; every candidate has
submitted a set of ``ITEMS`` scored items (time spent included). For each format (CSV, XLSX,
JSON) and panel, ``GET results/<panel>/export/<format>/`` runs as HR, in process through
Django's test client, and the streamed body is read chunk by chunk and dropped, as a server
hands it to the socket. Measured per request:

- ``peak_kib``: the peak of Python's allocations during the request (``tracemalloc``), above
  what was allocated before it: the body built in memory would show here;
- ``queries``: SQL queries (the same for every size);
- ``body_kib``: the file's size; ``ms``: the time of the same export run again without
  tracemalloc (``ms_traced``: with it, severalfold slower).

The report gives each peak as a ratio to the 100-candidate peak of the same format in the same
run (flat: close to 1, while the body grows a hundredfold), and the process's maximum RSS.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import secrets
import sys
import time
import tracemalloc
from typing import Any

from benchmarks.run import RESULTS, count_queries, environment, fresh_database, setup_django

SIZES = (100, 1_000, 10_000)
FORMATS = ("csv", "xlsx", "json")
ITEMS = 6
BATCH = 2000


def seed(sizes: tuple[int, ...]) -> tuple[str, dict[int, str]]:
    """An HR user's token, and a panel's UUID per size, every candidate with a scored set."""
    import datetime as dt

    from django.utils import timezone

    from benchmarks.seed import _analyze, _organization
    from django_interview_panels.models import (
        Attempt,
        AttemptItem,
        AttemptState,
        InterviewPanel,
        ItemStatus,
        PanelCandidate,
        Question,
        QuestionVersion,
    )

    seeded = _organization("export", 2, ITEMS, sum(sizes))
    questions = list(Question.objects.filter(organization=seeded.organization).order_by("id"))
    versions = QuestionVersion.objects.bulk_create(
        QuestionVersion(question=question, number=1, **question.content()) for question in questions
    )
    now = timezone.now()
    panels: dict[int, str] = {}
    offset = 0
    for size in sizes:
        panel = InterviewPanel.objects.create(
            organization=seeded.organization,
            name=f"Export {size}",
            description="Results export benchmark",
            total_number_of_questions=ITEMS,
            start_datetime=now - dt.timedelta(days=1),
            end_datetime=now + dt.timedelta(days=1),
            category=seeded.category,
            created_by=seeded.user,
        )
        assignments = PanelCandidate.objects.bulk_create(
            (
                PanelCandidate(
                    panel=panel,
                    candidate=candidate,
                    token=secrets.token_urlsafe(32),
                    token_expires_at=panel.end_datetime,
                    score=n % 7,
                )
                for n, candidate in enumerate(seeded.candidates[offset : offset + size])
            ),
            batch_size=BATCH,
        )
        offset += size
        attempts = Attempt.objects.bulk_create(
            (
                Attempt(
                    assignment=assignment,
                    panel=panel,
                    state=AttemptState.SUBMITTED,
                    seed=secrets.token_hex(16),
                    algorithm_version=1,
                    started_at=now - dt.timedelta(hours=2),
                    submitted_at=now - dt.timedelta(hours=1, minutes=n % 60),
                    closed_at=now - dt.timedelta(hours=1),
                )
                for n, assignment in enumerate(assignments)
            ),
            batch_size=BATCH,
        )
        AttemptItem.objects.bulk_create(
            (
                AttemptItem(
                    attempt=attempt,
                    position=position + 1,
                    question=versions[position].question,
                    question_version=versions[position],
                    answer="an answer",
                    points_earned=1 if (n + position) % 3 else 0,
                    status=ItemStatus.EVALUATED,
                    time_spent_seconds=30 + (n * 7 + position * 11) % 300,
                )
                for n, attempt in enumerate(attempts)
                for position in range(ITEMS)
            ),
            batch_size=BATCH,
        )
        panels[size] = str(panel.uuid)
    _analyze()
    return seeded.token, panels


def export(client: Any, panel: str, fmt: str) -> int:
    """One export, its body read chunk by chunk and dropped; the body's size."""
    response = client.get(f"/api/panel/results/{panel}/export/{fmt}/")
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size


def measure(sizes: tuple[int, ...]) -> dict[str, Any]:
    from django.test import Client

    token, panels = seed(sizes)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    for fmt in FORMATS:  # warm up: imports, caches, the first connection's setup
        export(client, panels[sizes[0]], fmt)
    runs: dict[str, dict[str, Any]] = {}
    for fmt in FORMATS:
        runs[fmt] = {}
        for size in sizes:
            gc.collect()
            tracemalloc.start()
            before, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            started = time.perf_counter()
            body, queries = count_queries(
                lambda fmt=fmt, size=size: export(client, panels[size], fmt)
            )
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            # The time again without tracemalloc, which slows Python code down severalfold.
            started = time.perf_counter()
            export(client, panels[size], fmt)
            plain = time.perf_counter() - started
            runs[fmt][str(size)] = {
                "peak_kib": round((peak - before) / 1024, 1),
                "queries": queries,
                "body_kib": round(body / 1024, 1),
                "ms_traced": round(elapsed * 1000, 1),
                "ms": round(plain * 1000, 1),
            }
        base = runs[fmt][str(sizes[0])]["peak_kib"]
        for size in sizes:
            runs[fmt][str(size)]["peak_ratio"] = round(runs[fmt][str(size)]["peak_kib"] / base, 2)
    return {
        "sizes": list(sizes),
        "items_per_candidate": ITEMS,
        "runs": runs,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "environment": environment(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 candidates")
    args = parser.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    database_url, drop = fresh_database()
    try:
        setup_django(database_url)
        report = measure(sizes)
    finally:
        drop()
    report["environment"]["command"] = " ".join(
        ["python -m benchmarks.results_export", *sys.argv[1:]]
    )
    for fmt, runs in report["runs"].items():
        for size, run in runs.items():
            print(
                f"{fmt:5} {int(size):>6} candidates: peak {run['peak_kib']:>8} KiB "
                f"(x{run['peak_ratio']}), body {run['body_kib']:>8} KiB, "
                f"{run['queries']} queries, {run['ms']} ms"
            )
    print(f"max RSS {report['max_rss_mib']} MiB")
    RESULTS.mkdir(parents=True, exist_ok=True)
    vendor = report["environment"]["database"].split()[0]
    path = RESULTS / f"results-export-{vendor}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    worst = max(run["peak_ratio"] for runs in report["runs"].values() for run in runs.values())
    # Flat: a hundred times the rows within twice the 100-candidate peak.
    sys.exit(0 if worst <= 2 else 1)


if __name__ == "__main__":
    main()

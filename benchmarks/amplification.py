"""Read amplification: another organization's latency while members read maximal pages.

Run from the repository root (SQLite file in benchmarks/results/, or ``DATABASE_URL`` as for
``benchmarks.run``)::

    python -m benchmarks.amplification            # 100 panels x 500 candidates, 10 s segments
    python -m benchmarks.amplification --quick    # 40 panels x 500 candidates, 4 s segments

One organization holds panels with many candidates each; 8 concurrent clients ask it for
``get/?page_size=200`` (the largest page) over and over, while one client of another
organization, holding one panel, asks for its one-row list. gunicorn (2 sync workers, as many
as the machine's cores) serves the benchmark settings with the candidate budget off
(``MAX_CANDIDATES_PER_PAGE`` None, the app before the budget) or on (the default, 10,000),
alternating off, on, off, on, in one run. Reported: the other organization's p50/p99, the
heavy pages' median time and size, and the largest worker's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.run import (
    LIST_PATH,
    REPO,
    RESULTS,
    _free_port,
    _get,
    _wait_for,
    environment,
    fresh_database,
    median,
    setup_django,
)

HEAVY_CLIENTS = 8
DEFAULT_BUDGET = 10000


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _load(port: int, path: str, token: str, duration: float, concurrency: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "benchmarks.load",
            f"--port={port}",
            f"--path={path}",
            f"--duration={duration}",
            "--max-requests=100000",
            f"--concurrency={concurrency}",
            f"--header=Authorization: Bearer {token}",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen, duration: float) -> dict[str, Any]:
    out, _ = process.communicate(timeout=duration + 120)
    result = json.loads(out)
    if result["errors"]:
        raise SystemExit(f"load generator errors: {result['first_errors']}")
    return result


def _worker_peak_rss_mb(master: int) -> float:
    """The largest VmHWM among gunicorn's workers (children of ``master``), in MB."""
    peak = 0
    children = Path(f"/proc/{master}/task/{master}/children")
    for pid in children.read_text().split() if children.exists() else []:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def segment(
    database_url: str, budget: str, heavy_token: str, light_token: str, duration: float
) -> dict[str, Any]:
    """One server with ``budget`` ("off" or a number) under 8 heavy clients and 1 light one."""
    port = _free_port()
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_CANDIDATE_BUDGET": budget,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.wsgi:application",
            "--workers=2",
            "--worker-class=sync",
            "--timeout=120",
            f"--bind=127.0.0.1:{port}",
            f"--pythonpath={REPO},{REPO / 'example_project'}",
            f"--error-logfile={RESULTS / 'gunicorn-amplification.log'}",
            "--log-level=warning",
        ],
        cwd=REPO,
        env=env,
    )
    heavy_path = f"{LIST_PATH}?page_size=200"
    try:
        light_headers = {"Authorization": f"Bearer {light_token}"}
        _wait_for(port, LIST_PATH, light_headers)
        status, heavy_body = _get(port, heavy_path, {"Authorization": f"Bearer {heavy_token}"})
        assert status == 200, heavy_body[:300]
        page = json.loads(heavy_body)["data"]
        idle = _finish(_load(port, LIST_PATH, light_token, 2.0, 1), 2.0)
        heavy = _load(port, heavy_path, heavy_token, duration, HEAVY_CLIENTS)
        time.sleep(0.2)
        light = _load(port, LIST_PATH, light_token, duration - 0.4, 1)
        light_result, heavy_result = _finish(light, duration), _finish(heavy, duration)
        peak_mb = _worker_peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {
        "budget": budget,
        "heavy_page_panels": len(page["interview_panels"]),
        "heavy_page_candidates": sum(len(p["candidates"]) for p in page["interview_panels"]),
        "heavy_page_bytes": len(heavy_body),
        "heavy_page_size": page["pagination"]["page_size"],
        "heavy_requests": heavy_result["requests"],
        "heavy_median_ms": median(heavy_result["latencies_ms"]),
        "light_idle_p50_ms": _percentile(idle["latencies_ms"], 50),
        "light_requests": light_result["requests"],
        "light_latencies_ms": light_result["latencies_ms"],
        "worker_peak_rss_mb": peak_mb,
    }


def main() -> None:
    """Seed two organizations, alternate the budget off and on, report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller data, shorter segments")
    parser.add_argument("--output", type=Path, help="JSON report path")
    args = parser.parse_args()
    panels, candidates = (40, 500) if args.quick else (100, 500)
    duration = 4.0 if args.quick else 10.0

    database_url, drop_database = fresh_database()
    try:
        setup_django(database_url)
        from benchmarks import seed

        report: dict[str, Any] = {"environment": environment()}
        report["environment"]["command"] = " ".join(
            ["python -m benchmarks.amplification", *sys.argv[1:]]
        )
        print(f"  seeding {panels} panels x {candidates} candidates ...", flush=True)
        heavy = seed.seed_list_organization(panels, 10, candidates)
        light = seed.seed_list_organization(1, 1, 1)
        from django.db import connections

        connections.close_all()
        segments = []
        for budget in ("off", str(DEFAULT_BUDGET), "off", str(DEFAULT_BUDGET)):
            print(f"  budget {budget}: {duration:.0f} s of load ...", flush=True)
            segments.append(segment(database_url, budget, heavy.token, light.token, duration))
    finally:
        drop_database()

    summary = {}
    for budget in ("off", str(DEFAULT_BUDGET)):
        runs = [run for run in segments if run["budget"] == budget]
        latencies = [ms for run in runs for ms in run["light_latencies_ms"]]
        summary[budget] = {
            "other_org_p50_ms": _percentile(latencies, 50),
            "other_org_p99_ms": _percentile(latencies, 99),
            "other_org_max_ms": max(latencies),
            "other_org_idle_p50_ms": median([run["light_idle_p50_ms"] for run in runs]),
            "heavy_median_ms": median([run["heavy_median_ms"] for run in runs]),
            "heavy_page": runs[0]["heavy_page_size"],
            "heavy_candidates": runs[0]["heavy_page_candidates"],
            "heavy_mb": runs[0]["heavy_page_bytes"] / 1e6,
            "worker_peak_rss_mb": max(run["worker_peak_rss_mb"] for run in runs),
        }
    off, on = summary["off"], summary[str(DEFAULT_BUDGET)]
    report.update(panels=panels, candidates=candidates, segments=segments, summary=summary)
    lines = [
        f"{report['environment']['command']} on {report['environment']['database']}: "
        f"{panels} panels x {candidates} candidates, {HEAVY_CLIENTS} clients reading "
        f"page_size=200, gunicorn 2 sync workers, {duration:.0f} s segments x 2 per variant",
        "",
        "| Budget | Page size used | Candidates per page | MB per page | Heavy page median ms "
        "| Other org p50 ms | Other org p99 ms | Other org max ms | Idle p50 ms "
        "| Worker peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for budget, row in summary.items():
        label = "off (before)" if budget == "off" else f"{budget} (after)"
        lines.append(
            f"| {label} | {row['heavy_page']} | {row['heavy_candidates']} | {row['heavy_mb']:.1f} "
            f"| {row['heavy_median_ms']:.0f} | {row['other_org_p50_ms']:.1f} "
            f"| {row['other_org_p99_ms']:.1f} | {row['other_org_max_ms']:.1f} "
            f"| {row['other_org_idle_p50_ms']:.1f} | {row['worker_peak_rss_mb']:.0f} |"
        )
    lines += [
        "",
        f"Other organization's p99, before / after: "
        f"{off['other_org_p99_ms'] / on['other_org_p99_ms']:.1f}x; heavy page time "
        f"{off['heavy_median_ms'] / on['heavy_median_ms']:.1f}x; worker peak memory "
        f"{off['worker_peak_rss_mb'] / on['worker_peak_rss_mb']:.1f}x.",
    ]
    report["table"] = "\n".join(lines)
    vendor = report["environment"]["database"].split()[0]
    output = args.output or RESULTS / f"amplification-{vendor}{'-quick' if args.quick else ''}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2))
    print()
    print(report["table"])
    print(f"\nReport: {output}")


if __name__ == "__main__":
    main()

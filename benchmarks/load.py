"""A small closed-loop HTTP load generator, run in its own process by ``benchmarks.run``.

Loopback only, bounded by a request count and a duration, whichever comes first. Each of
``--concurrency`` threads sends one request at a time (a GET, or ``--method`` with ``--body``) on
a fresh connection (gunicorn's sync worker closes every connection after its response) and
checks status and body length. Prints one JSON object: requests, errors, elapsed seconds,
requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from typing import Any

HOST = "127.0.0.1"


def run(
    *,
    port: int,
    path: str,
    headers: dict[str, str],
    duration: float,
    max_requests: int,
    concurrency: int,
    expect_length: int | None,
    method: str = "GET",
    body: bytes | None = None,
) -> dict[str, Any]:
    """Send requests to ``http://127.0.0.1:port/path`` until the time or the count runs out."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + duration
    sent = 0

    def worker() -> None:
        nonlocal sent
        while True:
            with lock:
                if sent >= max_requests or time.perf_counter() >= deadline:
                    return
                sent += 1
                number = sent
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(HOST, port, timeout=30)
                # "{n}" in the body becomes the request's number: each request then writes
                # something new (a save of an unchanged answer writes nothing).
                payload = None if body is None else body.replace(b"{n}", str(number).encode())
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                received = response.read()
                connection.close()
            except OSError as exc:
                with lock:
                    errors.append(repr(exc))
                continue
            elapsed = time.perf_counter() - started
            problem = None
            if response.status != 200:
                problem = f"status {response.status}"
            elif expect_length is not None and len(received) != expect_length:
                problem = f"{len(received)} bytes, expected {expect_length}"
            with lock:
                if problem:
                    errors.append(problem)
                else:
                    latencies.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(p: float) -> float | None:
        if not latencies:
            return None
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "elapsed_s": elapsed,
        "requests_per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": None if not latencies else percentile(50) * 1000,
        "p99_ms": None if not latencies else percentile(99) * 1000,
        "latencies_ms": [latency * 1000 for latency in latencies],
    }


def main() -> None:
    """Parse the command line, run, print the JSON result."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds, at most 60")
    parser.add_argument("--max-requests", type=int, default=10_000, help="at most 100000")
    parser.add_argument("--concurrency", type=int, default=2, help="at most 8")
    parser.add_argument("--expect-length", type=int)
    parser.add_argument("--method", default="GET", choices=("GET", "PUT", "POST"))
    parser.add_argument(
        "--body", help='the request body, sent as UTF-8; "{n}" becomes the request\'s number'
    )
    args = parser.parse_args()
    headers = dict(header.split(": ", 1) for header in args.header)
    result = run(
        port=args.port,
        path=args.path,
        headers=headers,
        duration=min(args.duration, 60.0),
        max_requests=min(args.max_requests, 100_000),
        concurrency=max(1, min(args.concurrency, 8)),
        expect_length=args.expect_length,
        method=args.method,
        body=None if args.body is None else args.body.encode(),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

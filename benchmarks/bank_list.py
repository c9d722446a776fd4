"""Benchmark the question list against a values() + orjson floor (issue 10's target: a page of
200 questions within 1.5x).

Run from the repository root, with the app installed (``pip install -e .[example]``)::

    python -m benchmarks.bank_list              # SQLite file in benchmarks/results/
    python -m benchmarks.bank_list --quick      # a smoke run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.bank_list

The bank holds 2,000 questions of the caller's organization (every kind, with answer keys) and
200 global ones. Variants, timed in alternation (``benchmarks.run.alternate``):

- ``app``: ``GET /api/panel/bank/questions/?page_size=200`` as HR, in process through Django's
  test client: middleware, authentication, the view, the read, the renderer.
- ``floor``: the same response body from the same queries (token, membership, count, the page's
  rows with their subtopic, topic and category joined), read with ``values()`` and dumped with
  orjson: no DRF, no settings, UTC only.

The benchmark checks that both answer the same JSON before timing them.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from typing import Any

import orjson

from benchmarks.run import (
    RESULTS,
    _get_ok,
    alternate,
    count_queries,
    environment,
    fresh_database,
    median,
    setup_django,
)

TARGET = 1.5
PATH = "/api/panel/bank/questions/"
PAGE_SIZE = 200
OWN, GLOBAL = 2_000, 200


def seed() -> str:
    """The organization's bank and an HR user; returns the user's API token."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from benchmarks.bank_import import build_records
    from django_interview_panels.bank.imports import import_questions
    from django_interview_panels.models import Membership, Organization

    organization = Organization.objects.create(name="Bench bank")
    user = get_user_model().objects.create_user(username="bank-hr", password="unused")
    Membership.objects.create(user=user, organization=organization, role="HR")
    report = import_questions(organization=organization, records=build_records(OWN))
    assert report.imported, report.problems[:3]
    # Global questions: every organization reads them too.
    shared = import_questions(
        organization=Organization.objects.create(name="Shared"), records=build_records(GLOBAL)
    )
    assert shared.imported
    from django_interview_panels.models import Category, Question, Subtopic, Topic

    for model in (Category, Topic, Subtopic, Question):
        model.objects.filter(organization__name="Shared").update(organization=None)
    return Token.objects.create(user=user).key


def floor_body(token: str, *, base_url: str) -> bytes:
    """The list's response body, from values() and orjson."""
    from django.db.models import Q
    from rest_framework.authtoken.models import Token

    from django_interview_panels.models import Membership, Question

    user_id = (
        Token.objects.filter(key=token, user__is_active=True)
        .values_list("user_id", flat=True)
        .first()
    )
    organization_id, role = (
        Membership.objects.filter(user_id=user_id).values_list("organization_id", "role").get()
    )
    managers = role in ("Admin", "HR")
    visible = Question.objects.filter(
        Q(organization_id=organization_id) | Q(organization__isnull=True), is_retired=False
    )
    count = visible.count()
    rows = visible.order_by("id").values(
        "uuid",
        "kind",
        "text",
        "difficulty",
        "points",
        "expected_time_seconds",
        "choices",
        "answer_key",
        "rubric_weights",
        "version",
        "is_retired",
        "subtopic__uuid",
        "subtopic__name",
        "subtopic__topic__uuid",
        "subtopic__topic__name",
        "subtopic__topic__category__uuid",
        "subtopic__topic__category__name",
        "organization__uuid",
        "created_at",
        "updated_at",
    )[:PAGE_SIZE]
    questions = []
    for row in rows:
        question = {
            "uuid": str(row["uuid"]),
            "kind": row["kind"],
            "text": row["text"],
            "difficulty": row["difficulty"],
            "points": row["points"],
            "expected_time_seconds": row["expected_time_seconds"],
            "choices": row["choices"],
        }
        if managers:
            question["answer_key"] = row["answer_key"]
        organization = row["organization__uuid"]
        question.update(
            {
                "rubric_weights": row["rubric_weights"],
                "version": row["version"],
                "is_retired": row["is_retired"],
                "subtopic": {"uuid": str(row["subtopic__uuid"]), "name": row["subtopic__name"]},
                "topic": {
                    "uuid": str(row["subtopic__topic__uuid"]),
                    "name": row["subtopic__topic__name"],
                },
                "category": {
                    "uuid": str(row["subtopic__topic__category__uuid"]),
                    "name": row["subtopic__topic__category__name"],
                },
                "organization": None if organization is None else str(organization),
                "created_at": _iso(row["created_at"]),
                "updated_at": _iso(row["updated_at"]),
            }
        )
        questions.append(question)
    pages = max(1, -(-count // PAGE_SIZE))
    body = {
        "success": True,
        "message": "Questions retrieved successfully",
        "data": {
            "questions": questions,
            "pagination": {
                "count": count,
                "page": 1,
                "page_size": PAGE_SIZE,
                "total_pages": pages,
                "next": f"{base_url}?page=2&page_size={PAGE_SIZE}" if pages > 1 else None,
                "previous": None,
            },
        },
    }
    return orjson.dumps(body)


def _iso(value: Any) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def measure(rounds: int) -> dict[str, Any]:
    from django.test import Client

    token = seed()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    query = f"?page_size={PAGE_SIZE}"
    app = partial(_get_ok, client, PATH + query)
    floor = partial(floor_body, token, base_url=f"http://testserver{PATH}")
    app_body, app_queries = count_queries(app)
    floor_json, floor_queries = count_queries(floor)
    assert json.loads(app_body) == json.loads(floor_json), "app and floor disagree"
    times, collector = alternate({"app": app, "floor": floor}, rounds)
    medians = {name: round(median(values), 2) for name, values in times.items()}
    return {
        "page_size": PAGE_SIZE,
        "questions_visible": OWN + GLOBAL,
        "queries": {"app": app_queries, "floor": floor_queries},
        "body_bytes": len(app_body),
        "rounds": rounds,
        "medians_ms": medians,
        "ratio": round(medians["app"] / medians["floor"], 2),
        "times_ms": times,
        "collector_ms": collector,
        "environment": environment(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 rounds")
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    database_url, drop = fresh_database()
    try:
        setup_django(database_url)
        report = measure(10 if args.quick else args.rounds)
    finally:
        drop()
    keys = ("queries", "body_bytes", "medians_ms", "ratio")
    print(json.dumps({key: report[key] for key in keys}, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    vendor = report["environment"]["database"].split()[0]
    path = RESULTS / f"bank-list-{vendor}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    verdict = "met" if report["ratio"] <= TARGET else "MISSED"
    print(f"app / floor = {report['ratio']:.2f} (target <= {TARGET}): {verdict}")
    sys.exit(0 if report["ratio"] <= TARGET else 1)


if __name__ == "__main__":
    main()

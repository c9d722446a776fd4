"""Benchmark drawing question sets: a panel of 100 questions, 1,000 candidates (issue 11).

Run from the repository root, with the app installed (``pip install -e .[example]``)::

    python -m benchmarks.interview_draw            # SQLite file in benchmarks/results/
    python -m benchmarks.interview_draw --quick    # 60 candidates: a smoke run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.interview_draw

The bank: 10 subtopics, each with 12 easy, 12 medium and 6 hard questions (300, three times
what a set takes; a third are single-choice questions that shuffle their choices), every one
with its version. Three panels of the same distribution (per subtopic 4 easy, 4 medium, 2 hard:
100 questions) and 1,000 candidates each. Each timed call starts one more candidate; the
variants, timed in alternation (``benchmarks.run.alternate``):

- ``service``: ``interviews.services.start_attempt``: lock the panel, read the pool with its
  versions and exposure counts (questions locked), draw, mark the versions used, upsert the
  exposure counts, insert the attempt and its 100 items, in one transaction.
- ``http``: ``POST /api/panel/interview/start/`` with the candidate's token through Django's
  test client (in process): the same, plus middleware, token lookup, throttles, and the
  response with the 100 items rendered.
- ``floor``: the rows a start must write and nothing else: the attempt and its 100 items (the
  service's first set), with ``create`` and ``bulk_create`` in one transaction.

Then the exposure spread of the service's panel after its 1,000 sets: per cell (subtopic x
difficulty), the most and the least drawn question, against ``MAX_EXPOSURE_SHARE``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from collections.abc import Callable, Iterator
from typing import Any

from benchmarks.run import (
    RESULTS,
    alternate,
    count_queries,
    environment,
    fresh_database,
    median,
    setup_django,
)

SUBTOPICS = 10
# Per subtopic: (difficulty, questions in the set, questions in the pool).
CELLS = (("easy", 4, 12), ("medium", 4, 12), ("hard", 2, 6))
CANDIDATES = 1000
QUICK_CANDIDATES = 60
START_PATH = "/api/panel/interview/start/"
VARIANTS = ("service", "http", "floor")


def seed(candidates: int) -> dict[str, list[Any]]:
    """The bank and three panels; returns each variant's candidate assignments, in order."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from django_interview_panels.models import (
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

    organization = Organization.objects.create(name="Bench interviews")
    user = get_user_model().objects.create_user(username="draw-hr", password="unused")
    Membership.objects.create(user=user, organization=organization, role="HR")
    category = Category.objects.create(organization=organization, name="Python")
    topics = Topic.objects.bulk_create(
        Topic(organization=organization, category=category, name=f"Topic {n + 1}")
        for n in range(SUBTOPICS)
    )
    subtopics = Subtopic.objects.bulk_create(
        Subtopic(organization=organization, topic=topic, name=f"{topic.name} subtopic")
        for topic in topics
    )
    questions = []
    for subtopic in subtopics:
        for difficulty, _count, pool in CELLS:
            for n in range(pool):
                content: dict[str, Any] = {"kind": "open", "text": f"{subtopic.name} {n}"}
                if n % 3 == 0:
                    content = {
                        "kind": "single_choice",
                        "text": f"{subtopic.name} choice {n}",
                        "choices": ["a", "b", "c", "d"],
                        "answer_key": {"correct": [0], "shuffle_choices": True},
                    }
                questions.append(
                    Question(
                        organization=organization,
                        subtopic=subtopic,
                        difficulty=difficulty,
                        **content,
                    )
                )
    Question.objects.bulk_create(questions, batch_size=500)
    QuestionVersion.objects.bulk_create(
        (
            QuestionVersion(question=question, number=1, **question.content())
            for question in Question.objects.filter(organization=organization)
        ),
        batch_size=500,
    )
    people = Candidate.objects.bulk_create(
        (
            Candidate(
                organization=organization,
                name=f"Candidate {n}",
                email=f"candidate.{n}@example.com",
            )
            for n in range(candidates * len(VARIANTS))
        ),
        batch_size=1000,
    )
    now = timezone.now()
    assignments: dict[str, list[Any]] = {}
    for index, variant in enumerate(VARIANTS):
        payload = {
            "name": f"Draw benchmark ({variant})",
            "description": "",
            "total_number_of_questions": SUBTOPICS * sum(count for _d, count, _p in CELLS),
            "start_datetime": (now - dt.timedelta(minutes=5)).isoformat(),
            "end_datetime": (now + dt.timedelta(days=2)).isoformat(),
            "category_uuid": str(category.uuid),
            "question_distributions": [
                {
                    "topic_uuid": str(subtopic.topic.uuid),
                    "subtopic_uuid": str(subtopic.uuid),
                    **{difficulty: count for difficulty, count, _pool in CELLS},
                }
                for subtopic in subtopics
            ],
            "candidate_uuids": [
                str(person.uuid) for person in people[index * candidates : (index + 1) * candidates]
            ],
        }
        serializer = PanelCreateSerializer(data=payload)
        serializer.is_valid(raise_exception=True)
        panel = services.create_panel(
            organization=organization, created_by=user, data=serializer.validated_data
        )
        assignments[variant] = list(
            PanelCandidate.objects.filter(panel=panel).select_related("panel").order_by("id")
        )
    return assignments


def variants(assignments: dict[str, list[Any]]) -> tuple[dict[str, Callable[[], Any]], Any]:
    """One callable per variant, each starting its next candidate; and the service's first set."""
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone

    from django_interview_panels.interviews import draws, services
    from django_interview_panels.models import Attempt, AttemptItem

    queues: dict[str, Iterator[Any]] = {name: iter(rows) for name, rows in assignments.items()}
    last_set: list[tuple[int, int, int, list[int]]] = []
    client = Client()

    def service() -> None:
        attempt, created = services.start_or_resume_attempt(assignment=next(queues["service"]))
        assert created
        if not last_set:
            # Once, on the first (untimed) call: the floor inserts this set every time, which
            # costs what inserting any other 100 items would.
            last_set[:] = AttemptItem.objects.filter(attempt=attempt).values_list(
                "position", "question_id", "question_version_id", "choice_order"
            )

    def http() -> None:
        token = next(queues["http"]).token
        response = client.post(START_PATH, HTTP_X_INTERVIEW_TOKEN=token)
        assert response.status_code == 201, response.content[:300]

    def floor() -> None:
        assignment = next(queues["floor"])
        with transaction.atomic():
            attempt = Attempt.objects.create(
                assignment_id=assignment.pk,
                panel_id=assignment.panel_id,
                seed=draws.new_seed(),
                algorithm_version=draws.ALGORITHM_VERSION,
                started_at=timezone.now(),
            )
            AttemptItem.objects.bulk_create(
                AttemptItem(
                    attempt_id=attempt.pk,
                    position=position,
                    question_id=question_id,
                    question_version_id=version_id,
                    choice_order=choice_order,
                )
                for position, question_id, version_id, choice_order in last_set
            )

    return {"service": service, "http": http, "floor": floor}, last_set


def spread(panel_id: int, sets: int) -> dict[str, Any]:
    """Per cell of the panel, the most and the least drawn question of its pool."""
    from django.db.models import Count

    from django_interview_panels.conf import app_settings
    from django_interview_panels.models import (
        AttemptItem,
        InterviewPanel,
        Question,
        QuestionExposure,
    )

    panel = InterviewPanel.objects.get(pk=panel_id)
    exposure = dict(
        QuestionExposure.objects.filter(panel=panel).values_list("question_id", "draws")
    )
    held = dict(
        AttemptItem.objects.filter(attempt__panel=panel)
        .values_list("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    assert exposure == held, "exposure counts differ from the sets drawn"
    cells: dict[tuple[int, str], list[int]] = {}
    for question_id, subtopic_id, difficulty in Question.objects.filter(
        organization=panel.organization_id
    ).values_list("id", "subtopic_id", "difficulty"):
        cells.setdefault((subtopic_id, difficulty), []).append(exposure.get(question_id, 0))
    rows = [
        {"cell": f"{subtopic_id}/{difficulty}", "most": max(draws), "least": min(draws)}
        for (subtopic_id, difficulty), draws in sorted(cells.items())
    ]
    most = max(row["most"] for row in rows)
    least = min(row["least"] for row in rows)
    return {
        "sets": sets,
        "cells": len(rows),
        "most_drawn": most,
        "least_drawn": least,
        "largest_gap_in_a_cell": max(row["most"] - row["least"] for row in rows),
        "max_share": most / sets,
        "max_exposure_share_setting": app_settings.MAX_EXPOSURE_SHARE,
        "per_cell": rows,
    }


def measure(candidates: int) -> dict[str, Any]:
    assignments = seed(candidates)
    calls, _last_set = variants(assignments)
    queries = {}
    # The first call of each variant is a warm-up of its own; the second counts its queries.
    for name in VARIANTS:
        calls[name]()
        _result, queries[name] = count_queries(calls[name])
    warmup = 1
    rounds = candidates - 2 - warmup
    print(f"  timing {rounds} starts per variant ...", flush=True)
    times, collector = alternate(calls, rounds, warmup=warmup)
    medians = {name: median(values) for name, values in times.items()}
    tenth = max(1, rounds // 10)
    service = times["service"]
    report: dict[str, Any] = {
        "questions_per_set": SUBTOPICS * sum(count for _d, count, _p in CELLS),
        "pool": SUBTOPICS * sum(pool for _d, _c, pool in CELLS),
        "candidates": candidates,
        "rounds": rounds,
        "queries": queries,
        "median_ms": medians,
        "p90_ms": {name: statistics.quantiles(values, n=10)[-1] for name, values in times.items()},
        "service_over_floor": medians["service"] / medians["floor"],
        "http_over_floor": medians["http"] / medians["floor"],
        # Whether a start slows down as the panel fills: the service against the floor timed
        # in the same rounds, per tenth of the candidates (the machine's drift hits both).
        "service_over_floor_by_tenth": [
            median(service[start : start + tenth]) / median(times["floor"][start : start + tenth])
            for start in range(0, tenth * 10, tenth)
        ],
        "times_ms": times,
        "gc_ms": collector,
    }
    report["exposure"] = spread(assignments["service"][0].panel_id, candidates)
    return report


def table(report: dict[str, Any]) -> str:
    medians, p90 = report["median_ms"], report["p90_ms"]
    floor = medians["floor"]
    labels = {
        "service": "services.start_attempt",
        "http": "POST interview/start/ (test client)",
        "floor": "floor: attempt + 100 items, bulk_create",
    }
    lines = [
        f"| Start of one candidate ({report['questions_per_set']} questions, pool "
        f"{report['pool']}, {report['candidates']} candidates) | Median ms | p90 ms "
        "| vs floor | Queries |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in VARIANTS:
        lines.append(
            f"| {labels[name]} | {medians[name]:.2f} | {p90[name]:.2f} "
            f"| {medians[name] / floor:.2f}x | {report['queries'][name]} |"
        )
    exposure = report["exposure"]
    lines += [
        "",
        "Service / floor per tenth of the candidates, first to last: "
        + ", ".join(f"{ratio:.2f}" for ratio in report["service_over_floor_by_tenth"])
        + ".",
        "",
        "| Exposure after the service's sets | Value |",
        "| --- | ---: |",
        f"| sets drawn | {exposure['sets']} |",
        f"| cells (subtopic x difficulty) | {exposure['cells']} |",
        f"| most drawn question (any cell) | {exposure['most_drawn']} |",
        f"| least drawn question (any cell) | {exposure['least_drawn']} |",
        f"| largest most - least within a cell | {exposure['largest_gap_in_a_cell']} |",
        f"| largest share of the sets holding one question | {exposure['max_share']:.3f} "
        f"(MAX_EXPOSURE_SHARE {exposure['max_exposure_share_setting']}) |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CANDIDATES} candidates")
    parser.add_argument("--candidates", type=int, default=CANDIDATES, help="per variant")
    args = parser.parse_args()
    candidates = QUICK_CANDIDATES if args.quick else args.candidates
    database_url, drop = fresh_database()
    try:
        setup_django(database_url)
        report = {"environment": environment(), **measure(candidates)}
    finally:
        drop()
    report["environment"]["command"] = " ".join(
        ["python -m benchmarks.interview_draw", *sys.argv[1:]]
    )
    rendered = table(report)
    report["table"] = rendered
    RESULTS.mkdir(parents=True, exist_ok=True)
    vendor = report["environment"]["database"].split()[0]
    path = RESULTS / f"interview-draw-{vendor}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print(f"{report['environment']['command']} on {report['environment']['database']}")
    print()
    print(rendered)
    print(f"\nReport: {path}")


if __name__ == "__main__":
    main()

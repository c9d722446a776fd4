"""Benchmark the bank import against a raw bulk insert of the same rows (issue 10's target:
10,000 questions within 3x).

Run from the repository root, with the app installed (``pip install -e .[example]``)::

    python -m benchmarks.bank_import              # SQLite file in benchmarks/results/
    python -m benchmarks.bank_import --quick      # 1,000 questions, a smoke run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python -m benchmarks.bank_import

Each round imports the questions into a fresh organization, so none is skipped as present.
Variants, timed in alternation (``benchmarks.run.alternate``):

- ``floor``: ``bulk_create`` of the prepared question rows and their version rows into an
  existing subtopic, batched like the import: the least any import must write.
- ``import``: ``bank.imports.import_questions`` from parsed records: maps the category paths
  (creating 100 subtopics), checks each record, inserts questions and versions, one transaction.
- ``import_gift``: the same from the GIFT file's bytes, parsing included (reported, no target).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from typing import Any

from benchmarks.run import RESULTS, alternate, environment, fresh_database, median, setup_django

TARGET = 3.0
SUBTOPICS = 100


def build_records(count: int) -> list[Any]:
    """``count`` records over 10 categories x 2 topics x 5 subtopics, every kind in turn."""
    from django_interview_panels.bank.formats import (
        ChoiceKey,
        NumericKey,
        OpenKey,
        QuestionRecord,
        ShortAnswerKey,
    )

    kinds = itertools.cycle(
        [
            ("open", (), OpenKey(expected_answer="An answer.", keywords=("a", "b"))),
            ("single_choice", ("A", "B", "C", "D"), ChoiceKey(correct=(2,))),
            ("multiple_choice", ("A", "B", "C", "D"), ChoiceKey(correct=(0, 3))),
            ("short_answer", (), ShortAnswerKey(accepted_answers=("yes", "y"))),
            ("numeric", (), NumericKey(value=42.0, tolerance=0.5)),
        ]
    )
    records = []
    for number, (kind, choices, key) in zip(range(count), kinds, strict=False):
        place = number % SUBTOPICS
        records.append(
            QuestionRecord(
                f"Category {place // 10}",
                f"Topic {place // 5 % 2}",
                f"Subtopic {place % 5}",
                kind,
                f"Question {number}: what does this {kind} question ask, and why?",
                ("easy", "medium", "hard")[number % 3],
                expected_time_seconds=90,
                choices=choices,
                answer_key=key,
            )
        )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 questions, 2 rounds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    count, rounds = (1_000, 2) if args.quick else (10_000, args.rounds)

    database_url, drop = fresh_database()
    try:
        setup_django(database_url)
        report = measure(count, rounds)
    finally:
        drop()
    print(json.dumps({key: report[key] for key in ("questions", "medians_ms", "ratios")}, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    vendor = report["environment"]["database"].split()[0]
    path = RESULTS / f"bank-import-{vendor}{'-quick' if args.quick else ''}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    ratio = report["ratios"]["import"]
    verdict = "met" if ratio <= TARGET else "MISSED"
    print(f"import / floor = {ratio:.2f} (target <= {TARGET}): {verdict}")
    sys.exit(0 if ratio <= TARGET else 1)


def measure(count: int, rounds: int) -> dict[str, Any]:
    from django.db import transaction

    from django_interview_panels.bank.formats import get_format
    from django_interview_panels.bank.imports import BATCH_SIZE, answer_key_data, import_questions
    from django_interview_panels.models import (
        Category,
        Organization,
        Question,
        QuestionVersion,
        Subtopic,
        Topic,
    )

    records = build_records(count)
    gift = get_format("gift")
    data = gift.render(records)
    serial = itertools.count()

    def organization() -> Organization:
        return Organization.objects.create(name=f"Bench {next(serial)}")

    def floor() -> None:
        owner = organization()
        category = Category.objects.create(organization=owner, name="Floor")
        topic = Topic.objects.create(organization=owner, category=category, name="Floor")
        subtopic = Subtopic.objects.create(organization=owner, topic=topic, name="Floor")
        rows = [
            Question(
                organization=owner,
                subtopic=subtopic,
                kind=item.kind,
                text=item.text,
                difficulty=item.difficulty,
                points=item.points,
                expected_time_seconds=item.expected_time_seconds,
                choices=list(item.choices),
                answer_key=answer_key_data(item),
                rubric_weights={},
            )
            for item in records
        ]
        with transaction.atomic():
            for start in range(0, len(rows), BATCH_SIZE):
                created = Question.objects.bulk_create(rows[start : start + BATCH_SIZE])
                QuestionVersion.objects.bulk_create(
                    QuestionVersion(question=question, number=1, **question.content())
                    for question in created
                )

    def imported() -> None:
        report = import_questions(organization=organization(), records=records)
        assert report.imported and report.questions == count, report.problems[:3]

    def imported_gift() -> None:
        parsed = gift.parse(data, max_questions=count)
        report = import_questions(
            organization=organization(), records=parsed.records, problems=parsed.problems
        )
        assert report.imported and report.questions == count, report.problems[:3]

    times, collector = alternate(
        {"floor": floor, "import": imported, "import_gift": imported_gift}, rounds, warmup=1
    )
    medians = {name: round(median(values), 1) for name, values in times.items()}
    return {
        "questions": count,
        "rounds": rounds,
        "medians_ms": medians,
        "ratios": {
            name: round(medians[name] / medians["floor"], 2) for name in ("import", "import_gift")
        },
        "times_ms": times,
        "collector_ms": collector,
        "gift_bytes": len(data),
        "environment": environment(),
    }


if __name__ == "__main__":
    main()

"""Importing question records into a bank: all or nothing, idempotent, round trips per format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from django_interview_panels.bank import services
from django_interview_panels.bank.exports import export_records
from django_interview_panels.bank.formats import (
    ChoiceKey,
    FormatProblem,
    NumericKey,
    OpenKey,
    QuestionRecord,
    ShortAnswerKey,
    get_format,
)
from django_interview_panels.bank.imports import import_questions
from django_interview_panels.models import Category, Question, QuestionVersion, Subtopic, Topic
from tests import factories

pytestmark = pytest.mark.django_db

PATH = ("Backend", "Databases", "Indexes")


def record(text: str, kind: str = "open", difficulty: str | None = "easy", **extra: Any):
    keys = {
        "open": OpenKey(expected_answer="B-tree", keywords=("tree",), keyword_coverage=1.0),
        "single_choice": ChoiceKey(correct=(1,), shuffle_choices=True),
        "multiple_choice": ChoiceKey(correct=(0, 2)),
        "short_answer": ShortAnswerKey(accepted_answers=("btree", "b-tree")),
        "numeric": NumericKey(value=3.5, tolerance=0.5),
    }
    choices = ("A", "B", "C") if kind.endswith("choice") else ()
    # An explicit time: a record without one imports as the default, and exports as that.
    fields = {"choices": choices, "answer_key": keys[kind], "expected_time_seconds": 60, **extra}
    return QuestionRecord(*PATH, kind, text, difficulty, **fields)


ALL_KINDS = [
    record("What does an index cost on write?", "open", "hard", expected_time_seconds=300),
    record("Which index suits equality?", "single_choice", "easy", points=2),
    record("Which are index types?", "multiple_choice", "medium"),
    record("The default index type?", "short_answer", "easy"),
    record("Levels of a 1M-row B-tree?", "numeric", "medium"),
]


def bank_of(organization: Any, category: str | None = None) -> set[QuestionRecord]:
    """The organization's own questions as records, of one category or all."""
    records = export_records(organization=organization)
    return {item for item in records if category in (None, item.category)}


def test_an_import_creates_the_path_and_the_questions_with_their_first_version(
    tenant: Any,
) -> None:
    report = import_questions(organization=tenant.organization, records=ALL_KINDS)

    assert report.imported and report.problems == []
    assert report.categories == ["Backend"]
    assert report.topics == ["Backend/Databases"]
    assert report.subtopics == ["Backend/Databases/Indexes"]
    assert report.questions == 5
    assert bank_of(tenant.organization, "Backend") == set(ALL_KINDS)
    questions = Question.objects.filter(subtopic__name="Indexes")
    assert QuestionVersion.objects.filter(question__in=questions, number=1).count() == 5
    single = questions.get(kind="single_choice")
    assert (single.points, single.choices) == (2, ["A", "B", "C"])
    assert single.answer_key == {"correct": [1], "shuffle_choices": True}


def test_importing_the_same_records_twice_creates_nothing_new(tenant: Any) -> None:
    import_questions(organization=tenant.organization, records=ALL_KINDS)
    counts = [model.objects.count() for model in (Category, Topic, Subtopic, Question)]

    again = import_questions(organization=tenant.organization, records=ALL_KINDS)

    assert (again.questions, again.skipped, again.categories) == (0, 5, [])
    assert [model.objects.count() for model in (Category, Topic, Subtopic, Question)] == counts


def test_a_dry_run_reports_what_an_import_would_create_and_writes_nothing(tenant: Any) -> None:
    before = [model.objects.count() for model in (Category, Topic, Subtopic, Question)]

    report = import_questions(organization=tenant.organization, records=ALL_KINDS, dry_run=True)

    assert not report.imported
    assert (report.questions, report.categories) == (5, ["Backend"])
    assert [model.objects.count() for model in (Category, Topic, Subtopic, Question)] == before


def test_one_unmappable_record_leaves_the_bank_untouched(tenant: Any) -> None:
    before = Question.objects.count()
    records = [*ALL_KINDS, record("No difficulty given", difficulty=None)]

    report = import_questions(organization=tenant.organization, records=records)

    assert not report.imported
    assert [(p.location, p.reason) for p in report.problems] == [
        (
            "question 6",
            "The question has no difficulty and no default difficulty was chosen.",
        )
    ]
    assert Question.objects.count() == before
    assert not Category.objects.filter(name="Backend").exists()


def test_a_default_difficulty_applies_where_the_file_gives_none(tenant: Any) -> None:
    report = import_questions(
        organization=tenant.organization,
        records=[record("No difficulty given", difficulty=None)],
        default_difficulty="medium",
    )

    assert report.imported
    assert Question.objects.get(text="No difficulty given").difficulty == "medium"


def test_a_parser_problem_means_nothing_is_written(tenant: Any) -> None:
    problem = FormatProblem("line 3", "Matching questions are not supported.")

    report = import_questions(
        organization=tenant.organization, records=ALL_KINDS, problems=[problem]
    )

    assert not report.imported and report.problems == [problem]
    assert not Question.objects.filter(subtopic__name="Indexes").exists()


def test_a_global_category_of_the_same_name_is_reused_not_duplicated(tenant: Any) -> None:
    global_category = factories.make_bank(None, name="Backend")

    import_questions(organization=tenant.organization, records=ALL_KINDS)

    assert list(Category.objects.filter(name="Backend")) == [global_category]
    assert Topic.objects.get(name="Databases").organization == tenant.organization


def test_another_organizations_entries_are_never_reused(tenant: Any, other_tenant: Any) -> None:
    import_questions(organization=other_tenant.organization, records=ALL_KINDS)

    report = import_questions(organization=tenant.organization, records=ALL_KINDS)

    assert (report.questions, report.skipped) == (5, 0)
    assert Category.objects.filter(name="Backend").count() == 2


def seeded_bank(organization: Any) -> None:
    """Questions of every kind, made through the services as the API makes them."""
    category = Category.objects.create(organization=organization, name="Python")
    topic = Topic.objects.create(organization=organization, category=category, name="Types")
    subtopic = Subtopic.objects.create(organization=organization, topic=topic, name="Mutability")
    for item in ALL_KINDS:
        converted = {
            "kind": item.kind,
            "text": item.text + " \u2014 \u00e9 & <b> {x} ~ = # :",
            "difficulty": item.difficulty,
            "points": item.points,
            "expected_time_seconds": item.expected_time_seconds or 120,
            "choices": list(item.choices),
            "answer_key": {
                name: list(value) if isinstance(value, tuple) else value
                for name, value in item.answer_key.__dict__.items()
            },
        }
        services.create_question(organization=organization, subtopic=subtopic, content=converted)


@pytest.mark.parametrize("name", ["moodle_xml", "gift"])
def test_export_then_import_into_an_empty_organization_gives_the_same_bank(
    tenant: Any, name: str
) -> None:
    seeded_bank(tenant.organization)
    empty = factories.make_organization()
    file_format = get_format(name)

    data = file_format.render(export_records(organization=tenant.organization))
    parsed = file_format.parse(data, max_questions=100)
    report = import_questions(organization=empty, records=parsed.records, problems=parsed.problems)

    assert report.imported, report.problems
    assert bank_of(empty) == bank_of(tenant.organization)
    assert len(bank_of(empty, "Python")) == 5


def test_retired_questions_are_not_exported(tenant: Any) -> None:
    seeded_bank(tenant.organization)
    question = Question.objects.filter(organization=tenant.organization, kind="numeric").get()

    services.retire_question(question=question)

    assert "numeric" not in {item.kind for item in export_records(organization=tenant.organization)}


# --- The management commands ----------------------------------------------------------------------


def test_the_import_command_imports_a_file_and_reports_as_json(
    tenant: Any, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "bank.gift"
    path.write_bytes(get_format("gift").render(ALL_KINDS))
    uuid = factories.organization_uuid(tenant.organization)

    call_command("import_questions", str(path), "--organization", uuid, "--dry-run")
    assert '"dry_run": true' in capsys.readouterr().out
    assert not Question.objects.filter(subtopic__name="Indexes").exists()

    call_command("import_questions", str(path), "--organization", uuid)
    assert bank_of(tenant.organization, "Backend") == set(ALL_KINDS)


def test_the_import_command_fails_on_problems_and_writes_nothing(
    tenant: Any, tmp_path: Path
) -> None:
    path = tmp_path / "bank.gift"
    path.write_bytes(get_format("gift").render([*ALL_KINDS, record("x", difficulty=None)]))

    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_questions",
            str(path),
            "--organization",
            factories.organization_uuid(tenant.organization),
        )
    assert not Question.objects.filter(subtopic__name="Indexes").exists()


def test_the_import_command_refuses_a_file_over_the_size_cap(
    tenant: Any, tmp_path: Path, settings: Any
) -> None:
    # Added to the configuration's own settings: the swapped one names its UUID fields there.
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "IMPORT_MAX_BYTES": 100,
    }
    path = tmp_path / "bank.gift"
    path.write_bytes(b"// x\n" * 30)

    with pytest.raises(CommandError, match="larger than IMPORT_MAX_BYTES"):
        call_command(
            "import_questions",
            str(path),
            "--organization",
            factories.organization_uuid(tenant.organization),
        )


def test_the_import_command_names_an_unknown_organization(tmp_path: Path) -> None:
    path = tmp_path / "bank.gift"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="No organization"):
        call_command("import_questions", str(path), "--organization", "not-a-uuid")


def test_the_export_command_writes_what_the_import_command_reads(
    tenant: Any, tmp_path: Path
) -> None:
    seeded_bank(tenant.organization)
    empty = factories.make_organization()
    path = tmp_path / "bank.xml"

    uuid = factories.organization_uuid(tenant.organization)
    call_command("export_questions", "--organization", uuid, "--output", str(path))
    call_command(
        "import_questions", str(path), "--organization", factories.organization_uuid(empty)
    )

    assert bank_of(empty) == bank_of(tenant.organization)

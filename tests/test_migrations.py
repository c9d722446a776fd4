"""Migrations: in step with the models, and written against the swappable settings."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from tests.factories import SWAPPED

MIGRATIONS = Path(importlib.import_module("django_interview_panels.migrations").__file__).parent
initial = importlib.import_module("django_interview_panels.migrations.0001_initial")
# Every `to=` of a relation in the app's migrations: a quoted label or a `settings.X` reference.
RELATION_TARGETS = [
    target
    for path in sorted(MIGRATIONS.glob("0*.py"))
    for target in re.findall(r"\bto=([^,)]+)", path.read_text())
]


def count_relations_to(setting: str) -> int:
    """Relations of the app's models (swapped-out ones included) to the model behind setting."""
    return sum(
        1
        for model in apps.get_app_config("interview_panels").get_models(include_swapped=True)
        for field in model._meta.local_fields
        if field.is_relation and field.swappable_setting == setting
    )


@pytest.mark.django_db
def test_the_models_need_no_new_migrations() -> None:
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize(
    "setting",
    [
        "INTERVIEW_PANELS_ORGANIZATION_MODEL",
        "INTERVIEW_PANELS_CANDIDATE_MODEL",
        "AUTH_USER_MODEL",
    ],
)
def test_every_relation_to_a_swappable_model_references_its_setting(setting: str) -> None:
    expected = count_relations_to(setting)

    assert expected > 0
    # At least once per relation: an AlterField repeats one (0005 makes the candidate nullable);
    # test_no_relation_hard_codes_a_swappable_model rules out the quoted labels.
    assert RELATION_TARGETS.count(f"settings.{setting}") >= expected


@pytest.mark.parametrize(
    "label", ["interview_panels.organization", "interview_panels.candidate", "auth.user"]
)
def test_no_relation_hard_codes_a_swappable_model(label: str) -> None:
    quoted = {target.strip("'\"").lower() for target in RELATION_TARGETS if target[0] in "'\""}

    assert label not in quoted


@pytest.mark.parametrize(
    "setting", ["INTERVIEW_PANELS_ORGANIZATION_MODEL", "INTERVIEW_PANELS_CANDIDATE_MODEL"]
)
def test_the_initial_migration_depends_on_the_swapped_in_model(setting: str) -> None:
    dependency = migrations.swappable_dependency(getattr(settings, setting))

    assert dependency in initial.Migration.dependencies


@pytest.mark.skipif(not SWAPPED, reason="only a swapped-in host model has a migration to wait for")
@pytest.mark.django_db
def test_the_host_models_are_migrated_before_the_app() -> None:
    plan = MigrationLoader(connection).graph.forwards_plan(("interview_panels", "0001_initial"))

    assert plan.index(("hostapp", "0001_initial")) < plan.index(
        ("interview_panels", "0001_initial")
    )


# --- Moving a database with data forward and back -------------------------------------------------

APP = "interview_panels"
BEFORE_BANK_API = [(APP, "0002_panel_list_indexes")]
BANK_API = [(APP, "0003_question_kinds_versions_rubric")]


def migrate_to(targets: list[tuple[str, str]]):
    """Migrate the test database to ``targets``; the historical apps at that state."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def seed_before_bank_api(old: Any) -> tuple[Any, set[str]]:
    """An organization's bank of three questions and a panel, written with historical models."""
    organization_model = old.get_model(settings.INTERVIEW_PANELS_ORGANIZATION_MODEL)
    organization = organization_model.objects.create(**{"title" if SWAPPED else "name": "Old"})
    category = old.get_model(APP, "Category").objects.create(organization=organization, name="C")
    topic = old.get_model(APP, "Topic").objects.create(category=category, name="T")
    subtopic = old.get_model(APP, "Subtopic").objects.create(topic=topic, name="S")
    texts = {"What is a list?", "What is a dict?", "What is a set?"}
    for text, difficulty in zip(sorted(texts), ("easy", "medium", "hard"), strict=True):
        old.get_model(APP, "Question").objects.create(
            organization=organization, subtopic=subtopic, text=text, difficulty=difficulty
        )
    now = timezone.now()
    panel = old.get_model(APP, "InterviewPanel").objects.create(
        organization=organization,
        name="Old panel",
        total_number_of_questions=1,
        start_datetime=now,
        end_datetime=now + dt.timedelta(days=1),
        category=category,
    )
    return panel, texts


@pytest.mark.django_db(transaction=True)
def test_question_kinds_and_versions_keep_existing_questions_and_panels() -> None:
    old = migrate_to(BEFORE_BANK_API)
    panel, texts = seed_before_bank_api(old)

    new = migrate_to(BANK_API)
    questions = new.get_model(APP, "Question").objects.all()
    versions = new.get_model(APP, "QuestionVersion").objects.all()

    assert set(questions.values_list("text", flat=True)) == texts
    assert set(questions.values_list("kind", "points", "version", "is_retired")) == {
        ("open", 1, 1, False)
    }
    assert sorted(versions.values_list("question__text", "number", "text")) == sorted(
        (text, 1, text) for text in texts
    )
    assert new.get_model(APP, "InterviewPanel").objects.filter(uuid=panel.uuid).exists()

    back = migrate_to(BEFORE_BANK_API)
    assert set(back.get_model(APP, "Question").objects.values_list("text", flat=True)) == texts
    assert back.get_model(APP, "InterviewPanel").objects.filter(uuid=panel.uuid).exists()
    migrate_to(MigrationLoader(connection).graph.leaf_nodes(APP))

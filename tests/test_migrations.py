"""Migrations: in step with the models, and written against the swappable settings."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, migrations
from django.db.migrations.loader import MigrationLoader

from tests.factories import SWAPPED

initial = importlib.import_module("django_interview_panels.migrations.0001_initial")
SOURCE = inspect.getsource(initial)
# Every `to=` of a relation in the migration: a quoted label or a `settings.X` reference.
RELATION_TARGETS = re.findall(r"\bto=([^,)]+)", SOURCE)


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
    assert RELATION_TARGETS.count(f"settings.{setting}") == expected


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

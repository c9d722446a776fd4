"""System checks for misconfigurations that used to pass ``check`` and then crash or 500:
an unresolved candidate model, default candidate readers on a model without the fields, token
authentication without its app, a model swapped after the first migrate; and every check id
documented.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from django_interview_panels.checks import (
    _check_candidate_readers,
    check_authentication,
    check_database_relations,
)
from django_interview_panels.conf import DEFAULTS
from django_interview_panels.models import QuestionDistribution

REPO_ROOT = Path(__file__).resolve().parent.parent
CHECKS_SOURCE = REPO_ROOT / "src" / "django_interview_panels" / "checks.py"
EVALUATORS_SOURCE = CHECKS_SOURCE.parent / "interviews" / "evaluators"
DOCS = REPO_ROOT / "docs"


def django_admin(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    """``python -m django <args>`` from the repository root, as a host developer runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEST_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT / "src"), str(REPO_ROOT)])
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- item 10: a swappable setting that names no installed model ---------------------------------


@pytest.mark.parametrize(
    ("variable", "label"),
    [
        ("TEST_CANDIDATE_MODEL", "accounts.Aplicant"),  # app not installed
        ("TEST_CANDIDATE_MODEL", "interview_panels.Aplicant"),  # typo in the model name
        ("TEST_ORGANIZATION_MODEL", "accounts.Company"),
    ],
)
def test_an_unresolved_model_setting_is_a_check_error_not_a_crash(
    variable: str, label: str
) -> None:
    result = django_admin(
        "check", "--settings", "tests.settings_misconfigured", **{variable: label}
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert "(interview_panels.E006)" in result.stderr
    assert repr(label) in result.stderr


# --- item 11: default candidate readers on a model without name/email ---------------------------


def test_default_candidate_readers_on_a_model_without_the_fields_are_e011() -> None:
    merged = {**DEFAULTS}

    errors = _check_candidate_readers(merged, QuestionDistribution)

    assert [e.id for e in errors] == ["interview_panels.E011", "interview_panels.E011"]
    assert "'name'" in errors[0].msg and "CANDIDATE_NAME" in errors[0].msg
    assert "'email'" in errors[1].msg and "CANDIDATE_EMAIL" in errors[1].msg


def test_own_candidate_readers_pass_on_a_model_without_the_fields() -> None:
    merged = {**DEFAULTS, "CANDIDATE_NAME": str, "CANDIDATE_EMAIL": "tests.factories.iso"}

    assert _check_candidate_readers(merged, QuestionDistribution) == []


def test_a_swapped_candidate_without_readers_fails_check() -> None:
    result = django_admin(
        "check",
        "--settings",
        "tests.settings_misconfigured",
        TEST_BASE_SETTINGS="tests.settings_swapped",
        TEST_DEFAULT_CANDIDATE_READERS="1",
    )

    assert result.returncode == 1
    assert result.stderr.count("(interview_panels.E011)") == 2, result.stderr


# --- item 13: authentication the views cannot run with -----------------------------------------


def test_token_authentication_without_authtoken_installed_is_e013() -> None:
    result = django_admin(
        "check", "--settings", "tests.settings_misconfigured", TEST_WITHOUT_AUTHTOKEN="1"
    )

    assert result.returncode == 1
    assert "(interview_panels.E013)" in result.stderr
    assert "BearerTokenAuthentication" in result.stderr


def test_an_authentication_class_that_cannot_be_imported_is_e012(settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.auth.NoSuchAuthentication"],
    }

    errors = check_authentication()

    assert [e.id for e in errors] == ["interview_panels.E012"]
    assert "accounts.auth.NoSuchAuthentication" in errors[0].msg


def test_the_configured_authentication_passes() -> None:
    assert check_authentication() == []


# --- item 12: the database's foreign keys against the settings ----------------------------------


@pytest.mark.django_db
def test_the_migrated_test_database_passes_the_database_check() -> None:
    """The real introspection of this configuration's tables (SQLite or PostgreSQL)."""
    assert check_database_relations(databases=[connection.alias]) == []


def test_a_model_swapped_after_the_first_migrate_fails_the_database_check(tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'host.sqlite3'}"}
    migrated = django_admin("migrate", "-v", "0", "--settings", "tests.settings", **database)
    assert migrated.returncode == 0, migrated.stderr

    checked = django_admin(
        "check", "--database", "default", "--settings", "tests.settings_swapped", **database
    )
    migrate_again = django_admin("migrate", "--settings", "tests.settings_swapped", **database)

    assert checked.returncode == 1
    assert (
        "interview_panels_panelcandidate.candidate_id references table "
        "'interview_panels_candidate', but interview_panels.PanelCandidate.candidate points at "
        "hostapp.Candidate (table 'hostapp_candidate')"
    ) in checked.stderr
    # migrate runs the database checks too, and stops before touching anything.
    assert migrate_again.returncode == 1
    assert "(interview_panels.E014)" in migrate_again.stderr
    # The settings the database was migrated with still pass.
    assert (
        django_admin(
            "check", "--database", "default", "--settings", "tests.settings", **database
        ).returncode
        == 0
    )


# --- item 21: every check id documented, every range quoted right -------------------------------


def check_ids() -> set[str]:
    """The ids checks.py reports, and those the app's evaluators report from their check()."""
    ids = set(re.findall(r'"([EW]\d{3})"', CHECKS_SOURCE.read_text()))
    for evaluator in EVALUATORS_SOURCE.glob("*.py"):
        ids |= set(re.findall(r'"interview_panels\.([EW]\d{3})"', evaluator.read_text()))
    return ids


def test_every_check_id_is_documented_in_the_settings_reference() -> None:
    reference = (DOCS / "settings.md").read_text()
    documented = set(re.findall(r"^\| `interview_panels\.([EW]\d{3})` \|", reference, re.M))

    assert check_ids() == documented


def test_every_range_of_check_ids_in_the_docs_covers_exactly_the_ids() -> None:
    errors = sorted(i for i in check_ids() if i.startswith("E"))
    ranges = []
    for page in [*DOCS.glob("*.md"), REPO_ROOT / "README.md"]:
        text = page.read_text()
        ranges += [
            (page.name, first, last)
            for first, last in re.findall(r"(E\d{3})`?\s*(?:-|to|\.\.\.|\u2013)\s*`?(E\d{3})", text)
            if first == "E001"
        ]

    assert ranges, "the docs quote the range of check ids somewhere"
    assert {(page, first, last) for page, first, last in ranges} == {
        (page, errors[0], errors[-1]) for page, _first, _last in ranges
    }

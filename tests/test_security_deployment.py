"""API8:2023 Security Misconfiguration, and the audit trail.

The example project's production settings pass ``check --deploy``; a server error shows the
client neither traceback nor SQL; every create, update and delete leaves one audit line naming
the user, the organization and the panel, and no log line ever holds a candidate token.
"""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from django_interview_panels.models import PanelCandidate
from django_interview_panels.panels import services
from tests import factories

REPO_ROOT = Path(__file__).resolve().parent.parent
MANAGE_PY = REPO_ROOT / "example_project" / "manage.py"
PRODUCTION = "example_project.settings_production"
AUDIT_LOGGER = "django_interview_panels"


def production_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    # pytest-django exports the suite's settings module; the subprocess must use production's.
    env["DJANGO_SETTINGS_MODULE"] = PRODUCTION
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["DJANGO_ALLOWED_HOSTS"] = "panels.example.com"
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'production.sqlite3'}"
    # The demo settings turn DEBUG on by default; production must not follow.
    env["DJANGO_DEBUG"] = "1"
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    env = production_env(tmp_path)

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING", "--settings", PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_a_required_variable(tmp_path, variable):
    env = production_env(tmp_path)
    del env[variable]

    result = manage(env, "check", "--settings", PRODUCTION)

    assert result.returncode != 0
    assert f"Set the {variable} environment variable." in result.stderr


# --- server errors --------------------------------------------------------------------------------

ENDPOINTS = [
    ("post", "/api/panel/create/"),
    ("get", "/api/panel/get/"),
    ("get", "/api/panel/get/00000000-0000-0000-0000-000000000000/"),
    ("put", "/api/panel/update/00000000-0000-0000-0000-000000000000/"),
    ("delete", "/api/panel/delete/00000000-0000-0000-0000-000000000000/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_a_server_error_shows_no_traceback_or_sql(tenant, settings, caplog, method, url):
    def broken_resolver(user):
        raise RuntimeError("SELECT secret FROM x")

    settings.DEBUG = False
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "ORGANIZATION_RESOLVER": broken_resolver,
    }
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {factories.make_token(tenant.hr)}"}

    response = getattr(client, method)(url, {}, content_type="application/json", headers=headers)

    assert response.status_code == 500
    body = response.content.decode()
    for secret in ("Traceback", "SELECT", "secret", "RuntimeError", "File ", "line "):
        assert secret not in body
    # Hidden from the client, not from the operators: the error is logged with its traceback.
    logged = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert [str(r.exc_info[1]) for r in logged] == ["SELECT secret FROM x"]


@pytest.mark.django_db
def test_a_conflict_reveals_nothing_of_the_database_error(tenant, hr_client, monkeypatch):
    existing = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    taken = existing.candidates.get().token
    monkeypatch.setattr(services, "new_token", lambda: taken)

    response = hr_client.post(
        "/api/panel/create/",
        factories.panel_payload(tenant.category, tenant.candidates[1:]),
        format="json",
    )

    assert response.status_code == 409
    body = response.content.decode()
    for detail in ("UNIQUE", "unique", "duplicate", "constraint", "INSERT", "interview_panels_"):
        assert detail not in body
    assert taken not in body


# --- audit log ----------------------------------------------------------------------------------


def assert_one_audit_line(caplog, action: str, panel_uuid, organization_uuid, user) -> None:
    """Exactly one INFO audit line for ``action``, naming the panel, organization and user."""
    [record] = audit_records(caplog)
    assert record.levelno == logging.INFO
    message = record.getMessage()
    assert message.startswith(f"interview panel {action}:")
    assert f"panel={panel_uuid}" in message
    assert f"organization={organization_uuid}" in message
    assert f"user={user.pk}" in message


def audit_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == AUDIT_LOGGER]


@pytest.mark.django_db
def test_create_writes_one_audit_line_with_user_organization_and_panel(
    tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)

    # Audit lines are written on commit (the test's own transaction never commits).
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(
            "/api/panel/create/",
            factories.panel_payload(tenant.category, tenant.candidates),
            format="json",
        )

    panel_uuid = response.json()["data"]["uuid"]
    assert_one_audit_line(caplog, "created", panel_uuid, tenant.uuid, tenant.hr)


@pytest.mark.django_db
def test_update_writes_one_audit_line_with_user_organization_and_panel(
    tenant, admin_client, caplog, django_capture_on_commit_callbacks
):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.put(f"/api/panel/update/{panel.uuid}/", {"name": "Renamed"}, format="json")

    assert_one_audit_line(caplog, "updated", panel.uuid, tenant.uuid, tenant.admin)


@pytest.mark.django_db
def test_delete_writes_one_audit_line_with_user_organization_and_panel(
    tenant, hr_client, caplog, django_capture_on_commit_callbacks
):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.delete(f"/api/panel/delete/{panel.uuid}/")

    assert_one_audit_line(caplog, "deleted", panel.uuid, tenant.uuid, tenant.hr)


@pytest.mark.django_db
def test_refused_writes_write_no_audit_line(
    tenant, other_tenant, member_client, caplog, django_capture_on_commit_callbacks
):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    foreign_hr = factories.make_token(other_tenant.hr)
    caplog.set_level(logging.INFO, logger=AUDIT_LOGGER)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.put(f"/api/panel/update/{panel.uuid}/", {"name": "x"}, format="json")
        member_client.delete(f"/api/panel/delete/{panel.uuid}/")
        Client().delete(
            f"/api/panel/delete/{panel.uuid}/", headers={"Authorization": f"Bearer {foreign_hr}"}
        )

    assert audit_records(caplog) == []


@pytest.mark.django_db
def test_no_log_record_ever_holds_a_token(
    tenant, hr_client, member_client, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        created = hr_client.post(
            "/api/panel/create/",
            factories.panel_payload(tenant.category, tenant.candidates),
            format="json",
        ).json()["data"]
        url = f"/api/panel/update/{created['uuid']}/"
        hr_client.put(url, {"end_datetime": factories.iso(factories.future(30))}, format="json")
        hr_client.put(url, {"end_datetime": "not a date"}, format="json")
        member_client.get(f"/api/panel/get/{created['uuid']}/")
        member_client.put(url, {"name": "x"}, format="json")
        tokens = set(PanelCandidate.objects.values_list("token", flat=True))
        for token in tokens:
            services.find_assignment_by_token(token)
        hr_client.delete(f"/api/panel/delete/{created['uuid']}/")

    assert len(tokens) == 3
    assert len(audit_records(caplog)) == 3
    for record in caplog.records:
        text = f"{record.msg} {record.args!r} {record.getMessage()}"
        assert {token for token in tokens if token in text} == set()

"""What the app takes from a host's DRF settings and what it pins (docs/api.md), schema included.

The whole API test suite also runs under ``tests.settings_hostile`` (``tox -e django52-hostile``);
the tests here check the pinning directly, whichever settings module runs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

import tests.urls  # noqa: F401  (see below)
from tests import factories, test_schema
from tests.conftest import client_for

# drf-spectacular's own views bind DEFAULT_SCHEMA_CLASS when first imported: import them now, not
# first inside a test that overrides REST_FRAMEWORK (it would break later schema generation).

REPO_ROOT = Path(__file__).resolve().parent.parent
MOUNT = "/api/panel/"

# A host that versions its API in the URL, with the app mounted under a version and twice.
urlpatterns = [
    path("api/panel/", include("django_interview_panels.urls")),
    path("api/<version>/panel/", include("django_interview_panels.urls", namespace="versioned")),
    path("api/v2/panel/", include("django_interview_panels.urls", namespace="v2")),
]

HOSTILE_DRF = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "django_interview_panels.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "NON_FIELD_ERRORS_KEY": "oops",
    "EXCEPTION_HANDLER": "tests.settings_hostile.hostile_exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.BrowsableAPIRenderer"],
}


@pytest.mark.django_db
@pytest.mark.urls("tests.test_host_settings")
@pytest.mark.parametrize(
    "versioning",
    [
        "rest_framework.versioning.URLPathVersioning",
        "rest_framework.versioning.NamespaceVersioning",
    ],
)
@pytest.mark.parametrize("prefix", ["/api/panel/", "/api/v1/panel/", "/api/v2/panel/"])
def test_a_hosts_versioning_changes_nothing(tenant, versioning, prefix):
    with override_settings(REST_FRAMEWORK={**HOSTILE_DRF, "DEFAULT_VERSIONING_CLASS": versioning}):
        response = client_for(tenant.member).get(prefix + "get/")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json()["message"] == "Interview panels retrieved successfully"


@pytest.mark.django_db
def test_a_hosts_non_field_errors_key_is_not_the_apps(tenant):
    with override_settings(REST_FRAMEWORK=HOSTILE_DRF):
        response = client_for(tenant.hr).post(MOUNT + "create/", [1, 2], format="json")
        nested = client_for(tenant.hr).post(
            MOUNT + "create/", {"question_distributions": [1]}, format="json"
        )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    assert "oops" not in nested.content.decode()
    assert nested.json()["errors"]["question_distributions"] == {
        "0": {"non_field_errors": ["Invalid data. Expected a dictionary, but got int."]}
    }


@pytest.mark.django_db
def test_a_hosts_exception_handler_permissions_and_renderers_change_nothing(tenant):
    with override_settings(REST_FRAMEWORK=HOSTILE_DRF):
        anonymous = client_for(None).get(MOUNT + "get/")
        member = client_for(tenant.member).get(MOUNT + "get/", HTTP_ACCEPT="text/html")

    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Authentication credentials were not provided."
    assert member.status_code == 200  # not IsAdminUser's 403, not the browsable API
    assert member["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_hosts_pagination_changes_nothing(tenant):
    for _ in range(3):
        factories.make_panel(tenant.organization, tenant.category)
    drf = {
        **HOSTILE_DRF,
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
        "PAGE_SIZE": 1,
    }
    with override_settings(REST_FRAMEWORK=drf):
        data = client_for(tenant.member).get(MOUNT + "get/?limit=1").json()["data"]

    assert len(data["interview_panels"]) == 3
    assert data["pagination"]["count"] == 3


# --- The schema, whatever DEFAULT_SCHEMA_CLASS the host keeps (item 8) ---------------------------

# Operations of one mount: counted once, in tests/test_schema.py.
OPERATIONS = test_schema.OPERATIONS


def _manage(*args: str, settings: str = "tests.settings_hostile") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), *sys.path])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "django", *args, "--settings", settings],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("settings", ["tests.settings_drf_defaults", "tests.settings_hostile"])
def test_spectacular_and_check_deploy_work_with_drfs_default_schema_class(tmp_path, settings):
    schema = tmp_path / "schema.yaml"
    generated = _manage("spectacular", "--fail-on-warn", "--file", str(schema), settings=settings)
    assert generated.returncode == 0, generated.stderr
    paths = yaml.safe_load(schema.read_text())["paths"]
    ids = {operation["operationId"] for item in paths.values() for operation in item.values()}
    # Both mounts, each with all its operations.
    assert (
        len(ids) == 2 * OPERATIONS
        and {"panel_create", "v2_panel_create", "v2_bank_coverage"} <= ids
    )

    result = _manage("check", "--deploy", settings=settings)

    assert "drf_spectacular.E001" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr


# --- Two mounts of the app (item 14) ------------------------------------------------------------


def test_two_mounts_have_unique_operation_ids_and_links_within_their_mount():
    GENERATOR_STATS.reset()
    with override_settings(ROOT_URLCONF="tests.urls_twice"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        warned = bool(GENERATOR_STATS)

    operations = [op for item in schema["paths"].values() for op in item.values()]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == 2 * OPERATIONS and len(set(ids)) == 2 * OPERATIONS
    assert {i for i in ids if not i.startswith("v2_")} == {
        i[3:] for i in ids if i.startswith("v2_")
    }
    for operation in operations:
        prefix = "v2_" if operation["operationId"].startswith("v2_") else ""
        for response in operation["responses"].values():
            for name, link in response.get("links", {}).items():
                assert name.startswith(prefix) and link["operationId"].startswith(prefix)
                assert link["operationId"] in ids
    assert not warned  # drf_spectacular.W001: operationId collisions


def test_two_mounts_with_their_own_namespaces_pass_the_url_checks():
    with override_settings(ROOT_URLCONF="tests.urls_twice"):
        messages = checks.run_checks(tags=[checks.Tags.urls])

    assert messages == []


@pytest.mark.django_db
def test_both_mounts_answer(tenant):
    with override_settings(ROOT_URLCONF="tests.urls_twice"):
        for mount in ("/api/panel/", "/api/v2/panel/"):
            assert client_for(tenant.member).get(mount + "get/").status_code == 200
            assert client_for(tenant.member).get(mount + "nope/").status_code == 404


def test_the_committed_schema_command_still_works(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))

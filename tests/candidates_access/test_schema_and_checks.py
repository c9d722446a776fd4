"""The access, invitation and erasure operations' OpenAPI description against what the endpoints
render and accept, and the system check of the candidate settings (E021)."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from django_interview_panels.candidates import access_schema as schema
from django_interview_panels.checks import check_settings
from tests import factories
from tests.interviews.conftest import INTERVIEW, open_panel, token_client

from .test_access import CANDIDATES, first

OPERATIONS = {
    ("/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/access/", "get"),
    ("/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/access/", "patch"),
    ("/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/invitation/", "post"),
    ("/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/erase/", "post"),
}


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_operations_are_documented_with_examples(generated):
    for path, method in OPERATIONS:
        operation = generated["paths"][path][method]
        assert operation["tags"] == ["Candidates"]
        success = next(code for code in operation["responses"] if code.startswith("2"))
        content = operation["responses"][success]["content"]["application/json"]
        assert content["examples"], (path, method)
        for code in ("401", "403", "404", "429"):
            assert code in operation["responses"], (path, method, code)


def test_documented_access_fields_are_the_rendered_ones(tenant, hr_client):
    panel = open_panel(tenant, time_limit_minutes=30)
    assignment = first(panel)
    url = f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/"
    before = hr_client.get(f"{url}access/").json()["data"]
    assert set(before) == set(schema.AccessOutputSerializer().fields)
    assert set(before) == set(schema.ACCESS_EXAMPLE)
    token_client(assignment.token).post(f"{INTERVIEW}start/")
    after = hr_client.get(f"{url}access/").json()["data"]
    assert set(after["attempt"]) == set(schema.AttemptDeadlineSerializer().fields)
    invitation = hr_client.post(f"{url}invitation/").json()["data"]
    assert set(invitation) == set(schema.InvitationOutputSerializer().fields)
    assert set(invitation) == set(schema.INVITATION_EXAMPLE)
    erased = hr_client.post(f"{url}erase/").json()["data"]
    assert set(erased) == set(schema.ErasureOutputSerializer().fields)
    assert set(erased) == set(schema.ERASURE_EXAMPLE)


def test_every_request_example_is_accepted(tenant, hr_client, generated):
    path = "/api/panel/candidates/{interview_panel_uuid}/{candidate_uuid}/access/"
    body = generated["paths"][path]["patch"]["requestBody"]["content"]["application/json"]
    examples = [example["value"] for example in body["examples"].values()]
    assert len(examples) == 2
    panel = open_panel(tenant)
    assignment = first(panel)
    for example in examples:
        response = hr_client.patch(
            f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/access/",
            example,
            format="json",
        )
        assert response.status_code == 200, (example, response.json())


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({}, 0),
        ({"ERASURE": "delete"}, 0),
        ({"ERASURE": "shred"}, 1),
        ({"ERASURE": None}, 1),
        ({"INVITATION_URL": "https://example.com/i/#token={token}"}, 0),
        ({"INVITATION_URL": "https://example.com/i/?token={token}"}, 1),
        ({"INVITATION_URL": "https://example.com/{token}#start"}, 1),
        ({"INVITATION_URL": "https://example.com/i/#start"}, 1),
        ({"INVITATION_URL": "https://example.com/{token}/#t={token}"}, 1),
        ({"INVITATION_URL": "https://example.com/i/?a={token}#t={token}"}, 1),
        ({"INVITATION_URL": "https://example.com/i/#t={token}&again={token}"}, 0),
        ({"INVITATION_URL": 42}, 1),
        ({"ERASURE": "shred", "INVITATION_URL": "https://example.com/"}, 2),
    ],
    ids=repr,
)
def test_the_candidate_settings_check(settings, overrides, errors):
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), **overrides}
    found = [error for error in check_settings() if error.id == "interview_panels.E021"]
    assert len(found) == errors, found


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (None, 0),  # the configuration's own (default or the swapped model's)
        ("name", 1),
        (("no_such_field",), 1),
        (("pk", "no_such_field"), 2),
    ],
    ids=repr,
)
def test_the_search_fields_check(settings, fields, errors):
    configured = getattr(settings, "INTERVIEW_PANELS", {})
    if fields is not None:
        settings.INTERVIEW_PANELS = {**configured, "CANDIDATE_SEARCH_FIELDS": fields}
    found = [error for error in check_settings() if error.id == "interview_panels.E022"]
    assert len(found) == errors, found

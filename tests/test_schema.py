"""The OpenAPI schema: valid, committed, and true to the routes and responses the app serves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import URLPattern, URLResolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from openapi_spec_validator import validate

from django_interview_panels import urls as panel_urls
from django_interview_panels.api.views import EnvelopeAPIView
from django_interview_panels.panels import schema as panel_schema
from django_interview_panels.panels.reads import represent_panels
from tests import factories

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
REGENERATE = "python -m django spectacular --settings tests.settings --file docs/openapi.yaml"
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}
# One tag and one operationId prefix per domain, by the path under the mount.
DOMAINS = {
    "bank/": ("bank", "Question bank"),
    "interview/": ("interview", "Interview"),
    "reviews/": ("review", "Reviews"),
    "results/": ("result", "Results"),
    "candidates/": ("candidate", "Candidates"),
    "": ("panel", "Interview panels"),
}


# The operations of one mount: the panels' six; six per bank resource, a question's versions,
# coverage, import, export; the candidate's five; the reviewers' three; the three results (panel,
# candidate, export); candidate management's five; one candidate's access (two), invitation and
# erasure.
OPERATIONS = 6 + 5 * 6 + 1 + 1 + 2 + 5 + 3 + 3 + 5 + 4


def domain_of(path: str) -> tuple[str, str]:
    """(operationId prefix, tag) of the operation at ``path``."""
    under = path.removeprefix("/api/panel/")
    return next(domain for start, domain in DOMAINS.items() if under.startswith(start))


@pytest.fixture(scope="module")
def generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_is_valid_openapi_3(generated):
    validate(generated)
    assert generated["openapi"].startswith("3.")


def test_committed_schema_is_what_the_code_generates(generated):
    rendered = OpenApiYamlRenderer().render(generated, renderer_context={}).decode()

    assert yaml.safe_load(COMMITTED.read_text()) == yaml.safe_load(rendered), (
        f"docs/openapi.yaml is stale; regenerate it with: PYTHONPATH=. {REGENERATE}"
    )


def _served_operations(patterns=None, prefix: str = "/api/panel/") -> set[tuple[str, str]]:
    operations = set()
    for pattern in panel_urls.urlpatterns if patterns is None else patterns:
        path = prefix + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        if isinstance(pattern, URLResolver):  # a domain's include (bank/)
            operations |= _served_operations(pattern.url_patterns, path)
            continue
        assert isinstance(pattern, URLPattern)
        view = pattern.callback.view_class
        assert issubclass(view, EnvelopeAPIView)
        if pattern.callback.initkwargs.get("schema", view.schema) is None:
            continue  # the paths without a UUID and the catch-all: answers, not operations
        operations |= {(path, m) for m in HTTP_METHODS if hasattr(view, m)}
    return operations


def test_schema_documents_exactly_the_routes_and_methods_served(generated):
    documented = {
        (path, method)
        for path, item in generated["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }

    assert documented == _served_operations()
    assert len(documented) == OPERATIONS


def test_every_operation_has_an_id_a_tag_security_and_error_envelopes(generated):
    for path, item in generated["paths"].items():
        for method, operation in item.items():
            domain, tag = domain_of(path)
            # One domain prefix, never the include's namespace on top (bank_bank_...).
            assert re.fullmatch(domain + rf"_(?!{domain}_)[a-z_]+", operation["operationId"])
            assert operation["tags"] == [tag]
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            if domain == "interview":
                # The candidate's token and nothing else; no roles, so no 403.
                assert operation["security"] == [{"interviewToken": []}], path
                assert {"401", "429"} <= errors, (path, method)
            else:
                assert {"bearerAuth": []} in operation["security"]
                assert {"interviewToken": []} not in operation["security"]
                assert {"401", "403", "429"} <= errors, (path, method)
            for code in errors:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}


def test_path_uuids_are_documented_as_uuids(generated):
    for path, item in generated["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "export_format":
                    # The one path parameter that is not a UUID: the export's file format.
                    assert parameter["schema"]["enum"] == ["csv", "json", "xlsx"], path
                elif parameter["in"] == "path":
                    assert parameter["schema"] == {"type": "string", "format": "uuid"}, path


def test_bearer_scheme_is_http_bearer(generated):
    assert generated["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_interview_token_scheme_is_an_api_key_in_its_header(generated):
    scheme = generated["components"]["securitySchemes"]["interviewToken"]

    assert {key: scheme[key] for key in ("type", "in", "name")} == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Interview-Token",
    }


def test_request_shapes_are_split_from_response_shapes(generated):
    create = generated["paths"]["/api/panel/create/"]["post"]
    body = create["requestBody"]["content"]
    assert list(body) == ["application/json"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/PanelCreateRequest"}
    success = create["responses"]["201"]["content"]["application/json"]["schema"]
    envelope = generated["components"]["schemas"][success["$ref"].rsplit("/", 1)[1]]
    assert set(envelope["properties"]) == {"success", "message", "data"}
    assert envelope["properties"]["data"] == {"$ref": "#/components/schemas/InterviewPanel"}


@pytest.mark.django_db
def test_documented_panel_fields_are_the_rendered_ones(tenant):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    from django_interview_panels.models import InterviewPanel

    [rendered] = represent_panels(
        InterviewPanel.objects.filter(pk=panel.pk).with_is_active(), include_tokens=True
    )

    assert set(rendered) == set(panel_schema.InterviewPanelSerializer().fields)
    assert set(rendered["question_distributions"][0]) == set(
        panel_schema.QuestionDistributionSerializer().fields
    )
    assert set(rendered["candidates"][0]) == set(panel_schema.PanelCandidateSerializer().fields)

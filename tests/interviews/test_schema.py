"""The candidate operations' OpenAPI description against what the endpoints really do: the
documented fields are the rendered ones, and the request examples are accepted."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from django_interview_panels.interviews import reads
from django_interview_panels.interviews import schema as interview_schema
from django_interview_panels.models import Attempt, AttemptItem, PanelCandidate

from .conftest import INTERVIEW, token_client
from .kinds import items_by_kind, start_with_every_kind

ANSWER_PATH = "/api/panel/interview/answers/{item_uuid}/"


def generate_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def fields(serializer: Any) -> set[str]:
    return set(serializer.fields)


@pytest.fixture
def started(tenant) -> PanelCandidate:
    return start_with_every_kind(tenant)


def test_documented_overview_fields_are_the_rendered_ones(started):
    rendered = reads.represent_overview(started)

    assert set(rendered) == fields(interview_schema.InterviewOverviewSerializer())
    assert set(rendered["panel"]) == fields(interview_schema.InterviewPanelInfoSerializer())


def test_documented_attempt_fields_are_the_rendered_ones(started):
    attempt = Attempt.objects.select_related("assignment__panel").get(assignment=started)

    full = reads.represent_attempt(attempt)
    summary = reads.represent_attempt(attempt, items=False)

    assert set(full) == fields(interview_schema.InterviewAttemptSerializer())
    assert set(summary) == fields(interview_schema.InterviewAttemptSummarySerializer())
    item_fields = fields(interview_schema.InterviewAttemptItemSerializer())
    assert all(set(item) == item_fields for item in full["items"])


def test_documented_item_fields_are_the_rendered_ones(started):
    item = AttemptItem.objects.filter(attempt__assignment=started).first()

    assert set(reads.represent_item(item)) == fields(
        interview_schema.InterviewAttemptItemSerializer()
    )


def test_documented_overview_states_are_the_ones_rendered(started):
    documented = generate_schema()["components"]["schemas"]["InterviewState"]["enum"]

    assert reads.represent_overview(started)["state"] in documented
    assert reads.NOT_STARTED in documented


def _fitting_kind(answer: Any) -> str:
    """An item kind that takes ``answer``'s shape."""
    if isinstance(answer, str) or answer is None:
        return "open"
    if isinstance(answer, list):
        return "single_choice"
    return "numeric"


def test_every_answer_example_is_accepted_for_an_item_of_its_kind(started):
    operation = generate_schema()["paths"][ANSWER_PATH]["put"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    items = items_by_kind(started)
    client = token_client(started.token)

    shapes = set()
    for example in examples.values():
        body = example["value"]
        item = items[_fitting_kind(body["answer"])]
        response = client.put(f"{INTERVIEW}answers/{item.uuid}/", body, format="json")
        assert response.status_code == 200, (body, response.json())
        assert response.json()["data"]["answer"] == body["answer"]
        shapes.add(type(body["answer"]))

    # One example per shape the schema allows: text, number, positions and null.
    assert shapes == {str, float, list, type(None)}


def test_the_answer_length_cap_in_the_schema_comes_from_the_settings(settings):
    settings.INTERVIEW_PANELS = {"MAX_ANSWER_LENGTH": 777}

    request = generate_schema()["components"]["schemas"]["InterviewAnswerRequest"]
    [text] = [
        branch for branch in request["properties"]["answer"]["oneOf"] if branch["type"] == "string"
    ]

    assert text["maxLength"] == 777
    assert request["required"] == ["answer"]
    assert request["properties"]["answer"]["nullable"] is True


def test_candidate_operations_document_their_path_and_links():
    generated = generate_schema()
    start = generated["paths"]["/api/panel/interview/start/"]["post"]

    assert set(start["responses"]) >= {"200", "201", "401", "409", "429"}
    link = start["responses"]["201"]["links"]["interview_answer_save"]
    assert link["parameters"] == {"item_uuid": "$response.body#/data/items/0/uuid"}
    assert "requestBody" not in start
    assert "requestBody" not in generated["paths"]["/api/panel/interview/submit/"]["post"]

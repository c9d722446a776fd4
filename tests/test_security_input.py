"""API4:2023 Unrestricted Resource Consumption, and hostile input in general.

Configurable caps bound what one request may ask for; a body past DATA_UPLOAD_MAX_MEMORY_SIZE is
refused. Every malformed input in the catalogue below is a 400 in the envelope (never a 500, on
SQLite and PostgreSQL) and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from django_interview_panels.conf import DEFAULTS
from django_interview_panels.models import InterviewPanel, PanelCandidate, QuestionDistribution
from tests import factories
from tests.dumps import panels_dump

pytestmark = pytest.mark.django_db

CREATE_URL = "/api/panel/create/"
DEEP = 100_000


def create(client, payload: dict[str, Any]):
    return client.post(CREATE_URL, payload, format="json")


def row_counts() -> tuple[int, int, int]:
    return (
        InterviewPanel.objects.count(),
        QuestionDistribution.objects.count(),
        PanelCandidate.objects.count(),
    )


def assert_400(response) -> dict[str, Any]:
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert body["message"]
    assert body["errors"]
    return body


def with_settings(settings, **values: Any) -> None:
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), **values}


# --- caps ---------------------------------------------------------------------------------------


def test_caps_are_settings_with_defaults():
    assert DEFAULTS["MAX_CANDIDATES_PER_PANEL"] == 1000
    assert DEFAULTS["MAX_DISTRIBUTIONS_PER_PANEL"] == 100
    assert DEFAULTS["MAX_DESCRIPTION_LENGTH"] == 10000


def test_candidates_past_the_cap_are_400_naming_the_cap(tenant, hr_client, settings):
    with_settings(settings, MAX_CANDIDATES_PER_PANEL=2)

    payload = factories.panel_payload(tenant.category, tenant.candidates)

    body = assert_400(create(hr_client, payload))

    assert body["errors"] == {"candidate_uuids": ["Ensure this field has no more than 2 elements."]}
    assert row_counts() == (0, 0, 0)


def test_candidates_up_to_the_cap_are_accepted(tenant, hr_client, settings):
    with_settings(settings, MAX_CANDIDATES_PER_PANEL=3)

    response = create(hr_client, factories.panel_payload(tenant.category, tenant.candidates))

    assert response.status_code == 201


def test_distributions_past_the_cap_are_400_naming_the_cap(tenant, hr_client, settings):
    with_settings(settings, MAX_DISTRIBUTIONS_PER_PANEL=1)

    body = assert_400(create(hr_client, factories.panel_payload(tenant.category)))

    assert body["errors"] == {
        "question_distributions": ["Ensure this field has no more than 1 elements."]
    }
    assert row_counts() == (0, 0, 0)


def test_distributions_up_to_the_cap_are_accepted(tenant, hr_client, settings):
    with_settings(settings, MAX_DISTRIBUTIONS_PER_PANEL=2)

    assert create(hr_client, factories.panel_payload(tenant.category)).status_code == 201


def test_description_past_the_cap_is_400_naming_the_cap_on_create(tenant, hr_client, settings):
    with_settings(settings, MAX_DESCRIPTION_LENGTH=10)

    body = assert_400(
        create(hr_client, factories.panel_payload(tenant.category, description="x" * 11))
    )

    assert body["errors"] == {"description": ["Ensure this field has no more than 10 characters."]}
    assert row_counts() == (0, 0, 0)


def test_description_past_the_cap_is_400_naming_the_cap_on_update(tenant, hr_client, settings):
    panel = factories.make_panel(tenant.organization, tenant.category)
    with_settings(settings, MAX_DESCRIPTION_LENGTH=10)
    before = panels_dump()

    response = hr_client.put(
        f"/api/panel/update/{panel.uuid}/", {"description": "x" * 11}, format="json"
    )

    body = assert_400(response)
    assert body["errors"] == {"description": ["Ensure this field has no more than 10 characters."]}
    assert panels_dump() == before


def test_description_up_to_the_cap_is_accepted(tenant, hr_client, settings):
    with_settings(settings, MAX_DESCRIPTION_LENGTH=10)

    response = create(hr_client, factories.panel_payload(tenant.category, description="x" * 10))

    assert response.status_code == 201


@pytest.mark.parametrize("endpoint", ["create", "update"])
def test_body_over_data_upload_max_memory_size_is_400_in_the_envelope(
    tenant, hr_client, settings, endpoint
):
    panel = factories.make_panel(tenant.organization, tenant.category)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    payload = factories.panel_payload(tenant.category, description="x" * 2000)
    before = panels_dump()

    if endpoint == "create":
        response = create(hr_client, payload)
    else:
        response = hr_client.put(
            f"/api/panel/update/{panel.uuid}/", {"description": "x" * 2000}, format="json"
        )

    body = assert_400(response)
    assert body["message"] == "The request body is larger than the server accepts."
    assert panels_dump() == before


# --- the catalogue of bad input -----------------------------------------------------------------


@dataclass(frozen=True)
class BadInput:
    """A malformed request body: raw bytes, or a change to a valid payload (sent as JSON)."""

    id: str
    body: Callable[[dict[str, Any]], bytes]
    content_type: str = "application/json"

    @property
    def field(self) -> str | None:
        """The request field the error must name; None when the body as a whole is wrong."""
        return getattr(self.body, "field", None)


def raw(text: str | bytes) -> Callable[[dict[str, Any]], bytes]:
    data = text.encode() if isinstance(text, str) else text
    return lambda payload: data


def changed(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], bytes]:
    """The valid payload with the value at ``path`` replaced; JSON escapes lone surrogates."""

    def build(payload: dict[str, Any]) -> bytes:
        payload = json.loads(json.dumps(payload))
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return json.dumps(payload).encode()

    build.field = path[0]
    return build


def appended(path: tuple[Any, ...], suffix: str) -> Callable[[dict[str, Any]], bytes]:
    """The valid payload with ``suffix`` added to the string at ``path``."""

    def build(payload: dict[str, Any]) -> bytes:
        value = payload
        for key in path:
            value = value[key]
        return changed(path, value + suffix)(payload)

    build.field = path[0]
    return build


def spliced(
    path: tuple[Any, ...], json_text: str, *, parses: bool
) -> Callable[[dict[str, Any]], bytes]:
    """The valid payload with raw JSON text at ``path``; ``parses``: the body is still JSON."""
    marker = "__SPLICE_HERE__"

    def build(payload: dict[str, Any]) -> bytes:
        return changed(path, marker)(payload).replace(f'"{marker}"'.encode(), json_text.encode())

    build.field = path[0] if parses else None
    return build


def as_int(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], bytes]:
    """The valid payload with the UUID at ``path`` sent as its integer (DRF would accept it)."""

    def build(payload: dict[str, Any]) -> bytes:
        value = payload
        for key in path:
            value = value[key]
        return changed(path, uuid.UUID(value).int)(payload)

    build.field = path[0]
    return build


def as_string(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], bytes]:
    """The valid payload with the number at ``path`` sent as a string (DRF would accept it)."""

    def build(payload: dict[str, Any]) -> bytes:
        value = payload
        for key in path:
            value = value[key]
        return changed(path, str(value))(payload)

    build.field = path[0]
    return build


def deep(opening: str, closing: str, depth: int = DEEP, inner: str = "") -> str:
    return opening * depth + inner + closing * depth


DIST = ("question_distributions", 0)
CANDIDATE = ("candidate_uuids", 0)
WRONG_TYPES = {
    "int": 7,
    "float": 1.5,
    "bool": True,
    "string": "7",
    "array": [],
    "object": {},
    "null": None,
}
# Field path -> the JSON type it takes ("datetime" and "uuid" are strings).
CREATE_FIELDS = {
    ("name",): "string",
    ("description",): "string",
    ("total_number_of_questions",): "int",
    ("start_datetime",): "string",
    ("end_datetime",): "string",
    ("category_uuid",): "string",
    ("question_distributions",): "array",
    ("candidate_uuids",): "array",
    DIST: "object",
    (*DIST, "topic_uuid"): "string",
    (*DIST, "subtopic_uuid"): "string",
    (*DIST, "easy"): "int",
    (*DIST, "medium"): "int",
    (*DIST, "hard"): "int",
    CANDIDATE: "string",
}
UPDATE_FIELDS = {
    ("name",): "string",
    ("description",): "string",
    ("start_datetime",): "string",
    ("end_datetime",): "string",
}
# Out-of-range or unparsable datetimes. The first three overflow when converted to UTC, the next
# three lie within a day of datetime.max/min (they could not be shown in every time zone).
BAD_DATETIMES = {
    "year-9999-minus-14h": "9999-12-31T23:59:59-14:00",
    "year-9999-plus-14h": "9999-12-31T23:59:59+14:00",
    "year-1-plus-14h": "0001-01-01T00:00:00+14:00",
    "year-1-minus-1-minute": "0001-01-01T00:00:00-00:01",
    "last-instant-utc": "9999-12-31T23:59:59.999999Z",
    "first-instant-utc": "0001-01-01T00:00:00Z",
    "year-10000": "10000-01-01T00:00:00Z",
    "offset-24h": "2030-01-01T00:00:00+24:00",
    "offset-99h": "2030-01-01T00:00:00+99:99",
    "february-30": "2030-02-30T09:00:00Z",
    "hour-25": "2030-01-01T25:00:00Z",
    "nul-inside": "2030-01-01T09:00:00\x00Z",
    "surrogate": "\ud800",
}
DATETIME_CASES = [
    BadInput(f"{field}-{key}", changed((f"{field}_datetime",), value))
    for field in ("start", "end")
    for key, value in BAD_DATETIMES.items()
]


def wrong_type_cases(fields: dict[tuple[Any, ...], str]) -> list[BadInput]:
    return [
        BadInput(f"wrong-type-{'.'.join(map(str, path))}-{kind}", changed(path, value))
        for path, expected in fields.items()
        for kind, value in WRONG_TYPES.items()
        if kind != expected
    ]


COMMON_BODIES = [
    BadInput("body-null", raw("null")),
    BadInput("body-array", raw("[]")),
    BadInput("body-string", raw('"text"')),
    BadInput("body-number", raw("42")),
    BadInput("body-true", raw("true")),
    BadInput("body-payload-inside-array", lambda payload: json.dumps([payload]).encode()),
    BadInput("body-deep-arrays", raw(deep("[", "]"))),
    BadInput("body-deep-objects", raw(deep('{"a":', "}", inner="1"))),
    BadInput("body-truncated", lambda payload: json.dumps(payload).encode()[:-1]),
    BadInput("body-invalid-utf8", raw(b'{"name": "\xff\xfe"}')),
    BadInput("body-nan", raw('{"name": NaN}')),
    BadInput("body-infinity", raw('{"name": -Infinity}')),
    BadInput("body-5000-digit-number", raw('{"name": ' + "9" * 5000 + "}")),
    BadInput("body-surrogate-key", raw('{"\\ud800": 1, "name": 1}')),
    BadInput("charset-bz2", raw("{}"), "application/json; charset=bz2_codec"),
    BadInput("charset-utf16-on-utf8", raw('{"name": "x"}'), "application/json; charset=utf-16"),
]

CREATE_BAD_INPUTS = [
    *COMMON_BODIES,
    BadInput("body-empty", raw("")),
    *wrong_type_cases(CREATE_FIELDS),
    # Numbers sent as strings, with otherwise valid values (DRF would coerce them).
    BadInput("string-total", as_string(("total_number_of_questions",))),
    BadInput("string-easy", as_string((*DIST, "easy"))),
    BadInput("string-medium", as_string((*DIST, "medium"))),
    BadInput("string-hard", as_string((*DIST, "hard"))),
    BadInput("string-total-exponent", changed(("total_number_of_questions",), "6e0")),
    BadInput("string-total-hex", changed(("total_number_of_questions",), "0x6")),
    BadInput("float-total", changed(("total_number_of_questions",), 6.5)),
    BadInput("float-total-exponent", raw('{"total_number_of_questions": 1e999}')),
    # UUIDs sent as their integers (DRF would turn them into the very same UUIDs).
    BadInput("int-category-uuid", as_int(("category_uuid",))),
    BadInput("int-topic-uuid", as_int((*DIST, "topic_uuid"))),
    BadInput("int-subtopic-uuid", as_int((*DIST, "subtopic_uuid"))),
    BadInput("int-candidate-uuid", as_int(CANDIDATE)),
    # Huge and negative integers.
    BadInput("huge-total", changed(("total_number_of_questions",), 10**30)),
    BadInput("negative-huge-total", changed(("total_number_of_questions",), -(10**30))),
    BadInput("total-2-pow-31", changed(("total_number_of_questions",), 2**31)),
    BadInput("total-2-pow-63", changed(("total_number_of_questions",), 2**63)),
    BadInput("total-2-pow-64", changed(("total_number_of_questions",), 2**64)),
    BadInput("huge-easy", changed((*DIST, "easy"), 10**30)),
    BadInput("negative-huge-medium", changed((*DIST, "medium"), -(10**30))),
    BadInput("hard-2-pow-31", changed((*DIST, "hard"), 2**31)),
    BadInput("huge-category-uuid-int", changed(("category_uuid",), 10**30)),
    BadInput("huge-candidate-uuid-int", changed(CANDIDATE, 10**40)),
    # NUL bytes.
    BadInput("nul-name", changed(("name",), "Python\x00Interview")),
    BadInput("nul-only-name", changed(("name",), "\x00")),
    BadInput("nul-description", changed(("description",), "a\x00b")),
    BadInput("nul-category-uuid", appended(("category_uuid",), "\x00")),
    BadInput("nul-topic-uuid", appended((*DIST, "topic_uuid"), "\x00")),
    BadInput("nul-subtopic-uuid", changed((*DIST, "subtopic_uuid"), "\x00")),
    BadInput("nul-candidate-uuid", appended(CANDIDATE, "\x00")),
    # Lone UTF-16 surrogates (valid JSON escapes, not encodable text).
    BadInput("surrogate-name", changed(("name",), "\ud800")),
    BadInput("surrogate-in-name", changed(("name",), "Python \udfff Interview")),
    BadInput("surrogate-description", changed(("description",), "\udbff")),
    BadInput("surrogate-category-uuid", changed(("category_uuid",), "\ud800")),
    BadInput("surrogate-subtopic-uuid", changed((*DIST, "subtopic_uuid"), "\ud800")),
    BadInput("surrogate-candidate-uuid", changed(CANDIDATE, "\ud800")),
    # Datetimes.
    *DATETIME_CASES,
    # Arrays where objects belong, objects where arrays belong, nesting.
    BadInput("distribution-as-array", changed(DIST, [["topic_uuid", "x"]])),
    BadInput("distributions-as-object", changed(("question_distributions",), {"0": {}})),
    BadInput("candidates-as-object", changed(("candidate_uuids",), {"0": "x"})),
    BadInput(
        "candidates-nested-500", spliced(("candidate_uuids",), deep("[", "]", 500), parses=True)
    ),
    BadInput(
        "distributions-nested-deep",
        spliced(("question_distributions",), deep("[", "]"), parses=False),
    ),
    BadInput("name-nested-deep", spliced(("name",), deep('{"a":', "}", inner="1"), parses=False)),
]

UPDATE_BAD_INPUTS = [
    *COMMON_BODIES,
    *wrong_type_cases(UPDATE_FIELDS),
    BadInput("nul-name", changed(("name",), "Python\x00Interview")),
    BadInput("nul-description", changed(("description",), "a\x00b")),
    BadInput("surrogate-name", changed(("name",), "\ud800")),
    BadInput("surrogate-description", changed(("description",), "x\udfff")),
    *DATETIME_CASES,
    BadInput("name-nested-deep", spliced(("name",), deep("[", "]"), parses=False)),
]
BAD_INPUTS_TRIED = len(CREATE_BAD_INPUTS) + len(UPDATE_BAD_INPUTS)


@pytest.mark.parametrize("bad", CREATE_BAD_INPUTS, ids=lambda bad: bad.id)
def test_bad_create_input_is_400_and_stores_nothing(tenant, hr_client, bad):
    payload = factories.panel_payload(tenant.category, tenant.candidates)

    response = hr_client.generic(
        "POST", CREATE_URL, bad.body(payload), content_type=bad.content_type
    )

    body = assert_400(response)
    if bad.field:
        assert bad.field in body["errors"]
    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize("bad", UPDATE_BAD_INPUTS, ids=lambda bad: bad.id)
def test_bad_update_input_is_400_and_stores_nothing(tenant, hr_client, bad):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    payload = {
        "name": "Renamed",
        "description": "New description",
        "start_datetime": factories.iso(factories.future(2)),
        "end_datetime": factories.iso(factories.future(20)),
    }
    before = panels_dump()

    response = hr_client.generic(
        "PUT", f"/api/panel/update/{panel.uuid}/", bad.body(payload), content_type=bad.content_type
    )

    body = assert_400(response)
    if bad.field:
        assert bad.field in body["errors"]
    assert panels_dump() == before


def test_the_catalogue_counts_its_bad_inputs():
    ids = [bad.id for bad in CREATE_BAD_INPUTS] + [f"u-{bad.id}" for bad in UPDATE_BAD_INPUTS]
    assert len(set(ids)) == len(ids) == BAD_INPUTS_TRIED


# --- regressions ---------------------------------------------------------------------------------


def test_deeply_nested_json_is_400_in_the_envelope_not_a_500(tenant, hr_client):
    body = deep("[", "]")

    response = hr_client.generic("POST", CREATE_URL, body, content_type="application/json")
    assert assert_400(response)["message"] == (
        "JSON parse error - the document is nested too deeply."
    )


def test_a_recursion_error_outside_parsing_is_still_a_server_error(tenant, member_client, settings):
    """Only a parser's RecursionError is the client's fault; anywhere else it is a bug."""

    def recurse(user: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")

    with_settings(settings, ORGANIZATION_RESOLVER=recurse)

    with pytest.raises(RecursionError):
        member_client.get("/api/panel/get/")


@pytest.mark.parametrize(
    ("field", "value"),
    [("end_datetime", "9999-12-30T23:59:59Z"), ("start_datetime", "0001-01-02T00:00:00Z")],
)
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"])
def test_extreme_accepted_datetimes_can_be_read_in_every_time_zone(
    tenant, hr_client, settings, field, value, zone
):
    """The range a datetime may take stays a day inside Python's: no read of it overflows."""
    response = create(hr_client, factories.panel_payload(tenant.category, **{field: value}))
    assert response.status_code == 201, response.json()
    settings.TIME_ZONE = zone

    listed = hr_client.get("/api/panel/get/")
    detail = hr_client.get(f"/api/panel/get/{response.json()['data']['uuid']}/")

    assert listed.status_code == detail.status_code == 200
    stored = InterviewPanel.objects.get(uuid=response.json()["data"]["uuid"])
    assert getattr(stored, field) == dt.datetime.fromisoformat(value)

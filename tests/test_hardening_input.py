"""Issue 9, input: linear-time validation, caps before elements, one UUID rule, a true schema.

Every field of every request serializer and every list filter is found by walking them, so a new
field is timed and checked without anyone adding it here.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import signal
import statistics
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.validators import RegexValidator
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers as drf

from django_interview_panels.api import fields as api_fields
from django_interview_panels.api import filters as api_filters
from django_interview_panels.api.exceptions import PanelNotFound
from django_interview_panels.api.fields import (
    EARLIEST_DATETIME,
    INVISIBLE_BMP_RANGES,
    INVISIBLE_CATEGORIES,
    LATEST_DATETIME,
    MAX_ELEMENT_ERRORS,
    NAME_PATTERN_TEXT,
    TRUNCATED_KEY,
    AwareDateTimeField,
    BoundedListField,
    BoundedListSerializer,
    DescribedRule,
    StrictCharField,
    StrictIntegerField,
    StrictUUIDField,
    UniqueItemsListField,
    has_visible_character,
    parse_canonical_uuid,
)
from django_interview_panels.bank.serializers import (
    BankCoverageSerializer,
    DistributionInputSerializer,
)
from django_interview_panels.candidates.access import AccessSerializer
from django_interview_panels.candidates.serializers import CandidateAddSerializer
from django_interview_panels.interviews.serializers import AnswerSerializer, ReviewSerializer
from django_interview_panels.models import InterviewPanel
from django_interview_panels.panels.filters import PanelFilterSet
from django_interview_panels.panels.serializers import (
    PanelCreateSerializer,
    PanelUpdateSerializer,
)
from django_interview_panels.panels.views import parse_panel_uuid
from tests import factories

REQUEST_SERIALIZERS = {
    "create": PanelCreateSerializer,
    "update": PanelUpdateSerializer,
    "coverage": BankCoverageSerializer,
}
LARGE = 100_000
SMALL = 1_000


def create_payload() -> dict[str, Any]:
    """A create request the serializer accepts (its UUIDs name nothing: no database is read)."""
    start = factories.future(1).replace(microsecond=0)
    return {
        "name": "Python Developer Interview",
        "description": "Technical interview",
        "total_number_of_questions": 6,
        "start_datetime": factories.iso(start),
        "end_datetime": factories.iso(start + dt.timedelta(hours=8)),
        "category_uuid": str(uuid.uuid4()),
        "question_distributions": [
            {
                "topic_uuid": str(uuid.uuid4()),
                "subtopic_uuid": str(uuid.uuid4()),
                "easy": 1,
                "medium": 1,
                "hard": 1,
            }
            for _ in range(2)
        ],
        "candidate_uuids": [str(uuid.uuid4()) for _ in range(2)],
    }


def update_payload() -> dict[str, Any]:
    start = factories.future(2).replace(microsecond=0)
    return {
        "name": "Renamed",
        "description": "New description",
        "start_datetime": factories.iso(start),
        "end_datetime": factories.iso(start + dt.timedelta(hours=8)),
    }


def coverage_payload() -> dict[str, Any]:
    """A coverage request the serializer accepts: the create's bank references, a count."""
    create = create_payload()
    return {
        "category_uuid": create["category_uuid"],
        "question_distributions": create["question_distributions"],
        "candidates": 10,
    }


PAYLOADS = {"create": create_payload, "update": update_payload, "coverage": coverage_payload}


def walk(serializer: drf.Serializer, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(path, field) for every field of ``serializer``, list elements (index 0) included."""
    for name, field in serializer.fields.items():
        path = (*prefix, name)
        yield path, field
        if isinstance(field, drf.ListSerializer):
            yield (*path, 0), field.child
            yield from walk(field.child, (*path, 0))
        elif isinstance(field, drf.ListField):
            yield (*path, 0), field.child
        elif isinstance(field, drf.Serializer):
            yield from walk(field, path)


def request_fields() -> list[tuple[str, tuple[Any, ...], drf.Field]]:
    return [
        (request, path, field)
        for request, serializer in REQUEST_SERIALIZERS.items()
        for path, field in walk(serializer())
    ]


def with_value(payload: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    payload = copy.deepcopy(payload)
    target = payload
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return payload


# --- adversarial values -------------------------------------------------------------------------

# Strings of about n characters built to make a backtracking matcher or a careless parser slow:
# long runs just short of a match of each pattern the app has or had (the name's visible
# character, NUL-free text, UUIDs, ISO 8601 datetimes), NULs at the end, whitespace runs.
ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "run-then-nul": lambda n: "x" * n + "\x00",
    "spaces-then-nul": lambda n: " " * n + "\x00",
    "mixed-whitespace-then-nul": lambda n: " \t\n\u3000" * (n // 4) + "\x00",
    "invisible-run": lambda n: "\u200b\ufeff" * (n // 2),
    "invisible-run-then-nul": lambda n: "\u202e" * n + "\x00",
    "nul-run": lambda n: "\x00" * n,
    "uuid-like-run": lambda n: "0123abcd-" * (n // 9),
    "uuid-then-junk": lambda n: str(uuid.UUID(int=0)) + "0" * n,
    "datetime-spaces": lambda n: "2030-01-01T09:00:00" + " " * n + "x",
    "datetime-fraction": lambda n: "2030-01-01T09:00:00." + "1" * n + "Z",
    "digits": lambda n: "9" * n,
}


def benign(n: int) -> str:
    return "x" * n


def sized(field: drf.Field, make: Callable[[int], str], n: int) -> Any:
    """A value of about n characters for ``field``: for a list, that many characters of items."""
    if isinstance(field, drf.ListSerializer | drf.ListField):
        item = make(36)
        return [item] * max(n // max(len(item), 1), 1)
    return make(n)


class TooSlow(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise TooSlow


def median_seconds(function: Callable[[], Any], repeats: int = 5, deadline: float = 2.0) -> float:
    """The median duration of ``function``; fails at once if one call passes ``deadline``."""
    durations = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for _ in range(repeats):
            signal.setitimer(signal.ITIMER_REAL, deadline)
            started = time.perf_counter()
            try:
                function()
            except TooSlow:
                pytest.fail(f"one validation took more than {deadline} s")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            durations.append(time.perf_counter() - started)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return statistics.median(durations)


# Linear work on 100 kB is ~100x that on 1 kB and about that of a benign 100 kB value; quadratic
# work is ~10,000x. These bounds sit between the two, with room for a noisy shared machine.
SAME_SIZE_FACTOR = 20
SIZE_FACTOR = 1_000
SLACK = 0.005


def assert_linear(validate: Callable[[Any], Any], make_value: Callable[..., Any]) -> None:
    benign_large = median_seconds(lambda: validate(make_value(benign, LARGE)))
    for kind, make in ADVERSARIAL.items():
        small_value, large_value = make_value(make, SMALL), make_value(make, LARGE)
        small = median_seconds(lambda v=small_value: validate(v))
        large = median_seconds(lambda v=large_value: validate(v))
        assert large <= SAME_SIZE_FACTOR * benign_large + SLACK, (kind, large, benign_large)
        assert large <= SIZE_FACTOR * small + SLACK, (kind, large, small)


@pytest.mark.parametrize(
    ("request_name", "path", "field"),
    request_fields(),
    ids=[f"{r}-{'.'.join(map(str, p))}" for r, p, _ in request_fields()],
)
def test_every_request_field_validates_adversarial_100kb_values_in_linear_time(
    request_name, path, field
):
    payload = PAYLOADS[request_name]()
    serializer_class = REQUEST_SERIALIZERS[request_name]

    def validate(data: dict[str, Any]) -> None:
        serializer_class(data=data, partial=request_name == "update").is_valid()

    assert_linear(validate, lambda make, n: with_value(payload, path, sized(field, make, n)))


@pytest.mark.parametrize("parameter", list(PanelFilterSet.base_filters))
def test_every_list_filter_validates_adversarial_100kb_values_in_linear_time(parameter):
    def validate(query: dict[str, str]) -> None:
        PanelFilterSet(query, queryset=InterviewPanel.objects.none()).is_valid()

    assert_linear(validate, lambda make, n: {parameter: make(n)})


KNOWN_FIELDS = (
    StrictCharField,
    StrictIntegerField,
    StrictUUIDField,
    AwareDateTimeField,
    BoundedListField,
    UniqueItemsListField,
    BoundedListSerializer,
    DistributionInputSerializer,
)


@pytest.mark.parametrize(
    ("request_name", "path", "field"),
    request_fields(),
    ids=[f"{r}-{'.'.join(map(str, p))}" for r, p, _ in request_fields()],
)
def test_every_request_field_is_of_a_known_kind_capped_and_runs_no_regex(request_name, path, field):
    """A new field must be one of the kinds the timing test and the caps were built for."""
    assert type(field) in KNOWN_FIELDS, (path, type(field))
    if isinstance(field, StrictCharField | BoundedListField | BoundedListSerializer):
        assert field.max_length is not None, path
    for validator in field.validators:
        # A regex may describe a rule to OpenAPI; the server checks it with linear code.
        assert not isinstance(validator, RegexValidator) or isinstance(validator, DescribedRule)


def test_every_list_filter_is_of_a_known_kind():
    known = (
        api_filters.CanonicalUUIDField,
        api_filters.StrictBooleanField,
        api_filters.AwareDateTimeFormField,
        api_filters.SearchField,
        # django-filter's ChoiceField: `value in choices`, linear.
        PanelFilterSet.base_filters["ordering"].field_class,
    )
    for name, list_filter in PanelFilterSet.base_filters.items():
        assert list_filter.field_class in known, name


def test_the_adversarial_name_is_refused_by_its_length_before_any_rule():
    value = "x" * 32_000 + "\x00"
    serializer = PanelUpdateSerializer(data={"name": value}, partial=True)

    assert not serializer.is_valid()
    assert serializer.errors == {"name": ["Ensure this field has no more than 255 characters."]}


@pytest.mark.django_db
def test_the_length_cap_counts_the_text_as_sent(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category)

    response = hr_client.patch(
        f"/api/panel/update/{panel.uuid}/", {"name": "a" + " " * 255}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["Ensure this field has no more than 255 characters."]
    }


# --- visible characters -------------------------------------------------------------------------

INVISIBLE_NAMES = {
    "bom": "\ufeff",
    "bidi-overrides": "\u202e\u202d",
    "u0001": "\x01",
    "delete": "\x7f",
    "whitespace": " \t\n\r\u3000\u00a0",
    "zero-width-space": "\u200b",
    "line-separator": "\u2028",
    "soft-hyphen": "\u00ad",
    "astral-tag-space": "\U000e0020",
    "mixed": " \ufeff\u200d\x01 ",
}
VISIBLE_NAMES = {
    "letter": "a",
    "digit": "7",
    "punctuation": "!",
    "symbol": "\u20ac",
    "combining-mark": "\u0301",
    "emoji": "\U0001f600",
    "private-use": "\ue000",
    "invisible-around-a-letter": "\ufeff\u202ea\u200b",
}


@pytest.mark.parametrize("name", INVISIBLE_NAMES.values(), ids=INVISIBLE_NAMES)
def test_a_name_with_nothing_visible_is_refused(name):
    serializer = PanelUpdateSerializer(data={"name": name}, partial=True)

    assert not serializer.is_valid()
    assert "name" in serializer.errors


@pytest.mark.parametrize("name", VISIBLE_NAMES.values(), ids=VISIBLE_NAMES)
def test_a_name_with_a_visible_character_is_accepted(name):
    serializer = PanelUpdateSerializer(data={"name": name}, partial=True)

    assert serializer.is_valid(), serializer.errors


@pytest.mark.django_db
def test_invisible_name_over_http_is_400_naming_the_rule(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category)

    response = hr_client.patch(
        f"/api/panel/update/{panel.uuid}/", {"name": "\u202e\u202d"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["Enter a name with at least one visible character."]
    }


def _bmp_ranges(categories: frozenset[str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):
        if unicodedata.category(chr(code)) not in categories - {"Cs"}:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return ranges


def test_the_schema_patterns_invisible_ranges_are_the_unicode_categories():
    assert list(INVISIBLE_BMP_RANGES) == _bmp_ranges(INVISIBLE_CATEGORIES)


def test_the_name_pattern_agrees_with_the_server_on_every_bmp_character():
    pattern = re.compile(NAME_PATTERN_TEXT)
    disagreements = [
        hex(code)
        for code in range(0x10000)
        if not 0xD800 <= code <= 0xDFFF
        and bool(pattern.search(f" {chr(code)} "))
        != (code != 0 and has_visible_character(chr(code)))
    ]
    assert disagreements == []


# --- one UUID rule ------------------------------------------------------------------------------

SOME_UUID = uuid.UUID("123e4567-e89b-12d3-a456-426614174007")
NON_CANONICAL_UUIDS = {
    "braces": "{" + str(SOME_UUID) + "}",
    "urn": f"urn:uuid:{SOME_UUID}",
    "bare-hex": SOME_UUID.hex,
    "surrounding-spaces": f" {SOME_UUID} ",
    "hyphen-moved": SOME_UUID.hex[:7] + "-" + str(SOME_UUID)[7:].replace("-", "", 1),
    "arabic-indic-digit": str(SOME_UUID).replace("1", "\u0661", 1),
    "fullwidth-digit": str(SOME_UUID).replace("1", "\uff11", 1),
}


@pytest.mark.parametrize("text", NON_CANONICAL_UUIDS.values(), ids=NON_CANONICAL_UUIDS)
def test_non_canonical_uuids_are_refused_by_the_one_rule(text):
    assert parse_canonical_uuid(text) is None


@pytest.mark.parametrize("text", [str(SOME_UUID), str(SOME_UUID).upper()])
def test_canonical_uuids_in_either_case_are_accepted(text):
    assert parse_canonical_uuid(text) == SOME_UUID


@pytest.mark.parametrize(
    "text", [*NON_CANONICAL_UUIDS.values(), str(SOME_UUID), str(SOME_UUID).upper(), ""]
)
def test_paths_filters_and_bodies_apply_the_same_uuid_rule(text):
    expected = parse_canonical_uuid(text)

    try:
        in_path = parse_panel_uuid(text)
    except PanelNotFound:
        in_path = None
    body = StrictUUIDField()
    try:
        in_body = body.run_validation(text)
    except drf.ValidationError:
        in_body = None
    form = PanelFilterSet({"category": text}, queryset=InterviewPanel.objects.none()).form
    in_query = form.cleaned_data.get("category") if form.is_valid() else None

    assert in_path == in_body == expected
    assert in_query == expected or (text == "" and in_query is None)


@pytest.mark.parametrize("form", NON_CANONICAL_UUIDS, ids=NON_CANONICAL_UUIDS)
@pytest.mark.django_db
def test_a_non_canonical_path_uuid_is_404_like_any_malformed_one(tenant, hr_client, form):
    panel = factories.make_panel(tenant.organization, tenant.category)
    text = NON_CANONICAL_UUIDS[form].replace(str(SOME_UUID), str(panel.uuid))
    text = text.replace(SOME_UUID.hex, panel.uuid.hex)

    response = hr_client.get(f"/api/panel/get/{text}/")

    assert response.status_code == 404
    assert response.json()["message"] == "Interview panel not found"


@pytest.mark.django_db
def test_an_upper_case_path_uuid_finds_the_panel(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category)

    response = hr_client.get(f"/api/panel/get/{str(panel.uuid).upper()}/")

    assert response.status_code == 200


@pytest.mark.parametrize("text", NON_CANONICAL_UUIDS.values(), ids=NON_CANONICAL_UUIDS)
def test_a_non_canonical_body_uuid_is_refused(text):
    serializer = PanelCreateSerializer(data={**create_payload(), "category_uuid": text})

    assert not serializer.is_valid()
    assert serializer.errors["category_uuid"] == ["Must be a valid UUID."]


# --- lists: caps before elements, element errors capped -----------------------------------------


@pytest.fixture
def uuid_parses(monkeypatch) -> list[int]:
    """Counts the UUID parses of body fields (one per UUID element validated)."""
    calls = [0]
    original = api_fields.parse_canonical_uuid

    def counting(value: Any) -> uuid.UUID | None:
        calls[0] += 1
        return original(value)

    monkeypatch.setattr(api_fields, "parse_canonical_uuid", counting)
    return calls


def test_an_over_cap_candidate_list_is_refused_without_reading_its_elements(uuid_parses):
    payload = {**create_payload(), "candidate_uuids": [str(uuid.uuid4())] * 1_200_000}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    assert serializer.errors == {
        "candidate_uuids": ["Ensure this field has no more than 1000 elements."]
    }
    # The category and the two distributions' topic and subtopic: nothing of the list.
    assert uuid_parses[0] == 5


def test_an_over_cap_distribution_list_is_refused_without_reading_its_elements(
    uuid_parses, settings
):
    settings.INTERVIEW_PANELS = {"MAX_DISTRIBUTIONS_PER_PANEL": 3}
    element = create_payload()["question_distributions"][0]
    payload = {**create_payload(), "candidate_uuids": [], "question_distributions": [element] * 4}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    assert serializer.errors == {
        "question_distributions": ["Ensure this field has no more than 3 elements."]
    }
    assert uuid_parses[0] == 1


@pytest.mark.django_db
def test_the_issues_1_2_million_candidates_get_a_short_400(tenant, hr_client):
    payload = {**factories.panel_payload(tenant.category), "candidate_uuids": [0] * 1_200_000}
    body = json.dumps(payload, separators=(",", ":"))

    response = hr_client.generic("POST", "/api/panel/create/", body, "application/json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "candidate_uuids": ["Ensure this field has no more than 1000 elements."]
    }
    assert len(response.content) < 1_000


def test_at_most_the_cap_of_element_errors_is_reported_and_the_cut_is_said():
    payload = {**create_payload(), "candidate_uuids": ["nope"] * 1000}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    errors = serializer.errors["candidate_uuids"]
    assert list(errors) == [*range(MAX_ELEMENT_ERRORS), TRUNCATED_KEY]
    assert errors[0] == ["Must be a valid UUID."]
    assert errors[TRUNCATED_KEY] == [
        "Only the first 100 invalid elements are reported; the elements after them were not "
        "checked."
    ]


def test_distribution_element_errors_are_capped_too(settings):
    settings.INTERVIEW_PANELS = {"MAX_DISTRIBUTIONS_PER_PANEL": 150}
    payload = {**create_payload(), "question_distributions": [{"easy": "x"}] * 150}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    errors = serializer.errors["question_distributions"]
    assert list(errors) == [*range(MAX_ELEMENT_ERRORS), TRUNCATED_KEY]


def test_exactly_the_cap_of_element_errors_is_not_called_truncated():
    payload = {**create_payload(), "candidate_uuids": ["nope"] * MAX_ELEMENT_ERRORS}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    assert list(serializer.errors["candidate_uuids"]) == list(range(MAX_ELEMENT_ERRORS))


def test_repeated_candidates_are_listed_up_to_the_cap():
    candidates = [str(uuid.uuid4()) for _ in range(500)]
    payload = {**create_payload(), "candidate_uuids": candidates * 2}

    serializer = PanelCreateSerializer(data=payload)

    assert not serializer.is_valid()
    messages = serializer.errors["candidate_uuids"]
    assert len(messages) == MAX_ELEMENT_ERRORS + 1
    assert messages[0] == f"Candidate {candidates[0]} is listed more than once."
    assert messages[-1] == "400 more are not listed."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "This list may not be empty."),
        ({"0": {}}, 'Expected a list of items but got type "dict".'),
        ([{}] * 101, "Ensure this field has no more than 100 elements."),
    ],
    ids=["empty", "not-a-list", "over-cap"],
)
def test_list_errors_of_distributions_are_messages_under_its_name(value, message):
    serializer = PanelCreateSerializer(data={**create_payload(), "question_distributions": value})

    assert not serializer.is_valid()
    assert serializer.errors["question_distributions"] == [message]


# --- the request schema -------------------------------------------------------------------------


def generate_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def request_components(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: component
        for name, component in schema["components"]["schemas"].items()
        if name.endswith("Request")
    }


def test_list_caps_in_the_schema_come_from_the_settings(settings):
    settings.INTERVIEW_PANELS = {"MAX_DISTRIBUTIONS_PER_PANEL": 7, "MAX_CANDIDATES_PER_PANEL": 9}

    create = generate_schema()["components"]["schemas"]["PanelCreateRequest"]["properties"]

    assert create["question_distributions"]["minItems"] == 1
    assert create["question_distributions"]["maxItems"] == 7
    assert create["candidate_uuids"]["maxItems"] == 9
    assert "minItems" not in create["candidate_uuids"]


def _alternatives(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A property's schema, or the branches of a union of JSON types (an interview answer is a
    string, a number or a list): one branch per type, never a string split in two."""
    branches = schema.get("oneOf")
    if branches is None:
        return [schema]
    types = [branch.get("type") for branch in branches]
    assert None not in types and len(set(types)) == len(types), schema
    return [piece for branch in branches for piece in (branch, branch.get("items", {}))]


def test_every_string_in_a_request_is_one_schema_with_a_length_cap():
    for name, component in request_components(generate_schema()).items():
        for field, property_schema in component["properties"].items():
            items = property_schema.get("items", {})
            for schema in (*_alternatives(property_schema), items):
                assert not {"oneOf", "anyOf", "allOf"} & set(schema), (name, field)
                # An uploaded file (format binary) is capped in bytes by IMPORT_MAX_BYTES, a
                # setting, checked before it is parsed; a schema maxLength could not follow it.
                if schema.get("type") == "string" and schema.get("format") not in (
                    "uuid",
                    "binary",
                ):
                    assert "maxLength" in schema, (name, field)


def test_the_description_schema_accepts_the_empty_string_once():
    for component in request_components(generate_schema()).values():
        description = component["properties"].get("description")
        if description is not None:
            assert description["type"] == "string"
            assert re.search(description["pattern"], "")


def _request_examples(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for item in schema["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            for content in operation["requestBody"]["content"].values():
                for example in content.get("examples", {}).values():
                    yield operation["operationId"], example["value"]


def test_every_request_example_in_the_schema_passes_validation():
    serializer_for = {
        "panel_create": PanelCreateSerializer,
        "panel_update": PanelUpdateSerializer,
        "panel_partial_update": PanelUpdateSerializer,
        "bank_coverage": BankCoverageSerializer,
        # The answer's shape per item kind: tests/interviews/test_schema.py sends the examples.
        "interview_answer_save": AnswerSerializer,
        "review_create": ReviewSerializer,
        # tests/candidates_access/test_schema_and_checks.py sends them too.
        "candidate_access_partial_update": AccessSerializer,
        "candidate_add": CandidateAddSerializer,
    }
    examples = list(_request_examples(generate_schema()))

    assert {operation for operation, _ in examples} == set(serializer_for)
    for operation, example in examples:
        partial = operation in (
            "panel_update",
            "panel_partial_update",
            "candidate_access_partial_update",
        )
        serializer = serializer_for[operation](data=example, partial=partial)
        assert serializer.is_valid(), (operation, serializer.errors)


def test_the_schema_states_the_accepted_datetime_range():
    create = generate_schema()["components"]["schemas"]["PanelCreateRequest"]["properties"]

    for field in ("start_datetime", "end_datetime"):
        description = create[field]["description"]
        assert "0001-01-02T00:00:00Z" in description
        assert "9999-12-30T23:59:59.999999Z" in description


@pytest.mark.parametrize(
    ("instant", "accepted"),
    [
        (EARLIEST_DATETIME, True),
        (EARLIEST_DATETIME - dt.timedelta(microseconds=1), False),
        (LATEST_DATETIME, True),
        (LATEST_DATETIME + dt.timedelta(microseconds=1), False),
    ],
)
def test_the_stated_datetime_range_is_exactly_the_accepted_one(instant, accepted):
    field = AwareDateTimeField()
    text = instant.isoformat().replace("+00:00", "Z")

    try:
        field.run_validation(text)
    except drf.ValidationError:
        assert not accepted
    else:
        assert accepted

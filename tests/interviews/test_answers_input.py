"""Bad answers never reach the database and never make a 500: every one is a 400 in the
envelope (a body that is not JSON 415, a closed attempt 409), and nothing changes.

The saved answer of the item is checked after every refused request: still what it was.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from django_interview_panels.interviews import services
from django_interview_panels.models import AttemptItem, InterviewPanel, PanelCandidate

from .conftest import INTERVIEW, open_panel, token_client
from .kinds import VALID_ANSWERS, items_by_kind, start_with_every_kind

MAX_ANSWER_LENGTH = 20_000  # the setting's default (conf.py)
TEXT_KINDS = ("open", "short_answer")
CHOICE_KINDS = ("single_choice", "multiple_choice")
# (kind, answer): JSON values of the wrong type for the item's kind.
WRONG_TYPES = [
    *[
        (kind, value)
        for kind in TEXT_KINDS
        for value in (5, 4.5, True, False, [], ["text"], {"text": "x"})
    ],
    *[("numeric", value) for value in ("42", "", True, False, [42], {"value": 42})],
    *[(kind, value) for kind in CHOICE_KINDS for value in ("0", 0, 1.0, True, {"0": True}, "[0]")],
]
# (kind, answer): choice positions that are not a set of displayed positions.
BAD_POSITIONS = [
    ("single_choice", [0, 1]),  # two choices for a single choice
    ("multiple_choice", [0, 1, 2, 0]),  # more positions than choices
    ("multiple_choice", [0, 0]),  # duplicates
    ("multiple_choice", [3]),  # past the last of three choices
    ("multiple_choice", [-1]),
    ("multiple_choice", [2**64]),
    ("multiple_choice", [10**400]),
    ("multiple_choice", [True]),  # a bool is no position (True == 1 in Python)
    ("multiple_choice", [False]),
    ("multiple_choice", [1.0]),
    ("multiple_choice", ["1"]),
    ("multiple_choice", [None]),
    ("multiple_choice", [[0]]),
    ("multiple_choice", [{"position": 0}]),
    ("single_choice", list(range(10_000))),
]
# Raw bodies that are not a JSON object with an answer.
BAD_BODIES = [
    pytest.param(b"", "answer", id="empty-body"),
    pytest.param(b"{}", "answer", id="no-answer-key"),
    pytest.param(b'{"answr": "x"}', "answer", id="misspelt-key"),
    pytest.param(b"null", "non_field_errors", id="null-body"),
    pytest.param(b"[]", "non_field_errors", id="array-body"),
    pytest.param(b'["x"]', "non_field_errors", id="array-of-answer"),
    pytest.param(b'"x"', "non_field_errors", id="string-body"),
    pytest.param(b"42", "non_field_errors", id="number-body"),
    pytest.param(b"true", "non_field_errors", id="bool-body"),
    pytest.param(b'{"answer": "x"', "detail", id="truncated"),
    pytest.param(b'{"answer": "x",}', "detail", id="trailing-comma"),
    pytest.param(b"{'answer': 'x'}", "detail", id="single-quotes"),
    pytest.param(b'{"answer": "\xff\xfe"}', "detail", id="not-utf-8"),
    pytest.param(b'{"answer": NaN}', "detail", id="nan"),
    pytest.param(b'{"answer": Infinity}', "detail", id="infinity"),
    pytest.param(b'{"answer": -Infinity}', "detail", id="minus-infinity"),
    pytest.param(b'{"answer": [NaN]}', "detail", id="nan-position"),
    pytest.param(
        b'{"answer": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "detail", id="nested-deep"
    ),
]


@pytest.fixture
def assignment(tenant) -> PanelCandidate:
    return start_with_every_kind(tenant)


@pytest.fixture
def items(assignment) -> dict[str, AttemptItem]:
    return items_by_kind(assignment)


@pytest.fixture
def client(assignment):
    return token_client(assignment.token)


def put(client: Any, item: AttemptItem, body: Any) -> Any:
    # json.dumps escapes lone surrogates (\ud800), which the test client's renderer cannot encode.
    return put_raw(client, item, json.dumps(body).encode(), "application/json")


def put_raw(client: Any, item: AttemptItem, raw: bytes, content_type: str) -> Any:
    return client.generic("PUT", f"{INTERVIEW}answers/{item.uuid}/", raw, content_type=content_type)


def stored(item: AttemptItem) -> tuple[Any, Any]:
    item = AttemptItem.objects.get(pk=item.pk)
    return item.answer, item.answered_at


def assert_refused(response: Any, status: int, key: str) -> dict[str, Any]:
    """An error in the envelope, with the messages under ``key``."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["success"] is False
    assert isinstance(body["message"], str) and body["message"]
    assert list(body["errors"]) == [key], body
    assert all(isinstance(message, str) for message in body["errors"][key])
    return body


@pytest.fixture
def saved(client, items) -> dict[str, Any]:
    """Every item answered validly first: a refused request must leave these answers."""
    for kind, item in items.items():
        assert put(client, item, {"answer": VALID_ANSWERS[kind]}).status_code == 200
    return {kind: stored(item) for kind, item in items.items()}


@pytest.mark.parametrize(("kind", "answer"), WRONG_TYPES, ids=repr)
def test_an_answer_of_the_wrong_json_type_is_a_400(client, items, saved, kind, answer):
    response = put(client, items[kind], {"answer": answer})

    assert_refused(response, 400, "answer")
    assert stored(items[kind]) == saved[kind]


@pytest.mark.parametrize(("kind", "answer"), BAD_POSITIONS, ids=lambda value: repr(value)[:40])
def test_positions_that_are_no_set_of_displayed_choices_are_a_400(
    client, items, saved, kind, answer
):
    response = put(client, items[kind], {"answer": answer})

    assert_refused(response, 400, "answer")
    assert stored(items[kind]) == saved[kind]


@pytest.mark.parametrize("raw", [b"true", b"false", b"1e400", b"-1e400", b"1e16", b"1" * 400])
def test_numbers_out_of_range_and_bools_are_a_400_on_a_numeric_item(client, items, saved, raw):
    body = b'{"answer": ' + raw + b"}"

    response = put_raw(client, items["numeric"], body, "application/json")

    assert_refused(response, 400, "answer")
    assert stored(items["numeric"]) == saved["numeric"]


@pytest.mark.parametrize("number", [0, -(10**15), 10**15, 0.1, -2.5e-300])
def test_finite_numbers_within_range_are_stored_as_sent(client, items, number):
    response = put(client, items["numeric"], {"answer": number})

    assert response.status_code == 200, response.json()
    assert response.json()["data"]["answer"] == number
    assert stored(items["numeric"])[0] == number


@pytest.mark.parametrize("kind", TEXT_KINDS)
@pytest.mark.parametrize(
    "text",
    ["a\x00b", "\x00", "\ud800", "lone \udfff surrogate", "x" * (MAX_ANSWER_LENGTH + 1)],
    ids=["nul", "only-nul", "high-surrogate", "low-surrogate", "over-the-cap"],
)
def test_text_that_cannot_be_stored_or_is_too_long_is_a_400(client, items, saved, kind, text):
    response = put(client, items[kind], {"answer": text})

    assert_refused(response, 400, "answer")
    assert stored(items[kind]) == saved[kind]


def test_text_of_exactly_the_cap_is_stored(client, items):
    response = put(client, items["open"], {"answer": "y" * MAX_ANSWER_LENGTH})

    assert response.status_code == 200
    assert len(stored(items["open"])[0]) == MAX_ANSWER_LENGTH


def test_the_length_cap_is_checked_before_anything_else_reads_the_text(client, items, settings):
    settings.INTERVIEW_PANELS = {"MAX_ANSWER_LENGTH": 10}
    # Too long, with a NUL and a surrogate: only the length is reported.
    text = "\ud800" + "x" * 10 + "\x00"

    body = assert_refused(put(client, items["open"], {"answer": text}), 400, "answer")

    assert body["errors"]["answer"] == ["Ensure the answer has no more than 10 characters."]


def test_a_body_past_the_upload_limit_is_a_400(client, items, saved, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = put(client, items["open"], {"answer": "z" * 2048})

    assert_refused(response, 400, "detail")
    assert stored(items["open"]) == saved["open"]


@pytest.mark.parametrize(("raw", "key"), BAD_BODIES)
def test_a_body_that_is_not_an_object_with_an_answer_is_a_400(client, items, saved, raw, key):
    response = put_raw(client, items["open"], raw, "application/json")

    assert_refused(response, 400, key)
    assert stored(items["open"]) == saved["open"]


@pytest.mark.parametrize("kind", ["open", "numeric", "multiple_choice"])
@pytest.mark.parametrize(
    "junk",
    [{"a": [1, {"b": 2}]}, [[0], [1]], [{"x": None}], {"answer": "nested"}],
    ids=["object", "lists-in-list", "objects-in-list", "answer-in-answer"],
)
def test_nested_junk_is_a_400_for_every_kind(client, items, saved, kind, junk):
    response = put(client, items[kind], {"answer": junk})

    assert_refused(response, 400, "answer")
    assert stored(items[kind]) == saved[kind]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_body_that_is_not_json_is_a_415(client, items, saved, content_type):
    response = put_raw(client, items["open"], b'{"answer": "x"}', content_type)

    assert_refused(response, 415, "detail")
    assert stored(items["open"]) == saved["open"]


@pytest.mark.parametrize("item_uuid", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
def test_an_unknown_item_is_a_404(client, saved, item_uuid):
    response = client.put(f"{INTERVIEW}answers/{item_uuid}/", {"answer": "x"}, format="json")

    assert_refused(response, 404, "item_uuid")


@pytest.mark.parametrize("kind", list(VALID_ANSWERS))
def test_null_clears_a_saved_answer(client, items, saved, kind):
    response = put(client, items[kind], {"answer": None})

    assert response.status_code == 200
    assert response.json()["data"]["answer"] is None
    assert response.json()["data"]["answered_at"] is None
    assert stored(items[kind]) == (None, None)
    rendered = client.get(f"{INTERVIEW}attempt/").json()["data"]["items"]
    assert next(i for i in rendered if i["uuid"] == str(items[kind].uuid))["answer"] is None


@pytest.mark.parametrize("kind", list(VALID_ANSWERS))
def test_the_same_put_twice_leaves_the_same_state(client, items, kind):
    first = put(client, items[kind], {"answer": VALID_ANSWERS[kind]})
    after_first = stored(items[kind])

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        again = put(client, items[kind], {"answer": VALID_ANSWERS[kind]})

    assert first.status_code == again.status_code == 200
    assert again.json()["data"] == first.json()["data"]
    assert stored(items[kind]) == after_first


def test_choices_are_stored_as_a_sorted_set_of_displayed_positions(client, items):
    response = put(client, items["multiple_choice"], {"answer": [2, 0]})

    assert response.json()["data"]["answer"] == [0, 2]
    assert put(client, items["multiple_choice"], {"answer": []}).json()["data"]["answer"] is None


def test_a_put_past_the_deadline_is_a_409_and_changes_nothing(tenant):
    assignment = start_with_every_kind(tenant)
    InterviewPanel.objects.filter(pk=assignment.panel_id).update(time_limit_minutes=30)
    client = token_client(assignment.token)
    item = items_by_kind(assignment)["open"]
    assert put(client, item, {"answer": "in time"}).status_code == 200

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        response = put(client, item, {"answer": "too late"})

    body = assert_refused(response, 409, "detail")
    assert body["message"] == str(services.TIME_IS_UP)
    assert stored(item)[0] == "in time"


def test_a_put_after_the_submit_is_a_409_and_changes_nothing(
    client, items, saved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{INTERVIEW}submit/").status_code == 200

    for kind, item in items.items():
        body = assert_refused(put(client, item, {"answer": None}), 409, "detail")
        assert body["message"] == str(services.ALREADY_SUBMITTED)
        assert stored(item) == saved[kind]


def test_a_put_before_the_start_is_a_409(tenant):
    panel = open_panel(tenant)
    assignment = PanelCandidate.objects.filter(panel=panel).first()

    response = token_client(assignment.token).put(
        f"{INTERVIEW}answers/00000000-0000-4000-8000-000000000000/", {"answer": "x"}, format="json"
    )

    body = assert_refused(response, 409, "detail")
    assert body["message"] == str(services.NO_ATTEMPT)

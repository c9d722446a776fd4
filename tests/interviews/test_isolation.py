"""A candidate's token opens their own attempt and nothing else, and nothing else opens it.

- another candidate's item (same panel, another panel, another organization) is a 404 exactly
  like an item that does not exist, and stays as it was;
- staff credentials (Bearer tokens of every role, a logged-in session) open no candidate
  operation, and a candidate token opens no staff operation: 401 everywhere;
- unknown, expired and deleted-panel tokens get byte-identical 401s;
- the token counts only in its header: in the query string, the path or the Authorization
  header it is ignored; a malformed header is a 401, never a 500.

The operations are read from the generated schema, so new ones are covered when they appear.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from django_interview_panels.interviews.authentication import INVALID_TOKEN, MISSING_TOKEN
from django_interview_panels.models import Attempt, AttemptItem, PanelCandidate
from django_interview_panels.panels import services as panel_services
from tests import factories
from tests.conftest import client_for

from .conftest import INTERVIEW, open_panel, token_client
from .kinds import start_with_every_kind

MISSING_ITEM = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def operations() -> dict[str, list[tuple[str, str]]]:
    """(method, path template) of every documented operation: the candidate's (those whose only
    security scheme is the interview token) and the staff's."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[str, list[tuple[str, str]]] = {"candidate": [], "staff": []}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            side = "candidate" if operation["security"] == [{"interviewToken": []}] else "staff"
            found[side].append((method, path))
    # Five under the test mount (a host that mounts the app twice has them twice).
    assert len([op for op in found["candidate"] if op[1].startswith(INTERVIEW)]) == 5
    assert all("/interview/" in path for _method, path in found["candidate"])
    assert len(found["staff"]) > 30
    return found


def call(client: APIClient, method: str, path: str, **parameters: str) -> Any:
    """``method`` on ``path`` with its ``{parameters}`` filled in (a fresh UUID for any other),
    and a JSON object body for the writes."""
    url = re.sub(r"\{(\w+)\}", lambda m: parameters.get(m.group(1), str(uuid.uuid4())), path)
    if method in ("post", "put", "patch"):
        return getattr(client, method)(url, {"answer": "x", "name": "x"}, format="json")
    return getattr(client, method)(url)


def started(assignment: PanelCandidate) -> list[str]:
    """Start ``assignment``'s attempt through the API; its item UUIDs in order."""
    response = token_client(assignment.token).post(f"{INTERVIEW}start/")
    assert response.status_code == 201, response.json()
    return [item["uuid"] for item in response.json()["data"]["items"]]


def answers(assignment: PanelCandidate) -> list[tuple[Any, Any]]:
    return list(
        AttemptItem.objects.filter(attempt__assignment=assignment)
        .order_by("position")
        .values_list("answer", "answered_at")
    )


@pytest.fixture
def own(tenant) -> PanelCandidate:
    """The caller: the first candidate of an open panel, attempt started."""
    return start_with_every_kind(tenant)


def strangers(tenant, other_tenant, own: PanelCandidate) -> dict[str, PanelCandidate]:
    """Candidates with started attempts: of the caller's panel, of another panel of the caller's
    organization, and of another organization."""
    same_panel = PanelCandidate.objects.filter(panel_id=own.panel_id).exclude(pk=own.pk).first()
    other_panel = PanelCandidate.objects.filter(panel=open_panel(tenant)).first()
    other_organization = PanelCandidate.objects.filter(panel=open_panel(other_tenant)).first()
    found = {
        "same_panel": same_panel,
        "other_panel": other_panel,
        "other_organization": other_organization,
    }
    for assignment in found.values():
        started(assignment)
        client = token_client(assignment.token)
        for item in AttemptItem.objects.filter(attempt__assignment=assignment):
            client.put(f"{INTERVIEW}answers/{item.uuid}/", {"answer": None}, format="json")
    return found


# --- Items of other candidates ----------------------------------------------------------------


@pytest.mark.parametrize("whose", ["same_panel", "other_panel", "other_organization"])
def test_another_candidates_item_is_a_404_like_a_missing_one(tenant, other_tenant, own, whose):
    stranger = strangers(tenant, other_tenant, own)[whose]
    before = answers(stranger)
    client = token_client(own.token)
    foreign_item = AttemptItem.objects.filter(attempt__assignment=stranger).first()

    foreign = client.put(
        f"{INTERVIEW}answers/{foreign_item.uuid}/", {"answer": None}, format="json"
    )
    missing = client.put(f"{INTERVIEW}answers/{MISSING_ITEM}/", {"answer": None}, format="json")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert answers(stranger) == before


def test_each_token_reads_its_own_attempt_only(tenant, other_tenant, own):
    others = strangers(tenant, other_tenant, own)

    for assignment in [own, *others.values()]:
        data = token_client(assignment.token).get(f"{INTERVIEW}attempt/").json()["data"]
        attempt = Attempt.objects.get(assignment=assignment)
        assert data["uuid"] == str(attempt.uuid)
        assert {item["uuid"] for item in data["items"]} == {
            str(value)
            for value in AttemptItem.objects.filter(attempt=attempt).values_list("uuid", flat=True)
        }


def test_a_candidate_without_an_attempt_does_not_see_anothers(own):
    unstarted = PanelCandidate.objects.filter(panel_id=own.panel_id).exclude(pk=own.pk).first()
    client = token_client(unstarted.token)

    assert client.get(f"{INTERVIEW}attempt/").status_code == 404
    assert client.post(f"{INTERVIEW}submit/").status_code == 409
    assert client.get(INTERVIEW).json()["data"]["state"] == "not_started"
    assert Attempt.objects.get(assignment=own).state == "in_progress"


def test_a_submit_closes_only_the_callers_attempt(tenant, other_tenant, own):
    others = strangers(tenant, other_tenant, own)

    assert token_client(own.token).post(f"{INTERVIEW}submit/").status_code == 200

    assert Attempt.objects.get(assignment=own).state == "submitted"
    for assignment in others.values():
        assert Attempt.objects.get(assignment=assignment).state == "in_progress"


# --- Staff credentials and candidate tokens do not cross ---------------------------------------


@pytest.mark.parametrize("role", ["admin", "hr", "member"])
def test_staff_bearer_tokens_open_no_candidate_operation(tenant, own, operations, role):
    client = client_for(getattr(tenant, role))
    item = str(AttemptItem.objects.filter(attempt__assignment=own).first().uuid)
    before = answers(own)

    for method, path in operations["candidate"]:
        response = call(client, method, path, item_uuid=item)
        assert response.status_code == 401, (method, path, response.content)
        assert response.json()["message"] == str(MISSING_TOKEN)
    assert answers(own) == before
    assert Attempt.objects.get(assignment=own).state == "in_progress"


def test_a_staff_session_opens_no_candidate_operation(tenant, own, operations):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(tenant.hr)
    item = str(AttemptItem.objects.filter(attempt__assignment=own).first().uuid)

    for method, path in operations["candidate"]:
        response = call(client, method, path, item_uuid=item)
        assert response.status_code == 401, (method, path, response.content)


def test_a_staff_bearer_token_in_the_interview_header_is_refused(tenant, own):
    response = token_client(factories.make_token(tenant.hr)).get(INTERVIEW)

    assert response.status_code == 401
    assert response.json()["message"] == str(INVALID_TOKEN)


@pytest.mark.parametrize("how", ["interview-header", "bearer", "query"])
def test_a_candidate_token_opens_no_staff_operation(own, operations, how):
    client = APIClient()
    if how == "interview-header":
        client.credentials(HTTP_X_INTERVIEW_TOKEN=own.token)
    elif how == "bearer":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {own.token}")
    panel = str(own.panel.uuid)

    for method, path in operations["staff"]:
        if how == "query":
            path = f"{path}?token={own.token}"
        response = call(client, method, path, interview_panel_uuid=panel)
        assert response.status_code == 401, (how, method, path, response.content)
        assert own.token not in response.content.decode()


# --- Refused tokens look alike -----------------------------------------------------------------


def panel_ending_in(tenant, minutes: int) -> Any:
    """An open panel of ``tenant`` that ends in ``minutes``."""
    now = timezone.now()
    return factories.make_panel(
        tenant.organization,
        tenant.category,
        tenant.candidates,
        start_datetime=factories.iso(now - dt.timedelta(hours=1)),
        end_datetime=factories.iso(now + dt.timedelta(minutes=minutes)),
    )


@pytest.fixture
def refused_tokens(tenant, own) -> dict[str, str]:
    """Tokens that must all be refused alike once the clock is 2 minutes on: unknown, of a
    panel that ended, of a panel whose end was moved before the clock, of a deleted panel (each
    but the unknown one with a started attempt)."""
    ended = PanelCandidate.objects.filter(panel=panel_ending_in(tenant, 1)).first()
    started(ended)
    moved_panel = open_panel(tenant)
    moved = PanelCandidate.objects.filter(panel=moved_panel).first()
    started(moved)
    panel_services.update_panel(
        organization=tenant.organization,
        panel_uuid=moved_panel.uuid,
        data={"end_datetime": timezone.now() + dt.timedelta(minutes=1)},
    )
    deleted_panel = open_panel(tenant)
    deleted = PanelCandidate.objects.filter(panel=deleted_panel).first()
    started(deleted)
    panel_services.delete_panel(organization=tenant.organization, panel_uuid=deleted_panel.uuid)
    return {
        "unknown": "u" * 43,
        "panel_ended": ended.token,
        "panel_end_moved": moved.token,
        "panel_deleted": deleted.token,
    }


def test_unknown_expired_and_deleted_panel_tokens_get_byte_identical_401s(
    own, refused_tokens, operations
):
    item = str(AttemptItem.objects.filter(attempt__assignment=own).first().uuid)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        # The clock moved, not everything ended: the caller's token still opens its attempt.
        assert token_client(own.token).get(f"{INTERVIEW}attempt/").status_code == 200
        for method, path in operations["candidate"]:
            # A clean count of refused tokens per operation: the per-address rate (20/minute)
            # would otherwise answer 429 part-way.
            cache.clear()
            refused = {
                kind: call(token_client(token), method, path, item_uuid=item)
                for kind, token in refused_tokens.items()
            }
            statuses = {kind: response.status_code for kind, response in refused.items()}
            assert set(statuses.values()) == {401}, (method, path, statuses)
            assert len({response.content for response in refused.values()}) == 1, (method, path)
            assert len({response["WWW-Authenticate"] for response in refused.values()}) == 1
    assert refused["unknown"].json()["message"] == str(INVALID_TOKEN)


# --- Where the token may travel ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["token", "X-Interview-Token", "interview_token", "access_token"])
def test_a_token_in_the_query_string_is_ignored(own, operations, name):
    item = str(AttemptItem.objects.filter(attempt__assignment=own).first().uuid)

    for method, path in operations["candidate"]:
        response = call(APIClient(), method, f"{path}?{name}={own.token}", item_uuid=item)
        assert response.status_code == 401, (method, path)
        assert response.json()["message"] == str(MISSING_TOKEN)


def test_a_token_in_the_path_is_ignored(own):
    client = APIClient()

    for url in (f"{INTERVIEW}{own.token}/", f"{INTERVIEW}start/{own.token}/"):
        assert client.get(url).status_code == 401
        assert client.post(url).status_code == 401
    assert Attempt.objects.filter(assignment=own).count() == 1


def test_a_candidate_token_as_a_bearer_token_is_ignored(own):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {own.token}")

    response = client.get(f"{INTERVIEW}attempt/")

    assert response.status_code == 401
    assert response.json()["message"] == str(MISSING_TOKEN)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(lambda token: f" {token}", id="leading-space"),
        pytest.param(lambda token: f"{token} ", id="trailing-space"),
        pytest.param(lambda token: f"{token[:20]} {token[20:]}", id="inner-space"),
        pytest.param(lambda token: f"Bearer {token}", id="bearer-prefix"),
        pytest.param(lambda token: f"{token},{token}", id="repeated"),
        pytest.param(lambda token: token + "\x00", id="nul-suffix"),
        pytest.param(lambda token: "\x00" * 43, id="nul-only"),
        pytest.param(lambda token: token[:-1] + "\u00e9", id="non-ascii"),
        pytest.param(lambda token: token[:-1] + "\ud800", id="surrogate"),
        pytest.param(lambda token: token * 4, id="overlong-170"),
        pytest.param(lambda token: "a" * 100_000, id="overlong-100k"),
        pytest.param(lambda token: token.upper(), id="case-changed"),
        pytest.param(lambda token: "%20" + token, id="percent-encoded"),
        pytest.param(lambda token: "*", id="wildcard"),
        pytest.param(lambda token: "' OR 1=1 --", id="sql"),
    ],
)
def test_a_malformed_token_header_is_a_401(own, operations, value):
    client = APIClient()
    client.credentials(HTTP_X_INTERVIEW_TOKEN=value(own.token))
    item = str(AttemptItem.objects.filter(attempt__assignment=own).first().uuid)
    before = answers(own)

    for method, path in operations["candidate"]:
        response = call(client, method, path, item_uuid=item)
        assert response.status_code == 401, (method, path, response.content)
        assert response.json()["message"] in (str(INVALID_TOKEN), str(MISSING_TOKEN))
    assert answers(own) == before


def test_an_empty_token_header_is_a_missing_token(own):
    client = APIClient()
    client.credentials(HTTP_X_INTERVIEW_TOKEN="")

    response = client.get(INTERVIEW)

    assert response.status_code == 401
    assert response.json()["message"] == str(MISSING_TOKEN)

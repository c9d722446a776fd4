"""API1:2023 Broken Object Level Authorization: the tenant isolation matrix, one test per cell.

Two organizations (Acme, the caller's, and Globex, the other one). Every role x endpoint x object
is a cell with its expected status; every cell also checks that Globex's rows are unchanged, that
the response carries no Globex identifier the request did not send itself, and that a foreign or
deleted object is answered byte for byte like a nonexistent one.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from django_interview_panels.models import InterviewPanel
from django_interview_panels.panels import services
from tests import factories
from tests.conftest import client_for
from tests.dumps import organization_dump, organization_identifiers

pytestmark = pytest.mark.django_db

CREATE_URL = "/api/panel/create/"
COVERAGE_URL = "/api/panel/bank/coverage/"
LIST_URL = "/api/panel/get/"
RENAMED = "Renamed by the isolation matrix"

ROLES = ("admin", "hr", "member", "no_org", "anonymous")
MANAGER_ROLES = ("admin", "hr")
# The objects each endpoint can be pointed at. Create has no panel: its objects are the bank
# entries and candidates it references. The list has no lookup, so no "nonexistent" object.
OBJECTS = {
    "create": ("own", "foreign", "nonexistent"),
    "coverage": ("own", "foreign", "nonexistent"),
    "list": ("own", "foreign", "deleted", "ended"),
    "detail": ("own", "foreign", "deleted", "ended", "nonexistent"),
    "update": ("own", "foreign", "deleted", "ended", "nonexistent"),
    "delete": ("own", "foreign", "deleted", "ended", "nonexistent"),
}
# (Admin or HR, member) status of each cell. Anonymous callers get 401 and users without an
# organization 403 in every cell. Members' writes are 403 before any lookup, so even for objects
# that do not exist. An ended panel can be read and deleted but not updated (docs/api.md).
EXPECTED = {
    ("create", "own"): (201, 403),
    ("create", "foreign"): (404, 403),
    ("create", "nonexistent"): (404, 403),
    ("coverage", "own"): (200, 403),
    ("coverage", "foreign"): (404, 403),
    ("coverage", "nonexistent"): (404, 403),
    ("list", "own"): (200, 200),
    ("list", "foreign"): (200, 200),
    ("list", "deleted"): (200, 200),
    ("list", "ended"): (200, 200),
    ("detail", "own"): (200, 200),
    ("detail", "foreign"): (404, 404),
    ("detail", "deleted"): (404, 404),
    ("detail", "ended"): (200, 200),
    ("detail", "nonexistent"): (404, 404),
    ("update", "own"): (200, 403),
    ("update", "foreign"): (404, 403),
    ("update", "deleted"): (404, 403),
    ("update", "ended"): (400, 403),
    ("update", "nonexistent"): (404, 403),
    ("delete", "own"): (200, 403),
    ("delete", "foreign"): (404, 403),
    ("delete", "deleted"): (404, 403),
    ("delete", "ended"): (200, 403),
    ("delete", "nonexistent"): (404, 403),
}
# Whether the list shows the panel of each kind.
LISTED = {"own": True, "ended": True, "deleted": False, "foreign": False}

CELLS = [
    pytest.param(role, endpoint, obj, id=f"{role}-{endpoint}-{obj}")
    for role in ROLES
    for endpoint, objects in OBJECTS.items()
    for obj in objects
]
MATRIX_CELLS = len(CELLS)


def expected_status(role: str, endpoint: str, obj: str) -> int:
    if role == "anonymous":
        return 401
    if role == "no_org":
        return 403
    manager, member = EXPECTED[(endpoint, obj)]
    return manager if role in MANAGER_ROLES else member


@dataclass
class World:
    """Acme (the caller's) with a live, an ended and a deleted panel; Globex with a live one."""

    tenant: Any
    other_tenant: Any
    loner: Any
    panels: dict[str, InterviewPanel]

    def user(self, role: str) -> Any:
        if role == "no_org":
            return self.loner
        if role == "anonymous":
            return None
        return getattr(self.tenant, role)


@pytest.fixture
def world(tenant, other_tenant, loner) -> World:
    own = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    with time_machine.travel(timezone.now() - dt.timedelta(days=3), tick=False):
        ended = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    deleted = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    services.delete_panel(organization=tenant.organization, panel_uuid=deleted.uuid)
    foreign = factories.make_panel(
        other_tenant.organization, other_tenant.category, other_tenant.candidates
    )
    panels = {"own": own, "ended": ended, "deleted": deleted, "foreign": foreign}
    return World(tenant, other_tenant, loner, panels)


def create_payload(world: World, obj: str) -> dict[str, Any]:
    """A valid create request over the caller's, the other organization's or unknown references."""
    if obj == "own":
        return factories.panel_payload(world.tenant.category, world.tenant.candidates)
    payload = factories.panel_payload(world.other_tenant.category, world.other_tenant.candidates)
    if obj == "nonexistent":
        payload = replace_uuids(payload, {u: str(uuid.uuid4()) for u in request_uuids(payload)})
    return payload


def request_uuids(payload: dict[str, Any]) -> list[str]:
    """The UUIDs a create or coverage request references, in a fixed order."""
    uuids = [payload["category_uuid"]]
    for distribution in payload["question_distributions"]:
        uuids += [distribution["topic_uuid"], distribution["subtopic_uuid"]]
    return uuids + list(payload.get("candidate_uuids", []))


def coverage_payload(world: World, obj: str) -> dict[str, Any]:
    """A valid coverage request: the bank references of the create request for ``obj``."""
    create = create_payload(world, obj)
    return {
        "category_uuid": create["category_uuid"],
        "question_distributions": create["question_distributions"],
        "candidates": len(create["candidate_uuids"]),
    }


# The requests whose objects are the bank entries (and candidates) their body references.
PAYLOADS = {"create": create_payload, "coverage": coverage_payload}


def replace_uuids(payload: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    text = json.dumps(payload)
    for old, new in mapping.items():
        text = text.replace(old, new)
    return json.loads(text)


def normalized(content: bytes, uuids: list[str]) -> bytes:
    """A response body with the UUIDs its request sent replaced by their position."""
    for position, value in enumerate(uuids):
        content = content.replace(value.encode(), f"<uuid {position}>".encode())
    return content


def call(client, endpoint: str, target: Any) -> Any:
    """One request of ``endpoint`` at ``target`` (a panel UUID, or a payload for create and
    coverage)."""
    if endpoint == "create":
        return client.post(CREATE_URL, target, format="json")
    if endpoint == "coverage":
        return client.post(COVERAGE_URL, target, format="json")
    if endpoint == "list":
        return client.get(LIST_URL)
    if endpoint == "detail":
        return client.get(f"/api/panel/get/{target}/")
    if endpoint == "update":
        return client.put(f"/api/panel/update/{target}/", {"name": RENAMED}, format="json")
    return client.delete(f"/api/panel/delete/{target}/")


@pytest.mark.parametrize(("role", "endpoint", "obj"), CELLS)
def test_isolation_matrix_cell(world, role, endpoint, obj):
    client = client_for(world.user(role))
    if endpoint in PAYLOADS:
        target = PAYLOADS[endpoint](world, obj)
    elif obj == "nonexistent":
        target = uuid.uuid4()
    else:
        target = world.panels[obj].uuid
    other_before = organization_dump(world.other_tenant.organization)
    own_before = organization_dump(world.tenant.organization)
    foreign_identifiers = organization_identifiers(world.other_tenant.organization)

    response = call(client, endpoint, target)

    status = expected_status(role, endpoint, obj)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is (status < 300)

    # The other organization's rows are untouched, whatever the caller did.
    assert organization_dump(world.other_tenant.organization) == other_before
    # Nothing of the other organization is revealed beyond what the request itself sent.
    sent = set(request_uuids(target)) if endpoint in PAYLOADS else {str(target)}
    leaked = {value for value in foreign_identifiers - sent if value in response.content.decode()}
    assert leaked == set()

    if status >= 300:
        # A refused request writes nothing anywhere.
        assert organization_dump(world.tenant.organization) == own_before
    if obj in ("foreign", "deleted") and endpoint != "list":
        # Answered exactly like an object that does not exist.
        if endpoint in PAYLOADS:
            missing = PAYLOADS[endpoint](world, "nonexistent")
            assert normalized(response.content, request_uuids(target)) == normalized(
                call(client, endpoint, missing).content, request_uuids(missing)
            )
        else:
            assert response.content == call(client, endpoint, uuid.uuid4()).content
    if endpoint == "coverage" and status == 200:
        assert body["data"]["category"] == str(world.tenant.category.uuid)
    if endpoint == "list" and status == 200:
        listed = {panel["uuid"] for panel in body["data"]["interview_panels"]}
        assert (str(world.panels[obj].uuid) in listed) is LISTED[obj]
        assert listed == {str(world.panels["own"].uuid), str(world.panels["ended"].uuid)}
    if status < 300 and endpoint in ("update", "delete"):
        panel = InterviewPanel.objects.get(uuid=target)
        assert panel.name == RENAMED if endpoint == "update" else panel.is_deleted
    if status == 201:
        created = InterviewPanel.objects.get(uuid=body["data"]["uuid"])
        assert created.organization == world.tenant.organization


def test_the_matrix_has_one_cell_per_role_endpoint_and_object():
    assert MATRIX_CELLS == len(ROLES) * sum(len(objects) for objects in OBJECTS.values()) == 125
    assert set(EXPECTED) == {(e, o) for e, objects in OBJECTS.items() for o in objects}


# --- create: the other organization's bank entries and candidates are unknown ------------------


@pytest.mark.parametrize("kind", ["category", "topic", "subtopic", "candidate"])
def test_create_treats_a_foreign_reference_like_a_missing_one(
    tenant, other_tenant, hr_client, kind
):
    own = factories.panel_payload(tenant.category, tenant.candidates[:1])
    foreign_payload = factories.panel_payload(other_tenant.category, other_tenant.candidates[:1])
    field = {"category": "category_uuid", "candidate": "candidate_uuids"}.get(kind)
    if kind in ("topic", "subtopic"):
        foreign_value = foreign_payload["question_distributions"][0][f"{kind}_uuid"]
    elif kind == "candidate":
        foreign_value = foreign_payload["candidate_uuids"][0]
    else:
        foreign_value = foreign_payload[field]
    missing_value = str(uuid.uuid4())
    other_before = organization_dump(other_tenant.organization)

    def post_with(value: str):
        payload = json.loads(json.dumps(own))
        if kind in ("topic", "subtopic"):
            payload["question_distributions"][0][f"{kind}_uuid"] = value
        elif kind == "candidate":
            payload["candidate_uuids"] = [value]
        else:
            payload[field] = value
        return hr_client.post(CREATE_URL, payload, format="json")

    foreign = post_with(foreign_value)
    missing = post_with(missing_value)

    assert foreign.status_code == missing.status_code == 404
    assert foreign.content.replace(foreign_value.encode(), b"<uuid>") == missing.content.replace(
        missing_value.encode(), b"<uuid>"
    )
    assert InterviewPanel.objects.filter(organization=tenant.organization).count() == 0
    assert organization_dump(other_tenant.organization) == other_before


def test_list_never_contains_another_organizations_identifiers(tenant, other_tenant, hr_client):
    for _ in range(3):
        factories.make_panel(
            other_tenant.organization, other_tenant.category, other_tenant.candidates
        )
    factories.make_panel(tenant.organization, tenant.category, tenant.candidates)
    foreign_identifiers = organization_identifiers(other_tenant.organization)

    content = hr_client.get(LIST_URL).content.decode()

    assert len(foreign_identifiers) > 20
    assert {value for value in foreign_identifiers if value in content} == set()


def test_global_bank_entries_do_not_reveal_other_organizations_panels(tenant, other_tenant):
    shared = factories.make_bank(None, name="Shared bank")
    foreign = factories.make_panel(other_tenant.organization, shared, other_tenant.candidates)

    listed = client_for(tenant.hr).get(LIST_URL).json()["data"]["interview_panels"]
    detail = client_for(tenant.hr).get(f"/api/panel/get/{foreign.uuid}/")

    assert listed == []
    assert detail.status_code == 404

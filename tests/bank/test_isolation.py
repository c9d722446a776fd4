"""API1:2023 for the bank: a role x resource x operation x object matrix, one test per cell.

The caller is of Acme. Objects: Acme's own entry, a global one (no organization), Globex's, and
one that does not exist. Every cell checks the status, that Globex's rows are unchanged and none
of its identifiers is revealed, that a refused request writes nothing, and that a foreign entry is
answered byte for byte like a nonexistent one. A completeness test walks the bank's URL patterns.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import URLPattern

from django_interview_panels.bank import urls as bank_urls
from tests.bank.conftest import RESOURCES, create_body, make_entry, parent_for, url
from tests.conftest import client_for
from tests.dumps import organization_dump, organization_identifiers

pytestmark = pytest.mark.django_db

ROLES = ("admin", "hr", "member", "no_org", "anonymous")
MANAGERS = ("admin", "hr")
OBJECTS = ("own", "global", "foreign", "nonexistent")
# Operations with a target entry; list, create and bulk create are checked on their own objects.
TARGETED = ("retrieve", "update", "delete")
OPERATIONS = {resource: ("list", "create", "bulk", *TARGETED) for resource in RESOURCES}
OPERATIONS["questions"] = (*OPERATIONS["questions"], "versions")
# (manager, member) per (operation, object): members' writes are 403 before any lookup.
EXPECTED = {
    ("list", "own"): (200, 200),
    ("create", "own"): (201, 403),
    ("create", "global"): (201, 403),
    ("create", "foreign"): (404, 403),
    ("create", "nonexistent"): (404, 403),
    ("bulk", "own"): (201, 403),
    ("retrieve", "own"): (200, 200),
    ("retrieve", "global"): (200, 200),
    ("retrieve", "foreign"): (404, 404),
    ("retrieve", "nonexistent"): (404, 404),
    ("update", "own"): (200, 403),
    ("update", "global"): (403, 403),
    ("update", "foreign"): (404, 403),
    ("update", "nonexistent"): (404, 403),
    ("delete", "own"): (200, 403),
    ("delete", "global"): (403, 403),
    ("delete", "foreign"): (404, 403),
    ("delete", "nonexistent"): (404, 403),
    ("versions", "own"): (200, 200),
    ("versions", "global"): (200, 200),
    ("versions", "foreign"): (404, 404),
    ("versions", "nonexistent"): (404, 404),
}
PARENTED = ("topics", "subtopics", "questions")


def objects_for(resource: str, operation: str) -> tuple[str, ...]:
    if operation in ("list", "bulk"):
        return ("own",)
    if operation == "create":
        # For create the object is the parent the new entry hangs under.
        return OBJECTS if resource in PARENTED else ("own",)
    return OBJECTS


CELLS = [
    pytest.param(role, resource, operation, obj, id=f"{role}-{resource}-{operation}-{obj}")
    for role in ROLES
    for resource, operations in OPERATIONS.items()
    for operation in operations
    for obj in objects_for(resource, operation)
]


def expected_status(role: str, operation: str, obj: str) -> int:
    if role == "anonymous":
        return 401
    if role == "no_org":
        return 403
    manager, member = EXPECTED[(operation, obj)]
    return manager if role in MANAGERS else member


@pytest.fixture
def world(tenant, other_tenant, loner) -> dict[str, Any]:
    return {"tenant": tenant, "other": other_tenant, "loner": loner}


def user_for(world: dict[str, Any], role: str) -> Any:
    if role == "anonymous":
        return None
    if role == "no_org":
        return world["loner"]
    return getattr(world["tenant"], role)


def owner(world: dict[str, Any], obj: str) -> Any:
    return {"own": world["tenant"].organization, "global": None}.get(
        obj, world["other"].organization
    )


def call(client: Any, resource: str, operation: str, target: Any) -> Any:
    if operation == "list":
        return client.get(url(resource), {"page_size": 200})
    if operation == "create":
        return client.post(url(resource), target, format="json")
    if operation == "bulk":
        return client.post(url(resource, suffix="bulk/"), [target], format="json")
    if operation == "retrieve":
        return client.get(url(resource, target))
    if operation == "versions":
        return client.get(url(resource, target, "versions/"))
    if operation == "update":
        change = {"points": 7} if resource == "questions" else {"name": "Changed by the matrix"}
        return client.patch(url(resource, target), change, format="json")
    return client.delete(url(resource, target))


def target_for(world: dict[str, Any], resource: str, operation: str, obj: str) -> Any:
    if operation in ("create", "bulk"):
        if resource not in PARENTED:
            return create_body(resource)
        if obj == "nonexistent":
            parent = parent_for(resource, world["tenant"].organization)
            parent.uuid = uuid.uuid4()
        else:
            parent = parent_for(resource, owner(world, obj))
        return create_body(resource, parent)
    if obj == "nonexistent":
        return uuid.uuid4()
    entry = make_entry(resource, owner(world, obj), f"{obj} entry")
    return entry.uuid


@pytest.mark.parametrize(("role", "resource", "operation", "obj"), CELLS)
def test_bank_isolation_cell(world, role, resource, operation, obj):
    client = client_for(user_for(world, role))
    # Every cell also has a foreign entry of the resource that must stay hidden.
    make_entry(resource, world["other"].organization, "Hidden")
    target = target_for(world, resource, operation, obj)
    other_before = organization_dump(world["other"].organization)
    own_before = organization_dump(world["tenant"].organization)
    foreign_identifiers = organization_identifiers(world["other"].organization)

    response = call(client, resource, operation, target)

    status = expected_status(role, operation, obj)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is (status < 300)
    assert organization_dump(world["other"].organization) == other_before
    sent = str(target)
    leaked = {v for v in foreign_identifiers if v in response.content.decode() and v not in sent}
    assert leaked == set()
    if status >= 300:
        assert organization_dump(world["tenant"].organization) == own_before
    if obj == "foreign" and status == 404:
        missing = target_for(world, resource, operation, "nonexistent")
        answer = call(client, resource, operation, missing)
        if operation == "create":
            assert answer.json() == body
        else:
            assert answer.content == response.content


# Bank routes that are not resources, with where their isolation is tested.
NOT_RESOURCES = {
    "coverage": "tests/test_security_isolation.py",
    "import": "tests/bank/test_import_export_api.py",
    "export": "tests/bank/test_import_export_api.py",
}


def test_the_bank_matrix_covers_every_bank_route_and_method():
    served = set()
    for pattern in bank_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        resource, *rest = str(pattern.pattern).split("/")
        if resource in NOT_RESOURCES:
            continue
        view = pattern.callback.view_class
        for method in ("get", "post", "patch", "delete", "put"):
            if not hasattr(view, method):
                continue
            if rest[0] == "bulk":
                served.add((resource, "bulk"))
            elif rest[0] == "":
                served.add((resource, {"get": "list", "post": "create"}[method]))
            elif rest[1] == "versions":
                served.add((resource, "versions"))
            else:
                operation = {"get": "retrieve", "patch": "update", "delete": "delete"}[method]
                served.add((resource, operation))
    covered = {(resource, op) for resource, ops in OPERATIONS.items() for op in ops}
    assert served == covered
    assert {(op, obj) for _r, _o in covered for op in [_o] for obj in objects_for(_r, _o)} <= set(
        EXPECTED
    )
    assert len(CELLS) == len(ROLES) * sum(
        len(objects_for(r, op)) for r, ops in OPERATIONS.items() for op in ops
    )

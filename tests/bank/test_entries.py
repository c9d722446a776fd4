"""Categories, topics, subtopics and rubric dimensions: CRUD, bulk, filters, pagination, roles,
scope and the delete rules. Questions have their own module (test_questions.py)."""

from __future__ import annotations

import uuid

import pytest

from django_interview_panels.models import (
    Category,
    Question,
    RubricDimension,
    Subtopic,
    Topic,
)
from tests import factories
from tests.bank.conftest import (
    ENTRY_RESOURCES,
    RESOURCES,
    create_body,
    make_entry,
    make_question,
    parent_for,
    url,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
def test_create_retrieve_update_delete(tenant, hr_client, resource):
    _key, model = RESOURCES[resource]
    parent = parent_for(resource, tenant.organization)

    created = hr_client.post(url(resource), create_body(resource, parent), format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["success"] is True
    data = body["data"]
    assert data["name"] == "New entry"
    assert data["organization"] == tenant.uuid
    entry = model.objects.get(uuid=data["uuid"])
    assert entry.organization == tenant.organization
    if parent is not None:
        parent_key = "category" if resource == "topics" else "topic"
        assert data[parent_key] == {"uuid": str(parent.uuid), "name": parent.name}

    fetched = hr_client.get(url(resource, entry.uuid))
    assert fetched.status_code == 200
    assert fetched.json()["data"] == data

    updated = hr_client.patch(url(resource, entry.uuid), {"name": "Renamed"}, format="json")
    assert updated.status_code == 200, updated.content
    assert updated.json()["data"] == {**data, "name": "Renamed"}
    entry.refresh_from_db()
    assert entry.name == "Renamed"

    deleted = hr_client.delete(url(resource, entry.uuid))
    assert deleted.status_code == 200
    assert deleted.json() == {"success": True, "message": deleted.json()["message"]}
    assert not model.objects.filter(pk=entry.pk).exists()
    assert hr_client.get(url(resource, entry.uuid)).status_code == 404


def test_rubric_dimension_fields(tenant, hr_client):
    created = hr_client.post(
        url("rubric-dimensions"),
        {"name": "Communication", "description": "Clarity", "weight": 7},
        format="json",
    ).json()["data"]
    assert {k: created[k] for k in ("name", "description", "weight")} == {
        "name": "Communication",
        "description": "Clarity",
        "weight": 7,
    }
    patched = hr_client.patch(
        url("rubric-dimensions", created["uuid"]), {"weight": 1000}, format="json"
    )
    assert patched.json()["data"]["weight"] == 1000
    default = hr_client.post(url("rubric-dimensions"), {"name": "Tech"}, format="json")
    assert default.json()["data"]["weight"] == 1
    assert default.json()["data"]["description"] == ""


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
def test_list_shows_own_and_global_entries_never_foreign_ones(
    tenant, other_tenant, member_client, resource
):
    key, model = RESOURCES[resource]
    own = make_entry(resource, tenant.organization, "Own")
    shared = make_entry(resource, None, "Shared")
    foreign = make_entry(resource, other_tenant.organization, "Foreign")

    response = member_client.get(url(resource), {"page_size": 200})

    assert response.status_code == 200
    listed = {row["uuid"] for row in response.json()["data"][key]}
    assert {str(own.uuid), str(shared.uuid)} <= listed
    assert str(foreign.uuid) not in listed
    expected = model.objects.visible_to(tenant.organization).count()
    assert response.json()["data"]["pagination"]["count"] == expected == len(listed)
    shared_row = next(r for r in response.json()["data"][key] if r["uuid"] == str(shared.uuid))
    assert shared_row["organization"] is None


def test_pagination_object_and_stable_pages(tenant, hr_client):
    for n in range(7):
        Category.objects.create(organization=tenant.organization, name=f"Cat {n:02d}")
    total = Category.objects.visible_to(tenant.organization).count()

    seen = []
    page = 1
    while True:
        response = hr_client.get(url("categories"), {"page": page, "page_size": 3})
        data = response.json()["data"]
        seen += [row["uuid"] for row in data["categories"]]
        pagination = data["pagination"]
        assert pagination["page_size"] == 3
        assert pagination["count"] == total
        assert pagination["total_pages"] == -(-total // 3)
        if pagination["next"] is None:
            break
        assert "page=" in pagination["next"]
        page += 1
    assert len(seen) == len(set(seen)) == total

    past = hr_client.get(url("categories"), {"page": 99, "page_size": 3}).json()["data"]
    assert past["categories"] == []
    assert past["pagination"]["next"] is None
    bad = hr_client.get(url("categories"), {"page": "0"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"page"}


def test_search_and_parent_filters(tenant, hr_client):
    category = Category.objects.create(organization=tenant.organization, name="Rust")
    other = Category.objects.create(organization=tenant.organization, name="Go")
    topic = Topic.objects.create(organization=tenant.organization, category=category, name="Traits")
    Topic.objects.create(organization=tenant.organization, category=other, name="Goroutines")
    sub = Subtopic.objects.create(organization=tenant.organization, topic=topic, name="Dyn")
    Subtopic.objects.create(organization=tenant.organization, topic=topic, name="Generics")

    names = lambda resource, **params: [  # noqa: E731
        row["name"] for row in hr_client.get(url(resource), params).json()["data"][resource]
    ]
    assert names("categories", search="rus") == ["Rust"]
    assert names("topics", category=str(category.uuid)) == ["Traits"]
    assert names("subtopics", topic=str(topic.uuid)) == ["Dyn", "Generics"]
    assert names("subtopics", category=str(category.uuid), search="DY") == [sub.name]
    assert names("topics", category=str(uuid.uuid4())) == []

    for resource, params in [
        ("topics", {"category": "not-a-uuid"}),
        ("subtopics", {"topic": ""}),
        ("categories", {"search": "x" * 256}),
        ("categories", {"search": "a\x00b"}),
    ]:
        response = hr_client.get(url(resource), params)
        assert response.status_code == 400, (resource, params, response.content)
        assert response.json()["success"] is False
        assert set(response.json()["errors"]) == set(params)


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
def test_bulk_create_is_all_or_nothing(tenant, hr_client, resource):
    key, model = RESOURCES[resource]
    parent = parent_for(resource, tenant.organization)
    before = model.objects.count()
    good = [create_body(resource, parent, f"Bulk {n}") for n in range(3)]

    refused = hr_client.post(url(resource, suffix="bulk/"), [*good, {"name": ""}], format="json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["3"]
    assert model.objects.count() == before

    created = hr_client.post(url(resource, suffix="bulk/"), good, format="json")
    assert created.status_code == 201, created.content
    assert [row["name"] for row in created.json()["data"][key]] == ["Bulk 0", "Bulk 1", "Bulk 2"]
    assert model.objects.count() == before + 3


def test_bulk_rolls_back_when_a_later_parent_is_missing(tenant, hr_client):
    body = [
        {"name": "Fine", "category_uuid": str(tenant.category.uuid)},
        {"name": "Orphan", "category_uuid": str(uuid.uuid4())},
    ]
    before = Topic.objects.count()

    response = hr_client.post(url("topics", suffix="bulk/"), body, format="json")

    assert response.status_code == 404
    assert response.json()["errors"] == {"category_uuid": ["Category not found"]}
    assert Topic.objects.count() == before


def test_bulk_length_is_checked_before_the_elements(hr_client, tenant):
    too_many = [{"name": 1}] * 101
    response = hr_client.post(url("categories", suffix="bulk/"), too_many, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]
    assert "101" not in str(response.json()["errors"])
    empty = hr_client.post(url("categories", suffix="bulk/"), [], format="json")
    assert empty.status_code == 400
    not_a_list = hr_client.post(url("categories", suffix="bulk/"), {"name": "x"}, format="json")
    assert not_a_list.status_code == 400


@pytest.mark.parametrize("resource", ["topics", "subtopics"])
def test_children_may_hang_under_a_global_parent_not_a_foreign_one(
    tenant, other_tenant, hr_client, resource
):
    shared_parent = parent_for(resource, None)
    foreign_parent = parent_for(resource, other_tenant.organization)

    created = hr_client.post(url(resource), create_body(resource, shared_parent), format="json")
    foreign = hr_client.post(url(resource), create_body(resource, foreign_parent), format="json")
    missing_parent = type(foreign_parent)(uuid=uuid.uuid4())
    missing = hr_client.post(url(resource), create_body(resource, missing_parent), format="json")

    assert created.status_code == 201
    assert created.json()["data"]["organization"] == tenant.uuid
    assert foreign.status_code == missing.status_code == 404
    field = "category_uuid" if resource == "topics" else "topic_uuid"
    assert foreign.json() == missing.json()
    assert list(foreign.json()["errors"]) == [field]


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
def test_global_entries_are_read_only(tenant, hr_client, resource):
    _, _model = RESOURCES[resource]
    shared = make_entry(resource, None, "Shared")

    read = hr_client.get(url(resource, shared.uuid))
    patched = hr_client.patch(url(resource, shared.uuid), {"name": "Mine"}, format="json")
    deleted = hr_client.delete(url(resource, shared.uuid))

    assert read.status_code == 200
    assert read.json()["data"]["organization"] is None
    for response in (patched, deleted):
        assert response.status_code == 403
        assert response.json() == {
            "success": False,
            "message": "Global entries cannot be changed through the API",
            "errors": {"detail": ["Global entries cannot be changed through the API"]},
        }
    shared.refresh_from_db()
    assert shared.name == "Shared"


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_another_organizations_entry_is_a_404_identical_to_a_missing_one(
    tenant, other_tenant, hr_client, resource, method
):
    _, model = RESOURCES[resource]
    foreign = make_entry(resource, other_tenant.organization, "Foreign")
    missing = uuid.uuid4()

    def call(value):
        return getattr(hr_client, method)(url(resource, value), {"name": "Mine"}, format="json")

    found, absent, malformed = call(foreign.uuid), call(missing), call("not-a-uuid")

    assert found.status_code == absent.status_code == malformed.status_code == 404
    assert found.content == absent.content == malformed.content
    assert model.objects.get(pk=foreign.pk).name == "Foreign"


@pytest.mark.parametrize("resource", ENTRY_RESOURCES)
def test_role_matrix(tenant, loner, resource):
    entry = make_entry(resource, tenant.organization, "Mine")
    parent = parent_for(resource, tenant.organization)
    calls = {
        "list": lambda c: c.get(url(resource)),
        "retrieve": lambda c: c.get(url(resource, entry.uuid)),
        "create": lambda c: c.post(url(resource), create_body(resource, parent), format="json"),
        "bulk": lambda c: c.post(
            url(resource, suffix="bulk/"), [create_body(resource, parent)], format="json"
        ),
        "update": lambda c: c.patch(url(resource, entry.uuid), {"name": "X"}, format="json"),
        "delete": lambda c: c.delete(url(resource, uuid.uuid4())),
    }
    reads = {"list", "retrieve"}
    for name, call in calls.items():
        assert call(client_for(None)).status_code == 401, name
        no_org = call(client_for(loner))
        assert no_org.status_code == 403, name
        assert no_org.json()["message"] == "User must belong to an organization"
        member = call(client_for(tenant.member))
        assert member.status_code == (200 if name in reads else 403), name
        if name not in reads:
            assert member.json()["message"] == "User is not Admin or HR"
        manager = call(client_for(tenant.admin))
        expected = {"create": 201, "bulk": 201, "delete": 404}.get(name, 200)
        assert manager.status_code == expected, (name, manager.content)


def test_delete_refuses_entries_in_use(tenant, hr_client):
    category = Category.objects.create(organization=tenant.organization, name="Used")
    topic = Topic.objects.create(organization=tenant.organization, category=category, name="T")
    subtopic = Subtopic.objects.create(organization=tenant.organization, topic=topic, name="S")
    question = make_question(tenant.organization, subtopic)

    for resource, entry in [("categories", category), ("topics", topic), ("subtopics", subtopic)]:
        response = hr_client.delete(url(resource, entry.uuid))
        assert response.status_code == 400, resource
        assert response.json()["success"] is False
        assert type(entry).objects.filter(pk=entry.pk).exists()

    # Retired questions still count: past question sets reference them.
    question.is_retired = True
    question.save()
    assert hr_client.delete(url("subtopics", subtopic.uuid)).status_code == 400
    Question.objects.filter(pk=question.pk).delete()
    assert hr_client.delete(url("subtopics", subtopic.uuid)).status_code == 200
    assert hr_client.delete(url("topics", topic.uuid)).status_code == 200
    assert hr_client.delete(url("categories", category.uuid)).status_code == 200


def test_delete_refuses_entries_panels_use(tenant, hr_client):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    distribution = panel.question_distributions.first()
    Question.objects.filter(subtopic=distribution.subtopic).delete()

    for resource, entry in [
        ("subtopics", distribution.subtopic),
        ("categories", tenant.category),
    ]:
        response = hr_client.delete(url(resource, entry.uuid))
        assert response.status_code == 400, resource
        assert type(entry).objects.filter(pk=entry.pk).exists()


def test_delete_refuses_a_rubric_dimension_questions_weigh(tenant, hr_client, subtopic):
    dimension = RubricDimension.objects.create(organization=tenant.organization, name="Tech")
    question = make_question(tenant.organization, subtopic)
    question.rubric_weights = {str(dimension.uuid): 3}
    question.save()
    question.versions.update(rubric_weights={str(dimension.uuid): 3})

    response = hr_client.delete(url("rubric-dimensions", dimension.uuid))

    assert response.status_code == 400
    assert RubricDimension.objects.filter(pk=dimension.pk).exists()
    question.rubric_weights = {}
    question.save()
    # A past version still names it.
    assert hr_client.delete(url("rubric-dimensions", dimension.uuid)).status_code == 400
    question.versions.update(rubric_weights={})
    assert hr_client.delete(url("rubric-dimensions", dimension.uuid)).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"name": 5},
        {"name": ["x"]},
        {"name": None},
        {"name": ""},
        {"name": " \u200b\t"},
        {"name": "a\x00b"},
        {"name": "x" * 256},
        {"name": "x" * 100_000},
        [],
        "text",
    ],
)
def test_bad_names_are_400_in_the_envelope(hr_client, tenant, body):
    response = hr_client.post(url("categories"), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert response.json()["message"] == "Invalid request data"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "D", "weight": 0},
        {"name": "D", "weight": 1001},
        {"name": "D", "weight": "3"},
        {"name": "D", "weight": True},
        {"name": "D", "weight": 2.5},
        {"name": "D", "description": "a\x00"},
        {"name": "D", "description": 3},
    ],
)
def test_bad_rubric_dimensions_are_400(hr_client, tenant, body):
    response = hr_client.post(url("rubric-dimensions"), body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) <= {"weight", "description"}


@pytest.mark.parametrize(
    "body",
    [{"name": "T"}, {"name": "T", "category_uuid": "nope"}, {"name": "T", "category_uuid": 7}],
)
def test_bad_parent_references_are_400(hr_client, tenant, body):
    response = hr_client.post(url("topics"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["category_uuid"]

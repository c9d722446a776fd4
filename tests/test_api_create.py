"""POST /api/panel/create/: envelope, roles, every validation rule, all-or-nothing writes."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.db import IntegrityError
from django.utils import timezone

from django_interview_panels.models import (
    InterviewPanel,
    PanelCandidate,
    Question,
    QuestionDistribution,
)
from django_interview_panels.panels import services
from tests import factories
from tests.conftest import client_for
from tests.spec_fields import CANDIDATE_FIELDS, DISTRIBUTION_FIELDS, PANEL_FIELDS

URL = "/api/panel/create/"

pytestmark = pytest.mark.django_db


def post(client, payload):
    return client.post(URL, payload, format="json")


def row_counts() -> tuple[int, int, int]:
    return (
        InterviewPanel.objects.count(),
        QuestionDistribution.objects.count(),
        PanelCandidate.objects.count(),
    )


def assert_error(response, status: int, message: str | None = None) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"success", "message", "errors"}
    assert body["success"] is False
    assert isinstance(body["errors"], dict) and body["errors"]
    if message is not None:
        assert body["message"] == message
    return body["errors"]


# --- success ----------------------------------------------------------------------------------


def test_create_answers_201_with_the_spec_envelope_and_fields(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, tenant.candidates, counts=(2, 3, 1))

    response = post(hr_client, payload)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"success", "message", "data"}
    assert body["success"] is True
    assert body["message"] == "Interview panel created successfully"
    data = body["data"]
    assert set(data) == PANEL_FIELDS
    assert data["name"] == payload["name"]
    assert data["description"] == payload["description"]
    assert data["total_number_of_questions"] == 12
    assert data["start_datetime"] == payload["start_datetime"]
    assert data["end_datetime"] == payload["end_datetime"]
    assert data["is_active"] is True
    assert data["organization"] == tenant.uuid
    uuid.UUID(data["uuid"])


def test_create_returns_distributions_with_names_and_totals(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, counts=(2, 3, 1))

    data = post(hr_client, payload).json()["data"]

    subtopics = factories.first_subtopics(tenant.category)
    assert [set(d) for d in data["question_distributions"]] == [DISTRIBUTION_FIELDS] * 2
    first = data["question_distributions"][0]
    assert first["category"] == tenant.category.name
    assert first["topic"] == subtopics[0].topic.name
    assert first["subtopic"] == subtopics[0].name
    assert (first["easy"], first["medium"], first["hard"], first["total"]) == (2, 3, 1, 6)


def test_create_returns_candidates_with_tokens_for_managers(tenant, admin_client):
    payload = factories.panel_payload(tenant.category, tenant.candidates)

    data = post(admin_client, payload).json()["data"]

    assert [set(c) for c in data["candidates"]] == [CANDIDATE_FIELDS] * 3
    first = data["candidates"][0]
    candidate = tenant.candidates[0]
    assert first["candidate_uuid"] == factories.candidate_uuid(candidate)
    assert first["candidate_name"] == factories.candidate_name(candidate)
    assert first["candidate_email"] == factories.candidate_email(candidate)
    assert first["token_expires_at"] == payload["end_datetime"]
    assert first["score"] == 0
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", first["token"])


def test_candidate_name_and_email_come_from_the_configured_accessors(tenant, hr_client, settings):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "CANDIDATE_NAME": lambda candidate: "NAME-FROM-ACCESSOR",
        "CANDIDATE_EMAIL": lambda candidate: "email@accessor.test",
    }
    payload = factories.panel_payload(tenant.category, tenant.candidates[:1])

    candidate = post(hr_client, payload).json()["data"]["candidates"][0]

    assert candidate["candidate_name"] == "NAME-FROM-ACCESSOR"
    assert candidate["candidate_email"] == "email@accessor.test"


def test_create_stores_panel_distributions_and_assignments(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, tenant.candidates)

    data = post(hr_client, payload).json()["data"]

    panel = InterviewPanel.objects.get(uuid=data["uuid"])
    assert panel.organization == tenant.organization
    assert panel.created_by == tenant.hr
    assert panel.category == tenant.category
    assert panel.question_distributions.count() == 2
    assert panel.candidates.count() == 3
    assert set(panel.candidates.values_list("token_expires_at", flat=True)) == {panel.end_datetime}


def test_candidate_uuids_may_be_left_out(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    del payload["candidate_uuids"]
    del payload["description"]

    response = post(hr_client, payload)

    assert response.status_code == 201
    assert response.json()["data"]["candidates"] == []
    assert response.json()["data"]["description"] == ""


def test_global_bank_entries_are_usable_by_every_organization(tenant, other_tenant):
    global_category = factories.make_bank(None, name="Global SQL")
    for owner in (tenant, other_tenant):
        payload = factories.panel_payload(global_category)
        assert post(client_for(owner.hr), payload).status_code == 201


def test_datetimes_with_other_offsets_are_stored_in_utc(tenant, hr_client):
    start = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    offset = dt.timezone(dt.timedelta(hours=5, minutes=30))
    payload = factories.panel_payload(
        tenant.category,
        start_datetime=start.astimezone(offset).isoformat(),
        end_datetime=(start + dt.timedelta(hours=3)).astimezone(offset).isoformat(),
    )

    data = post(hr_client, payload).json()["data"]

    assert data["start_datetime"] == factories.iso(start)
    assert InterviewPanel.objects.get(uuid=data["uuid"]).start_datetime == start


# --- authentication and roles -------------------------------------------------------------------


def test_anonymous_create_is_401(tenant, anon_client):
    response = post(anon_client, factories.panel_payload(tenant.category))

    assert_error(response, 401, "Authentication credentials were not provided.")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert row_counts() == (0, 0, 0)


def test_bad_token_is_401(tenant):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    assert_error(post(client, factories.panel_payload(tenant.category)), 401)


def test_member_create_is_403_and_writes_nothing(tenant, member_client):
    response = post(member_client, factories.panel_payload(tenant.category, tenant.candidates))

    assert_error(response, 403, "User is not Admin or HR")
    assert row_counts() == (0, 0, 0)


def test_user_without_organization_create_is_403(tenant, loner):
    response = post(client_for(loner), factories.panel_payload(tenant.category))

    assert_error(response, 403, "User must belong to an organization")


def test_manager_roles_come_from_settings(tenant, settings):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MANAGER_ROLES": ["HR"],
    }

    admin_response = post(client_for(tenant.admin), factories.panel_payload(tenant.category))
    hr_response = post(client_for(tenant.hr), factories.panel_payload(tenant.category))

    assert_error(admin_response, 403, "User is not HR")
    assert hr_response.status_code == 201


# --- validation: shape and rules ----------------------------------------------------------------


def test_end_before_start_is_400(tenant, hr_client):
    payload = factories.panel_payload(
        tenant.category,
        start_datetime=factories.iso(factories.future(10)),
        end_datetime=factories.iso(factories.future(5)),
    )

    errors = assert_error(post(hr_client, payload), 400, "Invalid request data")

    assert errors == {"end_datetime": ["end_datetime must be after start_datetime."]}


def test_end_equal_to_start_is_400(tenant, hr_client):
    moment = factories.iso(factories.future(5))
    payload = factories.panel_payload(tenant.category, start_datetime=moment, end_datetime=moment)

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {"end_datetime": ["end_datetime must be after start_datetime."]}


def test_end_in_the_past_is_400(tenant, hr_client):
    payload = factories.panel_payload(
        tenant.category,
        start_datetime=factories.iso(factories.future(-10)),
        end_datetime=factories.iso(factories.future(-1)),
    )

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {"end_datetime": ["end_datetime must be in the future."]}


def test_datetime_without_offset_is_400_and_says_so(tenant, hr_client):
    naive = factories.future(5).replace(tzinfo=None).isoformat()
    payload = factories.panel_payload(tenant.category, start_datetime=naive)

    errors = assert_error(post(hr_client, payload), 400)

    assert list(errors) == ["start_datetime"]
    assert "no time zone offset" in errors["start_datetime"][0]


@pytest.mark.parametrize(
    "value", ["tomorrow", "2024-13-01T09:00:00Z", "", 12345, None, True, ["2030-01-01T00:00:00Z"]]
)
def test_malformed_datetime_is_400(tenant, hr_client, value):
    payload = factories.panel_payload(tenant.category, end_datetime=value)

    errors = assert_error(post(hr_client, payload), 400)

    assert list(errors) == ["end_datetime"]


def test_sum_of_distributions_must_equal_total(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, total_number_of_questions=10)

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {
        "total_number_of_questions": [
            "The question distributions add up to 6 questions, but total_number_of_questions is 10."
        ]
    }
    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize("total", [0, -1])
def test_total_must_be_at_least_one(tenant, hr_client, total):
    payload = factories.panel_payload(tenant.category, total_number_of_questions=total)

    errors = assert_error(post(hr_client, payload), 400)

    assert "total_number_of_questions" in errors


def test_negative_count_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    payload["question_distributions"][0]["easy"] = -1
    payload["total_number_of_questions"] -= 2

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {
        "question_distributions": {
            "0": {"easy": ["Ensure this value is greater than or equal to 0."]}
        }
    }


def test_distribution_with_no_questions_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    payload["question_distributions"][1].update(easy=0, medium=0, hard=0)
    payload["total_number_of_questions"] = 3

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {
        "question_distributions": {
            "1": {
                "non_field_errors": ["At least one of easy, medium or hard must be greater than 0."]
            }
        }
    }


def test_same_subtopic_twice_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    payload["question_distributions"][1] = dict(payload["question_distributions"][0])

    errors = assert_error(post(hr_client, payload), 400)

    subtopic = payload["question_distributions"][0]["subtopic_uuid"]
    assert errors == {
        "question_distributions": [f"Subtopic {subtopic} appears in more than one distribution."]
    }


def test_same_candidate_twice_is_400(tenant, hr_client):
    candidate = tenant.candidates[0]
    payload = factories.panel_payload(tenant.category, [candidate, candidate])

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {
        "candidate_uuids": [
            f"Candidate {factories.candidate_uuid(candidate)} is listed more than once."
        ]
    }


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "total_number_of_questions",
        "start_datetime",
        "end_datetime",
        "category_uuid",
        "question_distributions",
    ],
)
def test_required_fields_are_required(tenant, hr_client, field):
    payload = factories.panel_payload(tenant.category)
    del payload[field]

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {field: ["This field is required."]}


def test_empty_distributions_are_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, question_distributions=[])

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {"question_distributions": ["This list may not be empty."]}


def test_name_longer_than_255_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, name="x" * 256)

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {"name": ["Ensure this field has no more than 255 characters."]}


@pytest.mark.parametrize("body", ["null", "[]", "[1, 2]", '"text"', "42", "{not json"])
def test_body_that_is_not_an_object_is_400(hr_client, tenant, body):
    response = hr_client.post(URL, body, content_type="application/json")

    assert_error(response, 400)


def test_malformed_uuid_in_body_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, category_uuid="not-a-uuid")

    errors = assert_error(post(hr_client, payload), 400)

    assert errors == {"category_uuid": ["Must be a valid UUID."]}


# --- validation: references -------------------------------------------------------------------


def test_unknown_category_is_404_naming_it(tenant, hr_client):
    missing = uuid.uuid4()
    payload = factories.panel_payload(tenant.category, category_uuid=str(missing))

    errors = assert_error(post(hr_client, payload), 404, "Category not found")

    assert errors == {"category_uuid": [f"Category {missing} not found."]}


def test_unknown_topic_and_subtopic_are_404_naming_them(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    topic, subtopic = uuid.uuid4(), uuid.uuid4()
    payload["question_distributions"][1].update(topic_uuid=str(topic), subtopic_uuid=str(subtopic))

    errors = assert_error(post(hr_client, payload), 404, "Topic and subtopic not found")

    assert errors == {
        "question_distributions": {
            "1": {
                "topic_uuid": [f"Topic {topic} not found."],
                "subtopic_uuid": [f"Subtopic {subtopic} not found."],
            }
        }
    }


def test_unknown_candidate_is_404_naming_it(tenant, hr_client):
    missing = uuid.uuid4()
    payload = factories.panel_payload(tenant.category, tenant.candidates[:1])
    payload["candidate_uuids"].append(str(missing))

    errors = assert_error(post(hr_client, payload), 404, "Candidate not found")

    assert errors == {"candidate_uuids": {"1": [f"Candidate {missing} not found."]}}
    assert row_counts() == (0, 0, 0)


def test_another_organizations_bank_and_candidates_look_like_missing_ones(
    tenant, other_tenant, hr_client
):
    """A foreign category/topic/subtopic/candidate is answered exactly like a missing one."""
    foreign = factories.panel_payload(other_tenant.category, other_tenant.candidates[:1])
    missing = factories.panel_payload(other_tenant.category, other_tenant.candidates[:1])
    missing["category_uuid"] = str(uuid.uuid4())
    missing["candidate_uuids"] = [str(uuid.uuid4())]
    for d in missing["question_distributions"]:
        d.update(topic_uuid=str(uuid.uuid4()), subtopic_uuid=str(uuid.uuid4()))

    foreign_body = post(hr_client, foreign).json()
    missing_body = post(hr_client, missing).json()

    assert foreign_body["message"] == missing_body["message"]
    assert foreign_body["message"] == "Category, topic, subtopic and candidate not found"
    assert set(foreign_body["errors"]) == set(missing_body["errors"])
    assert row_counts() == (0, 0, 0)


def test_topic_outside_the_category_is_400(tenant, hr_client):
    elsewhere = factories.make_bank(tenant.organization, name="Elsewhere")
    payload = factories.panel_payload(tenant.category)
    subtopic = factories.first_subtopics(elsewhere)[0]
    payload["question_distributions"][0].update(
        topic_uuid=str(subtopic.topic.uuid), subtopic_uuid=str(subtopic.uuid)
    )

    errors = assert_error(
        post(hr_client, payload), 400, "Topics and subtopics must belong to the chosen category"
    )

    assert errors == {
        "question_distributions": {
            "0": {
                "topic_uuid": [
                    f"Topic '{subtopic.topic.name}' is not under category 'Acme Python'."
                ]
            }
        }
    }


def test_subtopic_outside_the_topic_is_400(tenant, hr_client):
    payload = factories.panel_payload(tenant.category)
    first, second = payload["question_distributions"]
    first["subtopic_uuid"], second["subtopic_uuid"] = (
        second["subtopic_uuid"],
        first["subtopic_uuid"],
    )

    errors = assert_error(post(hr_client, payload), 400)

    assert set(errors["question_distributions"]) == {"0", "1"}
    assert set(errors["question_distributions"]["0"]) == {"subtopic_uuid"}
    assert "is not under topic" in errors["question_distributions"]["0"]["subtopic_uuid"][0]


def test_not_enough_questions_is_400_per_distribution_and_difficulty(tenant, hr_client):
    payload = factories.panel_payload(tenant.category, counts=(1, 1, 1))
    payload["question_distributions"][1].update(easy=1, medium=7, hard=9)
    payload["total_number_of_questions"] = 3 + 17

    errors = assert_error(post(hr_client, payload), 400, "Not enough questions in the bank")

    subtopic = factories.first_subtopics(tenant.category)[1]
    assert errors == {
        "question_distributions": {
            "1": {
                "medium": [
                    f"Subtopic '{subtopic.name}' has 5 medium questions, 7 requested: 2 short."
                ],
                "hard": [f"Subtopic '{subtopic.name}' has 5 hard questions, 9 requested: 4 short."],
            }
        }
    }
    assert row_counts() == (0, 0, 0)


def test_question_stock_counts_only_questions_the_organization_may_see(
    tenant, other_tenant, hr_client
):
    shared = factories.make_bank(None, name="Shared", topics=1, questions=2)
    subtopic = factories.first_subtopics(shared)[0]
    # Three more easy questions that only the other organization owns.
    Question.objects.bulk_create(
        Question(
            organization=other_tenant.organization,
            subtopic=subtopic,
            difficulty="easy",
            text=f"private {n}",
        )
        for n in range(3)
    )
    payload = factories.panel_payload(shared, counts=(3, 0, 0))

    errors = assert_error(post(hr_client, payload), 400)

    assert (
        "has 2 easy questions, 3 requested: 1 short"
        in errors["question_distributions"]["0"]["easy"][0]
    )
    assert post(client_for(other_tenant.hr), payload).status_code == 201


# --- transaction and tokens -----------------------------------------------------------------


def test_a_failure_midway_through_create_leaves_no_rows(tenant, monkeypatch):
    """The candidate insert fails on the token unique constraint after panel + distributions."""
    existing = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    taken = existing.candidates.get().token
    before = row_counts()
    monkeypatch.setattr(services, "new_token", lambda: taken)

    with pytest.raises(IntegrityError):
        factories.make_panel(tenant.organization, tenant.category, tenant.candidates[1:])

    assert row_counts() == before


def test_a_failure_midway_is_answered_409_in_the_envelope(tenant, hr_client, monkeypatch):
    existing = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    monkeypatch.setattr(services, "new_token", lambda: existing.candidates.get().token)
    before = row_counts()

    response = post(hr_client, factories.panel_payload(tenant.category, tenant.candidates[1:]))

    assert_error(response, 409)
    assert row_counts() == before


def test_every_candidate_gets_a_distinct_url_safe_token(tenant, other_tenant):
    for owner in (tenant, other_tenant):
        for _ in range(3):
            factories.make_panel(owner.organization, owner.category, owner.candidates)

    tokens = list(PanelCandidate.objects.values_list("token", flat=True))

    assert len(tokens) == 18
    assert len(set(tokens)) == 18
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32,}", token) for token in tokens)


def test_token_expiry_equals_panel_end(tenant):
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    expiries = set(panel.candidates.values_list("token_expires_at", flat=True))

    assert expiries == {panel.end_datetime}


def test_unused_fields_in_create_are_not_stored(tenant, other_tenant, hr_client):
    payload = factories.panel_payload(
        tenant.category,
        tenant.candidates[:1],
        organization=other_tenant.uuid,
        is_active=False,
        is_deleted=True,
        uuid=str(uuid.uuid4()),
        created_by=other_tenant.admin.pk,
    )

    data = post(hr_client, payload).json()["data"]

    panel = InterviewPanel.objects.get(uuid=data["uuid"])
    assert data["uuid"] != payload["uuid"]
    assert panel.organization == tenant.organization
    assert panel.is_deleted is False
    assert panel.created_by == tenant.hr
    assert data["is_active"] is True

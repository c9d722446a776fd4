"""Coverage before create: stock, demand and projected exposure, and ``POST bank/coverage/``."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_interview_panels.bank import schema as coverage_schema
from django_interview_panels.bank import services
from django_interview_panels.bank.coverage import DifficultyCoverage, question_coverage
from django_interview_panels.bank.views import represent_coverage
from django_interview_panels.models import InterviewPanel, Question, Subtopic
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/panel/bank/coverage/"
CREATE_URL = "/api/panel/create/"


def add_questions(subtopic: Subtopic, organization: Any, difficulty: str, count: int) -> None:
    Question.objects.bulk_create(
        Question(
            organization=organization, subtopic=subtopic, difficulty=difficulty, text=f"extra {n}"
        )
        for n in range(count)
    )


def coverage_of(
    organization: Any, subtopic: Subtopic, candidates: int, easy=0, medium=0, hard=0
) -> dict[str, DifficultyCoverage]:
    found = question_coverage(
        organization=organization,
        distributions=[{"subtopic": subtopic, "easy": easy, "medium": medium, "hard": hard}],
        candidates=candidates,
    )
    [entry] = found.subtopics
    return entry.difficulties


def payload(category: Any, candidates: int = 10, counts=(1, 1, 1)) -> dict[str, Any]:
    """A coverage request over every topic's first subtopic of ``category``."""
    create = factories.panel_payload(category, counts=counts)
    return {
        "category_uuid": create["category_uuid"],
        "question_distributions": create["question_distributions"],
        "candidates": candidates,
    }


def post(client: Any, body: Any) -> Any:
    return client.post(URL, body, format="json")


def assert_error(response: Any, status: int, message: str | None = None) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"success", "message", "errors"}
    assert body["success"] is False
    if message is not None:
        assert body["message"] == message
    return body["errors"]


# --- the numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("available", "required", "candidates", "mean", "most"),
    [
        (5, 2, 10, 4.0, 4),
        (3, 2, 10, 20 / 3, 7),
        (5, 5, 3, 3.0, 3),
        (5, 1, 1, 0.2, 1),
        (7, 3, 1000, 3000 / 7, 429),
        (4, 4, 1000, 1000.0, 1000),
    ],
)
def test_exposure_at_known_sizes(available, required, candidates, mean, most):
    cell = DifficultyCoverage(available=available, required=required, candidates=candidates)

    assert cell.short_by == 0
    assert cell.exposure_mean == mean
    assert cell.exposure_max == most


@pytest.mark.parametrize(
    ("available", "required", "candidates"),
    [(5, 2, 10), (3, 2, 10), (7, 3, 100), (10, 1, 7), (6, 4, 9), (9, 9, 5)],
)
def test_the_formulas_match_a_simulated_least_used_draw(available, required, candidates):
    """What docs/coverage.md promises: candidate after candidate drawing ``required`` distinct
    questions, least used first (ties at random), every question is seen ``mean`` times on
    average and ``max`` times at most."""
    chooser = random.Random(available * 1_000_003 + required * 1_009 + candidates)
    uses = Counter({question: 0 for question in range(available)})
    for _ in range(candidates):
        order = sorted(uses, key=lambda question: (uses[question], chooser.random()))
        for question in order[:required]:
            uses[question] += 1
    cell = DifficultyCoverage(available=available, required=required, candidates=candidates)

    assert sum(uses.values()) / available == cell.exposure_mean
    assert max(uses.values()) == cell.exposure_max
    assert max(uses.values()) - min(uses.values()) <= 1


def test_a_difficulty_nobody_draws_has_no_exposure():
    for available in (0, 5):
        cell = DifficultyCoverage(available=available, required=0, candidates=10)

        assert (cell.short_by, cell.exposure_mean, cell.exposure_max) == (0, 0.0, 0)


@pytest.mark.parametrize(("available", "required", "short_by"), [(2, 3, 1), (0, 1, 1), (0, 9, 9)])
def test_a_short_stock_says_by_how_much_and_projects_no_exposure(available, required, short_by):
    cell = DifficultyCoverage(available=available, required=required, candidates=10)

    assert cell.short_by == short_by
    assert cell.exposure_mean is None
    assert cell.exposure_max is None


def test_coverage_counts_the_questions_per_subtopic_and_difficulty(tenant):
    subtopic = factories.first_subtopics(tenant.category)[0]
    add_questions(subtopic, tenant.organization, "hard", 2)

    cells = coverage_of(tenant.organization, subtopic, 10, easy=2, medium=6, hard=7)

    assert {d: (c.available, c.required, c.short_by) for d, c in cells.items()} == {
        "easy": (5, 2, 0),
        "medium": (5, 6, 1),
        "hard": (7, 7, 0),
    }
    assert (cells["easy"].exposure_mean, cells["easy"].exposure_max) == (4.0, 4)
    assert (cells["hard"].exposure_mean, cells["hard"].exposure_max) == (10.0, 10)


def test_retired_questions_are_not_available(tenant):
    subtopic = factories.first_subtopics(tenant.category)[0]
    for question in Question.objects.filter(subtopic=subtopic, difficulty="easy")[:2]:
        services.retire_question(question=question)

    cells = coverage_of(tenant.organization, subtopic, 10, easy=4)

    assert (cells["easy"].available, cells["easy"].short_by) == (3, 1)


def test_other_organizations_questions_are_left_out_and_global_ones_counted(tenant, other_tenant):
    shared = factories.make_bank(None, name="Shared", topics=1, questions=2)
    subtopic = factories.first_subtopics(shared)[0]
    add_questions(subtopic, other_tenant.organization, "easy", 3)
    add_questions(subtopic, tenant.organization, "easy", 1)

    ours = coverage_of(tenant.organization, subtopic, 1, easy=1)
    theirs = coverage_of(other_tenant.organization, subtopic, 1, easy=1)

    assert ours["easy"].available == 2 + 1
    assert theirs["easy"].available == 2 + 3


def test_coverage_keeps_the_order_of_the_distributions_and_says_whether_it_suffices(tenant):
    first, second = factories.first_subtopics(tenant.category)
    distributions = [
        {"subtopic": second, "easy": 1, "medium": 0, "hard": 0},
        {"subtopic": first, "easy": 0, "medium": 0, "hard": 6},
    ]

    found = question_coverage(
        organization=tenant.organization, distributions=distributions, candidates=3
    )

    assert [entry.subtopic for entry in found.subtopics] == [second, first]
    assert [entry.sufficient for entry in found.subtopics] == [True, False]
    assert found.sufficient is False
    assert found.candidates == 3


def test_coverage_is_one_query_whatever_the_size_of_the_bank(tenant, django_assert_num_queries):
    for topics, questions in ((1, 1), (10, 40)):
        category = factories.make_bank(tenant.organization, topics=topics, questions=questions)
        distributions = [
            {"subtopic": subtopic, "easy": 1, "medium": 1, "hard": 1}
            for subtopic in factories.first_subtopics(category)
        ]

        with django_assert_num_queries(1):
            found = question_coverage(
                organization=tenant.organization, distributions=distributions, candidates=1000
            )

        assert [e.difficulties["hard"].available for e in found.subtopics] == [questions] * topics


# --- the panel create's stock check -----------------------------------------------------------


@pytest.mark.parametrize("counts", [(5, 5, 5), (5, 6, 5), (0, 0, 7), (1, 0, 0)])
def test_the_create_passes_its_stock_check_exactly_when_coverage_suffices(tenant, counts):
    hr = client_for(tenant.hr)
    coverage = post(hr, payload(tenant.category, counts=counts)).json()["data"]

    created = hr.post(
        CREATE_URL, factories.panel_payload(tenant.category, counts=counts), format="json"
    )

    assert created.status_code == (201 if coverage["sufficient"] else 400), created.content
    if not coverage["sufficient"]:
        body = created.json()
        assert body["message"] == "Not enough questions in the bank"
        for index, entry in enumerate(coverage["subtopics"]):
            for difficulty, cell in entry["difficulties"].items():
                errors = body["errors"]["question_distributions"].get(str(index), {})
                if cell["short_by"]:
                    assert errors[difficulty] == [
                        f"Subtopic '{entry['subtopic_name']}' has {cell['available']} "
                        f"{difficulty} questions, {cell['required']} requested: "
                        f"{cell['short_by']} short."
                    ]
                else:
                    assert difficulty not in errors


def test_the_create_counts_retired_questions_out_like_coverage(tenant, hr_client):
    subtopic = factories.first_subtopics(tenant.category)[0]
    services.retire_question(question=Question.objects.filter(subtopic=subtopic).first())
    counts = (5, 5, 5)

    coverage = post(hr_client, payload(tenant.category, counts=counts)).json()["data"]
    created = hr_client.post(
        CREATE_URL, factories.panel_payload(tenant.category, counts=counts), format="json"
    )

    assert coverage["sufficient"] is False
    assert created.status_code == 400
    assert InterviewPanel.objects.count() == 0


# --- the endpoint -----------------------------------------------------------------------------


def test_coverage_answers_200_with_the_envelope_and_every_cell(tenant, hr_client):
    first, second = factories.first_subtopics(tenant.category)
    body = payload(tenant.category, candidates=10, counts=(2, 5, 0))
    body["question_distributions"][1].update(easy=6, medium=1, hard=0)

    response = post(hr_client, body)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "success": True,
        "message": "Question coverage retrieved successfully",
        "data": {
            "category": str(tenant.category.uuid),
            "candidates": 10,
            "subtopics": [
                {
                    "topic_uuid": str(first.topic.uuid),
                    "subtopic_uuid": str(first.uuid),
                    "subtopic_name": first.name,
                    "difficulties": {
                        "easy": cell(5, 2, 0, 4.0, 4),
                        "medium": cell(5, 5, 0, 10.0, 10),
                        "hard": cell(5, 0, 0, 0.0, 0),
                    },
                },
                {
                    "topic_uuid": str(second.topic.uuid),
                    "subtopic_uuid": str(second.uuid),
                    "subtopic_name": second.name,
                    "difficulties": {
                        "easy": cell(5, 6, 1, None, None),
                        "medium": cell(5, 1, 0, 2.0, 2),
                        "hard": cell(5, 0, 0, 0.0, 0),
                    },
                },
            ],
            "sufficient": False,
        },
    }


def cell(available, required, short_by, mean, most) -> dict[str, Any]:
    return {
        "available": available,
        "required": required,
        "short_by": short_by,
        "exposure_mean": mean,
        "exposure_max": most,
    }


def test_the_rendered_fields_are_the_documented_ones(tenant):
    subtopic = factories.first_subtopics(tenant.category)[0]
    found = question_coverage(
        organization=tenant.organization,
        distributions=[{"subtopic": subtopic, "easy": 1, "medium": 1, "hard": 1}],
        candidates=2,
    )

    data = represent_coverage(tenant.category, found)

    assert set(data) == set(coverage_schema.QuestionCoverageSerializer().fields)
    [entry] = data["subtopics"]
    assert set(entry) == set(coverage_schema.SubtopicCoverageSerializer().fields)
    difficulties = coverage_schema.DifficultiesCoverageSerializer().fields
    assert set(entry["difficulties"]) == set(difficulties)
    assert set(entry["difficulties"]["easy"]) == set(
        coverage_schema.DifficultyCoverageSerializer().fields
    )


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("hr", 200), ("member", 403)])
def test_managers_may_ask_and_members_may_not(tenant, role, status):
    response = post(client_for(getattr(tenant, role)), payload(tenant.category))

    assert response.status_code == status
    if status == 403:
        assert_error(response, 403, "User is not Admin or HR")


def test_anonymous_is_401_and_a_user_without_organization_403(tenant, loner):
    assert_error(post(client_for(None), payload(tenant.category)), 401)
    assert_error(post(client_for(loner), payload(tenant.category)), 403)


def test_a_member_is_refused_before_the_body_is_read(tenant, member_client):
    assert_error(post(member_client, {"candidates": "nope"}), 403)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"candidates": 0}, "candidates"),
        ({"candidates": 1001}, "candidates"),
        ({"candidates": "10"}, "candidates"),
        ({"candidates": True}, "candidates"),
        ({"candidates": None}, "candidates"),
        ({"category_uuid": "not-a-uuid"}, "category_uuid"),
        ({"question_distributions": []}, "question_distributions"),
    ],
)
def test_invalid_fields_are_400_naming_them(tenant, hr_client, change, field):
    errors = assert_error(post(hr_client, {**payload(tenant.category), **change}), 400)

    assert set(errors) == {field}


@pytest.mark.parametrize("field", ["category_uuid", "question_distributions", "candidates"])
def test_every_field_is_required(tenant, hr_client, field):
    body = payload(tenant.category)
    del body[field]

    errors = assert_error(post(hr_client, body), 400, "Invalid request data")

    assert set(errors) == {field}


def test_the_candidate_cap_is_the_panels(tenant, hr_client, settings):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MAX_CANDIDATES_PER_PANEL": 5,
    }

    assert post(hr_client, payload(tenant.category, candidates=5)).status_code == 200
    errors = assert_error(post(hr_client, payload(tenant.category, candidates=6)), 400)
    assert errors == {"candidates": ["Ensure this value is less than or equal to 5."]}


def test_distributions_are_validated_as_the_create_validates_them(tenant, hr_client):
    body = payload(tenant.category)
    body["question_distributions"][0].update(easy=0, medium=0, hard=0)
    body["question_distributions"][1]["easy"] = -1
    create = factories.panel_payload(tenant.category)
    create["question_distributions"] = body["question_distributions"]

    errors = assert_error(post(hr_client, body), 400)
    create_errors = assert_error(hr_client.post(CREATE_URL, create, format="json"), 400)

    assert errors["question_distributions"] == create_errors["question_distributions"]
    assert set(errors["question_distributions"]) == {"0", "1"}


def test_the_same_subtopic_twice_is_400(tenant, hr_client):
    body = payload(tenant.category)
    body["question_distributions"][1] = dict(body["question_distributions"][0])
    subtopic = body["question_distributions"][0]["subtopic_uuid"]

    errors = assert_error(post(hr_client, body), 400)

    assert errors == {
        "question_distributions": [f"Subtopic {subtopic} appears in more than one distribution."]
    }


@pytest.mark.parametrize("kind", ["category", "topic", "subtopic"])
def test_an_unknown_reference_is_404_as_the_create_answers_it(tenant, hr_client, kind):
    body = payload(tenant.category)
    create = factories.panel_payload(tenant.category)
    missing = str(uuid.uuid4())
    for request in (body, create):
        if kind == "category":
            request["category_uuid"] = missing
        else:
            request["question_distributions"][0][f"{kind}_uuid"] = missing

    response = post(hr_client, body)
    created = hr_client.post(CREATE_URL, create, format="json")

    errors = assert_error(response, 404, f"{kind.capitalize()} not found")
    assert response.json() == created.json()
    assert missing in str(errors)


def test_every_unknown_reference_is_named_in_one_404(tenant, hr_client):
    body = payload(tenant.category)
    body["category_uuid"] = str(uuid.uuid4())
    body["question_distributions"][1]["topic_uuid"] = str(uuid.uuid4())
    body["question_distributions"][1]["subtopic_uuid"] = str(uuid.uuid4())

    errors = assert_error(post(hr_client, body), 404, "Category, topic and subtopic not found")

    assert set(errors) == {"category_uuid", "question_distributions"}
    assert set(errors["question_distributions"]["1"]) == {"topic_uuid", "subtopic_uuid"}


@pytest.mark.parametrize("kind", ["category", "topic", "subtopic"])
def test_another_organizations_reference_looks_like_a_missing_one(
    tenant, other_tenant, hr_client, kind
):
    theirs = payload(other_tenant.category)
    if kind == "category":
        foreign = theirs["category_uuid"]
    else:
        foreign = theirs["question_distributions"][0][f"{kind}_uuid"]
    missing = str(uuid.uuid4())

    def post_with(value: str) -> Any:
        body = payload(tenant.category)
        if kind == "category":
            body["category_uuid"] = value
        else:
            body["question_distributions"][0][f"{kind}_uuid"] = value
        return post(hr_client, body)

    answered = post_with(foreign)
    unknown = post_with(missing)

    assert answered.status_code == unknown.status_code == 404
    assert answered.content.replace(foreign.encode(), b"<uuid>") == unknown.content.replace(
        missing.encode(), b"<uuid>"
    )


def test_a_topic_outside_the_category_is_400_as_the_create_answers_it(tenant, hr_client):
    elsewhere = factories.make_bank(tenant.organization, name="Elsewhere", topics=1)
    stray = factories.first_subtopics(elsewhere)[0]
    body = payload(tenant.category)
    create = factories.panel_payload(tenant.category)
    for request in (body, create):
        request["question_distributions"][0].update(
            topic_uuid=str(stray.topic.uuid), subtopic_uuid=str(stray.uuid)
        )

    response = post(hr_client, body)

    assert_error(response, 400, "Topics and subtopics must belong to the chosen category")
    assert response.json() == hr_client.post(CREATE_URL, create, format="json").json()


def test_global_bank_entries_may_be_asked_about(tenant, hr_client):
    shared = factories.make_bank(None, name="Shared", topics=1, questions=3)

    response = post(hr_client, payload(shared, candidates=6, counts=(2, 0, 0)))

    assert response.status_code == 200, response.content
    [entry] = response.json()["data"]["subtopics"]
    assert entry["difficulties"]["easy"] == cell(3, 2, 0, 4.0, 4)


def test_coverage_writes_nothing(tenant, hr_client):
    before = (InterviewPanel.objects.count(), Question.objects.count())

    assert post(hr_client, payload(tenant.category)).status_code == 200
    assert (InterviewPanel.objects.count(), Question.objects.count()) == before


def test_get_is_405_in_the_envelope(tenant, hr_client):
    response = hr_client.get(URL)

    assert_error(response, 405, 'Method "GET" not allowed.')
    assert "POST" in response["Allow"]


def test_the_path_without_its_slash_names_the_right_one(tenant, hr_client):
    response = hr_client.post(URL.rstrip("/"), payload(tenant.category), format="json")

    assert_error(response, 404, f"Not found. Paths of this API end with a slash: {URL}")


def test_the_endpoint_runs_the_same_queries_whatever_the_size_of_the_bank(tenant, hr_client):
    counts = []
    for topics, questions in ((1, 1), (2, 10), (12, 40)):
        category = factories.make_bank(tenant.organization, topics=topics, questions=questions)
        body = payload(category, candidates=1000, counts=(1, 1, 1))
        with CaptureQueriesContext(connection) as overhead:
            assert post(hr_client, {}).status_code == 400  # authenticated, then refused
        with CaptureQueriesContext(connection) as queries:
            response = post(hr_client, body)
        assert response.status_code == 200
        assert len(response.json()["data"]["subtopics"]) == topics
        counts.append(len(queries) - len(overhead))

    # The category, the topics, the subtopics (with their topic), the stock: four.
    assert counts == [4, 4, 4]

"""Questions through the API: kinds and answer keys, versions, retiring, filters, answer keys
hidden from members, scope, and bad input."""

from __future__ import annotations

import copy
import json
import pathlib
import re
import uuid

import pytest

from django_interview_panels.models import Question, QuestionVersion, RubricDimension, Subtopic
from tests.bank.conftest import QUESTION_BODIES, make_question, url
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]

# Values only an answer key holds: a member's response must contain none of them as a JSON string.
# Whole strings, quotes included: "def" alone is also how a UUID may begin ("defa1234-...").
SECRETS = ["A compact way to build a list.", "map only", "Syntax, filter, readability.", "def"]


def body_for(subtopic, base: str = "open", **overrides):
    return {
        **copy.deepcopy(QUESTION_BODIES[base]),
        "subtopic_uuid": str(subtopic.uuid),
        **overrides,
    }


@pytest.mark.parametrize("kind", list(QUESTION_BODIES))
def test_create_each_kind(tenant, hr_client, subtopic, kind):
    response = hr_client.post(url("questions"), body_for(subtopic, kind), format="json")

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    question = Question.objects.get(uuid=data["uuid"])
    assert question.kind == kind
    assert question.organization == tenant.organization
    assert data["answer_key"] == question.answer_key
    assert data["version"] == 1
    assert question.versions.get().answer_key == question.answer_key
    assert data["subtopic"] == {"uuid": str(subtopic.uuid), "name": subtopic.name}
    assert data["topic"]["uuid"] == str(subtopic.topic.uuid)
    assert data["category"]["uuid"] == str(subtopic.topic.category.uuid)
    assert set(data) == {
        "uuid", "kind", "text", "difficulty", "points", "expected_time_seconds", "choices",
        "answer_key", "rubric_weights", "version", "is_retired", "subtopic", "topic",
        "category", "organization", "created_at", "updated_at",
    }  # fmt: skip


def test_defaults_are_filled_in(hr_client, subtopic):
    body = body_for(subtopic, "short_answer", answer_key={"accepted_answers": ["def"]})
    data = hr_client.post(url("questions"), body, format="json").json()["data"]
    assert data["points"] == 1
    assert data["expected_time_seconds"] == 120
    assert data["answer_key"] == {
        "accepted_answers": ["def"],
        "case_sensitive": False,
        "normalize_whitespace": True,
    }
    open_body = body_for(subtopic, "open", answer_key={"expected_answer": "x"})
    open_key = hr_client.post(url("questions"), open_body, format="json").json()["data"]
    assert open_key["answer_key"] == {
        "expected_answer": "x",
        "ideal_answer_summary": "",
        "keywords": [],
        "keyword_coverage": 0.5,
        "red_flags": [],
    }


def test_members_never_see_answer_keys(tenant, hr_client, member_client, subtopic):
    created = hr_client.post(url("questions"), body_for(subtopic, "open"), format="json")
    choice = hr_client.post(url("questions"), body_for(subtopic, "short_answer"), format="json")
    question_uuid = created.json()["data"]["uuid"]
    hr_client.patch(url("questions", question_uuid), {"text": "Changed"}, format="json")

    responses = [
        member_client.get(url("questions", question_uuid)),
        member_client.get(url("questions", choice.json()["data"]["uuid"])),
        member_client.get(url("questions"), {"page_size": 200}),
        member_client.get(url("questions", question_uuid, "versions/")),
    ]

    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert "answer_key" not in text
        assert not [secret for secret in SECRETS if f'"{secret}"' in text]
    # Choices are the question itself: members see them.
    single = hr_client.post(url("questions"), body_for(subtopic, "single_choice"), format="json")
    seen = member_client.get(url("questions", single.json()["data"]["uuid"])).json()["data"]
    assert seen["choices"] == ["tuple", "list"]
    assert "answer_key" not in seen
    # Managers see them.
    manager = hr_client.get(url("questions", question_uuid, "versions/")).json()["data"]
    assert all("answer_key" in version for version in manager["versions"])


def test_editing_a_used_version_makes_a_new_one(tenant, hr_client, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")
    QuestionVersion.objects.filter(question=question).update(is_used=True)

    response = hr_client.patch(
        url("questions", question.uuid),
        {"answer_key": {"value": 4, "tolerance": 1}, "points": 5},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"]["version"] == 2
    versions = hr_client.get(url("questions", question.uuid, "versions/")).json()["data"]
    assert [v["number"] for v in versions["versions"]] == [2, 1]
    assert versions["versions"][0]["answer_key"] == {"value": 4, "tolerance": 1}
    assert versions["versions"][1]["answer_key"] == {"value": 3, "tolerance": 0}
    assert versions["versions"][1]["points"] == 1


def test_an_unused_version_is_edited_in_place(tenant, hr_client, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")
    response = hr_client.patch(url("questions", question.uuid), {"text": "New?"}, format="json")
    assert response.json()["data"]["version"] == 1
    assert question.versions.get().text == "New?"


def test_changing_kind_needs_a_matching_answer_key(tenant, hr_client, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")
    target = url("questions", question.uuid)

    without = hr_client.patch(target, {"kind": "single_choice"}, format="json")
    mismatched = hr_client.patch(
        target, {"kind": "short_answer", "answer_key": {"value": 1}}, format="json"
    )
    no_choices = hr_client.patch(
        target, {"kind": "single_choice", "answer_key": {"correct": [0]}}, format="json"
    )
    valid = hr_client.patch(
        target,
        {"kind": "single_choice", "choices": ["a", "b"], "answer_key": {"correct": [0]}},
        format="json",
    )

    assert without.status_code == mismatched.status_code == no_choices.status_code == 400
    assert list(without.json()["errors"]) == ["answer_key"]
    assert "answer_key" in mismatched.json()["errors"]
    assert "choices" in no_choices.json()["errors"]
    assert valid.status_code == 200, valid.content
    assert valid.json()["data"]["kind"] == "single_choice"
    # Choices that no longer fit the stored answer key are refused.
    shrink = hr_client.patch(target, {"choices": ["only", "two"]}, format="json")
    assert shrink.status_code == 200
    question.refresh_from_db()
    hr_client.patch(target, {"answer_key": {"correct": [1]}}, format="json")
    assert hr_client.patch(target, {"choices": ["a"]}, format="json").status_code == 400


def test_delete_removes_a_question_no_candidate_has_seen(tenant, hr_client, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")

    deleted = hr_client.delete(url("questions", question.uuid))

    assert deleted.status_code == 200
    assert deleted.json() == {"success": True, "message": "Question deleted successfully"}
    assert not Question.objects.filter(pk=question.pk).exists()
    assert hr_client.get(url("questions", question.uuid)).status_code == 404


def test_delete_retires_a_used_question_and_patch_restores(tenant, hr_client, subtopic):
    question = make_question(tenant.organization, subtopic, "numeric")
    question.versions.update(is_used=True)

    retired = hr_client.delete(url("questions", question.uuid))

    assert retired.status_code == 200
    assert retired.json()["data"]["is_retired"] is True
    question.refresh_from_db()
    assert question.is_retired and question.retired_at is not None
    listed = hr_client.get(url("questions"), {"page_size": 200}).json()["data"]["questions"]
    assert str(question.uuid) not in {q["uuid"] for q in listed}
    only_retired = hr_client.get(url("questions"), {"retired": "true"}).json()["data"]
    assert [q["uuid"] for q in only_retired["questions"]] == [str(question.uuid)]
    assert hr_client.get(url("questions", question.uuid)).status_code == 200

    restored = hr_client.patch(
        url("questions", question.uuid), {"is_retired": False}, format="json"
    )

    assert restored.status_code == 200
    assert restored.json()["data"]["is_retired"] is False
    question.refresh_from_db()
    assert not question.is_retired and question.retired_at is None


def test_question_filters(tenant, hr_client):
    subtopics = list(Subtopic.objects.filter(organization=tenant.organization).order_by("id"))
    first, second = subtopics[0], subtopics[1]
    Question.objects.filter(organization=tenant.organization).delete()
    a = make_question(tenant.organization, first, "numeric", text="Alpha length")
    b = make_question(tenant.organization, second, "open", text="Beta comprehension")
    c = make_question(tenant.organization, second, "short_answer", text="Gamma def")

    def listed(**params):
        data = hr_client.get(url("questions"), params).json()["data"]["questions"]
        return {q["uuid"] for q in data}

    assert listed() == {str(a.uuid), str(b.uuid), str(c.uuid)}
    assert listed(kind="open") == {str(b.uuid)}
    assert listed(difficulty="medium") == set()
    assert listed(difficulty="easy") == {str(a.uuid), str(b.uuid), str(c.uuid)}
    assert listed(subtopic=str(second.uuid)) == {str(b.uuid), str(c.uuid)}
    assert listed(topic=str(first.topic.uuid)) == {str(a.uuid)}
    assert listed(category=str(tenant.category.uuid)) == {str(a.uuid), str(b.uuid), str(c.uuid)}
    assert listed(search="COMPREHENSION") == {str(b.uuid)}
    assert listed(retired="false") == {str(a.uuid), str(b.uuid), str(c.uuid)}

    for params in [
        {"kind": "essay"},
        {"difficulty": ""},
        {"retired": "yes"},
        {"subtopic": "123"},
        {"search": "x" * 10_001},
        {"page_size": "-1"},
    ]:
        response = hr_client.get(url("questions"), params)
        assert response.status_code == 400, params
        assert set(response.json()["errors"]) == set(params)


def test_rubric_weights_name_visible_dimensions_only(tenant, other_tenant, hr_client, subtopic):
    own = RubricDimension.objects.create(organization=tenant.organization, name="Own")
    shared = RubricDimension.objects.create(organization=None, name="Shared")
    foreign = RubricDimension.objects.create(organization=other_tenant.organization, name="F")
    missing = uuid.uuid4()

    ok = hr_client.post(
        url("questions"),
        body_for(subtopic, rubric_weights={str(own.uuid): 2, str(shared.uuid).upper(): 0}),
        format="json",
    )
    refused = {
        value: hr_client.post(
            url("questions"), body_for(subtopic, rubric_weights={str(value): 1}), format="json"
        )
        for value in (foreign.uuid, missing)
    }

    assert ok.status_code == 201, ok.content
    assert ok.json()["data"]["rubric_weights"] == {str(own.uuid): 2, str(shared.uuid): 0}
    assert refused[foreign.uuid].status_code == refused[missing].status_code == 404
    assert refused[foreign.uuid].content.replace(str(foreign.uuid).encode(), b"<u>") == refused[
        missing
    ].content.replace(str(missing).encode(), b"<u>")


def test_a_foreign_subtopic_is_a_404_like_a_missing_one(other_tenant, hr_client, subtopic):
    foreign = Subtopic.objects.filter(organization=other_tenant.organization).first()
    answers = [
        hr_client.post(url("questions"), body_for(s), format="json")
        for s in (foreign, Subtopic(uuid=uuid.uuid4()))
    ]
    assert answers[0].status_code == answers[1].status_code == 404
    assert answers[0].json()["errors"] == {"subtopic_uuid": ["Subtopic not found"]}
    assert answers[0].json() == answers[1].json()
    # A global subtopic is fine.
    shared = Subtopic.objects.create(organization=None, topic=subtopic.topic, name="Shared")
    assert hr_client.post(url("questions"), body_for(shared), format="json").status_code == 201


@pytest.mark.parametrize("method", ["get", "patch", "delete", "versions"])
def test_another_organizations_question_is_a_404_identical_to_a_missing_one(
    other_tenant, hr_client, method
):
    foreign = Question.objects.filter(organization=other_tenant.organization).first()

    def call(value):
        if method == "versions":
            return hr_client.get(url("questions", value, "versions/"))
        return getattr(hr_client, method)(url("questions", value), {"points": 2}, format="json")

    found, missing = call(foreign.uuid), call(uuid.uuid4())

    assert found.status_code == missing.status_code == 404
    assert found.content == missing.content
    foreign.refresh_from_db()
    assert foreign.points == 1 and not foreign.is_retired


def test_global_questions_are_read_only(tenant, hr_client, subtopic):
    shared = make_question(None, subtopic, "numeric")
    assert hr_client.get(url("questions", shared.uuid)).status_code == 200
    for response in (
        hr_client.patch(url("questions", shared.uuid), {"points": 9}, format="json"),
        hr_client.patch(url("questions", shared.uuid), {"is_retired": True}, format="json"),
        hr_client.delete(url("questions", shared.uuid)),
    ):
        assert response.status_code == 403
        assert response.json()["message"] == "Global entries cannot be changed through the API"
    shared.refresh_from_db()
    assert shared.points == 1 and not shared.is_retired


def test_bulk_questions_all_or_nothing(tenant, hr_client, subtopic):
    before = Question.objects.count()
    good = [body_for(subtopic, kind) for kind in QUESTION_BODIES]
    bad = body_for(subtopic, "single_choice", answer_key={"correct": [5]})

    refused = hr_client.post(url("questions", suffix="bulk/"), [*good, bad], format="json")
    created = hr_client.post(url("questions", suffix="bulk/"), good, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["5"]
    assert created.status_code == 201, created.content
    assert [q["kind"] for q in created.json()["data"]["questions"]] == list(QUESTION_BODIES)
    assert Question.objects.count() == before + len(good)


BAD_QUESTIONS = [
    ("kind", {"kind": "essay"}),
    ("kind", {"kind": 3}),
    ("text", {"text": ""}),
    ("text", {"text": "\u200b \u2028"}),
    ("text", {"text": "a\x00b"}),
    ("text", {"text": "x" * 10_001}),
    ("difficulty", {"difficulty": "trivial"}),
    ("points", {"points": 0}),
    ("points", {"points": 1001}),
    ("points", {"points": "3"}),
    ("expected_time_seconds", {"expected_time_seconds": 86_401}),
    ("expected_time_seconds", {"expected_time_seconds": 1.5}),
    ("subtopic_uuid", {"subtopic_uuid": "x"}),
    ("answer_key", {"answer_key": []}),
    ("answer_key", {"answer_key": {"expected_answer": "x", "extra": 1}}),
    ("answer_key", {"answer_key": {"expected_answer": "x", "keyword_coverage": 1.5}}),
    ("answer_key", {"answer_key": {"expected_answer": "x", "keyword_coverage": "0.5"}}),
    ("answer_key", {"answer_key": {"expected_answer": "x", "keywords": ["k"] * 101}}),
    ("answer_key", {"answer_key": {"expected_answer": "x", "keywords": [""]}}),
    ("answer_key", {"answer_key": {"expected_answer": "x" * 10_001}}),
    ("choices", {"choices": ["a", "b"]}),
    ("rubric_weights", {"rubric_weights": {"nope": 1}}),
    ("rubric_weights", {"rubric_weights": {str(uuid.uuid4()): 1001}}),
    ("rubric_weights", {"rubric_weights": {str(uuid.uuid4()): True}}),
    ("rubric_weights", {"rubric_weights": {str(uuid.uuid4()): 1 for _ in range(51)}}),
    ("rubric_weights", {"rubric_weights": [1]}),
]
BAD_KEYED = [
    ("single_choice", {"choices": ["only"]}),
    ("single_choice", {"choices": [f"c{n}" for n in range(21)]}),
    ("single_choice", {"choices": ["a", 1]}),
    ("single_choice", {"answer_key": {"correct": [0, 1]}}),
    ("single_choice", {"answer_key": {"correct": [2]}}),
    ("single_choice", {"answer_key": {"correct": []}}),
    ("single_choice", {"answer_key": {"correct": [True]}}),
    ("single_choice", {"answer_key": {"correct": [1], "shuffle_choices": "yes"}}),
    ("multiple_choice", {"answer_key": {"correct": [0, 0]}}),
    ("multiple_choice", {"answer_key": {"correct": [-1]}}),
    ("short_answer", {"answer_key": {"accepted_answers": []}}),
    ("short_answer", {"answer_key": {"accepted_answers": ["a"], "case_sensitive": 1}}),
    ("numeric", {"answer_key": {"value": "3"}}),
    ("numeric", {"answer_key": {"value": 3, "tolerance": -1}}),
    ("numeric", {"answer_key": {"value": 10**400}}),
    ("numeric", {"answer_key": {}}),
]


@pytest.mark.parametrize(("field", "change"), BAD_QUESTIONS)
def test_bad_question_fields_are_400_on_the_field(hr_client, subtopic, field, change):
    response = hr_client.post(url("questions"), body_for(subtopic, "open", **change), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["success"] is False
    assert field in response.json()["errors"]


@pytest.mark.parametrize(("kind", "change"), BAD_KEYED)
def test_bad_answer_keys_and_choices_are_400(hr_client, subtopic, kind, change):
    response = hr_client.post(url("questions"), body_for(subtopic, kind, **change), format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) <= {"choices", "answer_key"}


def test_over_long_values_are_refused_before_anything_reads_them(hr_client, subtopic):
    # Within the server's body limit, far beyond the fields' caps.
    long_text = "x" * 200_000
    response = hr_client.post(
        url("questions"),
        body_for(subtopic, "open", text=long_text, choices=[long_text]),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["text"] == [
        "Ensure this field has no more than 10000 characters."
    ]


def test_question_role_matrix(tenant, loner, subtopic):
    question = make_question(tenant.organization, subtopic)
    # Seen by a candidate: HR's DELETE retires it, so the reads after it still find it.
    question.versions.update(is_used=True)
    writes = [
        lambda c: c.post(url("questions"), body_for(subtopic), format="json"),
        lambda c: c.post(url("questions", suffix="bulk/"), [body_for(subtopic)], format="json"),
        lambda c: c.patch(url("questions", question.uuid), {"points": 2}, format="json"),
        lambda c: c.delete(url("questions", question.uuid)),
    ]
    reads = [
        lambda c: c.get(url("questions")),
        lambda c: c.get(url("questions", question.uuid)),
        lambda c: c.get(url("questions", question.uuid, "versions/")),
    ]
    for call in writes + reads:
        assert call(client_for(None)).status_code == 401
        assert call(client_for(loner)).status_code == 403
    for call in writes:
        assert call(client_for(tenant.member)).status_code == 403
    for call in reads:
        assert call(client_for(tenant.member)).status_code == 200
    question.refresh_from_db()
    assert question.points == 1 and not question.is_retired
    for call in writes + reads:
        assert call(client_for(tenant.hr)).status_code in (200, 201)


def _doc_question_bodies() -> list[dict]:
    """The question create bodies that docs/bank.md shows (its JSON blocks naming a subtopic)."""
    text = (REPOSITORY / "docs" / "bank.md").read_text(encoding="utf-8")
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S)]
    return [block for block in blocks if "subtopic_uuid" in block and "kind" in block]


def test_the_docs_question_examples_are_accepted(hr_client, subtopic):
    bodies = _doc_question_bodies()

    assert {body["kind"] for body in bodies} == {"single_choice", "open"}
    for body in bodies:
        body = {**body, "subtopic_uuid": str(subtopic.uuid)}
        response = hr_client.post(url("questions"), body, format="json")
        assert response.status_code == 201, (body["kind"], response.content)

"""The Django admin: every page of every registered model renders, and tokens stay read-only."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from django_interview_panels.bank import services
from django_interview_panels.interviews import services as interview_services
from django_interview_panels.models import (
    Attempt,
    AttemptItem,
    Candidate,
    InterviewPanel,
    ItemReview,
    Membership,
    Organization,
    PanelCandidate,
    Question,
    QuestionExposure,
    QuestionVersion,
    RubricDimension,
    get_organization_model,
)
from tests import factories
from tests.conftest import Tenant

APP_MODELS = sorted(
    (
        m
        for m in apps.get_app_config("interview_panels").get_models()
        if admin.site.is_registered(m)
    ),
    key=lambda model: model._meta.model_name,
)


READ_ONLY_MODELS = {Attempt, ItemReview, QuestionExposure}


def admin_url(model: type[Model] | Model, view: str, *args: Any) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser(db: None) -> Any:
    return get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password="pw"
    )


@pytest.fixture
def staff_client(client: Client, superuser: Any) -> Client:
    client.force_login(superuser)
    return client


@pytest.fixture
def panel(tenant: Tenant) -> InterviewPanel:
    """A panel with distributions and candidates, plus a membership, so every list has rows."""
    Membership.objects.create(
        user=factories.make_user(None, None, username="listed-member"),
        organization=tenant.organization,
        role="HR",
    )
    RubricDimension.objects.create(organization=tenant.organization, name="Technical", weight=2)
    panel = factories.make_panel(
        tenant.organization,
        tenant.category,
        tenant.candidates[:2],
        start_datetime=factories.iso(timezone.now() - dt.timedelta(hours=1)),
    )
    # A submitted attempt with a reviewed item: the interview's admin lists have rows too.
    assignment = panel.candidates.order_by("id").first()
    interview_services.start_attempt(assignment=assignment)
    interview_services.submit_attempt(assignment=assignment)
    item = AttemptItem.objects.order_by("id").first()
    interview_services.review_item(
        organization=tenant.organization,
        item_uuid=item.uuid,
        reviewer=tenant.hr,
        dimension_scores=None,
        points=Decimal(1),
        comment="Acme review",
    )
    return panel


def ended_panel(tenant: Tenant) -> InterviewPanel:
    return InterviewPanel.objects.create(
        organization=tenant.organization,
        category=tenant.category,
        name="Ended panel",
        total_number_of_questions=1,
        start_datetime=factories.future(-10),
        end_datetime=factories.future(-1),
    )


def split(value: dt.datetime) -> tuple[str, str]:
    """A datetime as the admin's split date/time inputs post it (TIME_ZONE is UTC)."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")


def panel_change_data(panel: InterviewPanel, **changes: Any) -> dict[str, Any]:
    """The change form of ``panel`` as posted, with no inline rows touched."""
    fields = {
        "organization": panel.organization_id,
        "name": panel.name,
        "description": panel.description,
        "total_number_of_questions": panel.total_number_of_questions,
        "start_datetime": panel.start_datetime,
        "end_datetime": panel.end_datetime,
        "category": panel.category_id,
        "created_by": panel.created_by_id or "",
        **changes,
    }
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, dt.datetime):
            data[f"{name}_0"], data[f"{name}_1"] = split(value)
        else:
            data[name] = value
    for prefix in ("question_distributions", "candidates"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    return data


# --- Registration -------------------------------------------------------------------------------


def test_every_model_of_the_app_in_use_is_registered_or_inline() -> None:
    in_use = set(apps.get_app_config("interview_panels").get_models())
    inline = {
        inline.model
        for model in APP_MODELS
        for inline in admin.site._registry[model].inlines
        if not admin.site.is_registered(inline.model)
    }

    assert inline == {QuestionVersion, AttemptItem}
    assert set(APP_MODELS) | inline == in_use


@pytest.mark.parametrize("model", [Organization, Candidate], ids=["organization", "candidate"])
def test_a_default_model_is_registered_only_when_not_swapped_out(model: type[Model]) -> None:
    assert admin.site.is_registered(model) is not bool(model._meta.swapped)


def test_the_admin_passes_its_system_checks() -> None:
    assert admin.site.check(None) == []


# --- Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda model: model._meta.model_name)
def test_the_changelist_renders(staff_client: Client, panel: InterviewPanel, model: Any) -> None:
    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda model: model._meta.model_name)
def test_the_changelist_search_renders(
    staff_client: Client, panel: InterviewPanel, model: Any
) -> None:
    response = staff_client.get(admin_url(model, "changelist"), {"q": "Acme"})

    assert response.status_code == 200


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda model: model._meta.model_name)
def test_the_add_page_renders(staff_client: Client, model: Any) -> None:
    response = staff_client.get(admin_url(model, "add"))

    # The interview's records are the candidates' and reviewers' work: never added by hand.
    assert response.status_code == (403 if model in READ_ONLY_MODELS else 200)


@pytest.mark.parametrize("model", APP_MODELS, ids=lambda model: model._meta.model_name)
def test_the_change_page_renders(staff_client: Client, panel: InterviewPanel, model: Any) -> None:
    obj = model._default_manager.order_by("pk").first()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_the_panel_change_page_has_distributions_and_candidates_inline(
    staff_client: Client, panel: InterviewPanel
) -> None:
    response = staff_client.get(admin_url(panel, "change", panel.pk))

    prefixes = [formset.formset.prefix for formset in response.context["inline_admin_formsets"]]
    assert prefixes == ["question_distributions", "candidates"]
    assert response.context["inline_admin_formsets"][1].formset.initial_form_count() == 2


# --- Tokens are read-only -----------------------------------------------------------------------


def test_the_panel_candidate_form_shows_the_token_without_an_input(
    staff_client: Client, panel: InterviewPanel
) -> None:
    assignment = panel.candidates.first()

    response = staff_client.get(admin_url(assignment, "change", assignment.pk))

    assert 'name="token"' not in response.text
    assert assignment.token in response.text


def test_the_candidates_inline_shows_tokens_without_an_input(
    staff_client: Client, panel: InterviewPanel
) -> None:
    response = staff_client.get(admin_url(panel, "change", panel.pk))

    assert re.search(r'name="candidates-\d+-token"', response.text) is None
    assert all(assignment.token in response.text for assignment in panel.candidates.all())


def test_a_posted_token_is_ignored(staff_client: Client, panel: InterviewPanel) -> None:
    assignment = panel.candidates.first()
    original = assignment.token
    expires = split(assignment.token_expires_at)
    data = {
        "panel": panel.pk,
        "candidate": assignment.candidate_id,
        "token": "chosen-by-the-admin",
        "token_expires_at_0": expires[0],
        "token_expires_at_1": expires[1],
        "score": "5",
    }

    response = staff_client.post(admin_url(assignment, "change", assignment.pk), data)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.score, assignment.token) == (5, original)


def test_a_candidate_added_in_the_admin_gets_a_token_expiring_with_the_panel(
    staff_client: Client, tenant: Tenant, panel: InterviewPanel
) -> None:
    candidate = tenant.candidates[2]
    data = {"panel": panel.pk, "candidate": candidate.pk, "score": "0"}
    data.update({"token_expires_at_0": "", "token_expires_at_1": ""})

    response = staff_client.post(admin_url(PanelCandidate, "add"), data)

    assert response.status_code == 302
    assignment = PanelCandidate.objects.get(panel=panel, candidate=candidate)
    assert len(assignment.token) >= 32
    assert assignment.token_expires_at == panel.end_datetime


def test_the_admin_requires_a_candidate(staff_client: Client, panel: InterviewPanel) -> None:
    data = {"panel": panel.pk, "candidate": "", "score": "0"}
    data.update({"token_expires_at_0": "", "token_expires_at_1": ""})

    response = staff_client.post(admin_url(PanelCandidate, "add"), data)

    assert response.status_code == 200
    assert "candidate" in response.context["adminform"].form.errors
    assert not PanelCandidate.objects.filter(panel=panel, candidate__isnull=True).exists()


def test_an_erased_assignment_still_saves_in_the_admin_without_a_candidate(
    staff_client: Client, panel: InterviewPanel
) -> None:
    assignment = panel.candidates.order_by("id").first()
    now = timezone.now().replace(microsecond=0)
    PanelCandidate.objects.filter(pk=assignment.pk).update(
        candidate=None, erased_at=now, removed_at=now, token_expires_at=now
    )
    data = {"panel": panel.pk, "candidate": "", "score": "3"}
    data.update(dict(zip(("token_expires_at_0", "token_expires_at_1"), split(now), strict=True)))

    response = staff_client.post(admin_url(assignment, "change", assignment.pk), data)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.candidate_id, assignment.score) == (None, 3)
    # The panel's page, with the erased row inline, saves too.
    page = staff_client.post(admin_url(panel, "change", panel.pk), panel_change_data(panel))
    assert page.status_code == 302


def test_an_empty_expiry_defaults_to_the_candidates_own_window_end(
    staff_client: Client, panel: InterviewPanel
) -> None:
    assignment = panel.candidates.order_by("id")[1]
    own_end = panel.end_datetime.replace(microsecond=0) - dt.timedelta(hours=1)
    PanelCandidate.objects.filter(pk=assignment.pk).update(
        window_ends_at=own_end, token_expires_at=own_end
    )
    data = {"panel": panel.pk, "candidate": assignment.candidate_id, "score": "0"}
    data.update({"token_expires_at_0": "", "token_expires_at_1": ""})

    response = staff_client.post(admin_url(assignment, "change", assignment.pk), data)

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.token_expires_at == own_end


def test_the_token_valid_column_is_false_for_a_removed_candidate(panel: InterviewPanel) -> None:
    model_admin = admin.site.get_model_admin(PanelCandidate)
    kept, removed = panel.candidates.order_by("id")[:2]
    PanelCandidate.objects.filter(pk=removed.pk).update(removed_at=timezone.now())
    removed.refresh_from_db()

    assert model_admin.token_valid(kept) is True
    assert model_admin.token_valid(removed) is False


# --- Panels: active column, filters, actions ----------------------------------------------------


def test_the_active_column_is_computed_from_the_end(tenant: Tenant, panel: InterviewPanel) -> None:
    ended = ended_panel(tenant)
    model_admin = admin.site.get_model_admin(InterviewPanel)
    request = RequestFactory().get("/")

    rows = {p.pk: model_admin.active(p) for p in model_admin.get_queryset(request)}

    assert rows == {panel.pk: True, ended.pk: False}


@pytest.mark.parametrize(("value", "expected"), [("yes", "active"), ("no", "ended")])
def test_the_active_filter_splits_panels_by_end(
    staff_client: Client, tenant: Tenant, panel: InterviewPanel, value: str, expected: str
) -> None:
    panels = {"active": panel, "ended": ended_panel(tenant)}

    response = staff_client.get(admin_url(InterviewPanel, "changelist"), {"active": value})

    assert list(response.context["cl"].result_list) == [panels[expected]]


def test_the_soft_delete_action_marks_panels_deleted(
    staff_client: Client, panel: InterviewPanel
) -> None:
    data = {"action": "soft_delete", "_selected_action": [panel.pk]}

    staff_client.post(admin_url(InterviewPanel, "changelist"), data)

    panel.refresh_from_db()
    assert panel.is_deleted
    assert panel.deleted_at is not None


def test_the_restore_action_undeletes_panels(staff_client: Client, panel: InterviewPanel) -> None:
    InterviewPanel.objects.filter(pk=panel.pk).update(is_deleted=True)
    data = {"action": "restore", "_selected_action": [panel.pk]}

    staff_client.post(admin_url(InterviewPanel, "changelist"), data)

    panel.refresh_from_db()
    assert (panel.is_deleted, panel.deleted_at) == (False, None)


def test_moving_the_panel_end_moves_the_token_expiries(
    staff_client: Client, panel: InterviewPanel
) -> None:
    new_end = panel.end_datetime.replace(microsecond=0) + dt.timedelta(hours=5)

    response = staff_client.post(
        admin_url(panel, "change", panel.pk), panel_change_data(panel, end_datetime=new_end)
    )

    assert response.status_code == 302
    assert {a.token_expires_at for a in panel.candidates.all()} == {new_end}


def test_moving_the_panel_end_keeps_an_expiry_set_by_hand(
    staff_client: Client, panel: InterviewPanel
) -> None:
    by_hand = panel.end_datetime.replace(microsecond=0) - dt.timedelta(hours=1)
    assignment = panel.candidates.first()
    PanelCandidate.objects.filter(pk=assignment.pk).update(token_expires_at=by_hand)

    staff_client.post(
        admin_url(panel, "change", panel.pk),
        panel_change_data(panel, end_datetime=panel.end_datetime + dt.timedelta(hours=5)),
    )

    assignment.refresh_from_db()
    assert assignment.token_expires_at == by_hand


def test_moving_the_panel_end_keeps_an_own_window_end_and_a_removal(
    staff_client: Client, panel: InterviewPanel
) -> None:
    # Both still expire at the panel's end, which the admin's filter alone would move.
    own, removed = panel.candidates.order_by("id")[:2]
    PanelCandidate.objects.filter(pk=own.pk).update(window_ends_at=panel.end_datetime)
    PanelCandidate.objects.filter(pk=removed.pk).update(removed_at=panel.start_datetime)
    # Without removed: a third candidate who follows the panel's end.
    follower = PanelCandidate.objects.create(
        panel=panel,
        candidate=factories.make_candidate(panel.organization),
        token_expires_at=panel.end_datetime,
    )
    new_end = panel.end_datetime.replace(microsecond=0) + dt.timedelta(hours=5)

    staff_client.post(
        admin_url(panel, "change", panel.pk), panel_change_data(panel, end_datetime=new_end)
    )

    expiries = dict(panel.candidates.values_list("pk", "token_expires_at"))
    assert expiries[own.pk] == expiries[removed.pk] == panel.end_datetime
    assert expiries[follower.pk] == new_end


def test_a_larger_time_limit_in_the_admin_does_not_reopen_an_overdue_attempt(
    staff_client: Client, panel: InterviewPanel
) -> None:
    InterviewPanel.objects.filter(pk=panel.pk).update(time_limit_minutes=10)
    panel.refresh_from_db()
    assignment = panel.candidates.order_by("id")[1]
    attempt = interview_services.start_attempt(assignment=assignment)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20), tick=False):
        response = staff_client.post(
            admin_url(panel, "change", panel.pk),
            panel_change_data(panel, time_limit_minutes=60),
        )

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert InterviewPanel.objects.get(pk=panel.pk).time_limit_minutes == 60
    assert attempt.state == "expired"
    assert attempt.closed_at == attempt.started_at + dt.timedelta(minutes=10)


# --- Relations to models the host may own -------------------------------------------------------


def test_memberships_are_searchable_by_username(
    staff_client: Client, tenant: Tenant, panel: InterviewPanel
) -> None:
    response = staff_client.get(admin_url(Membership, "changelist"), {"q": "listed-member"})

    assert [m.user.username for m in response.context["cl"].result_list] == ["listed-member"]


def test_organization_uses_autocomplete_only_when_its_model_is_registered(superuser: Any) -> None:
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site.get_model_admin(InterviewPanel)

    uses_autocomplete = "organization" in model_admin.get_autocomplete_fields(request)

    assert uses_autocomplete is admin.site.is_registered(get_organization_model())


# --- Question versions ----------------------------------------------------------------------------


def question_change_data(question: Question, **changes: Any) -> dict[str, Any]:
    """The question change form as posted, with the versions inline untouched."""
    data = {
        "organization": question.organization_id or "",
        "subtopic": question.subtopic_id,
        "kind": question.kind,
        "text": question.text,
        "difficulty": question.difficulty,
        "points": question.points,
        "expected_time_seconds": question.expected_time_seconds,
        "choices": "[]",
        "answer_key": "{}",
        "rubric_weights": "{}",
        **changes,
    }
    versions = question.versions.count()
    data.update(
        {
            "versions-TOTAL_FORMS": str(versions),
            "versions-INITIAL_FORMS": str(versions),
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
        }
    )
    for index, version in enumerate(question.versions.order_by("-number")):
        data[f"versions-{index}-id"] = version.pk
        data[f"versions-{index}-question"] = question.pk
    return data


def test_an_admin_edit_of_a_used_question_makes_a_new_version_shown_on_its_page(
    staff_client: Client, tenant: Tenant
) -> None:
    subtopic = factories.first_subtopics(tenant.category)[0]
    question = services.create_question(
        organization=tenant.organization,
        subtopic=subtopic,
        content={"kind": "open", "text": "Seen by a candidate", "difficulty": "easy"},
    )
    question.versions.update(is_used=True)

    response = staff_client.post(
        admin_url(Question, "change", question.pk),
        question_change_data(question, text="Edited in the admin"),
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    question.refresh_from_db()
    assert question.version == 2
    assert list(question.versions.order_by("number").values_list("text", flat=True)) == [
        "Seen by a candidate",
        "Edited in the admin",
    ]
    page = staff_client.get(admin_url(Question, "change", question.pk)).content.decode()
    assert "Seen by a candidate" in page and "Edited in the admin" in page


def test_the_admin_refuses_a_question_under_another_organizations_subtopic(
    staff_client: Client, tenant: Tenant, other_tenant: Tenant
) -> None:
    question = services.create_question(
        organization=tenant.organization,
        subtopic=factories.first_subtopics(tenant.category)[0],
        content={"kind": "open", "text": "Ours", "difficulty": "easy"},
    )
    foreign = factories.first_subtopics(other_tenant.category)[0]

    response = staff_client.post(
        admin_url(Question, "change", question.pk),
        question_change_data(question, subtopic=foreign.pk),
    )

    assert response.status_code == 200
    assert "another organization" in str(response.context["adminform"].form.errors)
    question.refresh_from_db()
    assert question.subtopic != foreign


def test_the_admin_refuses_an_answer_key_that_does_not_fit_the_kind(
    staff_client: Client, tenant: Tenant
) -> None:
    question = services.create_question(
        organization=tenant.organization,
        subtopic=factories.first_subtopics(tenant.category)[0],
        content={"kind": "open", "text": "Ours", "difficulty": "easy"},
    )

    response = staff_client.post(
        admin_url(Question, "change", question.pk),
        question_change_data(question, kind="numeric", answer_key="{}"),
    )

    assert response.status_code == 200
    assert "answer_key" in response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.kind == "open"

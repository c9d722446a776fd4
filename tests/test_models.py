"""Database constraints of the models, and the default resolvers.

Each violation is its own test and runs in ``transaction.atomic()`` so that PostgreSQL can carry
on after the error; the same assertions hold on SQLite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DataError, IntegrityError, connection, transaction

from django_interview_panels.models import (
    Category,
    InterviewPanel,
    Membership,
    PanelCandidate,
    Question,
    QuestionDistribution,
    Subtopic,
)
from django_interview_panels.resolvers import (
    candidate_email,
    candidate_name,
    organization_from_membership,
    role_from_membership,
)
from tests import factories


@dataclass
class Setup:
    organization: Any
    category: Category
    subtopics: list[Subtopic]
    candidate: Any
    panel: InterviewPanel


def build_panel(organization: Any, category: Category, **fields: Any) -> InterviewPanel:
    values = {
        "organization": organization,
        "category": category,
        "name": "Panel",
        "total_number_of_questions": 3,
        "start_datetime": factories.future(1),
        "end_datetime": factories.future(10),
        **fields,
    }
    return InterviewPanel.objects.create(**values)


@pytest.fixture
def setup(db: None) -> Setup:
    organization = factories.make_organization()
    category = factories.make_bank(organization, topics=2, questions=1)
    return Setup(
        organization=organization,
        category=category,
        subtopics=factories.first_subtopics(category),
        candidate=factories.make_candidate(organization),
        panel=build_panel(organization, category),
    )


def distribute(panel: InterviewPanel, subtopic: Subtopic, **counts: int) -> QuestionDistribution:
    return QuestionDistribution.objects.create(
        panel=panel, topic=subtopic.topic, subtopic=subtopic, **counts
    )


def assign(panel: InterviewPanel, candidate: Any, token: str) -> PanelCandidate:
    return PanelCandidate.objects.create(
        panel=panel, candidate=candidate, token=token, token_expires_at=panel.end_datetime
    )


# --- Question distributions ---------------------------------------------------------------------


def test_a_distribution_with_some_questions_is_stored(setup: Setup) -> None:
    distribute(setup.panel, setup.subtopics[0], easy=1)

    assert setup.panel.question_distributions.count() == 1


@pytest.mark.parametrize("field", ["easy", "medium", "hard"])
def test_a_negative_count_is_rejected(setup: Setup, field: str) -> None:
    # The counts are positive integer fields: a CHECK constraint on PostgreSQL and SQLite
    # (IntegrityError); on MariaDB/MySQL an unsigned column, which refuses -1 as out of range
    # (DataError, 1264, in the strict mode Django asks for) before any CHECK runs.
    refused = DataError if connection.vendor == "mysql" else IntegrityError
    with pytest.raises(refused), transaction.atomic():
        distribute(setup.panel, setup.subtopics[0], **{"easy": 1, field: -1})


def test_a_distribution_without_questions_is_rejected(setup: Setup) -> None:
    with (
        pytest.raises(IntegrityError, match="interview_panels_distribution_not_empty"),
        transaction.atomic(),
    ):
        distribute(setup.panel, setup.subtopics[0], easy=0, medium=0, hard=0)


def test_the_same_subtopic_twice_in_one_panel_is_rejected(setup: Setup) -> None:
    distribute(setup.panel, setup.subtopics[0], easy=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        distribute(setup.panel, setup.subtopics[0], hard=1)


def test_the_same_subtopic_in_two_panels_is_allowed(setup: Setup) -> None:
    other = build_panel(setup.organization, setup.category)
    distribute(setup.panel, setup.subtopics[0], easy=1)

    distribute(other, setup.subtopics[0], easy=1)

    assert QuestionDistribution.objects.filter(subtopic=setup.subtopics[0]).count() == 2


# --- Candidate assignments ----------------------------------------------------------------------


def test_the_same_candidate_twice_in_one_panel_is_rejected(setup: Setup) -> None:
    assign(setup.panel, setup.candidate, "token-one-" + "x" * 32)

    with pytest.raises(IntegrityError), transaction.atomic():
        assign(setup.panel, setup.candidate, "token-two-" + "x" * 32)


def test_the_same_candidate_in_two_panels_is_allowed(setup: Setup) -> None:
    other = build_panel(setup.organization, setup.category)
    assign(setup.panel, setup.candidate, "token-one-" + "x" * 32)

    assign(other, setup.candidate, "token-two-" + "x" * 32)

    assert PanelCandidate.objects.filter(candidate=setup.candidate).count() == 2


def test_a_token_used_by_another_panel_is_rejected(setup: Setup) -> None:
    other = build_panel(setup.organization, setup.category)
    assign(setup.panel, setup.candidate, "same-token-" + "x" * 32)

    with pytest.raises(IntegrityError), transaction.atomic():
        assign(other, factories.make_candidate(setup.organization), "same-token-" + "x" * 32)


# --- Panels -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offset", [dt.timedelta(0), dt.timedelta(hours=-1)], ids=["equal", "before"]
)
def test_a_panel_that_does_not_end_after_it_starts_is_rejected(
    setup: Setup, offset: dt.timedelta
) -> None:
    start = factories.future(1)

    with (
        pytest.raises(IntegrityError, match="interview_panels_panel_ends_after_start"),
        transaction.atomic(),
    ):
        build_panel(
            setup.organization,
            setup.category,
            start_datetime=start,
            end_datetime=start + offset,
        )


def test_a_panel_without_questions_is_rejected(setup: Setup) -> None:
    with (
        pytest.raises(IntegrityError, match="interview_panels_panel_total_at_least_one"),
        transaction.atomic(),
    ):
        build_panel(setup.organization, setup.category, total_number_of_questions=0)


def test_a_panel_that_ended_in_the_past_can_be_stored(setup: Setup) -> None:
    # Only the order of start and end is a constraint; "in the future" is an API rule.
    panel = build_panel(
        setup.organization,
        setup.category,
        start_datetime=factories.future(-10),
        end_datetime=factories.future(-1),
    )

    assert InterviewPanel.objects.with_is_active().get(pk=panel.pk).is_active is False


# --- Questions ----------------------------------------------------------------------------------


def test_a_question_of_unknown_difficulty_is_rejected(setup: Setup) -> None:
    with (
        pytest.raises(IntegrityError, match="interview_panels_question_difficulty_valid"),
        transaction.atomic(),
    ):
        Question.objects.create(subtopic=setup.subtopics[0], text="Q", difficulty="expert")


# --- Default resolvers --------------------------------------------------------------------------
# Membership exists in both configurations (the swapped one just does not read it by default), so
# the default resolver functions are called directly in both.


@pytest.fixture
def organization(db: None) -> Any:
    return factories.make_organization()


def make_member(organization: Any, role: str) -> Any:
    user = factories.make_user(None, None)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def test_organization_from_membership_is_the_members_organization(organization: Any) -> None:
    user = make_member(organization, "HR")

    assert organization_from_membership(user) == organization


def test_role_from_membership_is_the_members_role(organization: Any) -> None:
    user = make_member(organization, "HR")

    assert role_from_membership(user) == "HR"


def test_organization_from_membership_is_none_without_membership(db: None) -> None:
    user = factories.make_user(None, None)

    assert organization_from_membership(user) is None


def test_role_from_membership_is_none_without_membership(db: None) -> None:
    user = factories.make_user(None, None)

    assert role_from_membership(user) is None


def test_resolvers_are_none_for_an_anonymous_user(db: None) -> None:
    user = AnonymousUser()

    assert (organization_from_membership(user), role_from_membership(user)) == (None, None)


def test_the_membership_is_read_once_per_user_object(
    organization: Any, django_assert_num_queries: Any
) -> None:
    user = make_member(organization, "Admin")

    with django_assert_num_queries(1):
        organization_from_membership(user)
        role_from_membership(user)
        organization_from_membership(user)


def test_default_candidate_name_and_email_read_name_and_email() -> None:
    candidate = SimpleNamespace(name="Ada Lovelace", email="ada@example.com")

    assert (candidate_name(candidate), candidate_email(candidate)) == (
        "Ada Lovelace",
        "ada@example.com",
    )


def test_assignment_made_outside_the_api_still_gets_a_unique_token(tenant):
    panel = factories.make_panel(tenant.organization, tenant.category)

    first = PanelCandidate.objects.create(
        panel=panel, candidate=tenant.candidates[0], token_expires_at=panel.end_datetime
    )
    second = PanelCandidate.objects.create(
        panel=panel, candidate=tenant.candidates[1], token_expires_at=panel.end_datetime
    )

    assert len(first.token) >= 32
    assert first.token != second.token

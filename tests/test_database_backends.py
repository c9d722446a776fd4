"""What each supported database makes of the schema, the search and the tokens, as
docs/install.md ("MariaDB and MySQL") tells a host: the conditional indexes, ``models.W037``,
the ``_ci`` collation's effect on ``search`` and on the token's unique index."""

from __future__ import annotations

import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from django_interview_panels.models import AttemptItem, InterviewPanel, PanelCandidate, Question
from django_interview_panels.panels.services import find_assignment_by_token
from tests import factories
from tests.conftest import client_for

MYSQL = connection.vendor == "mysql"
CONDITIONAL_INDEXES = {
    InterviewPanel: {
        "ip_panel_org_created_idx",
        "ip_panel_org_category_idx",
        "ip_panel_org_start_idx",
        "ip_panel_org_end_idx",
        "ip_panel_org_name_idx",
    },
    AttemptItem: {"ip_item_review_queue_idx"},
    Question: {"ip_question_stock_idx"},
}


def test_the_models_declare_the_conditional_indexes_this_file_names() -> None:
    declared = {
        model: {index.name for index in model._meta.indexes if index.condition is not None}
        for model in (InterviewPanel, AttemptItem, Question)
    }
    assert declared == CONDITIONAL_INDEXES


@pytest.mark.django_db
def test_w037_names_the_models_with_conditional_indexes_only_where_they_become_full() -> None:
    warned = {
        issue.obj for issue in checks.run_checks(databases=["default"]) if issue.id == "models.W037"
    }
    assert warned == (set(CONDITIONAL_INDEXES) if MYSQL else set())


@pytest.mark.django_db
def test_silencing_w037_as_docs_install_says_leaves_the_check_quiet(settings) -> None:
    settings.SILENCED_SYSTEM_CHECKS = ["models.W037"]
    out, err = io.StringIO(), io.StringIO()

    call_command("check", databases=["default"], stdout=out, stderr=err)

    assert "W037" not in out.getvalue() + err.getvalue()
    assert "no issues" in out.getvalue()


@pytest.mark.django_db
def test_each_conditional_index_exists_on_its_columns() -> None:
    """Partial on PostgreSQL and SQLite; a full index on the same columns on MariaDB/MySQL."""
    with connection.cursor() as cursor:
        for model, names in CONDITIONAL_INDEXES.items():
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for index in model._meta.indexes:
                if index.name in names:
                    columns = [
                        model._meta.get_field(field.lstrip("-")).column for field in index.fields
                    ]
                    assert found[index.name]["columns"] == columns


@pytest.mark.django_db
def test_search_ignores_case_everywhere_and_accents_only_under_mariadbs_collation(tenant) -> None:
    factories.make_panel(tenant.organization, tenant.category, name="Entretien José")

    def found(text: str) -> list[str]:
        response = client_for(tenant.hr).get("/api/panel/get/", {"search": text})
        return [panel["name"] for panel in response.json()["data"]["interview_panels"]]

    # (SQLite folds the case of ASCII letters only: "josé", not "JOSÉ".)
    assert found("ENTRETIEN josé") == ["Entretien José"]
    assert found("jose") == (["Entretien José"] if MYSQL else [])


@pytest.mark.django_db
def test_a_token_differing_only_in_case_collides_only_under_mariadbs_collation(tenant) -> None:
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    token = panel.candidates.get().token
    other = factories.make_panel(tenant.organization, tenant.category)

    def assign_swapped_case() -> None:
        with transaction.atomic():
            PanelCandidate.objects.create(
                panel=other,
                candidate=tenant.candidates[1],
                token=token.swapcase(),
                token_expires_at=other.end_datetime,
            )

    if MYSQL:
        with pytest.raises(IntegrityError):
            assign_swapped_case()
    else:
        assign_swapped_case()


@pytest.mark.django_db
def test_a_token_in_another_case_opens_nothing_on_any_database(tenant) -> None:
    """The lookup may find the row case-insensitively on MariaDB; the final comparison is exact."""
    panel = factories.make_panel(tenant.organization, tenant.category, tenant.candidates[:1])
    token = panel.candidates.get().token
    assert token.swapcase() != token

    assert find_assignment_by_token(token) is not None
    assert find_assignment_by_token(token.swapcase()) is None

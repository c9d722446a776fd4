"""The read path's shortcuts give the bytes the general path gives.

``reads`` reads UUIDs and datetimes as text made by the database, with the default candidate
resolvers reads the name and email columns instead of building candidate instances, and runs the
distributions and assignments queries from SQL compiled once. Each shortcut is compared here,
byte for byte, with the path it replaces.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from django_interview_panels.api.renderers import APIJSONRenderer
from django_interview_panels.conf import app_settings
from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.panels import pagination, reads
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def rendered(include_tokens: bool = True) -> bytes:
    panels = InterviewPanel.objects.filter(is_deleted=False).with_is_active().order_by("-id")
    objects = reads.represent_panels(panels, include_tokens=include_tokens)
    assert objects, "the test needs panels"
    return APIJSONRenderer().render(objects)


@pytest.fixture
def panels(tenant: Any, other_tenant: Any) -> None:
    start = timezone.now() + dt.timedelta(days=3)
    for n, tenant_ in enumerate((tenant, other_tenant, tenant)):
        factories.make_panel(
            tenant_.organization,
            tenant_.category,
            candidates=tenant_.candidates[: n + 1],
            name=f"Panel {n} \u00e9\u2028",
            start_datetime=factories.iso(start + dt.timedelta(microseconds=n * 7)),
            end_datetime=factories.iso(start + dt.timedelta(hours=8, microseconds=n)),
        )
    # One token expiring at its own instant, not the panel's end (as after a manual fix-up).
    assignment = PanelCandidate.objects.order_by("id").first()
    assignment.token_expires_at = start + dt.timedelta(hours=2, microseconds=123)
    assignment.save(update_fields=["token_expires_at"])


@pytest.mark.parametrize("include_tokens", [True, False])
def test_custom_candidate_resolvers_give_the_bytes_of_the_default_ones(
    panels, settings, include_tokens
):
    default = rendered(include_tokens)
    name_of, email_of = factories_resolvers()
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        # Other callables with the same answers: the path that builds candidate instances.
        "CANDIDATE_NAME": lambda candidate: name_of(candidate),
        "CANDIDATE_EMAIL": lambda candidate: email_of(candidate),
    }

    assert not reads._default_candidate_description()
    assert rendered(include_tokens) == default


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_columns_read_as_text_give_the_bytes_of_python_conversion(panels, monkeypatch, zone):
    with timezone.override(zone):
        as_text = rendered()
        monkeypatch.setattr(reads, "_TEXT_VENDORS", frozenset())
        converted = rendered()

    assert as_text == converted


def test_sql_compiled_once_gives_the_bytes_of_the_orm(panels, monkeypatch):
    reads._SQL_CACHE.clear()
    cached = rendered()
    if connection.vendor in reads._TEXT_VENDORS:
        # The distributions query ran from SQL the cache now holds: the shortcut was taken (the
        # assignments' too, unless a swapped candidate model has columns Django converts).
        assert "distributions" in {key[0] for key in reads._SQL_CACHE}
    monkeypatch.setattr(reads, "_reusable_sql", lambda queryset, ids: None)
    reads._SQL_CACHE.clear()

    assert rendered() == cached
    assert not reads._SQL_CACHE


def test_cached_sql_reads_the_rows_of_the_panels_asked_for(tenant, other_tenant):
    # Two organizations with as many panels each: the second list reuses the first one's SQL.
    for tenant_, count in ((tenant, 1), (other_tenant, 3)):
        factories.make_panel(
            tenant_.organization, tenant_.category, candidates=tenant_.candidates[:count]
        )
    reads._SQL_CACHE.clear()

    lists = [
        client_for(tenant_.hr).get("/api/panel/get/").json()["data"]["interview_panels"]
        for tenant_ in (tenant, other_tenant)
    ]

    assert [len(listed[0]["candidates"]) for listed in lists] == [1, 3]
    for listed, tenant_ in zip(lists, (tenant, other_tenant), strict=True):
        uuids = {factories.candidate_uuid(candidate) for candidate in tenant_.candidates}
        assert {c["candidate_uuid"] for c in listed[0]["candidates"]} <= uuids
        assert listed[0]["question_distributions"]


def test_columns_django_converts_keep_the_child_queries_in_the_orm(panels, monkeypatch):
    monkeypatch.setattr(reads, "_TEXT_VENDORS", frozenset())
    reads._SQL_CACHE.clear()
    converted = rendered()
    if connection.vendor == "sqlite":
        # SQLite's UUIDs and datetimes go through Django's converters: no SQL to reuse.
        assert not reads._SQL_CACHE
    # (psycopg returns UUIDs and datetimes itself, so on PostgreSQL the SQL is reused.)

    monkeypatch.setattr(reads, "_reusable_sql", lambda queryset, ids: None)
    reads._SQL_CACHE.clear()
    assert rendered() == converted


def test_the_budget_counts_every_candidate_of_a_panel_matched_through_one(tenant, settings):
    # The candidate filter joins the assignments; the budget's count must not read that join.
    factories.make_panel(tenant.organization, tenant.category, candidates=tenant.candidates)
    factories.make_panel(tenant.organization, tenant.category, candidates=tenant.candidates[:1])
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "MAX_CANDIDATES_PER_PAGE": 3,
    }
    candidate = factories.candidate_uuid(tenant.candidates[0])
    lookup = f"candidates__candidate__{app_settings.CANDIDATE_UUID_FIELD}"
    matching = InterviewPanel.objects.for_organization(tenant.organization).filter(
        **{lookup: candidate}
    )

    assert pagination._count_and_largest_panel(matching) == (2, 3)
    response = client_for(tenant.hr).get(f"/api/panel/get/?page_size=10&candidate={candidate}")
    described = response.json()["data"]["pagination"]
    assert (described["count"], described["page_size"], described["total_pages"]) == (2, 1, 2)


def factories_resolvers() -> tuple[Any, Any]:
    return app_settings.CANDIDATE_NAME, app_settings.CANDIDATE_EMAIL

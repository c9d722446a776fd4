"""On PostgreSQL, an index serves the list's default query and each filter and ordering.

One organization holds 3,000 analyzed panels, and each filter is asked for a value that picks
out a few of them: that is when an index should replace a scan of the organization's panels.
The plan must then use the index meant for the query, and never scan the panel table.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import F
from django.http import QueryDict
from django.utils import timezone

from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.panels.filters import PanelFilterSet
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's"),
]

PANELS = 3000
T0 = dt.datetime(2030, 1, 1, 9, tzinfo=dt.UTC)
EARLY, LATE = T0 + dt.timedelta(days=10), T0 + dt.timedelta(days=PANELS - 10)


@pytest.fixture
def crowded(tenant) -> dict[str, str]:
    """3,000 panels starting a day apart; a rare category; a candidate on two panels."""
    rare_category = factories.make_bank(tenant.organization, questions=1)
    panels = InterviewPanel.objects.bulk_create(
        InterviewPanel(
            organization=tenant.organization,
            name=f"Panel {n:05d}",
            total_number_of_questions=1,
            start_datetime=T0 + dt.timedelta(days=n),
            end_datetime=T0 + dt.timedelta(days=n, hours=8),
            category=rare_category if n % 300 == 0 else tenant.category,
        )
        for n in range(PANELS)
    )
    InterviewPanel.objects.update(created_at=F("start_datetime") - dt.timedelta(days=30))
    people = factories.make_candidates(tenant.organization, PANELS)
    PanelCandidate.objects.bulk_create(
        PanelCandidate(panel=panel, candidate=person, token_expires_at=panel.end_datetime)
        for panel, person in zip(panels, people, strict=True)
    )
    PanelCandidate.objects.create(
        panel=panels[1], candidate=people[0], token_expires_at=panels[1].end_datetime
    )
    with connection.cursor() as cursor:
        for model in (InterviewPanel, PanelCandidate):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "category": str(rare_category.uuid),
        "candidate": factories.candidate_uuid(people[0]),
    }


def plan(tenant, query: str, now: dt.datetime) -> str:
    """EXPLAIN of the first page the list would read for ``query`` at ``now``."""
    if query.startswith("search="):
        # No B-tree serves `name LIKE '%...%'`: the organization's index narrows the scan to the
        # organization's panels, which pays only once the table holds other organizations' too
        # (here it holds just this one, so the planner is told not to scan the whole table).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    with time_machine.travel(now, tick=False):
        panels = InterviewPanel.objects.for_organization(tenant.organization).with_is_active(
            timezone.now()
        )
        filterset = PanelFilterSet(QueryDict(query), queryset=panels)
        assert filterset.is_valid(), filterset.errors
        return filterset.qs[:50].explain()


@pytest.mark.parametrize(
    ("query", "now", "index"),
    [
        ("", EARLY, "ip_panel_org_created_idx"),
        ("ordering=created_at", EARLY, "ip_panel_org_created_idx"),
        # Either index on the organization narrows the search to its panels.
        ("search=Panel%2000042", EARLY, "ip_panel_org_created_idx|interviewpanel_organization_id"),
        ("category={category}", EARLY, "ip_panel_org_category_idx"),
        ("is_active=true", LATE, "ip_panel_org_end_idx"),
        ("is_active=false", EARLY, "ip_panel_org_end_idx"),
        (f"start_after={factories.iso(LATE)}", EARLY, "ip_panel_org_start_idx"),
        (f"start_before={factories.iso(EARLY)}", EARLY, "ip_panel_org_start_idx"),
        ("ordering=start_datetime", EARLY, "ip_panel_org_start_idx"),
        ("ordering=-start_datetime", EARLY, "ip_panel_org_start_idx"),
        ("ordering=name", EARLY, "ip_panel_org_name_idx"),
        ("ordering=-name", EARLY, "ip_panel_org_name_idx"),
        ("candidate={candidate}", EARLY, "panelcandidate_candidate_id"),
    ],
)
def test_an_index_serves_the_list_query(tenant, crowded, query, now, index):
    explained = plan(tenant, query.format(**crowded), now)

    assert any(name in explained for name in index.split("|")), (
        f"{query or 'default'}:\n{explained}"
    )
    assert f"Seq Scan on {InterviewPanel._meta.db_table}" not in explained, explained

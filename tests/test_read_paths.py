"""The read path's shortcuts give the bytes the general path gives.

``reads`` reads UUIDs and (on SQLite) datetimes as text made by the database, and with the default
candidate resolvers reads the name and email columns instead of building candidate instances.
Each shortcut is compared here, byte for byte, with the path it replaces.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from django_interview_panels.api.renderers import APIJSONRenderer
from django_interview_panels.conf import app_settings
from django_interview_panels.models import InterviewPanel, PanelCandidate
from django_interview_panels.panels import reads
from tests import factories

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


def factories_resolvers() -> tuple[Any, Any]:
    return app_settings.CANDIDATE_NAME, app_settings.CANDIDATE_EMAIL

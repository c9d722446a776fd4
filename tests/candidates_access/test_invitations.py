"""Resending an invitation: the count, the signal after commit, the refusals, and the optional
email sender with Django's locmem backend and a host's template override."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from django_interview_panels import signals
from django_interview_panels.candidates.invitations import send_invitation_email
from django_interview_panels.conf import app_settings
from django_interview_panels.models import PanelCandidate
from tests import factories
from tests.interviews.conftest import open_panel

from .test_access import CANDIDATES, first

HOST_TEMPLATES = Path(__file__).parent / "templates"
URL = "https://jobs.example.com/interview/#token={token}"


def invitation_url(panel, assignment) -> str:
    return f"{CANDIDATES}{panel.uuid}/{factories.candidate_uuid(assignment.candidate)}/invitation/"


@pytest.fixture
def received():
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    signals.invitation_resent.connect(receiver)
    yield calls
    signals.invitation_resent.disconnect(receiver)


@pytest.fixture
def emailing(settings):
    """The app's sender connected, as a host does in its AppConfig.ready."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "hr@acme.example"
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), "INVITATION_URL": URL}
    signals.invitation_resent.connect(send_invitation_email)
    yield
    signals.invitation_resent.disconnect(send_invitation_email)


def test_a_resend_counts_and_signals_once_committed(
    tenant, hr_client, received, django_capture_on_commit_callbacks, caplog
):
    panel = open_panel(tenant)
    assignment = first(panel)
    caplog.set_level(logging.INFO, logger="django_interview_panels")
    with django_capture_on_commit_callbacks() as callbacks:
        response = hr_client.post(invitation_url(panel, assignment))
        # Not before the commit.
        assert received == []
    assert response.status_code == 202, response.json()
    data = response.json()["data"]
    assert data["invitations_sent"] == 1
    assert "token" not in data
    for callback in callbacks:
        callback()
    assert len(received) == 1
    sender, kwargs = received[0]
    assert sender is PanelCandidate
    assert kwargs["assignment"].pk == assignment.pk
    assert kwargs["panel"] == panel and kwargs["actor"] == tenant.hr
    assert kwargs["token"] == assignment.token
    stored = PanelCandidate.objects.get(pk=assignment.pk)
    assert stored.invitations_sent == 1 and stored.last_invited_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        again = hr_client.post(invitation_url(panel, assignment))
    assert again.json()["data"]["invitations_sent"] == 2
    lines = [r.getMessage() for r in caplog.records if "invitation resent" in r.getMessage()]
    assert lines == [
        f"candidate invitation resent: panel={panel.uuid} organization={tenant.uuid} "
        f"user={tenant.hr.pk} candidate={factories.candidate_uuid(assignment.candidate)} "
        f"count={count}"
        for count in (1, 2)
    ]


@pytest.mark.parametrize("why", ["removed", "ended"])
def test_a_resend_is_refused_for_a_removed_candidate_or_ended_access(
    tenant, hr_client, received, django_capture_on_commit_callbacks, why
):
    panel = open_panel(tenant)
    assignment = first(panel)
    past = timezone.now() - dt.timedelta(minutes=1)
    changes = {"token_expires_at": past}
    if why == "removed":
        changes["removed_at"] = past
    PanelCandidate.objects.filter(pk=assignment.pk).update(**changes)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(invitation_url(panel, assignment))
    assert response.status_code == 409
    body = response.json()
    assert body["success"] is False and "candidate_uuid" in body["errors"]
    assert ("removed" in body["message"]) == (why == "removed")
    assert received == []
    assert PanelCandidate.objects.get(pk=assignment.pk).invitations_sent == 0


def test_the_sender_emails_the_invitation_with_the_default_templates(
    tenant, hr_client, emailing, django_capture_on_commit_callbacks
):
    panel = open_panel(tenant)
    assignment = first(panel)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(invitation_url(panel, assignment))
    assert response.status_code == 202
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [app_settings.CANDIDATE_EMAIL(assignment.candidate)]
    assert message.from_email == "hr@acme.example"
    assert message.subject == f"Your interview: {panel.name}"
    link = URL.replace("{token}", assignment.token)
    assert link in message.body
    assert app_settings.CANDIDATE_NAME(assignment.candidate) in message.body
    assert message.alternatives == []


def test_the_subject_is_not_html_escaped(
    tenant, hr_client, emailing, django_capture_on_commit_callbacks
):
    # A plain-text header: "R&D" stays "R&D", never "R&amp;D" (the body is not escaped either).
    panel = open_panel(tenant, name='R&D <Q1> "quoted" it\'s')
    assignment = first(panel)
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.post(invitation_url(panel, assignment))
    assert response.status_code == 202
    message = mail.outbox[0]
    assert message.subject == 'Your interview: R&D <Q1> "quoted" it\'s'
    assert "R&D <Q1>" in message.body


def test_a_host_overrides_the_templates(
    tenant, hr_client, emailing, settings, django_capture_on_commit_callbacks
):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [str(HOST_TEMPLATES), *settings.TEMPLATES[0].get("DIRS", [])],
        }
    ]
    panel = open_panel(tenant)
    assignment = first(panel)
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(invitation_url(panel, assignment))
    message = mail.outbox[0]
    assert (
        message.subject
        == f"Acme invites {app_settings.CANDIDATE_NAME(assignment.candidate)} to {panel.name}"
    )
    # The body the app ships, and the host's HTML alternative.
    assert URL.replace("{token}", assignment.token) in message.body
    (html, media_type), *_ = message.alternatives
    assert media_type == "text/html"
    assert f'href="{URL.replace("{token}", assignment.token)}"' in html


def test_the_sender_refuses_a_token_outside_the_fragment(tenant, settings):
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "INVITATION_URL": "https://jobs.example.com/interview/?token={token}",
    }
    panel = open_panel(tenant)
    assignment = first(panel)
    with pytest.raises(ImproperlyConfigured):
        send_invitation_email(
            PanelCandidate, assignment=assignment, panel=panel, token=assignment.token
        )
    assert mail.outbox == []


def test_the_default_body_names_the_times_and_the_limit(tenant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), "INVITATION_URL": URL}
    panel = open_panel(tenant, time_limit_minutes=45)
    assignment = first(panel)
    sent = send_invitation_email(
        PanelCandidate, assignment=assignment, panel=panel, token=assignment.token
    )
    assert sent == 1
    body = mail.outbox[0].body
    assert panel.start_datetime.strftime("%Y-%m-%d %H:%M") in body
    assert assignment.token_expires_at.strftime("%Y-%m-%d %H:%M") in body
    assert "you have 45 minutes" in body

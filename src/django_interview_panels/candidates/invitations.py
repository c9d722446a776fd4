"""Resending a candidate's invitation (docs/candidates-access.md "Invitations").

The app sends no email by itself: a resend counts the invitation and sends the
``invitation_resent`` signal once the transaction commits. A host that wants the app to send the
email connects ``send_invitation_email`` to that signal (one line in its ``AppConfig.ready``)::

    from django_interview_panels import signals
    from django_interview_panels.candidates.invitations import send_invitation_email

    signals.invitation_resent.connect(send_invitation_email)
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..audit import audit, organization_uuid
from ..conf import app_settings
from ..models import InterviewPanel, PanelCandidate
from ..signals import invitation_resent, send_on_commit
from .access import candidate_uuid, conflict, effective_start

logger = logging.getLogger("django_interview_panels")

REMOVED = _("The candidate was removed from the panel: there is nothing to invite them to.")
ENDED = _("The candidate's access to the panel has ended: an invitation would not open it.")

TEMPLATE_DIR = "django_interview_panels/email"


def resend_invitation(
    *, organization: Any, panel: InterviewPanel, assignment: PanelCandidate, actor: Any = None
) -> PanelCandidate:
    """Count one more invitation of the candidate and send ``invitation_resent`` on commit.
    Refused (409) for a removed candidate and once the candidate's access has ended."""
    now = timezone.now()
    with transaction.atomic():
        locked = PanelCandidate.objects.select_for_update().get(pk=assignment.pk)
        if locked.removed_at is not None:
            raise conflict(REMOVED)
        if locked.token_expires_at <= now:
            raise conflict(ENDED)
        PanelCandidate.objects.filter(pk=locked.pk).update(
            invitations_sent=F("invitations_sent") + 1, last_invited_at=now
        )
        locked.invitations_sent += 1
        locked.last_invited_at = now
        locked.panel = panel
        send_on_commit(
            invitation_resent,
            PanelCandidate,
            assignment=locked,
            panel=panel,
            actor=actor,
            token=locked.token,
        )
    audit(
        "candidate invitation resent: panel=%s organization=%s user=%s candidate=%s count=%d",
        panel.uuid,
        organization_uuid(organization),
        getattr(actor, "pk", None),
        candidate_uuid(locked),
        locked.invitations_sent,
    )
    return locked


def represent_invitation(assignment: PanelCandidate) -> dict[str, Any]:
    """What the resend answers: no token (the signal's receivers have it)."""
    from ..api.fields import format_datetime

    return {
        "candidate_uuid": candidate_uuid(assignment),
        "invitations_sent": assignment.invitations_sent,
        "last_invited_at": format_datetime(assignment.last_invited_at),
        "token_expires_at": format_datetime(assignment.token_expires_at),
    }


# --- The optional email sender ----------------------------------------------------------------


def invitation_link(token: str) -> str:
    """``INVITATION_URL`` with the token in it. The token goes in the fragment (after ``#``):
    browsers never send a fragment to a server, so it stays out of access logs and Referer
    headers, where a query string would land."""
    template = app_settings.INVITATION_URL
    if not isinstance(template, str) or "{token}" not in template:
        raise ImproperlyConfigured(
            "INTERVIEW_PANELS['INVITATION_URL'] must be a URL with '{token}' in its fragment, "
            "e.g. 'https://example.com/interview/#token={token}'."
        )
    if "#" not in template or template.index("#") > template.index("{token}"):
        raise ImproperlyConfigured(
            "INTERVIEW_PANELS['INVITATION_URL'] must place '{token}' after '#': a token in the "
            "path or query string is sent to servers and logged."
        )
    return template.replace("{token}", token)


def invitation_context(assignment: PanelCandidate, panel: InterviewPanel, token: str) -> dict:
    """The templates' context (docs/candidates-access.md lists it)."""
    candidate = assignment.candidate
    return {
        "candidate_name": app_settings.CANDIDATE_NAME(candidate),
        "panel_name": panel.name,
        "panel_description": panel.description,
        "token": token,
        "link": invitation_link(token),
        "starts_at": effective_start(assignment, panel),
        "expires_at": assignment.token_expires_at,
        "time_limit_minutes": panel.time_limit_minutes,
    }


def send_invitation_email(
    sender: Any, *, assignment: PanelCandidate, panel: InterviewPanel, token: str, **kwargs: Any
) -> int:
    """A receiver of ``invitation_resent``: email the invitation with Django's email backend
    (``DEFAULT_FROM_EMAIL``) to the address ``CANDIDATE_EMAIL`` resolves. Templates (a host
    overrides them in its own templates directory): ``django_interview_panels/email/
    invitation_subject.txt``, ``invitation_body.txt`` and, if it exists, ``invitation_body.html``.
    Returns the messages sent (0: the candidate has no email address or was erased)."""
    candidate = assignment.candidate
    address = app_settings.CANDIDATE_EMAIL(candidate) if candidate is not None else ""
    if not address:
        logger.warning("invitation not emailed: assignment=%s has no email", assignment.uuid)
        return 0
    context = invitation_context(assignment, panel, token)
    subject = render_to_string(f"{TEMPLATE_DIR}/invitation_subject.txt", context)
    # A subject is one line: a header with a line break in it is refused by Django.
    subject = " ".join(subject.split())
    body = render_to_string(f"{TEMPLATE_DIR}/invitation_body.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    try:
        html = render_to_string(f"{TEMPLATE_DIR}/invitation_body.html", context)
    except TemplateDoesNotExist:
        html = None
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message.send()

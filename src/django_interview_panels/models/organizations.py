"""Organizations, candidates and memberships: the defaults a host may swap for its own.

Public identifiers are UUIDs; integer primary keys stay internal. ``Organization`` and
``Candidate`` are swappable (see ``conf.py``); everything else points at them through the
settings, the way Django points at ``AUTH_USER_MODEL``.
"""

from __future__ import annotations

import uuid

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..conf import CANDIDATE_MODEL, ORGANIZATION_MODEL


def get_organization_model() -> type[models.Model]:
    """Return the organization model this project uses."""
    return apps.get_model(ORGANIZATION_MODEL, require_ready=False)


def get_candidate_model() -> type[models.Model]:
    """Return the candidate model this project uses."""
    return apps.get_model(CANDIDATE_MODEL, require_ready=False)


class PublicIdModel(models.Model):
    """Adds the public UUID that the API exposes instead of the primary key."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


# --- Organizations, candidates and memberships (defaults a host may replace) ------------------


class AbstractOrganization(PublicIdModel):
    """Fields of the default organization; subclass it or bring any model with a UUID field."""

    name = models.CharField(_("name"), max_length=255)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(AbstractOrganization):
    """The default organization model."""

    class Meta(AbstractOrganization.Meta):
        swappable = "INTERVIEW_PANELS_ORGANIZATION_MODEL"
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")


class AbstractCandidate(PublicIdModel):
    """Fields of the default candidate: a person of one organization who can be interviewed."""

    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name"), max_length=255)
    email = models.EmailField(_("email"))

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Candidate(AbstractCandidate):
    """The default candidate model."""

    class Meta(AbstractCandidate.Meta):
        swappable = "INTERVIEW_PANELS_CANDIDATE_MODEL"
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")


class Role(models.TextChoices):
    """Roles of the default membership; any string is accepted, these are the usual ones."""

    ADMIN = "Admin", _("Admin")
    HR = "HR", _("HR")
    MEMBER = "Member", _("Member")


class Membership(models.Model):
    """Which organization a user belongs to and with which role (read by the default resolvers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="interview_panels_membership",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        ORGANIZATION_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    role = models.CharField(_("role"), max_length=64, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

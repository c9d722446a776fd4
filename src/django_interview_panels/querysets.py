"""Organization scoping and read-time state, in one place.

Every lookup the API makes goes through one of these querysets, so a query that forgets the
caller's organization has to go out of its way to do so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone


class BankQuerySet(models.QuerySet):
    """Question-bank entries: an organization sees its own entries and the global ones."""

    def visible_to(self, organization: Any) -> BankQuerySet:
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))


class QuestionQuerySet(BankQuerySet):
    """Questions: visible ones as for every bank entry, and the ones draws may still pick."""

    def drawable(self) -> QuestionQuerySet:
        """Questions not retired: a retired one stays in past question sets only."""
        return self.filter(is_retired=False)


class PanelQuerySet(models.QuerySet):
    """Interview panels."""

    def for_organization(self, organization: Any) -> PanelQuerySet:
        """Panels of ``organization`` that are not soft-deleted."""
        return self.filter(organization=organization, is_deleted=False)

    def with_is_active(self, now: dt.datetime | None = None) -> PanelQuerySet:
        """Annotate ``is_active``: true until ``end_datetime`` has passed; never stored."""
        now = now or timezone.now()
        return self.annotate(
            is_active=ExpressionWrapper(Q(end_datetime__gt=now), output_field=BooleanField())
        )


class PanelCandidateQuerySet(models.QuerySet):
    """Candidate assignments."""

    def with_valid_token(self, now: dt.datetime | None = None) -> PanelCandidateQuerySet:
        """Assignments whose token still opens the panel: not expired, not removed (a removal
        also expires the token; this holds even if something moved its expiry later), panel not
        deleted."""
        now = now or timezone.now()
        return self.filter(
            token_expires_at__gt=now, removed_at__isnull=True, panel__is_deleted=False
        )

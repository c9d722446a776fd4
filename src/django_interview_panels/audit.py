"""The audit log: one INFO line per manager action, on the ``django_interview_panels`` logger,
written once the action's transaction commits.

Every line names the actor (``user=<pk>``) and the organization by its public UUID; hosts route
the logger where they keep audit records (docs/security.md).
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.db import transaction

from .conf import app_settings

logger = logging.getLogger("django_interview_panels")


def audit(message: str, *args: Any) -> None:
    """Write an audit line once the write has committed (now, outside a transaction): a write
    rolled back later, by the caller's transaction or at its commit, leaves no line."""
    transaction.on_commit(partial(logger.info, message, *args))


def organization_uuid(organization: Any) -> str:
    """The organization as clients know it, by its public UUID."""
    return str(getattr(organization, app_settings.ORGANIZATION_UUID_FIELD))


def actor_id(user: Any) -> Any:
    """The acting user's primary key (None for none)."""
    return getattr(user, "pk", None)

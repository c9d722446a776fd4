"""Default resolvers: how the app learns a user's organization and role, and a candidate's name.

Each is referenced by import string from ``INTERVIEW_PANELS`` and can be replaced by the host.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from .models import Membership

_CACHE_ATTR = "_interview_panels_membership"


def _membership(user: Any) -> Membership | None:
    # Cached on the user object: a request asks for the organization and the role, one query.
    if not hasattr(user, _CACHE_ATTR):
        try:
            membership = Membership.objects.select_related("organization").get(user=user)
        except (ObjectDoesNotExist, TypeError, ValueError):
            membership = None
        setattr(user, _CACHE_ATTR, membership)
    return getattr(user, _CACHE_ATTR)


def organization_from_membership(user: Any) -> Any | None:
    """The organization of the user's ``Membership``, or None."""
    membership = _membership(user)
    return membership.organization if membership else None


def role_from_membership(user: Any) -> str | None:
    """The role name of the user's ``Membership``, or None."""
    membership = _membership(user)
    return membership.role if membership else None


def candidate_name(candidate: Any) -> str:
    """The default candidate's ``name``."""
    return candidate.name


def candidate_email(candidate: Any) -> str:
    """The default candidate's ``email``."""
    return candidate.email

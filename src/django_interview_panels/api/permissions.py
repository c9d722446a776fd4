"""Who may call what: organization membership for reads, manager roles for writes, manager and
reviewer roles for reviews and results.

The organization and role come from the resolvers configured in ``INTERVIEW_PANELS``, asked once
per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from ..conf import app_settings

_ACTOR_ATTR = "_interview_panels_actor"


@dataclass(frozen=True)
class Actor:
    """The caller as the app sees it: user, organization and role name."""

    user: Any
    organization: Any | None
    role: str | None

    @property
    def is_manager(self) -> bool:
        return self.role is not None and self.role in app_settings.MANAGER_ROLES

    @property
    def is_reviewer(self) -> bool:
        """A manager, or a role the host names in ``REVIEWER_ROLES``."""
        return self.is_manager or (
            self.role is not None and self.role in app_settings.REVIEWER_ROLES
        )


def get_actor(request: Request) -> Actor:
    """Resolve (once per request) the caller's organization and role."""
    actor = getattr(request, _ACTOR_ATTR, None)
    if actor is None:
        user = request.user
        actor = Actor(
            user=user,
            organization=app_settings.ORGANIZATION_RESOLVER(user),
            role=app_settings.ROLE_RESOLVER(user),
        )
        setattr(request, _ACTOR_ATTR, actor)
    return actor


class IsOrganizationMember(BasePermission):
    """Authenticated and in an organization: enough to read the organization's panels."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # DRF turns this into 401 Not Authenticated
        if get_actor(request).organization is None:
            raise PermissionDenied(_("User must belong to an organization"))
        return True


class IsOrganizationManager(IsOrganizationMember):
    """A member whose role is one of ``MANAGER_ROLES``: may create, update and delete panels."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        actor = get_actor(request)
        if actor.role is None:
            raise PermissionDenied(_("User must have a role"))
        if not actor.is_manager:
            roles = " or ".join(str(role) for role in app_settings.MANAGER_ROLES)
            raise PermissionDenied(_("User is not %(roles)s") % {"roles": roles})
        return True


class IsReviewer(IsOrganizationMember):
    """A member whose role is one of ``MANAGER_ROLES`` or ``REVIEWER_ROLES``: may review answers
    and read results."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        actor = get_actor(request)
        if actor.role is None:
            raise PermissionDenied(_("User must have a role"))
        if not actor.is_reviewer:
            raise PermissionDenied(_("User may not review answers"))
        return True

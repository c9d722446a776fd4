"""The host's answers to "which organization, which role, what name" for the app's settings."""

from __future__ import annotations

from typing import Any


def user_organization(user: Any) -> Any:
    return user.organization


def user_role(user: Any) -> str | None:
    return user.role.name if user.role_id else None


def candidate_name(candidate: Any) -> str:
    return f"{candidate.first_name} {candidate.last_name}"


def candidate_email(candidate: Any) -> str:
    return candidate.email_address

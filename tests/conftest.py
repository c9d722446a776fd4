"""Shared fixtures: two organizations, each with Admin, HR and a plain member, and API clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Every test starts with empty caches: rate-limit histories are keyed by user primary keys,
    which repeat from one test to the next once the database rolls back."""
    for cache in caches.all():
        cache.clear()


@dataclass
class Tenant:
    """One organization with its users, candidates and a bank category of its own."""

    organization: Any
    admin: Any
    hr: Any
    member: Any
    candidates: list[Any]
    category: Any

    @property
    def uuid(self) -> str:
        return factories.organization_uuid(self.organization)


def _tenant(name: str) -> Tenant:
    organization = factories.make_organization(name)
    return Tenant(
        organization=organization,
        admin=factories.make_user(organization, "Admin"),
        hr=factories.make_user(organization, "HR"),
        member=factories.make_user(organization, "Member"),
        candidates=[factories.make_candidate(organization) for _ in range(3)],
        category=factories.make_bank(organization, name=f"{name} Python"),
    )


@pytest.fixture
def tenant(db: None) -> Tenant:
    return _tenant("Acme")


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    return _tenant("Globex")


@pytest.fixture
def loner(db: None) -> Any:
    """An authenticated user with no organization."""
    return factories.make_user(None, None)


def client_for(user: Any | None) -> APIClient:
    """An API client that sends ``Authorization: Bearer <token>`` for ``user`` (None: anonymous)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_token(user)}")
    return client


@pytest.fixture
def hr_client(tenant: Tenant) -> APIClient:
    return client_for(tenant.hr)


@pytest.fixture
def admin_client(tenant: Tenant) -> APIClient:
    return client_for(tenant.admin)


@pytest.fixture
def member_client(tenant: Tenant) -> APIClient:
    return client_for(tenant.member)


@pytest.fixture
def anon_client() -> APIClient:
    return APIClient()

"""The app's rate limits: a read scope and a write scope per user, with defaults of their own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from django_interview_panels.api.throttling import READ_SCOPE, WRITE_SCOPE, APIRateThrottle
from django_interview_panels.conf import DEFAULTS
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIST_URL = "/api/panel/get/"
DELETE_URL = "/api/panel/delete/00000000-0000-4000-8000-000000000000/"


@pytest.fixture(autouse=True)
def host_without_throttle_rates(settings: Any) -> Iterator[None]:
    """A host that configured no throttling at all, and an empty throttle history."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}
    cache.clear()
    yield
    cache.clear()


def app_rates(settings: Any, read: str | None, write: str | None) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "THROTTLE_RATES": {READ_SCOPE: read, WRITE_SCOPE: write},
    }


def test_without_host_rates_the_documented_defaults_apply() -> None:
    throttle = APIRateThrottle()

    rates = {}
    for throttle.scope in (READ_SCOPE, WRITE_SCOPE):
        rates[throttle.scope] = throttle.get_rate()

    assert rates == {READ_SCOPE: "120/minute", WRITE_SCOPE: "30/minute"}
    assert {scope: DEFAULTS["THROTTLE_RATES"][scope] for scope in rates} == rates


def test_reads_past_the_rate_are_429_in_the_envelope_with_retry_after(
    settings, tenant, member_client
):
    app_rates(settings, "2/minute", "5/minute")

    statuses = [member_client.get(LIST_URL).status_code for _ in range(3)]
    response = member_client.get(LIST_URL)

    assert statuses == [200, 200, 429]
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["success"] is False
    assert body["message"].startswith("Request was throttled.")
    assert body["errors"] == {"detail": [body["message"]]}


def test_reads_and_writes_are_counted_apart_and_per_user(settings, tenant, hr_client):
    app_rates(settings, "1/minute", "1/minute")

    assert hr_client.get(LIST_URL).status_code == 200
    assert hr_client.get(LIST_URL).status_code == 429
    # A write has its own budget (404: the panel does not exist, but the request got through).
    assert hr_client.delete(DELETE_URL).status_code == 404
    assert hr_client.delete(DELETE_URL).status_code == 429
    # Another user of the same organization is not slowed down by the first.
    assert client_for(tenant.member).get(LIST_URL).status_code == 200


def test_a_host_rate_for_the_scope_wins_and_none_switches_it_off(settings, tenant, hr_client):
    app_rates(settings, "1/minute", "1/minute")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {READ_SCOPE: None, WRITE_SCOPE: "3/minute"},
    }

    # The host's None switches reads off, where the app's rate would allow one a minute.
    assert [hr_client.get(LIST_URL).status_code for _ in range(3)] == [200, 200, 200]
    # The host's three writes a minute apply, not the app's one (404: no such panel, but the
    # request got through the throttle).
    statuses = [hr_client.delete(DELETE_URL).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_anonymous_requests_are_401_before_any_throttle(settings, anon_client):
    app_rates(settings, "1/minute", "1/minute")

    assert [anon_client.get(LIST_URL).status_code for _ in range(3)] == [401, 401, 401]

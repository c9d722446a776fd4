"""API2:2023 Broken Authentication: candidate tokens, and the API's own bearer authentication.

A candidate token is unguessable and unique, opens its assignment only until the panel ends, and
stops opening it when the panel is deleted or the assignment removed. The presented token is
compared in constant time. None of it is an API credential.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import pytest
import time_machine

from django_interview_panels.models import PanelCandidate
from django_interview_panels.panels import services
from django_interview_panels.tokens import new_token
from tests import factories
from tests.conftest import client_for

TOKENS_GENERATED = 100_000


def test_a_hundred_thousand_tokens_have_no_duplicate():
    tokens = {new_token() for _ in range(TOKENS_GENERATED)}

    assert len(tokens) == TOKENS_GENERATED
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)


@pytest.fixture
def panel(tenant):
    return factories.make_panel(tenant.organization, tenant.category, tenant.candidates)


@pytest.fixture
def token(panel) -> str:
    return panel.candidates.order_by("pk").first().token


@pytest.mark.django_db
def test_token_is_valid_until_one_second_before_the_end(panel, token):
    with time_machine.travel(panel.end_datetime - dt.timedelta(seconds=1), tick=False):
        assignment = services.find_assignment_by_token(token)

    assert assignment is not None
    assert assignment.panel == panel


@pytest.mark.django_db
@pytest.mark.parametrize(
    "after", [dt.timedelta(0), dt.timedelta(microseconds=1), dt.timedelta(days=365)]
)
def test_token_is_invalid_at_and_after_the_end(panel, token, after):
    with time_machine.travel(panel.end_datetime + after, tick=False):
        assert services.find_assignment_by_token(token) is None


@pytest.mark.django_db
def test_token_follows_the_end_when_it_moves(panel, token, hr_client):
    old_end = panel.end_datetime
    new_end = old_end + dt.timedelta(days=1)
    response = hr_client.put(
        f"/api/panel/update/{panel.uuid}/",
        {"end_datetime": factories.iso(new_end)},
        format="json",
    )
    assert response.status_code == 200

    with time_machine.travel(old_end + dt.timedelta(hours=1), tick=False):
        assert services.find_assignment_by_token(token) is not None
    with time_machine.travel(new_end, tick=False):
        assert services.find_assignment_by_token(token) is None


@pytest.mark.django_db
def test_token_is_invalid_once_the_panel_is_soft_deleted(panel, token):
    assert services.find_assignment_by_token(token) is not None

    services.delete_panel(organization=panel.organization, panel_uuid=panel.uuid)

    assert services.find_assignment_by_token(token) is None


@pytest.mark.django_db
def test_token_is_invalid_once_its_assignment_is_removed(panel, token):
    others = list(panel.candidates.exclude(token=token).values_list("token", flat=True))

    PanelCandidate.objects.filter(token=token).delete()

    assert services.find_assignment_by_token(token) is None
    assert all(services.find_assignment_by_token(other) is not None for other in others)


@pytest.mark.django_db
def test_the_same_candidate_gets_a_different_token_on_every_panel(tenant):
    candidate = tenant.candidates[0]
    panels = [
        factories.make_panel(tenant.organization, tenant.category, [candidate]) for _ in range(5)
    ]

    tokens = {p.candidates.get().token for p in panels}

    assert len(tokens) == 5


class SecretsSpy:
    """Stands in for the ``secrets`` module in ``services``: records compare_digest calls."""

    def __init__(self, answer: bool | None = None) -> None:
        self.calls: list[tuple[Any, Any]] = []
        self.answer = answer

    def compare_digest(self, a: Any, b: Any) -> bool:
        self.calls.append((a, b))
        real = secrets.compare_digest(a, b)
        return real if self.answer is None else self.answer

    def __getattr__(self, name: str) -> Any:
        return getattr(secrets, name)


@pytest.mark.django_db
def test_token_lookup_compares_in_constant_time(token, monkeypatch):
    spy = SecretsSpy()
    monkeypatch.setattr(services, "secrets", spy)

    assignment = services.find_assignment_by_token(token)

    assert assignment is not None
    assert spy.calls == [(token, token)]


@pytest.mark.django_db
def test_token_lookup_trusts_only_the_constant_time_comparison(token, monkeypatch):
    """Were the database's match enough (a case-insensitive collation), the comparison decides."""
    monkeypatch.setattr(services, "secrets", SecretsSpy(answer=False))

    assert services.find_assignment_by_token(token) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "presented",
    [
        "",
        None,
        12345,
        b"bytes",
        ["list"],
        "%",
        "_",
        "' OR '1'='1",
        "a\x00b",
        "\ud800",
        "x" * 129,
        "x" * 1_000_000,
    ],
    ids=lambda value: repr(value)[:20],
)
def test_malformed_tokens_open_nothing_and_never_raise(token, presented):
    assert services.find_assignment_by_token(presented) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1],
        lambda t: t + "A",
        lambda t: t.swapcase(),
        lambda t: " " + t,
        lambda t: t + "\n",
        lambda t: t[::-1],
    ],
    ids=["truncated", "extended", "case-swapped", "leading-space", "trailing-newline", "reversed"],
)
def test_a_tampered_token_opens_nothing(token, tamper):
    assert services.find_assignment_by_token(tamper(token)) is None


@pytest.mark.django_db
def test_a_candidate_token_is_not_an_api_credential(token):
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = client.get("/api/panel/get/")

    assert response.status_code == 401
    assert response.json()["success"] is False


@pytest.mark.django_db
def test_an_inactive_users_api_token_is_401(tenant):
    client = client_for(tenant.hr)
    tenant.hr.is_active = False
    tenant.hr.save(update_fields=["is_active"])

    response = client.get("/api/panel/get/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer a b", "Token {key}", "bearer {key}x", "Basic {key}", "{key}"],
)
def test_malformed_authorization_headers_never_authenticate(tenant, header):
    key = factories.make_token(tenant.hr)
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=header.format(key=key))

    response = client.get("/api/panel/get/")

    assert response.status_code == 401

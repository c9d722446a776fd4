"""The candidate endpoints' rate limits: refused tokens per client address, requests per token,
the host's rates over the app's, and counts shared by processes through Redis.

Also the token's final comparison: constant-time (``secrets.compare_digest``), shown by what
the lookup does with it, never by timing.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches

from django_interview_panels.api.throttling import scope_rate
from django_interview_panels.interviews.authentication import (
    CANDIDATE_SCOPE,
    TOKEN_SCOPE,
    RefusedTokenThrottle,
)
from django_interview_panels.panels import services as panel_services
from tests.test_security_concurrency import run_together

from .conftest import INTERVIEW, token_client

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/6"
# Addresses from the documentation ranges (RFC 5737).
GUESSER, NEIGHBOUR = "203.0.113.7", "198.51.100.9"
# Well formed, but no assignment's: the lookup reaches the database and finds nothing.
UNKNOWN = "u" * 43
THREADS = 16


@pytest.fixture(autouse=True)
def host_without_interview_rates(settings: Any) -> None:
    """A host that names none of the candidate scopes: the app's rates apply."""
    rates = dict(settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))
    rates.pop(TOKEN_SCOPE, None)
    rates.pop(CANDIDATE_SCOPE, None)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def host_rates(settings: Any, **rates: str | None) -> None:
    current = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**current, **rates},
    }


def app_rates(settings: Any, **rates: str | None) -> None:
    settings.INTERVIEW_PANELS = {
        **getattr(settings, "INTERVIEW_PANELS", {}),
        "THROTTLE_RATES": {
            "interview_panels_read": None,
            "interview_panels_write": None,
            **rates,
        },
    }


def overview(token: str | None, address: str) -> Any:
    return token_client(token).get(INTERVIEW, REMOTE_ADDR=address)


def refuse(times: int, address: str = GUESSER) -> list[int]:
    return [overview(UNKNOWN, address).status_code for _ in range(times)]


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["success"] is False
    assert body["message"].startswith("Request was throttled.")
    assert body["errors"] == {"detail": [body["message"]]}


def test_without_host_rates_the_documented_candidate_defaults_apply():
    assert scope_rate(TOKEN_SCOPE) == "20/minute"
    assert scope_rate(CANDIDATE_SCOPE) == "240/minute"


def test_past_the_default_refusals_an_address_is_refused_even_a_valid_token(assignments):
    assert refuse(20) == [401] * 20

    assert_throttled(overview(assignments[0].token, GUESSER))
    # Another token guessed from there: the same 429, not a 401 that would still count.
    assert_throttled(overview(UNKNOWN, GUESSER))


def test_a_host_that_sets_only_the_staff_rates_keeps_the_token_throttle(settings, assignments):
    """THROTTLE_RATES is merged per scope: a host raising its staff read rate (a dict naming only
    that scope) must not switch the guessing limit off by leaving it out."""
    settings.INTERVIEW_PANELS = {"THROTTLE_RATES": {"interview_panels_read": "600/minute"}}

    assert scope_rate(TOKEN_SCOPE) == "20/minute"
    assert scope_rate(CANDIDATE_SCOPE) == "240/minute"
    assert refuse(20) == [401] * 20
    assert_throttled(overview(UNKNOWN, GUESSER))


def test_none_in_the_app_rates_switches_a_candidate_scope_off(settings, assignments):
    settings.INTERVIEW_PANELS = {"THROTTLE_RATES": {TOKEN_SCOPE: None}}

    assert scope_rate(TOKEN_SCOPE) is None
    assert refuse(25) == [401] * 25


def test_a_blocked_address_leaves_other_addresses_alone(settings, assignments):
    app_rates(settings, interview_panels_token="3/minute")
    assert refuse(3) == [401, 401, 401]
    assert_throttled(overview(assignments[0].token, GUESSER))

    assert overview(assignments[0].token, NEIGHBOUR).status_code == 200
    assert overview(UNKNOWN, NEIGHBOUR).status_code == 401


def test_valid_tokens_are_not_counted_as_refusals(settings, assignments):
    app_rates(settings, interview_panels_token="3/minute")
    assert refuse(2) == [401, 401]

    valid = [overview(assignments[0].token, GUESSER).status_code for _ in range(10)]

    assert valid == [200] * 10
    # The third refusal is still a 401: the ten accepted tokens counted nothing.
    assert refuse(1) == [401]
    assert_throttled(overview(assignments[0].token, GUESSER))


def test_a_request_without_a_token_is_not_counted_as_a_refusal(settings, assignments):
    app_rates(settings, interview_panels_token="3/minute")

    missing = [overview(None, GUESSER) for _ in range(5)]

    assert {response.status_code for response in missing} == {401}
    assert missing[0].json()["message"] == (
        "Send the interview token in the X-Interview-Token header."
    )
    assert overview(assignments[0].token, GUESSER).status_code == 200


def test_each_token_has_its_own_request_rate(settings, assignments):
    app_rates(settings, interview_panels_candidate="3/minute")
    first, second = assignments[0].token, assignments[1].token

    statuses = [overview(first, GUESSER).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert_throttled(overview(first, GUESSER))
    # Another candidate behind the same address (an office, a classroom) is not slowed down.
    assert overview(second, GUESSER).status_code == 200
    # A token past its rate is throttled, not refused: the address's refusals stay at none.
    assert refuse(1) == [401]


def test_a_host_rate_for_a_candidate_scope_wins_over_the_apps(settings, assignments):
    app_rates(settings, interview_panels_token="50/minute", interview_panels_candidate="50/minute")
    host_rates(settings, interview_panels_token="2/minute", interview_panels_candidate="1/minute")

    assert refuse(2) == [401, 401]
    assert_throttled(overview(assignments[0].token, GUESSER))
    assert overview(assignments[0].token, NEIGHBOUR).status_code == 200
    assert_throttled(overview(assignments[0].token, NEIGHBOUR))


def test_a_host_none_switches_the_candidate_scopes_off(settings, assignments):
    app_rates(settings, interview_panels_token="1/minute", interview_panels_candidate="1/minute")
    host_rates(settings, interview_panels_token=None, interview_panels_candidate=None)

    assert refuse(30) == [401] * 30
    statuses = [overview(assignments[0].token, GUESSER).status_code for _ in range(5)]
    assert statuses == [200] * 5


# --- Redis: one count for every process ---------------------------------------------------------


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[dict[str, Any]]:
    """Django's ``RedisCache`` on DB 6 of the local Redis, under a key prefix of this test's
    own (its keys are deleted afterwards; the rest of the database is left alone)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        client.close()
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({exc}): the shared-cache tests need it")
    config = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"ip-throttle-test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {"default": config}
    try:
        yield config
    finally:
        for key in client.scan_iter(f"{config['KEY_PREFIX']}:*"):
            client.delete(key)
        client.close()


# Run by a second Python process: the app's stack, its own Redis connection, no database (a
# token that is not even well formed is refused before any query).
SECOND_PROCESS = """
import json, os, sys
config = json.loads(sys.argv[1])
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
from django.conf import settings
settings.CACHES = {"default": config["cache"]}
settings.INTERVIEW_PANELS = {"THROTTLE_RATES": config["rates"]}
import django
django.setup()
from django.test import Client
client = Client(HTTP_X_INTERVIEW_TOKEN="not a token", REMOTE_ADDR=config["address"])
statuses = [client.get(config["path"]).status_code for _ in range(config["refusals"])]
print(json.dumps(statuses))
"""


def refuse_in_another_process(cache: dict[str, Any], refusals: int, rate: str) -> list[int]:
    """Send ``refusals`` malformed tokens from ``GUESSER`` through a second process."""
    argument = {
        "cache": cache,
        "rates": {TOKEN_SCOPE: rate, CANDIDATE_SCOPE: None},
        "address": GUESSER,
        "path": INTERVIEW,
        "refusals": refusals,
    }
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), str(REPO), environment.get("PYTHONPATH", "")]
    )
    finished = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, json.dumps(argument)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_refusals_counted_by_another_process_block_the_address_here(
    settings, redis_cache, assignments
):
    app_rates(settings, interview_panels_token="3/minute", interview_panels_candidate=None)

    assert refuse_in_another_process(redis_cache, 2, "3/minute") == [401, 401]
    # This process adds the third refusal to the other's two, and then the address is blocked.
    assert refuse(1) == [401]

    assert_throttled(overview(assignments[0].token, GUESSER))
    assert overview(assignments[0].token, NEIGHBOUR).status_code == 200


def test_a_blocked_address_is_refused_by_another_process_too(settings, redis_cache, assignments):
    app_rates(settings, interview_panels_token="3/minute", interview_panels_candidate=None)
    assert refuse(3) == [401, 401, 401]

    # The second process refuses at once: 429, not the 401 a fresh count would give.
    assert refuse_in_another_process(redis_cache, 2, "3/minute") == [429, 429]


def test_two_cache_clients_of_one_redis_share_the_refusals(rf, settings, redis_cache):
    app_rates(settings, interview_panels_token="3/minute")
    # Two clients with connections of their own, as two worker processes would hold.
    one, other = caches.create_connection("default"), caches.create_connection("default")
    assert one._cache._get_connection_pool(True) is not other._cache._get_connection_pool(True)
    request = rf.get(INTERVIEW, REMOTE_ADDR=GUESSER)

    for _ in range(3):
        recorder = RefusedTokenThrottle()
        recorder.cache = one
        assert recorder.blocked(request) is False
        recorder.record(request)
    reader = RefusedTokenThrottle()
    reader.cache = other

    assert reader.blocked(request) is True
    assert reader.wait() > 0


def test_refusals_arriving_together_are_all_counted(rf, settings, redis_cache):
    """Sixteen guesses at once, each through a connection of its own (as from sixteen worker
    processes): a read-append-write history keeps about half of them; the counter all."""
    app_rates(settings, interview_panels_token="100/minute")

    def refuse_once() -> None:
        throttle = RefusedTokenThrottle()
        throttle.cache = caches.create_connection("default")
        request = rf.get(INTERVIEW, REMOTE_ADDR=GUESSER)
        assert throttle.blocked(request) is False
        throttle.record(request)

    outcomes = run_together([refuse_once] * THREADS)

    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    app_rates(settings, interview_panels_token=f"{THREADS}/minute")
    assert RefusedTokenThrottle().blocked(rf.get(INTERVIEW, REMOTE_ADDR=GUESSER)) is True
    app_rates(settings, interview_panels_token=f"{THREADS + 1}/minute")
    assert RefusedTokenThrottle().blocked(rf.get(INTERVIEW, REMOTE_ADDR=GUESSER)) is False


# A time of the clock where one minute's window ends and the next begins.
MINUTE_BOUNDARY = 60.0 * 16_667


class Clock:
    """The throttle's clock, set by the test (seconds since the epoch)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_window_boundary_does_not_reset_the_refusals(settings, assignments, monkeypatch):
    app_rates(settings, interview_panels_token="3/minute")
    clock = Clock(MINUTE_BOUNDARY - 40)
    monkeypatch.setattr(RefusedTokenThrottle, "timer", clock)
    assert refuse(3) == [401, 401, 401]

    clock.now = MINUTE_BOUNDARY + 1
    throttled = overview(assignments[0].token, GUESSER)

    assert_throttled(throttled)
    # Blocked to the end of the window after the refusals' one.
    assert int(throttled["Retry-After"]) == 59
    clock.now += 60
    assert overview(assignments[0].token, GUESSER).status_code == 200


def test_refusals_spread_over_a_boundary_add_up(settings, assignments, monkeypatch):
    app_rates(settings, interview_panels_token="3/minute")
    clock = Clock(MINUTE_BOUNDARY - 10)
    monkeypatch.setattr(RefusedTokenThrottle, "timer", clock)
    assert refuse(2) == [401, 401]
    clock.now = MINUTE_BOUNDARY + 10
    assert refuse(1) == [401]

    throttled = overview(assignments[0].token, GUESSER)

    assert_throttled(throttled)
    # Until this window ends: the next one no longer reads the two older refusals.
    assert int(throttled["Retry-After"]) == 50


# --- The token's final comparison -------------------------------------------------------------


def near_misses(token: str) -> list[str]:
    """Tokens of the same length that differ from ``token`` in one place (or in case)."""

    def swap(character: str) -> str:
        return "A" if character != "A" else "B"

    middle = len(token) // 2
    return [
        swap(token[0]) + token[1:],
        token[:middle] + swap(token[middle]) + token[middle + 1 :],
        token[:-1] + swap(token[-1]),
        token.swapcase() if token.swapcase() != token else token[:-1] + "-",
    ]


def test_equal_length_near_miss_tokens_open_nothing(assignments):
    token = assignments[0].token

    assert panel_services.find_assignment_by_token(token).pk == assignments[0].pk
    for guess in near_misses(token):
        assert len(guess) == len(token) and guess != token
        assert panel_services.find_assignment_by_token(guess) is None
        assert overview(guess, NEIGHBOUR).status_code == 401


def test_the_token_found_is_accepted_only_by_a_constant_time_comparison(assignments, monkeypatch):
    token = assignments[0].token
    compared: list[tuple[str, str]] = []
    constant_time = secrets.compare_digest

    def recording(stored: str, presented: str) -> bool:
        compared.append((stored, presented))
        return constant_time(stored, presented)

    monkeypatch.setattr(panel_services.secrets, "compare_digest", recording)
    assert panel_services.find_assignment_by_token(token).pk == assignments[0].pk
    assert compared == [(token, token)]

    # The comparison decides: a row the index lookup found is refused when it says no (as a
    # case-insensitive collation's near miss would be).
    monkeypatch.setattr(panel_services.secrets, "compare_digest", lambda stored, presented: False)
    assert panel_services.find_assignment_by_token(token) is None

"""Every request under the app's mount answers in the envelope, in the documented order of checks.

Class checks: every route x every method (OPTIONS, HEAD, TRACE and unknown ones included), odd
paths under the mount, and ``?format=`` / ``Accept`` variants, in-process (also with ``DEBUG`` and
``APPEND_SLASH``) and against a gunicorn process.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MOUNT = "/api/panel/"
MISSING = "123e4567-e89b-12d3-a456-426614174999"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "FOO"]
# Paths under the mount: the spec's, without their UUID, without their slash, and odd ones.
ODD_SUFFIXES = ["", "/", "//", "/%2F/", "/x/y/", f"/{MISSING}", f"/{MISSING}/x/", "/%0A/", "/%FF/"]
BASES = ["", "create", "get", "update", "delete", "bank", "bank/coverage", "nope"]
ODD_PATHS = sorted(
    {MOUNT + base + suffix for base in BASES for suffix in ODD_SUFFIXES}
    | {MOUNT + "a" * 2000 + "/", MOUNT + "..%2F..%2F/", MOUNT + "%00/"}
)
# The catch-all treats every method alike: a sample of them is enough on the odd paths.
ODD_METHODS = ["GET", "HEAD", "POST", "DELETE", "OPTIONS", "FOO"]
# The spec's routes, with the UUID of a panel that does not exist, and the app's own.
ROUTES = [
    "create/",
    "get/",
    f"get/{MISSING}/",
    f"update/{MISSING}/",
    f"delete/{MISSING}/",
    "bank/coverage/",
]


def assert_envelope(status: int, content_type: str, body: bytes, method: str, what: Any) -> None:
    """JSON, the envelope's keys, neither a redirect nor a server error."""
    assert content_type == "application/json", (what, status, body[:200])
    assert 200 <= status < 300 or 400 <= status < 500, (what, status, body[:200])
    if method == "HEAD":
        return  # no body to look at
    envelope = json.loads(body)
    assert isinstance(envelope["success"], bool), what
    assert isinstance(envelope["message"], str) and envelope["message"], what
    if not envelope["success"]:
        assert isinstance(envelope["errors"], dict) and envelope["errors"], what


# --- Content negotiation comes after authentication and permissions (item 5) ---------------------

NEGOTIATION_VARIANTS = [
    ("?format=xml", {}),
    ("?format=api", {}),
    ("?format=json", {}),
    ("", {"HTTP_ACCEPT": "text/html"}),
    ("", {"HTTP_ACCEPT": "application/xml"}),
    ("", {"HTTP_ACCEPT": "application/json; indent=4"}),
]


def test_anonymous_format_xml_is_401_not_404(tenant):
    response = client_for(None).get(MOUNT + "get/?format=xml")

    assert response.status_code == 401
    assert response.json()["message"] == "Authentication credentials were not provided."


def test_anonymous_accept_html_is_401_not_406(tenant):
    response = client_for(None).get(MOUNT + "get/", HTTP_ACCEPT="text/html")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_member_delete_with_format_xml_is_403_not_404(tenant):
    response = client_for(tenant.member).delete(f"{MOUNT}delete/{MISSING}/?format=xml")

    assert response.status_code == 403
    assert response.json()["message"] == "User is not Admin or HR"


@pytest.mark.parametrize("role", ["anonymous", "member", "hr"])
def test_format_and_accept_never_change_status_or_body(tenant, role):
    user = {"anonymous": None, "member": tenant.member, "hr": tenant.hr}[role]
    client = client_for(user)
    panel = factories.make_panel(tenant.organization, tenant.category)
    routes = [*ROUTES, f"get/{panel.uuid}/"]
    for route, method in itertools.product(routes, ["GET", "POST", "PATCH", "DELETE"]):
        plain = client.generic(method, MOUNT + route, "{}", content_type="application/json")
        for query, headers in NEGOTIATION_VARIANTS:
            response = client.generic(
                method, MOUNT + route + query, "{}", content_type="application/json", **headers
            )
            what = (role, method, route, query, headers)
            assert response.status_code == plain.status_code, what
            assert response["Content-Type"] == "application/json", what
            if method != "DELETE" or response.status_code != 200:  # a second delete is a 404
                assert response.json().keys() == plain.json().keys(), what


# --- A panel UUID missing from the path (item 6) ---------------------------------------------


@pytest.mark.parametrize(
    "method,path", [("DELETE", "delete/"), ("PUT", "update/"), ("PATCH", "update/")]
)
def test_a_write_without_the_panel_uuid_is_the_specs_400(tenant, method, path):
    response = client_for(tenant.hr).generic(method, MOUNT + path, "{}", "application/json")

    assert response.status_code == 400
    assert response.json() == {
        "success": False,
        "message": "Interview panel UUID is required",
        "errors": {"interview_panel_uuid": ["Interview panel UUID is required"]},
    }


@pytest.mark.parametrize("user,status", [("anonymous", 401), ("member", 403)])
def test_a_write_without_the_panel_uuid_checks_who_asks_first(tenant, user, status):
    client = client_for(None if user == "anonymous" else tenant.member)

    assert client.delete(MOUNT + "delete/").status_code == status


def test_get_without_a_uuid_is_still_the_list(tenant, hr_client):
    assert hr_client.get(MOUNT + "get/").json()["message"] == (
        "Interview panels retrieved successfully"
    )


@pytest.mark.parametrize("path", ["get//", "get/%2F/", "get/x/y/", "nope/", "", "create/x/"])
def test_paths_that_are_no_route_are_404_in_the_envelope(tenant, hr_client, path):
    response = hr_client.get(MOUNT + path)

    assert response.status_code == 404
    assert response.json() == {
        "success": False,
        "message": "Not found.",
        "errors": {"detail": ["Not found."]},
    }


def test_a_path_under_the_mount_asks_for_authentication_first(tenant):
    assert client_for(None).get(MOUNT + "nope/").status_code == 401


@pytest.mark.parametrize("debug", [False, True])
def test_post_create_without_the_slash_is_a_404_naming_the_right_path(tenant, hr_client, debug):
    with override_settings(DEBUG=debug, APPEND_SLASH=True):
        response = hr_client.post(MOUNT + "create", {"name": "x"}, format="json")

    assert response.status_code == 404
    message = f"Not found. Paths of this API end with a slash: {MOUNT}create/"
    assert response.json() == {
        "success": False,
        "message": message,
        "errors": {"detail": [message]},
    }


def test_every_method_on_every_path_under_the_mount_answers_in_the_envelope(tenant, hr_client):
    # DEBUG on: Django's technical 404 page and CommonMiddleware's POST-redirect error are the
    # pages that would show; the live server test below runs with DEBUG off.
    with override_settings(DEBUG=True, APPEND_SLASH=True):
        for path, method in itertools.product(ODD_PATHS, ODD_METHODS):
            response = hr_client.generic(method, path, b'{"name": "x"}', "application/json")
            assert_envelope(
                response.status_code,
                response["Content-Type"],
                response.content,
                method,
                (method, path),
            )


# --- OPTIONS, HEAD, TRACE and unknown methods on the spec's routes (item 15) ----------------------


@pytest.mark.parametrize("route", ROUTES)
def test_options_lists_the_allowed_methods_in_the_envelope_without_docstrings(tenant, route):
    response = client_for(tenant.hr).options(MOUNT + route)

    assert response.status_code == 200
    body = response.json()
    allowed = [method.strip() for method in response["Allow"].split(",")]
    assert body == {
        "success": True,
        "message": f"Allowed methods: {', '.join(allowed)}",
        "data": {"allowed_methods": allowed},
    }
    assert "OPTIONS" in allowed


def test_options_follows_the_order_of_checks_like_every_other_method(tenant):
    assert client_for(None).options(MOUNT + "get/").status_code == 401
    assert client_for(tenant.member).options(MOUNT + "create/").status_code == 403
    assert client_for(tenant.member).options(MOUNT + "get/").status_code == 200


@pytest.mark.parametrize(
    "method,route,status",
    [
        ("HEAD", "get/", 200),
        ("HEAD", "create/", 405),
        ("TRACE", "get/", 405),
        ("PROPFIND", f"update/{MISSING}/", 405),
        ("FOO", "create/", 405),
        ("GET", "create/", 405),
    ],
)
def test_other_methods_answer_in_the_envelope_with_allow(tenant, hr_client, method, route, status):
    response = hr_client.generic(method, MOUNT + route)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert "OPTIONS" in response["Allow"]
    if status == 405 and method != "HEAD":
        assert response.json()["message"] == f'Method "{method}" not allowed.'


def test_every_route_and_method_answers_in_the_envelope_for_every_role(tenant):
    for user in (None, tenant.member, tenant.hr):
        client = client_for(user)
        for route, method in itertools.product(ROUTES, METHODS):
            response = client.generic(method, MOUNT + route, b"{}", "application/json")
            assert_envelope(
                response.status_code,
                response["Content-Type"],
                response.content,
                method,
                (user, method, route),
            )
            assert b"``" not in response.content  # no reST docstrings


# --- The same against a server process ---------------------------------------------------------

REPO_ROOT = Path(__file__).resolve().parent.parent


def _port() -> int:
    # LIVE_TEST_PORT pins the port (e.g. to a range a machine reserves); otherwise any free one.
    if os.environ.get("LIVE_TEST_PORT"):
        return int(os.environ["LIVE_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """gunicorn serving the example project (DEBUG off, APPEND_SLASH on), and an HR token."""
    database = tmp_path_factory.mktemp("paths") / "demo.sqlite3"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.live.settings",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_DEBUG="0",
        # Absolute: the server runs in example_project/, and must import what this process does.
        PYTHONPATH=os.pathsep.join([str(REPO_ROOT / "example_project"), *sys.path]),
    )
    manage = [sys.executable, str(REPO_ROOT / "example_project" / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=120)
    seeded = subprocess.run(
        [*manage, "seed_demo", "--json"], env=env, check=True, capture_output=True, timeout=120
    )
    token = json.loads(seeded.stdout)["organizations"][0]["users"]["hr"]["token"]
    port = _port()
    log = database.parent / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "example_project.wsgi",
            ],
            cwd=REPO_ROOT / "example_project",
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # until the worker answers a request
            try:
                _live("GET", url + MOUNT + "get/", token)
                break
            except OSError:
                assert server.poll() is None, f"gunicorn exited:\n{log.read_text()}"
                assert time.monotonic() < deadline, f"gunicorn silent for 30 s:\n{log.read_text()}"
                time.sleep(0.3)
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=10)


def _live(method: str, url: str, token: str | None) -> tuple[int, str, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, b'{"name": "x"}', headers, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any) -> None:
        return None  # a redirect is a failure here, not something to follow


@pytest.mark.django_db(False)
def test_live_server_answers_every_path_and_method_in_the_envelope(live_server_url):
    url, token = live_server_url
    paths = [*ODD_PATHS, *(MOUNT + route for route in ROUTES), MOUNT + "create"]
    for who, path, method in itertools.product((None, token), paths, ODD_METHODS):
        status, content_type, body = _live(method, url + path, who)
        assert_envelope(status, content_type, body, method, (bool(who), method, path))
    status, _, body = _live("POST", url + MOUNT + "create", token)
    assert status == 404
    assert json.loads(body)["message"].endswith(f"{MOUNT}create/")
    status, _, body = _live("DELETE", url + MOUNT + "delete/", token)
    assert (status, json.loads(body)["message"]) == (400, "Interview panel UUID is required")

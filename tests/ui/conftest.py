"""Fixtures of the candidate page's tests: a panel of one question of each kind, and (for
tests/ui/test_browser.py) Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from django_interview_panels.models import PanelCandidate
from tests.interviews.conftest import kinds_panel

PAGE = "/interview/"


@pytest.fixture
def panel(tenant: Any) -> Any:
    """Open now, 30 minutes once started, one question of each of the five kinds."""
    return kinds_panel(tenant, time_limit_minutes=30)


@pytest.fixture
def assignments(panel: Any) -> list[PanelCandidate]:
    return list(PanelCandidate.objects.filter(panel=panel).order_by("id"))


def chromium_path() -> str:
    """Debian's Chromium (Playwright's own download is not reachable from CI): ``CHROMIUM`` or
    ``chromium`` on PATH."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or ""
    if not path:
        pytest.fail("UI_BROWSER_TESTS is set but no Chromium was found: install Debian's chromium")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.environ.get("UI_BROWSER_TESTS"):
        pytest.skip("browser tests run with UI_BROWSER_TESTS=1 (tox run -e browser)")
    # Playwright's synchronous API runs an event loop in this thread; the tests' own database
    # calls are synchronous all the same.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1024, "height": 800})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A tab that fails the test on any script error."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []

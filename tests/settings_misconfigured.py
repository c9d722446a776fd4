"""Test settings that break one thing, chosen by environment variables, for ``manage.py``
subprocesses (``tests/test_hardening_checks.py``): a misconfigured host as its developer meets it.

- ``TEST_BASE_SETTINGS``: the settings module to start from (default ``tests.settings``).
- ``TEST_CANDIDATE_MODEL`` / ``TEST_ORGANIZATION_MODEL``: the swappable model settings.
- ``TEST_DEFAULT_CANDIDATE_READERS=1``: drop ``CANDIDATE_NAME`` and ``CANDIDATE_EMAIL``.
- ``TEST_WITHOUT_AUTHTOKEN=1``: ``rest_framework.authtoken`` not installed.
"""

from __future__ import annotations

import importlib
import os

_base = importlib.import_module(os.environ.get("TEST_BASE_SETTINGS", "tests.settings"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

if "TEST_CANDIDATE_MODEL" in os.environ:
    INTERVIEW_PANELS_CANDIDATE_MODEL = os.environ["TEST_CANDIDATE_MODEL"]
if "TEST_ORGANIZATION_MODEL" in os.environ:
    INTERVIEW_PANELS_ORGANIZATION_MODEL = os.environ["TEST_ORGANIZATION_MODEL"]
if os.environ.get("TEST_DEFAULT_CANDIDATE_READERS") == "1":
    INTERVIEW_PANELS = {
        key: value
        for key, value in _base.INTERVIEW_PANELS.items()
        if key not in {"CANDIDATE_NAME", "CANDIDATE_EMAIL"}
    }
if os.environ.get("TEST_WITHOUT_AUTHTOKEN") == "1":
    INSTALLED_APPS = [app for app in _base.INSTALLED_APPS if app != "rest_framework.authtoken"]

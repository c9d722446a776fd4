"""Test settings with a swappable model setting that names no installed model.

``TEST_CANDIDATE_MODEL`` / ``TEST_ORGANIZATION_MODEL`` choose the setting's value, so one module
covers a typo, an app that is not installed and a malformed label (``tests/test_hardening_checks``).
"""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403

INTERVIEW_PANELS_CANDIDATE_MODEL = os.environ.get(
    "TEST_CANDIDATE_MODEL", "interview_panels.Candidate"
)
INTERVIEW_PANELS_ORGANIZATION_MODEL = os.environ.get(
    "TEST_ORGANIZATION_MODEL", "interview_panels.Organization"
)

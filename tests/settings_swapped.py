"""Test settings for a host that brings its own user, organization, role and candidate models.

``tests.hostapp`` looks like a real host project: its ``User`` carries ``organization`` and
``role`` foreign keys, and its ``Organization`` and ``Candidate`` name their fields differently.
"""

from __future__ import annotations

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, INSTALLED_APPS, separate_test_database

CONFIGURATION = "swapped"
DATABASES["default"]["TEST"] = separate_test_database(CONFIGURATION)

INSTALLED_APPS = [*INSTALLED_APPS, "tests.hostapp"]

AUTH_USER_MODEL = "hostapp.User"
INTERVIEW_PANELS_ORGANIZATION_MODEL = "hostapp.Organization"
INTERVIEW_PANELS_CANDIDATE_MODEL = "hostapp.Candidate"

INTERVIEW_PANELS = {
    "ORGANIZATION_RESOLVER": "tests.hostapp.resolvers.user_organization",
    "ROLE_RESOLVER": "tests.hostapp.resolvers.user_role",
    "CANDIDATE_NAME": "tests.hostapp.resolvers.candidate_name",
    "CANDIDATE_EMAIL": "tests.hostapp.resolvers.candidate_email",
    "CANDIDATE_UUID_FIELD": "public_id",
    "CANDIDATE_ORGANIZATION_FIELD": "owner",
    "ORGANIZATION_UUID_FIELD": "public_id",
    # What candidate_name and candidate_email show (tests/hostapp/resolvers.py).
    "CANDIDATE_SEARCH_FIELDS": ("first_name", "last_name", "email_address"),
}

"""A host that follows the README Quickstart literally: DRF's defaults apart from authentication.

In particular ``DEFAULT_SCHEMA_CLASS`` stays DRF's own
``rest_framework.schemas.openapi.AutoSchema``. The app is mounted twice (``tests.urls_twice``).
"""

from __future__ import annotations

from tests.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls_twice"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "django_interview_panels.authentication.BearerTokenAuthentication",
    ],
}

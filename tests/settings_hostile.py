"""A host whose DRF settings disagree with the app on everything the app pins (issue 9).

The app takes authentication and throttling from here and must ignore the rest: the envelope,
the error keys and the status codes stay as docs/api.md says. ``tox -e django52-hostile`` runs
the API test modules under it.
"""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES, separate_test_database

CONFIGURATION = "hostile"
DATABASES["default"]["TEST"] = separate_test_database(CONFIGURATION)

ROOT_URLCONF = "tests.urls_hostile"
APPEND_SLASH = True


def hostile_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """A host's own error shape, which the app's views must never answer with."""
    return Response({"error": "hostile", "type": type(exc).__name__}, status=418)


REST_FRAMEWORK = {
    # Taken from the host: authentication (sessions first, without a challenge) and throttles.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "django_interview_panels.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # The app's own scopes are named too, as a host would to set them: the suite sends more
    # requests a minute as one user than the app's default rates allow.
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "interview_panels_read": "100000/min",
        "interview_panels_write": "100000/min",
    },
    # Pinned by the app: all of the following must change nothing.
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "ALLOWED_VERSIONS": ["v1", "v2"],
    "DEFAULT_VERSION": None,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.BrowsableAPIRenderer",
        "rest_framework.renderers.JSONRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "tests.settings_hostile.hostile_exception_handler",
    "NON_FIELD_ERRORS_KEY": "oops",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 1,
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "rest_framework.permissions.IsAdminUser",
    ],
    "DEFAULT_METADATA_CLASS": "rest_framework.metadata.SimpleMetadata",
    "URL_FORMAT_OVERRIDE": "format",
    "FORMAT_SUFFIX_KWARG": "format",
    # DEFAULT_SCHEMA_CLASS left at DRF's own (rest_framework.schemas.openapi.AutoSchema).
}

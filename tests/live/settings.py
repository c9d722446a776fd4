"""The example project's settings for tests against a live server: server errors logged to
stderr even with DEBUG off, and the app's rate limits lifted.

The live Schemathesis run serves the example project as deployed (``DEBUG`` off); its driver
reads the tracebacks from the server log to say which request failed how.
"""

from __future__ import annotations

from example_project.settings import *  # noqa: F403

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "django_interview_panels": {"handlers": ["stderr"], "level": "WARNING"},
    },
}

# The live tests send hundreds of requests a minute as one user: the app's rate limits (tested on
# their own in tests/test_throttling.py) would answer most of them 429 and hide what is under test.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {
        "interview_panels_read": None,
        "interview_panels_write": None,
        # The candidate's: refused tokens per address (Schemathesis' ignored-auth check sends
        # invalid ones) and requests per token.
        "interview_panels_token": None,
        "interview_panels_candidate": None,
    },
}

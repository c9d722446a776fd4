"""The example project's settings, with server errors logged to stderr even with DEBUG off.

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

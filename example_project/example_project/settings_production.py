"""Production settings of the example project: the demo settings, hardened.

``DJANGO_SETTINGS_MODULE=example_project.settings_production``. ``manage.py check --deploy``
reports nothing for them. Environment variables (see ``settings.py`` for the others):

- ``DJANGO_SECRET_KEY``: required, 50 characters or more (``secrets.token_urlsafe(64)``).
- ``DJANGO_ALLOWED_HOSTS``: required, the site's host names, comma-separated.
- ``DATABASE_URL``: required; the demo's SQLite file is no production database.
- ``DJANGO_BEHIND_TLS_PROXY``: ``1`` when a proxy terminates TLS and sets
  ``X-Forwarded-Proto: https`` (and strips that header from clients).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from example_project.settings import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


# Never on in production, whatever DJANGO_DEBUG says: tracebacks and SQL would reach clients.
DEBUG = False

SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in _required("DJANGO_ALLOWED_HOSTS").split(",")]
_required("DATABASE_URL")

# HTTPS only: redirect plain HTTP, tell browsers to stay on HTTPS (HSTS), cookies over TLS only.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if os.environ.get("DJANGO_BEHIND_TLS_PROXY", "").strip() == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    # JSON only: no browsable API in production.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # A ceiling per client against scraping and brute force (API4/API6); the counters live in
    # the default cache, so use a shared cache (Redis, Memcached) when running several processes.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "30/minute", "user": "600/minute"},
}

# The app's audit lines (create, update, delete: who, which organization, which panel) and
# Django's security warnings go to stderr, for the platform's log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django_interview_panels": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
    },
}

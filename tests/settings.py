"""Test settings: the app's default models, like a host that adopts them as they are.

``DATABASE_URL`` chooses the database (SQLite in memory when unset), e.g.
``postgres://postgres@127.0.0.1:5432/interview_panels`` or
``mysql://root@127.0.0.1:3306/interview_panels`` (MariaDB or MySQL through mysqlclient, with a
utf8mb4 connection and test database, as docs/install.md asks of a host).
"""

from __future__ import annotations

import os

import dj_database_url

CONFIGURATION = "default"

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_interview_panels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

STATIC_URL = "/static/"

DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://:memory:")),
}


SQLITE_IN_MEMORY = ("", ":memory:")
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    and DATABASES["default"]["NAME"] not in SQLITE_IN_MEMORY
):
    # A SQLite file (the browser tests' live server: tox run -e browser): requests in several
    # threads write at once, as the example project's do, so the same options as there.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}


def separate_test_database(configuration: str) -> dict[str, str]:
    """Each configuration gets its own test database, named after the database DATABASE_URL
    names: configurations, and runs against different databases of one server, never share one.
    SQLite keeps Django's in-memory default, unless DATABASE_URL names a file: then a file beside
    it. A live server's threads need that: an in-memory test database is one connection, which
    they would share, so concurrent requests would interleave in one transaction. On
    MariaDB/MySQL the test database is utf8mb4."""
    engine = DATABASES["default"]["ENGINE"]
    name = DATABASES["default"]["NAME"]
    if engine == "django.db.backends.sqlite3":
        return {} if name in SQLITE_IN_MEMORY else {"NAME": f"{name}.test_{configuration}"}
    test = {"NAME": f"test_{name}_{configuration}"}
    if engine == "django.db.backends.mysql":
        test["CHARSET"] = "utf8mb4"
    return test


DATABASES["default"]["TEST"] = separate_test_database(CONFIGURATION)

if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # What docs/install.md asks of a MariaDB/MySQL host: a utf8mb4 connection and database (the
    # server's default collation for utf8mb4, a case-insensitive ``_ci`` one).
    DATABASES["default"].setdefault("OPTIONS", {})["charset"] = "utf8mb4"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "django_interview_panels.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The app's rate limits are off for the suite (users' primary keys repeat across tests);
    # tests/test_throttling.py switches them on.
    "DEFAULT_THROTTLE_RATES": {"interview_panels_read": None, "interview_panels_write": None},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Panel API",
    "DESCRIPTION": (
        "Interview panels built from a question bank, with candidate tokens, scoped to the "
        "caller's organization. Authenticate with `Authorization: Bearer <token>`."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

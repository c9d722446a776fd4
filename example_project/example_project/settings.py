"""Settings of the example project, a host that adopts the app's default models.

Environment variables:

- ``DATABASE_URL``: database to use, e.g. ``postgres://user:password@127.0.0.1:5432/panels``;
  SQLite in ``example_project/db.sqlite3`` when unset.
- ``DJANGO_DEBUG``: ``1`` (the default, this is a demo) or ``0``.
- ``DJANGO_SECRET_KEY``: required for anything but local experiments.
- ``DJANGO_ALLOWED_HOSTS``: extra host names, comma-separated.
- ``SQLITE_BUSY_TIMEOUT``: seconds a SQLite write waits for another writer's lock (default 20)
  before the API answers 503 with ``Retry-After``.
- ``INTERVIEW_TASKS``: ``db`` to queue background tasks (the evaluation of open answers) in the
  database with django-tasks-db, run by ``python example_project/manage.py db_worker``; unset,
  each task runs at once in the process that enqueued it (docs/evaluators.md).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import dj_database_url

from django_interview_panels import __version__

# The example_project/ folder that holds manage.py.
BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-example-project-only-never-use-in-production"
)
DEBUG = os.environ.get("DJANGO_DEBUG", "1").strip().lower() in {"1", "true", "yes", "on"}
_extra_hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", *(host.strip() for host in _extra_hosts if host.strip())]

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
    "drf_spectacular_sidecar",
    "django_interview_panels",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Background tasks: Django's Tasks framework (django.tasks on Django 6, the django-tasks backport
# on 5.2). The immediate backend runs a task inside the request that enqueued it, once its
# transaction commits; with INTERVIEW_TASKS=db the tasks wait in a table for `manage.py db_worker`.
TASKS_PACKAGE = "django.tasks" if importlib.util.find_spec("django.tasks") else "django_tasks"
if os.environ.get("INTERVIEW_TASKS", "").strip().lower() == "db":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": f"{TASKS_PACKAGE}.backends.immediate.ImmediateBackend"}}

ROOT_URLCONF = "example_project.urls"
WSGI_APPLICATION = "example_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project templates win over the apps' (drf_spectacular/redoc.html without web fonts).
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several writers at once (threads of runserver, gunicorn workers): each transaction takes
    # the write lock when it begins (IMMEDIATE) and waits up to the timeout for it, instead of
    # failing with "database is locked" when a reader turns writer; WAL lets reads go on while
    # one connection writes. A wait longer than the timeout is answered 503 with Retry-After.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "django_interview_panels.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Panel API",
    "DESCRIPTION": (
        "Interview panels built from a question bank, with candidate tokens, scoped to the "
        "caller's organization. Authenticate with `Authorization: Bearer <token>`."
    ),
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

"""WSGI entry point for gunicorn: ``benchmarks.wsgi:application``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

application = get_wsgi_application()

if os.environ.get("BENCH_SQL_REUSE") == "off":
    from benchmarks.run import switch_off_sql_reuse

    switch_off_sql_reuse()

"""The example project's settings, as the benchmark serves them (in process and under gunicorn).

``BENCH_DATABASE_URL`` names the fresh database ``benchmarks.run`` seeded; ``BENCH_PLAIN_BODY``
the file whose bytes the plain view returns.
"""

from __future__ import annotations

import os

import dj_database_url

from example_project.settings import *  # noqa: F403

# DEBUG would record every query in memory; a benchmark measures production behaviour.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmarks.urls"
DATABASES = {
    "default": dj_database_url.parse(os.environ["BENCH_DATABASE_URL"], conn_max_age=600),
}
# Seeding creates users; a slow password hash would only slow the seeding.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
INTERVIEW_PANELS = {
    # Large enough for the whole 2,000-panel list in one page: the benchmark measures how the
    # cost grows with the panels rendered, not only with the panels stored.
    "MAX_PAGE_SIZE": 2000,
}

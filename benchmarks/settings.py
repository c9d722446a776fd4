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
    # Large enough never to lower those pages (2,000 panels x 20 candidates), so app and floor
    # answer the same page, while the app still pays for the budget's figure in its count query.
    # benchmarks.amplification sets BENCH_CANDIDATE_BUDGET to compare with and without a budget.
    "MAX_CANDIDATES_PER_PAGE": (
        None
        if os.environ.get("BENCH_CANDIDATE_BUDGET") == "off"
        else int(os.environ.get("BENCH_CANDIDATE_BUDGET", "40000"))
    ),
    # The load generators send thousands of requests as one user: no rate limits here (each
    # scope None: the dict is merged over the defaults per scope).
    "THROTTLE_RATES": {
        "interview_panels_read": None,
        "interview_panels_write": None,
        "interview_panels_token": None,
        "interview_panels_candidate": None,
    },
}

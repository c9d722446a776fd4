"""The benchmark's settings for the interview's HTTP measurement (``benchmarks.save_answer``):
``benchmarks.settings`` (every rate limit off, the candidate scopes included) with the floor
views' URLconf.

The candidate's own rate (``interview_panels_candidate``, 240 a minute by default) would refuse
the load generator's thousands of saves from one token within a second.
"""

from __future__ import annotations

from benchmarks.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.interview_urls"

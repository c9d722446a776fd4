"""The benchmark's settings for the interview's HTTP measurement (``benchmarks.save_answer``):
``benchmarks.settings`` with the floor views' URLconf and every rate limit off.

The candidate's own rate (``interview_panels_candidate``, 240 a minute by default) would refuse
the load generator's thousands of saves from one token within a second.
"""

from __future__ import annotations

from benchmarks.settings import *  # noqa: F403
from benchmarks.settings import INTERVIEW_PANELS

ROOT_URLCONF = "benchmarks.interview_urls"
INTERVIEW_PANELS = {
    **INTERVIEW_PANELS,
    "THROTTLE_RATES": {
        "interview_panels_read": None,
        "interview_panels_write": None,
        "interview_panels_token": None,
        "interview_panels_candidate": None,
    },
}

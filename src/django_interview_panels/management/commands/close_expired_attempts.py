"""``manage.py close_expired_attempts``: close and score every open attempt past its deadline.

Candidates who never submit still get a score: schedule this (cron, a systemd timer, ...) or the
``close_expired_attempts`` task. Their open answers are then enqueued for evaluation.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...interviews import services


class Command(BaseCommand):
    help = "Close and score every open interview attempt past its deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = services.close_expired_attempts()
        if options["verbosity"]:
            self.stdout.write(f"Closed {closed} expired attempt(s).")

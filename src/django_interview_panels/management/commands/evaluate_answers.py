"""``manage.py evaluate_answers [--panel UUID]``: enqueue the evaluation of every closed attempt
whose open answers still wait for the evaluator (docs/evaluators.md).

The safety net of the background evaluation: for an enqueue the task backend refused, a worker
that was down, or answers closed before the evaluator was configured. Evaluation is idempotent,
so running it again, or while a worker evaluates the same attempts, scores nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...api.fields import parse_canonical_uuid
from ...interviews import tasks
from ...models import Attempt, AttemptState, InterviewPanel, ItemStatus


class Command(BaseCommand):
    help = "Enqueue the evaluation of closed attempts with open answers waiting to be scored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--panel", help="only this interview panel's attempts (its UUID)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Every closed attempt: submitted, expired, or withdrawn by a removal.
        attempts = Attempt.objects.exclude(state=AttemptState.IN_PROGRESS).filter(
            panel__is_deleted=False,
            items__status=ItemStatus.PENDING,
        )
        if options["panel"] is not None:
            attempts = attempts.filter(panel=find_panel(options["panel"]))
        # Read in full first: the immediate backend evaluates inside enqueue().
        found = list(attempts.order_by("id").values_list("uuid", flat=True).distinct())
        for done, attempt_uuid in enumerate(found):
            try:
                tasks.evaluate_attempt.enqueue(str(attempt_uuid))
            except Exception as exc:
                raise CommandError(
                    f"The task backend refused the evaluation of attempt {attempt_uuid} "
                    f"({type(exc).__name__}: {exc}); {done} of {len(found)} were enqueued."
                ) from exc
        if options["verbosity"]:
            self.stdout.write(f"Enqueued the evaluation of {len(found)} attempt(s).")


def find_panel(value: str) -> InterviewPanel:
    """The live panel whose UUID is ``value``."""
    parsed = parse_canonical_uuid(value)
    panel = InterviewPanel.objects.filter(uuid=parsed, is_deleted=False).first() if parsed else None
    if panel is None:
        raise CommandError(f"No interview panel with UUID {value!r}.")
    return panel

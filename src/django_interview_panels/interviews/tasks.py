"""Background work, through Django's Tasks framework: the host's ``TASKS`` setting picks the
engine (the immediate backend by default, ``django-tasks-db`` or RQ in production).

Tasks take plain strings (task arguments must be JSON) and name no queue or priority: the host
decides. Each is idempotent, so a backend's retry or a second enqueue does no harm.
"""

from __future__ import annotations

import logging
import uuid

from ..compat import task

logger = logging.getLogger("django_interview_panels")


@task()
def evaluate_attempt(attempt_uuid: str) -> int:
    """Score the open answers of one closed attempt with the configured evaluator."""
    from . import services

    return services.evaluate_attempt(attempt_uuid=uuid.UUID(attempt_uuid))


@task()
def close_expired_attempts() -> int:
    """Close and score every open attempt past its deadline; schedule it (cron, beat, ...)."""
    from . import services

    return services.close_expired_attempts()


def enqueue_evaluation(attempt_uuid: uuid.UUID) -> None:
    """Enqueue ``evaluate_attempt``; called once the closing transaction has committed. A
    backend that refuses the task leaves the answers pending: ``manage.py evaluate_answers``
    picks them up."""
    try:
        evaluate_attempt.enqueue(str(attempt_uuid))
    except Exception:
        logger.exception("could not enqueue the evaluation of attempt %s", attempt_uuid)

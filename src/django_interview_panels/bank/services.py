"""Writes to the question bank: plain functions, each one transaction.

Callers pass data a serializer has already validated for shape. A question's content is
versioned: an edit changes the current version in place until a candidate's question set has
used it (``QuestionVersion.is_used``); from then on an edit makes the next version, so what a
candidate saw stays readable exactly as it was. An edit holds the question's row lock; whatever
marks a version used (the draws) must take the same lock, or an edit in place could change a
version a draw has just taken.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import Question, QuestionVersion

CONTENT_FIELDS = Question.CONTENT_FIELDS


def create_question(*, organization: Any, subtopic: Any, content: dict[str, Any]) -> Question:
    """A new question of ``organization`` in ``subtopic``, with its version 1."""
    with transaction.atomic():
        question = Question.objects.create(organization=organization, subtopic=subtopic, **content)
        QuestionVersion.objects.create(question=question, number=1, **question.content())
    return question


def update_question(*, question: Question, changes: dict[str, Any]) -> Question:
    """Apply ``changes`` (content fields, ``subtopic``, ``organization``) to ``question``.

    Content changes go to the current version while no question set has used it, and to a new
    version otherwise. The question row is locked, so two edits never make the same version.
    """
    with transaction.atomic():
        question = Question.objects.select_for_update().get(pk=question.pk)
        for name, value in changes.items():
            setattr(question, name, value)
        current = question.versions.filter(number=question.version).first()
        content = question.content()
        if current is None:
            # A question written around the services (a host's own code, a fixture): its
            # content so far was never versioned, so this edit starts the history.
            QuestionVersion.objects.create(question=question, number=question.version, **content)
        elif any(getattr(current, name) != value for name, value in content.items()):
            if current.is_used:
                question.version += 1
                QuestionVersion.objects.create(
                    question=question, number=question.version, **content
                )
            else:
                QuestionVersion.objects.filter(pk=current.pk).update(**content)
        question.save()
    return question


def retire_question(*, question: Question) -> Question:
    """Leave ``question`` out of future draws; question sets that used it keep it."""
    with transaction.atomic():
        updated = Question.objects.filter(pk=question.pk, is_retired=False).update(
            is_retired=True, retired_at=timezone.now(), updated_at=timezone.now()
        )
        if updated:
            question.refresh_from_db(fields=["is_retired", "retired_at", "updated_at"])
    return question


def restore_question(*, question: Question) -> Question:
    """Put a retired ``question`` back into future draws."""
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(
            is_retired=False, retired_at=None, updated_at=timezone.now()
        )
        question.refresh_from_db(fields=["is_retired", "retired_at", "updated_at"])
    return question

"""Writes to the question bank: plain functions, each one transaction.

Callers pass data a serializer has already validated for shape; the rules that need the database
(a parent or rubric dimension visible to the caller's organization, nothing referencing an entry
that is deleted) are checked here. A question's content is
versioned: an edit changes the current version in place until a candidate's question set has
used it (``QuestionVersion.is_used``); from then on an edit makes the next version, so what a
candidate saw stays readable exactly as it was. An edit holds the question's row lock; whatever
marks a version used (the draws) must take the same lock, or an edit in place could change a
version a draw has just taken.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api.exceptions import NotFoundError, RuleViolation
from ..locking import lock_of
from ..models import (
    Category,
    InterviewPanel,
    Question,
    QuestionDistribution,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)
from .serializers import content_errors

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


def delete_or_retire_question(*, question: Question) -> bool:
    """Delete ``question`` if no question set has used it, else retire it; True if deleted.

    What no candidate saw can go; what one did must stay readable, so it only leaves future
    draws. The row lock is the one the draws take to mark a version used.
    """
    with transaction.atomic():
        Question.objects.select_for_update().filter(pk=question.pk).exists()
        if not QuestionVersion.objects.filter(question_id=question.pk, is_used=True).exists():
            Question.objects.filter(pk=question.pk).delete()
            return True
        retire_question(question=question)
        return False


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


# --- Categories, topics, subtopics, rubric dimensions -------------------------------------------

CATEGORY_NOT_FOUND = _("Category not found")
TOPIC_NOT_FOUND = _("Topic not found")
SUBTOPIC_NOT_FOUND = _("Subtopic not found")
RUBRIC_DIMENSION_NOT_FOUND = _("Rubric dimension not found")


def visible_parent(model: type[Model], organization: Any, value: uuid.UUID, field: str) -> Any:
    """The ``model`` entry with UUID ``value`` that ``organization`` may use, locked until the
    transaction ends (a delete of it waits, so it cannot remove a child created meanwhile).

    A missing entry and another organization's are the same 404, keyed by request ``field``.
    """
    # Locked by primary key on MariaDB/MySQL: a lookup locking the UUID index's entry first
    # would deadlock with a delete of the entry (django_interview_panels/locking.py).
    found = lock_of(model.objects.visible_to(organization).filter(uuid=value), "self").first()
    if found is None:
        message = str(NOT_FOUND_MESSAGES[model])
        raise NotFoundError(message, {field: [message]})
    return found


def create_entry(*, model: type[Model], organization: Any, data: dict[str, Any]) -> Any:
    """A category, topic, subtopic or rubric dimension of ``organization``.

    ``category_uuid`` (topic) and ``topic_uuid`` (subtopic) name a parent visible to
    ``organization``: its own or a global one.
    """
    fields = dict(data)
    with transaction.atomic():
        if "category_uuid" in fields:
            fields["category"] = visible_parent(
                Category, organization, fields.pop("category_uuid"), "category_uuid"
            )
        if "topic_uuid" in fields:
            fields["topic"] = visible_parent(
                Topic, organization, fields.pop("topic_uuid"), "topic_uuid"
            )
        return model.objects.create(organization=organization, **fields)


def create_entries(
    *, model: type[Model], organization: Any, items: Iterable[dict[str, Any]]
) -> list[Any]:
    """Every entry of ``items``, or none: one transaction, rolled back by the first refusal."""
    with transaction.atomic():
        return [create_entry(model=model, organization=organization, data=d) for d in items]


def update_entry(*, entry: Any, changes: dict[str, Any]) -> Any:
    """Apply ``changes`` (plain fields) to ``entry``, under a row lock."""
    with transaction.atomic():
        entry = type(entry).objects.select_for_update().get(pk=entry.pk)
        for name, value in changes.items():
            setattr(entry, name, value)
        if changes:
            entry.save(update_fields=list(changes))
    return entry


def delete_entry(*, entry: Any) -> None:
    """Delete ``entry``, unless anything references it: then a 400 saying what does.

    The entry's row is locked first: a child created meanwhile locks it too (``visible_parent``),
    so the check and the delete see the same children. Foreign keys would otherwise cascade
    (children) or fail (panels, which protect their category, topics and subtopics).
    """
    model = type(entry)
    with transaction.atomic():
        entry = model.objects.select_for_update().get(pk=entry.pk)
        message = _in_use_message(entry)
        if message is None:
            try:
                with transaction.atomic():
                    entry.delete()
                return
            except ProtectedError:
                # A panel created meanwhile (panel creation takes no lock on the bank).
                message = str(_("Interview panels use this entry."))
        raise RuleViolation(message, {"detail": [message]})


def _in_use_message(entry: Any) -> str | None:
    if isinstance(entry, Category):
        if Topic.objects.filter(category=entry).exists():
            return str(_("The category has topics; delete them first."))
        # Soft-deleted panels included: the row still references the category.
        if InterviewPanel.objects.filter(category=entry).exists():
            return str(_("Interview panels (deleted ones included) use this category."))
    elif isinstance(entry, Topic):
        if Subtopic.objects.filter(topic=entry).exists():
            return str(_("The topic has subtopics; delete them first."))
        if QuestionDistribution.objects.filter(topic=entry).exists():
            return str(_("Interview panel distributions use this topic."))
    elif isinstance(entry, Subtopic):
        if Question.objects.filter(subtopic=entry).exists():
            return str(_("The subtopic has questions (retired ones included)."))
        if QuestionDistribution.objects.filter(subtopic=entry).exists():
            return str(_("Interview panel distributions use this subtopic."))
    elif isinstance(entry, RubricDimension):
        key = str(entry.uuid)
        # Past versions count: what a candidate was scored on must stay explainable.
        if (
            Question.objects.filter(rubric_weights__has_key=key).exists()
            or QuestionVersion.objects.filter(rubric_weights__has_key=key).exists()
        ):
            return str(_("Questions (or their past versions) weigh this rubric dimension."))
    return None


NOT_FOUND_MESSAGES = {
    Category: CATEGORY_NOT_FOUND,
    Topic: TOPIC_NOT_FOUND,
    Subtopic: SUBTOPIC_NOT_FOUND,
    RubricDimension: RUBRIC_DIMENSION_NOT_FOUND,
    Question: _("Question not found"),
}


# --- Questions through the API ------------------------------------------------------------------


def check_rubric_weights(organization: Any, weights: dict[str, int]) -> None:
    """Every dimension ``weights`` names is visible to ``organization`` (one query), else a 404
    naming the first unknown one, as for a parent."""
    if not weights:
        return
    # Locked like a parent: a delete of the dimension waits for this transaction, then sees the
    # question that names it.
    found = {
        str(value)
        for value in lock_of(
            RubricDimension.objects.visible_to(organization).filter(uuid__in=list(weights)), "self"
        ).values_list("uuid", flat=True)
    }
    missing = [key for key in weights if key not in found]
    if missing:
        message = str(_("Rubric dimension %(uuid)s not found") % {"uuid": missing[0]})
        raise NotFoundError(message, {"rubric_weights": [message]})


def create_question_from_request(*, organization: Any, data: dict[str, Any]) -> Question:
    """A question of ``organization`` from a validated create request (``subtopic_uuid`` and the
    content fields)."""
    fields = dict(data)
    with transaction.atomic():
        subtopic = visible_parent(
            Subtopic, organization, fields.pop("subtopic_uuid"), "subtopic_uuid"
        )
        check_rubric_weights(organization, fields.get("rubric_weights", {}))
        content = {name: fields[name] for name in CONTENT_FIELDS if name in fields}
        return create_question(organization=organization, subtopic=subtopic, content=content)


def create_questions(*, organization: Any, items: Iterable[dict[str, Any]]) -> list[Question]:
    """Every question of ``items``, or none: one transaction."""
    with transaction.atomic():
        return [create_question_from_request(organization=organization, data=d) for d in items]


def update_question_from_request(
    *, organization: Any, question: Question, data: dict[str, Any]
) -> Question:
    """Apply a validated PATCH: content (versioned), subtopic, and retiring or restoring."""
    fields = dict(data)
    retired = fields.pop("is_retired", None)
    with transaction.atomic():
        changes = {name: fields[name] for name in CONTENT_FIELDS if name in fields}
        if {"kind", "choices", "answer_key"} & set(changes):
            # The serializer checked against the question as read before this transaction;
            # check again against it as it is now, locked, so that two PATCHes racing on
            # kind and choices can never store a question whose key does not fit its kind.
            locked = Question.objects.select_for_update().get(pk=question.pk)
            merged = {**locked.content(), **changes}
            answer_key, errors = content_errors(merged)
            if errors:
                message = str(_("Invalid request data"))
                raise RuleViolation(message, errors)
            changes["answer_key"] = answer_key
        if "subtopic_uuid" in fields:
            changes["subtopic"] = visible_parent(
                Subtopic, organization, fields["subtopic_uuid"], "subtopic_uuid"
            )
        if "rubric_weights" in changes:
            check_rubric_weights(organization, changes["rubric_weights"])
        if changes:
            question = update_question(question=question, changes=changes)
        if retired is True:
            question = retire_question(question=question)
        elif retired is False:
            question = restore_question(question=question)
    return question

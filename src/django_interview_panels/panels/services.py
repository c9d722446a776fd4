"""Create, update and delete panels: plain functions, each one transaction.

Callers pass data a serializer has already validated for shape; the rules that need the database
(references, organization scope, question stock, the stored schedule) are checked here.
"""

from __future__ import annotations

import logging
import re
import secrets
import uuid
from collections import Counter
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api.exceptions import NotFoundError, PanelNotFound, RuleViolation
from ..conf import app_settings
from ..models import (
    Category,
    Difficulty,
    InterviewPanel,
    PanelCandidate,
    Question,
    QuestionDistribution,
    Subtopic,
    Topic,
    get_candidate_model,
)
from ..tokens import new_token
from .serializers import schedule_errors

logger = logging.getLogger("django_interview_panels")

UPDATABLE_FIELDS = ("name", "description", "start_datetime", "end_datetime")
# What new_token() can produce, up to the column's length. Anything else (NUL bytes, lone
# surrogates) could not even be sent to the database: the driver would raise.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")


def create_panel(*, organization: Any, created_by: Any, data: dict[str, Any]) -> InterviewPanel:
    """Create a panel with its distributions and candidate tokens, all or nothing."""
    with transaction.atomic():
        category, subtopics, candidate_ids = _resolve_references(organization, data)
        _check_question_stock(organization, data["question_distributions"], subtopics)

        panel = InterviewPanel.objects.create(
            organization=organization,
            name=data["name"],
            description=data.get("description", ""),
            total_number_of_questions=data["total_number_of_questions"],
            start_datetime=data["start_datetime"],
            end_datetime=data["end_datetime"],
            category=category,
            created_by=created_by,
        )
        # Foreign keys by id: the related-object checks per row add up over 1,000 candidates.
        QuestionDistribution.objects.bulk_create(
            QuestionDistribution(
                panel_id=panel.pk,
                topic_id=subtopic.topic_id,
                subtopic_id=subtopic.pk,
                easy=d["easy"],
                medium=d["medium"],
                hard=d["hard"],
            )
            for d, subtopic in zip(data["question_distributions"], subtopics, strict=True)
        )
        PanelCandidate.objects.bulk_create(
            PanelCandidate(
                panel_id=panel.pk,
                candidate_id=candidate_id,
                token=new_token(),
                token_expires_at=panel.end_datetime,
            )
            for candidate_id in candidate_ids
        )
    _audit(
        "interview panel created: panel=%s organization=%s user=%s candidates=%d",
        panel.uuid,
        _organization_uuid(organization),
        getattr(created_by, "pk", None),
        len(candidate_ids),
    )
    return panel


def update_panel(
    *, organization: Any, panel_uuid: uuid.UUID, data: dict[str, Any], user: Any = None
) -> InterviewPanel:
    """Apply a partial update of the updatable fields; token expiry follows ``end_datetime``."""
    with transaction.atomic():
        # The row lock serialises concurrent updates and deletes of the same panel.
        panel = (
            InterviewPanel.objects.for_organization(organization)
            .select_for_update()
            .filter(uuid=panel_uuid)
            .first()
        )
        if panel is None:
            raise PanelNotFound()
        now = timezone.now()
        if panel.end_datetime <= now:
            message = _("Inactive interview panel cannot be updated")
            raise RuleViolation(message, {"interview_panel_uuid": [str(message)]})

        changes = {field: data[field] for field in UPDATABLE_FIELDS if field in data}
        start = changes.get("start_datetime", panel.start_datetime)
        end = changes.get("end_datetime", panel.end_datetime)
        errors = schedule_errors(start, end, now)
        if errors:
            raise RuleViolation(_("Invalid request data"), errors)

        end_moved = end != panel.end_datetime
        for field, value in changes.items():
            setattr(panel, field, value)
        panel.save(update_fields=[*changes, "updated_at"])
        if end_moved:
            PanelCandidate.objects.filter(panel=panel).update(token_expires_at=end)
    _audit(
        "interview panel updated: panel=%s organization=%s user=%s fields=%s",
        panel.uuid,
        _organization_uuid(organization),
        getattr(user, "pk", None),
        ",".join(changes),
    )
    return panel


def delete_panel(*, organization: Any, panel_uuid: uuid.UUID, user: Any = None) -> None:
    """Soft-delete a panel; its candidates' tokens stop being valid with it."""
    now = timezone.now()
    deleted = (
        InterviewPanel.objects.for_organization(organization)
        .filter(uuid=panel_uuid)
        .update(is_deleted=True, deleted_at=now, updated_at=now)
    )
    if not deleted:
        raise PanelNotFound()
    _audit(
        "interview panel deleted: panel=%s organization=%s user=%s",
        panel_uuid,
        _organization_uuid(organization),
        getattr(user, "pk", None),
    )


def _audit(message: str, *args: Any) -> None:
    """Write an audit line once the write has committed (now, outside a transaction): a write
    rolled back later, by the caller's transaction or at its commit, leaves no line."""
    transaction.on_commit(partial(logger.info, message, *args))


def _organization_uuid(organization: Any) -> str:
    # Audit lines name the organization as clients know it: by its public UUID.
    return str(getattr(organization, app_settings.ORGANIZATION_UUID_FIELD))


def find_assignment_by_token(token: str) -> PanelCandidate | None:
    """The candidate assignment a token opens, or None if unknown, expired or its panel deleted."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    assignment = (
        PanelCandidate.objects.with_valid_token()
        .select_related("panel")
        .filter(token=token)
        .first()
    )
    # The index lookup is not constant-time; the final comparison is.
    if assignment is None or not secrets.compare_digest(assignment.token, token):
        return None
    return assignment


# --- Reference checks -------------------------------------------------------------------------


def _resolve_references(
    organization: Any, data: dict[str, Any]
) -> tuple[Category, list[Subtopic], list[Any]]:
    """Look up every UUID of the request within what ``organization`` may see.

    Unknown (or foreign, which looks the same) references are 404; references that exist but do
    not hang together (a topic of another category, a subtopic of another topic) are 400.
    Returns the category, the subtopic of each distribution and the candidates' primary keys.
    """
    distributions = data["question_distributions"]
    category = Category.objects.visible_to(organization).filter(uuid=data["category_uuid"]).first()
    topics = _by_uuid(Topic, organization, [d["topic_uuid"] for d in distributions])
    subtopics = _by_uuid(Subtopic, organization, [d["subtopic_uuid"] for d in distributions])
    candidates = _candidates_by_uuid(organization, data["candidate_uuids"])

    missing: dict[str, Any] = {}
    kinds: list[str] = []
    if category is None:
        missing["category_uuid"] = [
            str(_("Category %(uuid)s not found.") % {"uuid": data["category_uuid"]})
        ]
        kinds.append(str(_("Category")))
    # Errors per list element are keyed by index, the way DRF reports list fields.
    distribution_errors: dict[int, dict[str, list[str]]] = {}
    for index, d in enumerate(distributions):
        errors = {}
        if d["topic_uuid"] not in topics:
            errors["topic_uuid"] = [str(_("Topic %(uuid)s not found.") % {"uuid": d["topic_uuid"]})]
        if d["subtopic_uuid"] not in subtopics:
            errors["subtopic_uuid"] = [
                str(_("Subtopic %(uuid)s not found.") % {"uuid": d["subtopic_uuid"]})
            ]
        if errors:
            distribution_errors[index] = errors
    if any("topic_uuid" in e for e in distribution_errors.values()):
        kinds.append(str(_("Topic")))
    if any("subtopic_uuid" in e for e in distribution_errors.values()):
        kinds.append(str(_("Subtopic")))
    if distribution_errors:
        missing["question_distributions"] = distribution_errors
    candidate_errors = {
        index: [str(_("Candidate %(uuid)s not found.") % {"uuid": u})]
        for index, u in enumerate(data["candidate_uuids"])
        if u not in candidates
    }
    if candidate_errors:
        missing["candidate_uuids"] = candidate_errors
        kinds.append(str(_("Candidate")))
    if missing:
        raise NotFoundError(_("%(kinds)s not found") % {"kinds": _join_kinds(kinds)}, missing)

    for index, d in enumerate(distributions):
        topic, subtopic = topics[d["topic_uuid"]], subtopics[d["subtopic_uuid"]]
        errors = {}
        if topic.category_id != category.pk:
            errors["topic_uuid"] = [
                str(
                    _("Topic '%(topic)s' is not under category '%(category)s'.")
                    % {"topic": topic.name, "category": category.name}
                )
            ]
        if subtopic.topic_id != topic.pk:
            errors["subtopic_uuid"] = [
                str(
                    _("Subtopic '%(subtopic)s' is not under topic '%(topic)s'.")
                    % {"subtopic": subtopic.name, "topic": topic.name}
                )
            ]
        if errors:
            distribution_errors[index] = errors
    if distribution_errors:
        raise RuleViolation(
            _("Topics and subtopics must belong to the chosen category"),
            {"question_distributions": distribution_errors},
        )
    return (
        category,
        [subtopics[d["subtopic_uuid"]] for d in distributions],
        [candidates[u] for u in data["candidate_uuids"]],  # primary keys
    )


def _join_kinds(kinds: list[str]) -> str:
    """["Category", "Topic", "Candidate"] -> "Category, topic and candidate"."""
    words = [kinds[0]] + [kind.lower() for kind in kinds[1:]]
    if len(words) == 1:
        return words[0]
    return str(_("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]})


def _by_uuid(model: type, organization: Any, uuids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    queryset = model.objects.visible_to(organization).filter(uuid__in=set(uuids))
    if model is Subtopic:
        queryset = queryset.select_related("topic")
    return {entry.uuid: entry for entry in queryset}


def _candidates_by_uuid(organization: Any, uuids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Primary keys of the organization's candidates by UUID: all a create stores of them."""
    if not uuids:
        return {}
    uuid_field = app_settings.CANDIDATE_UUID_FIELD
    queryset = get_candidate_model()._default_manager.filter(
        **{
            app_settings.CANDIDATE_ORGANIZATION_FIELD: organization,
            f"{uuid_field}__in": set(uuids),
        }
    )
    return dict(queryset.values_list(uuid_field, "pk"))


def _check_question_stock(
    organization: Any, distributions: list[dict[str, Any]], subtopics: list[Subtopic]
) -> None:
    """Every subtopic must hold enough visible, unretired questions of each difficulty asked
    for."""
    rows = (
        Question.objects.visible_to(organization)
        .drawable()
        .filter(subtopic__in=subtopics)
        .values("subtopic_id", "difficulty")
        .annotate(available=Count("id"))
    )
    stock = Counter({(row["subtopic_id"], row["difficulty"]): row["available"] for row in rows})
    distribution_errors: dict[int, dict[str, list[str]]] = {}
    for index, (d, subtopic) in enumerate(zip(distributions, subtopics, strict=True)):
        errors = {}
        for difficulty in Difficulty.values:
            requested, available = d[difficulty], stock[(subtopic.pk, difficulty)]
            if requested > available:
                errors[difficulty] = [
                    str(
                        _(
                            "Subtopic '%(subtopic)s' has %(available)d %(difficulty)s questions, "
                            "%(requested)d requested: %(short)d short."
                        )
                        % {
                            "subtopic": subtopic.name,
                            "available": available,
                            "difficulty": difficulty,
                            "requested": requested,
                            "short": requested - available,
                        }
                    )
                ]
        if errors:
            distribution_errors[index] = errors
    if distribution_errors:
        raise RuleViolation(
            _("Not enough questions in the bank"), {"question_distributions": distribution_errors}
        )

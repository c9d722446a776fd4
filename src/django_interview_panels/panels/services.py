"""Create, update and delete panels: plain functions, each one transaction.

Callers pass data a serializer has already validated for shape; the rules that need the database
(references, organization scope, question stock, the stored schedule) are checked here.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..api.exceptions import PanelNotFound, RuleViolation
from ..audit import audit, organization_uuid
from ..bank import coverage
from ..conf import app_settings
from ..models import (
    Category,
    InterviewPanel,
    PanelCandidate,
    QuestionDistribution,
    Subtopic,
    get_candidate_model,
)
from ..signals import candidate_added, send_on_commit
from ..tokens import new_token
from .serializers import schedule_errors

UPDATABLE_FIELDS = ("name", "description", "start_datetime", "end_datetime", "time_limit_minutes")
# What new_token() can produce, up to the column's length. Anything else (NUL bytes, lone
# surrogates) could not even be sent to the database: the driver would raise.
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,128}")


def create_panel(*, organization: Any, created_by: Any, data: dict[str, Any]) -> InterviewPanel:
    """Create a panel with its distributions and candidate tokens, all or nothing."""
    with transaction.atomic():
        category, subtopics, candidate_ids = _resolve_references(organization, data)
        _check_question_stock(
            organization, data["question_distributions"], subtopics, len(candidate_ids)
        )

        panel = InterviewPanel.objects.create(
            organization=organization,
            name=data["name"],
            description=data.get("description", ""),
            total_number_of_questions=data["total_number_of_questions"],
            start_datetime=data["start_datetime"],
            end_datetime=data["end_datetime"],
            time_limit_minutes=data.get("time_limit_minutes"),
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
        assign_candidates(panel=panel, candidate_ids=candidate_ids, actor=created_by)
    audit(
        "interview panel created: panel=%s organization=%s user=%s candidates=%d",
        panel.uuid,
        organization_uuid(organization),
        getattr(created_by, "pk", None),
        len(candidate_ids),
    )
    return panel


def update_panel(
    *, organization: Any, panel_uuid: uuid.UUID, data: dict[str, Any], user: Any = None
) -> InterviewPanel:
    """Apply a partial update of the updatable fields; the token expiry of every candidate
    without a window end of their own follows ``end_datetime``."""
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
        errors = schedule_errors(start, end, now) or own_window_errors(panel, start, end)
        if errors:
            raise RuleViolation(_("Invalid request data"), errors)

        end_moved = end != panel.end_datetime
        if end_moved or (
            "time_limit_minutes" in changes
            and changes["time_limit_minutes"] != panel.time_limit_minutes
        ):
            # An attempt whose time was up stays closed whatever the new schedule says: its
            # close is stored first, from the stored end and limit (panel lock, then attempt).
            from ..interviews.services import close_overdue_attempts_of

            close_overdue_attempts_of(panel, now)
        for field, value in changes.items():
            setattr(panel, field, value)
        panel.save(update_fields=[*changes, "updated_at"])
        if end_moved:
            # Only the tokens that follow the panel's end: a candidate's own window end stays,
            # and a removed candidate's token stays expired (docs/candidates-access.md).
            from ..candidates.access import move_token_expiries

            move_token_expiries(panel, end)
    audit(
        "interview panel updated: panel=%s organization=%s user=%s fields=%s",
        panel.uuid,
        organization_uuid(organization),
        getattr(user, "pk", None),
        ",".join(changes),
    )
    return panel


def own_window_errors(
    panel: InterviewPanel, start: dt.datetime, end: dt.datetime
) -> dict[str, list[str]]:
    """A new schedule of ``panel`` must leave every (not removed) candidate's own window
    non-empty: a window start of their own before the panel's new end (when they follow that
    end), a window end of their own after the panel's new start (when they follow that start).
    Otherwise the candidate could never start, and nobody would be told. At most two queries,
    only for a bound that moves."""
    message = str(
        _(
            "A candidate's own window would end before it starts: change that candidate's "
            "window (candidates/<panel>/<candidate>/access/) first."
        )
    )
    current = PanelCandidate.objects.filter(panel_id=panel.pk, removed_at__isnull=True)
    if (
        end != panel.end_datetime
        and current.filter(window_ends_at__isnull=True, window_starts_at__gte=end).exists()
    ):
        return {"end_datetime": [message]}
    if (
        start != panel.start_datetime
        and current.filter(window_starts_at__isnull=True, window_ends_at__lte=start).exists()
    ):
        return {"start_datetime": [message]}
    return {}


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
    audit(
        "interview panel deleted: panel=%s organization=%s user=%s",
        panel_uuid,
        organization_uuid(organization),
        getattr(user, "pk", None),
    )


def assign_candidates(
    *, panel: InterviewPanel, candidate_ids: Iterable[Any], actor: Any = None
) -> list[PanelCandidate]:
    """Assign candidates (primary keys, checked by the caller) to ``panel``: one assignment
    each, with a fresh token valid until the panel's end, and ``candidate_added`` for each once
    the transaction commits. The one way assignments are made: at create and when added later
    (``candidates.services.add_candidates``)."""
    with transaction.atomic():
        # Foreign keys by id: the related-object checks per row add up over 1,000 candidates.
        assignments = PanelCandidate.objects.bulk_create(
            PanelCandidate(
                panel_id=panel.pk,
                candidate_id=candidate_id,
                token=new_token(),
                token_expires_at=panel.end_datetime,
            )
            for candidate_id in candidate_ids
        )
        for assignment in assignments:
            assignment.panel = panel
            send_on_commit(
                candidate_added, PanelCandidate, assignment=assignment, panel=panel, actor=actor
            )
    return assignments


def missing_candidate_errors(
    uuids: list[uuid.UUID], found: dict[uuid.UUID, Any]
) -> dict[int, list[str]]:
    """Per index of ``uuids``, the message for a candidate not among ``found`` (of the caller's
    organization): the create's and the add's 404 alike."""
    return {
        index: [str(_("Candidate %(uuid)s not found.") % {"uuid": u})]
        for index, u in enumerate(uuids)
        if u not in found
    }


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
    The bank's references are the bank's to check; the candidates are the panel's.
    """
    distributions = data["question_distributions"]
    references = coverage.find_references(organization, data["category_uuid"], distributions)
    candidates = candidates_by_uuid(organization, data["candidate_uuids"])

    # One 404 names every missing reference, the bank's and the candidates' alike.
    missing, kinds = dict(references.missing), list(references.missing_kinds)
    candidate_errors = missing_candidate_errors(data["candidate_uuids"], candidates)
    if candidate_errors:
        missing["candidate_uuids"] = candidate_errors
        kinds.append(str(_("Candidate")))
    if missing:
        raise coverage.references_not_found(missing, kinds)

    return (
        references.category,
        references.placed_subtopics(distributions),
        [candidates[u] for u in data["candidate_uuids"]],  # primary keys
    )


def candidates_by_uuid(organization: Any, uuids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
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
    organization: Any,
    distributions: list[dict[str, Any]],
    subtopics: list[Subtopic],
    candidates: int,
) -> None:
    """Every subtopic must hold enough visible, unretired questions of each difficulty asked
    for: the bank's coverage, the one the coverage endpoint shows, must be sufficient."""
    found = coverage.question_coverage(
        organization=organization,
        distributions=[{**d, "subtopic": s} for d, s in zip(distributions, subtopics, strict=True)],
        candidates=candidates,
    )
    if found.sufficient:
        return
    distribution_errors: dict[int, dict[str, list[str]]] = {}
    for index, subtopic_coverage in enumerate(found.subtopics):
        errors = {
            difficulty: [
                str(
                    _(
                        "Subtopic '%(subtopic)s' has %(available)d %(difficulty)s questions, "
                        "%(requested)d requested: %(short)d short."
                    )
                    % {
                        "subtopic": subtopic_coverage.subtopic.name,
                        "available": cell.available,
                        "difficulty": difficulty,
                        "requested": cell.required,
                        "short": cell.short_by,
                    }
                )
            ]
            for difficulty, cell in subtopic_coverage.difficulties.items()
            if cell.short_by
        }
        if errors:
            distribution_errors[index] = errors
    raise RuleViolation(
        _("Not enough questions in the bank"), {"question_distributions": distribution_errors}
    )

"""The read path: panels as the spec's objects, from three queries whatever their size.

The queries are the panel rows (organization and category joined in), their question
distributions (topic and subtopic joined in) and their candidate assignments (candidate joined
in). Rows are read with ``values_list``: model instances for the thousands of distributions and
assignments of a page would cost several times everything else in the request. Candidates are
the exception, because ``CANDIDATE_NAME`` and ``CANDIDATE_EMAIL`` take a candidate instance:
each distinct candidate is built once, with ``Model.from_db``, from columns of the same query.

``fetch`` runs every query; ``represent`` then builds plain dicts and never touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from .conf import panel_settings
from .models import PanelCandidate, QuestionDistribution, get_candidate_model
from .serializers import format_datetime

_DISTRIBUTION_COLUMNS = (
    "panel_id",
    "uuid",
    "topic__name",
    "subtopic__name",
    "easy",
    "medium",
    "hard",
)
_ASSIGNMENT_COLUMNS = ("panel_id", "uuid", "token", "token_expires_at", "score")


@dataclass(frozen=True)
class PanelRows:
    """Everything ``represent`` needs, fetched."""

    panels: list[tuple[Any, ...]]
    distributions: list[tuple[Any, ...]]
    # Assignment columns, then one value per concrete field of the candidate model.
    assignments: list[tuple[Any, ...]]
    database: str


def fetch(panels: QuerySet) -> PanelRows:
    """Run the (at most) three queries for ``panels``: scoped, filtered, ordered and sliced.

    ``panels`` must carry the ``is_active`` annotation (``PanelQuerySet.with_is_active``).
    """
    panel_rows = list(panels.values_list(*_panel_columns()))
    if not panel_rows:
        return PanelRows([], [], [], panels.db)
    ids = [row[0] for row in panel_rows]
    distributions = list(
        QuestionDistribution.objects.using(panels.db)
        .filter(panel_id__in=ids)
        .order_by("id")
        .values_list(*_DISTRIBUTION_COLUMNS)
    )
    candidate_columns = [f"candidate__{field.name}" for field in _candidate_fields()]
    assignments = list(
        PanelCandidate.objects.using(panels.db)
        .filter(panel_id__in=ids)
        .order_by("id")
        .values_list(*_ASSIGNMENT_COLUMNS, *candidate_columns)
    )
    return PanelRows(panel_rows, distributions, assignments, panels.db)


def _panel_columns() -> tuple[str, ...]:
    # The order is the one ``represent`` unpacks.
    return (
        "id",
        "uuid",
        "name",
        "description",
        "total_number_of_questions",
        "start_datetime",
        "end_datetime",
        "is_active",
        f"organization__{panel_settings.ORGANIZATION_UUID_FIELD}",
        "created_at",
        "updated_at",
        "category__name",
    )


def _candidate_fields() -> list[Any]:
    return list(get_candidate_model()._meta.concrete_fields)


def represent(rows: PanelRows, *, include_tokens: bool) -> list[dict[str, Any]]:
    """The spec's Interview Panel objects, in the order of ``rows.panels``; runs no query."""
    format_datetime = datetime_formatter()
    categories = {row[0]: row[11] for row in rows.panels}
    distributions: dict[int, list[dict[str, Any]]] = {panel_id: [] for panel_id in categories}
    for panel_id, uuid, topic, subtopic, easy, medium, hard in rows.distributions:
        distributions[panel_id].append(
            {
                "uuid": str(uuid),
                "category": categories[panel_id],
                "topic": topic,
                "subtopic": subtopic,
                "easy": easy,
                "medium": medium,
                "hard": hard,
                "total": easy + medium + hard,
            }
        )

    candidates: dict[int, list[dict[str, Any]]] = {panel_id: [] for panel_id in categories}
    describe_candidate = _candidate_describer(rows.database)
    for panel_id, uuid, token, expires_at, score, *candidate_values in rows.assignments:
        candidate_uuid, name, email = describe_candidate(candidate_values)
        candidates[panel_id].append(
            {
                "uuid": str(uuid),
                "candidate_uuid": candidate_uuid,
                "candidate_name": name,
                "candidate_email": email,
                "token": token if include_tokens else None,
                "token_expires_at": format_datetime(expires_at),
                "score": score,
            }
        )

    return [
        {
            "uuid": str(uuid),
            "name": name,
            "description": description,
            "total_number_of_questions": total,
            "start_datetime": format_datetime(start),
            "end_datetime": format_datetime(end),
            "is_active": is_active,
            "organization": str(organization),
            "created_at": format_datetime(created_at),
            "updated_at": format_datetime(updated_at),
            "question_distributions": distributions[panel_id],
            "candidates": candidates[panel_id],
        }
        for (
            panel_id,
            uuid,
            name,
            description,
            total,
            start,
            end,
            is_active,
            organization,
            created_at,
            updated_at,
            _category,
        ) in rows.panels
    ]


def represent_panels(panels: QuerySet, *, include_tokens: bool) -> list[dict[str, Any]]:
    """``fetch`` then ``represent``: the spec's objects for a queryset of panels."""
    return represent(fetch(panels), include_tokens=include_tokens)


def _candidate_describer(database: str) -> Callable[[list[Any]], tuple[str, str, str]]:
    """(candidate_uuid, candidate_name, candidate_email) from a candidate's column values."""
    model = get_candidate_model()
    fields = _candidate_fields()
    attnames = [field.attname for field in fields]
    pk_index = next(i for i, field in enumerate(fields) if field.primary_key)
    uuid_field = panel_settings.CANDIDATE_UUID_FIELD
    name_of, email_of = panel_settings.CANDIDATE_NAME, panel_settings.CANDIDATE_EMAIL
    # A candidate assigned to many panels of the page is built and described once.
    seen: dict[Any, tuple[str, str, str]] = {}

    def describe(values: list[Any]) -> tuple[str, str, str]:
        pk = values[pk_index]
        described = seen.get(pk)
        if described is None:
            candidate = model.from_db(database, attnames, values)
            described = (
                str(getattr(candidate, uuid_field)),
                name_of(candidate),
                email_of(candidate),
            )
            seen[pk] = described
        return described

    return describe


def datetime_formatter() -> Callable[[dt.datetime], str]:
    """``format_datetime`` with the current time zone looked up once, not once per value."""
    zone = timezone.get_current_timezone()
    return lambda value: format_datetime(value, zone)

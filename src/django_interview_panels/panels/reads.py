"""The read path: panels as the spec's objects, from three queries whatever their size.

The queries are the panel rows (organization and category joined in), their question
distributions (topic and subtopic joined in) and their candidate assignments (candidate joined
in). Rows are read with ``values_list``: model instances for the thousands of distributions and
assignments of a page would cost several times everything else in the request. With the default
``CANDIDATE_NAME`` and ``CANDIDATE_EMAIL`` the candidate's name and email columns are read as
they are; custom callables take a candidate instance, so then each distinct candidate is built
once, with ``Model.from_db``, from columns of the same query.

On SQLite and PostgreSQL, UUID columns are read as canonical text made by the database (no
``uuid.UUID`` parsed and formatted back), SQLite's datetimes as their stored text, and each
distinct datetime is formatted once per response (``token_expires_at`` is usually the panel's
end).

``fetch`` runs every query; ``represent`` then builds plain dicts and never touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Func, QuerySet, TextField, UUIDField
from django.utils import timezone

from .. import resolvers
from ..api.fields import format_datetime
from ..conf import app_settings
from ..models import InterviewPanel, PanelCandidate, QuestionDistribution, get_candidate_model

# Backends on which the database writes a UUID column as canonical text (and, for SQLite,
# datetimes as stored text) faster than Python converts and formats the values.
_TEXT_VENDORS = frozenset({"sqlite", "postgresql"})


class UUIDText(Func):
    """A UUID column as its canonical, hyphenated, lower-case text."""

    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        # Django stores a UUID as 32 lower-case hex digits (uuid.hex) in a char(32) column.
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = [f"substr({sql}, {start}, {length})" for start, length in _HEX_GROUPS]
        return " || '-' || ".join(pieces), list(params) * len(pieces)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::text", list(params)


_HEX_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))


class StoredText(Func):
    """A SQLite datetime column as the text it stores, not parsed by the driver."""

    template = "CAST(%(expressions)s AS TEXT)"
    output_field = TextField()


@dataclass(frozen=True)
class PanelRows:
    """Everything ``represent`` needs, fetched."""

    panels: list[tuple[Any, ...]]
    distributions: list[tuple[Any, ...]]
    # Assignment columns, then the candidate's: (uuid, name, email) when ``candidates_as_read``,
    # otherwise one value per concrete field of the candidate model.
    assignments: list[tuple[Any, ...]]
    database: str
    # Whether the candidate columns are the response's values (the default resolvers).
    candidates_as_read: bool = False


class _Columns:
    """How each kind of column is selected on one database: as text where that is cheaper
    (``_TEXT_VENDORS``; the tests empty it to compare with Django's own conversion)."""

    def __init__(self, database: str) -> None:
        vendor = connections[database].vendor
        self.text = vendor in _TEXT_VENDORS
        self.stored_datetimes = self.text and vendor == "sqlite"

    def uuid(self, model: Any, path: str) -> Any:
        """``path`` (a field of ``model`` or across relations) as text if it is a UUIDField."""
        if self.text and isinstance(_field(model, path), UUIDField):
            return UUIDText(path)
        return path

    def datetime(self, path: str) -> Any:
        return StoredText(path) if self.stored_datetimes else path


def _field(model: Any, path: str) -> Any:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)


def fetch(panels: QuerySet) -> PanelRows:
    """Run the (at most) three queries for ``panels``: scoped, filtered, ordered and sliced.

    ``panels`` must carry the ``is_active`` annotation (``PanelQuerySet.with_is_active``).
    """
    columns = _Columns(panels.db)
    panel_rows = list(panels.values_list(*_panel_columns(columns)))
    if not panel_rows:
        return PanelRows([], [], [], panels.db)
    ids = [row[0] for row in panel_rows]
    distributions = list(
        QuestionDistribution.objects.using(panels.db)
        .filter(panel_id__in=ids)
        .order_by("id")
        .values_list(
            "panel_id",
            columns.uuid(QuestionDistribution, "uuid"),
            "topic__name",
            "subtopic__name",
            "easy",
            "medium",
            "hard",
        )
    )
    candidates_as_read = _default_candidate_description()
    if candidates_as_read:
        candidate_columns = [
            columns.uuid(PanelCandidate, f"candidate__{app_settings.CANDIDATE_UUID_FIELD}"),
            "candidate__name",
            "candidate__email",
        ]
    else:
        candidate_columns = [f"candidate__{field.name}" for field in _candidate_fields()]
    assignments = list(
        PanelCandidate.objects.using(panels.db)
        .filter(panel_id__in=ids)
        .order_by("id")
        .values_list(
            "panel_id",
            columns.uuid(PanelCandidate, "uuid"),
            "token",
            columns.datetime("token_expires_at"),
            "score",
            *candidate_columns,
        )
    )
    return PanelRows(panel_rows, distributions, assignments, panels.db, candidates_as_read)


def _panel_columns(columns: _Columns) -> tuple[Any, ...]:
    # The order is the one ``represent`` unpacks.
    organization_uuid = f"organization__{app_settings.ORGANIZATION_UUID_FIELD}"
    return (
        "id",
        columns.uuid(InterviewPanel, "uuid"),
        "name",
        "description",
        "total_number_of_questions",
        columns.datetime("start_datetime"),
        columns.datetime("end_datetime"),
        "is_active",
        columns.uuid(InterviewPanel, organization_uuid),
        columns.datetime("created_at"),
        columns.datetime("updated_at"),
        "category__name",
    )


def _candidate_fields() -> list[Any]:
    return list(get_candidate_model()._meta.concrete_fields)


def _default_candidate_description() -> bool:
    """Whether name and email are the default resolvers over concrete ``name``/``email`` fields.

    Then their values are the columns themselves, and no candidate instance is needed.
    """
    if (
        app_settings.CANDIDATE_NAME is not resolvers.candidate_name
        or app_settings.CANDIDATE_EMAIL is not resolvers.candidate_email
    ):
        return False
    attnames = {field.attname for field in _candidate_fields()}
    return {"name", "email"} <= attnames


def represent(rows: PanelRows, *, include_tokens: bool) -> list[dict[str, Any]]:
    """The spec's Interview Panel objects, in the order of ``rows.panels``; runs no query."""
    format_datetime = datetime_formatter(rows.database)
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
    describe_candidate = (
        _candidate_as_read if rows.candidates_as_read else _candidate_describer(rows.database)
    )
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
    uuid_field = app_settings.CANDIDATE_UUID_FIELD
    name_of, email_of = app_settings.CANDIDATE_NAME, app_settings.CANDIDATE_EMAIL
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


def _candidate_as_read(values: list[Any]) -> tuple[str, str, str]:
    """(uuid, name, email) as read from the database with the default resolvers."""
    candidate_uuid, name, email = values
    return str(candidate_uuid), name, email


def datetime_formatter(database: str) -> Callable[[Any], str]:
    """``format_datetime`` in the current time zone, each distinct value formatted once.

    A value may be a datetime or, read from SQLite as stored text, a string that the backend's
    own converter turns into the datetime Django would have returned.
    """
    zone = timezone.get_current_timezone()
    formatted: dict[Any, str] = {}
    connection = connections[database]

    def format_once(value: Any) -> str:
        text = formatted.get(value)
        if text is None:
            moment = value
            if isinstance(value, str):
                moment = connection.ops.convert_datetimefield_value(value, None, connection)
            text = formatted[value] = format_datetime(moment, zone)
        return text

    return format_once

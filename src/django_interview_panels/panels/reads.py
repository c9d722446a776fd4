"""The read path: panels as the spec's objects, from three queries whatever their size.

The queries are the panel rows (organization and category joined in), their question
distributions (topic and subtopic joined in) and their candidate assignments (candidate joined
in). Rows are read with ``values_list``: model instances for the thousands of distributions and
assignments of a page would cost several times everything else in the request. With the default
``CANDIDATE_NAME`` and ``CANDIDATE_EMAIL`` the candidate's name and email columns are read as
they are; custom callables take a candidate instance, so then each distinct candidate is built
once, with ``Model.from_db``, from columns of the same query.

On SQLite and PostgreSQL, UUID columns are read as canonical text made by the database (no
``uuid.UUID`` parsed and formatted back), datetimes as text (SQLite's stored text, PostgreSQL's
ISO 8601 output), and each distinct datetime is parsed and formatted once per response
(``token_expires_at`` is usually the panel's end).

The distributions and assignments queries run from SQL compiled once per shape and number of
panels (``_rows_of_panels``) wherever the driver returns exactly Django's rows.

``fetch`` runs every query; ``represent`` then builds plain dicts and never touches the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.signals import setting_changed
from django.db import connections
from django.db.models import Func, QuerySet, TextField, UUIDField
from django.dispatch import receiver
from django.utils import timezone

from .. import resolvers
from ..api.fields import format_datetime
from ..conf import app_settings
from ..models import InterviewPanel, PanelCandidate, QuestionDistribution, get_candidate_model

# Backends on which the database writes UUID and datetime columns as text faster than Python
# converts and formats the values.
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
    """A datetime column as text, not parsed by the driver.

    On SQLite the text it stores; on PostgreSQL a ``timestamptz`` in ISO 8601 (``2030-01-01
    09:00:00.5+00``) in the session's time zone: psycopg parses timestamps only under the ISO
    ``DateStyle``, so any connection that reads datetimes at all writes them this way.
    """

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
        self.stored_datetimes = self.text
        # Everything above that shapes the SQL, for ``_SQL_CACHE``.
        self.key = (database, vendor, self.text, self.stored_datetimes)

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
    database = panels.db
    columns = _Columns(database)
    panel_rows = list(panels.values_list(*_panel_columns(columns)))
    if not panel_rows:
        return PanelRows([], [], [], database)
    ids = [row[0] for row in panel_rows]

    def distributions_query() -> QuerySet:
        return (
            QuestionDistribution.objects.using(database)
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

    distributions = _rows_of_panels(("distributions", *columns.key), ids, distributions_query)

    candidates_as_read = _default_candidate_description()
    if candidates_as_read:
        candidate_paths = [
            f"candidate__{app_settings.CANDIDATE_UUID_FIELD}",
            "candidate__name",
            "candidate__email",
        ]
    else:
        candidate_paths = [f"candidate__{field.name}" for field in _candidate_fields()]

    def assignments_query() -> QuerySet:
        # For candidate instances every concrete field as Django converts it (``from_db``).
        candidate_columns = candidate_paths
        if candidates_as_read:
            candidate_columns = [
                columns.uuid(PanelCandidate, candidate_paths[0]),
                *candidate_paths[1:],
            ]
        return (
            PanelCandidate.objects.using(database)
            # Removed candidates (erased ones too) are managed under candidates/ only
            # (docs/candidates.md); results keep their rows.
            .filter(panel_id__in=ids, removed_at__isnull=True)
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

    candidate_model = get_candidate_model()._meta.label
    key = ("assignments", *columns.key, candidate_model, candidates_as_read, *candidate_paths)
    assignments = _rows_of_panels(key, ids, assignments_query)
    return PanelRows(panel_rows, distributions, assignments, database, candidates_as_read)


# The SQL of the distributions and assignments queries, by everything that shapes it and the
# number of panels: the ORM builds and compiles it once, and each page's panel ids are its
# parameters. Building, compiling and the ORM's fetching in chunks took 15 % (SQLite) to 35 %
# (PostgreSQL) of the two queries' time on a default page.
_SQL_CACHE: dict[tuple[Any, ...], str] = {}
_SQL_CACHE_SIZE = 256


def _rows_of_panels(
    key: tuple[Any, ...], ids: list[Any], build: Callable[[], QuerySet]
) -> list[tuple[Any, ...]]:
    """The rows of ``build()``, a ``values_list`` query whose only parameters are ``ids``.

    Run from the cached SQL when the rows the driver returns are exactly the ones Django would
    (``_reusable_sql``); otherwise through the ORM, as always on other backends.
    """
    database = key[1]
    key = (*key, len(ids))
    sql = _SQL_CACHE.get(key)
    if sql is None:
        queryset = build()
        sql = _reusable_sql(queryset, ids)
        if sql is None:
            return list(queryset)
        if len(_SQL_CACHE) >= _SQL_CACHE_SIZE:
            _SQL_CACHE.clear()
        _SQL_CACHE[key] = sql
    with connections[database].cursor() as cursor:
        cursor.execute(sql, ids)
        return cursor.fetchall()


def _reusable_sql(queryset: QuerySet, ids: list[Any]) -> str | None:
    """The SQL of ``queryset``, if running it with ``ids`` returns the rows Django would.

    That takes: ``ids``, in order, as the only parameters; columns selected in the order of
    the ``values_list`` (so no reordering of rows); and no converter on any column (on SQLite
    and PostgreSQL the columns are integers and text; elsewhere UUIDs are converted).
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    try:
        # The compiler's internals: should they ever change, the ORM runs the query.
        selected = compiler.select[: compiler.col_count]
        aliases = [alias for _, _, alias in selected]
        converters = compiler.get_converters([expression for expression, _, _ in selected])
    except (AttributeError, TypeError, ValueError):
        return None
    if list(params) != list(ids) or aliases != list(getattr(queryset, "_fields", ())):
        return None
    return None if converters else sql


@receiver(setting_changed)
def _forget_sql(**kwargs: Any) -> None:
    # A test may swap a model or change a database's settings; the key cannot see everything.
    _SQL_CACHE.clear()


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
    # The loops below run once per distribution and per assignment (thousands per page): each
    # datetime is a dict lookup (``DatetimeTexts``) and no function is called per row beyond
    # ``str``.
    texts = DatetimeTexts(rows.database)
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
    if rows.candidates_as_read:
        # The candidate's uuid, name and email columns are the values (the default resolvers).
        for panel_id, uuid, token, expires_at, score, candidate, name, email in rows.assignments:
            candidates[panel_id].append(
                {
                    "uuid": str(uuid),
                    "candidate_uuid": str(candidate),
                    "candidate_name": name,
                    "candidate_email": email,
                    "token": token if include_tokens else None,
                    "token_expires_at": texts[expires_at],
                    "score": score,
                }
            )
    else:
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
                    "token_expires_at": texts[expires_at],
                    "score": score,
                }
            )

    return [
        {
            "uuid": str(uuid),
            "name": name,
            "description": description,
            "total_number_of_questions": total,
            "start_datetime": texts[start],
            "end_datetime": texts[end],
            "is_active": is_active,
            "organization": str(organization),
            "created_at": texts[created_at],
            "updated_at": texts[updated_at],
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


class DatetimeTexts(dict):
    """``texts[value]``: a datetime column's value as the response's text, in the current time
    zone; each distinct value is parsed and formatted once, on first use.

    A value may be a datetime or, read as text (``StoredText``), a string parsed into the
    instant Django would have returned: by SQLite's own converter, or from PostgreSQL's ISO
    8601 text.
    """

    def __init__(self, database: str) -> None:
        super().__init__()
        self.zone = timezone.get_current_timezone()
        self.parse = _datetime_parser(connections[database])

    def __missing__(self, value: Any) -> str:
        moment = self.parse(value) if isinstance(value, str) else value
        text = self[value] = format_datetime(moment, self.zone)
        return text


def _datetime_parser(connection: Any) -> Callable[[str], dt.datetime]:
    if connection.vendor == "sqlite":
        return partial(_sqlite_datetime, connection)
    # PostgreSQL's text carries the offset of the session's time zone (UTC as Django sets it):
    # the same instant as the driver's datetime, and format_datetime converts it to the zone.
    return dt.datetime.fromisoformat


def _sqlite_datetime(connection: Any, text: str) -> dt.datetime:
    return connection.ops.convert_datetimefield_value(text, None, connection)

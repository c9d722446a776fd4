"""Row locks on only the rows a lookup names, in the same order on every supported database.

A locked lookup that joins other tables (``select_related``, a filter across a relation) names
the tables whose rows it locks: ``select_for_update(of=...)``, PostgreSQL's ``FOR UPDATE OF``.

MariaDB and MySQL (InnoDB) lock differently, and ``lock_of`` makes up for it there:

- MariaDB has no ``OF``, and a plain ``FOR UPDATE`` locks every joined row (the panel's, the
  assignment's), out of the order the services take their locks in.
- A lookup by a secondary index (a UUID) locks that index's entry before the row's primary key;
  a delete of the same row, holding the primary key, then waits for the index entry: a deadlock
  that PostgreSQL, which locks rows, never has.
- An update of a column that shares an index with a foreign key (the attempt's ``state`` beside
  its ``panel``) takes a shared lock on the referenced row: after the attempt's row, where every
  other chain takes the panel's first. ``share`` names such parents: their rows are share-locked
  first, as PostgreSQL's order has them.

So there the lookup's keys are read first, without a lock; then the ``share`` parents' rows are
share-locked and the named rows locked, each by primary key alone, in key order; then the lookup
is handed back without a lock. Under READ COMMITTED (Django's level on MariaDB and MySQL) it reads
the rows as they are once the locks are held, and a ``"self"`` lookup keeps to the rows it locked.
That is two or three more queries than on PostgreSQL. docs/install.md ("MariaDB and MySQL").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import connections, models

Q = TypeVar("Q", bound=models.QuerySet)


def lock_of(queryset: Q, *of: str, share: Iterable[str] = ()) -> Q:
    """``queryset.select_for_update(of=of)``, on MariaDB/MySQL the same rows locked by primary
    key, after a shared lock on the ``share`` relations' rows (call inside
    ``transaction.atomic``)."""
    connection = connections[queryset.db]
    if connection.vendor != "mysql":
        return queryset.select_for_update(of=of)
    share = tuple(share)
    targets = [_target(queryset.model, name) for name in (*share, *of)]
    rows = list(queryset.order_by().values_list(*(path for _model, path in targets)))
    locked: dict[str, list[Any]] = {}
    for position, (name, (model, _path)) in enumerate(zip((*share, *of), targets, strict=True)):
        keys = sorted({row[position] for row in rows if row[position] is not None})
        rows_of = model._base_manager.using(queryset.db).filter(pk__in=keys).order_by("pk")
        if name in share:
            if keys:
                _share_lock(connection, rows_of)
        else:
            locked[name] = list(rows_of.select_for_update().values_list("pk", flat=True))
    if "self" in locked:
        queryset = queryset.filter(pk__in=locked["self"])
    return queryset


def _share_lock(connection: Any, rows: models.QuerySet) -> None:
    """``SELECT ... LOCK IN SHARE MODE`` (MariaDB, and MySQL 8 beside its ``FOR SHARE``)."""
    sql, params = rows.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LOCK IN SHARE MODE", params)


def _target(model: type[models.Model], name: str) -> tuple[type[models.Model], str]:
    """The model whose rows ``of`` entry ``name`` names, and the lookup of their keys."""
    if name == "self":
        return model, "pk"
    for part in name.split("__"):
        model = model._meta.get_field(part).related_model
    return model, name

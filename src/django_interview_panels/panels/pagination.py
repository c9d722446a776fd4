"""The panel list's pages (``api/pagination.py``) and its candidate budget.

``MAX_CANDIDATES_PER_PAGE`` may lower the page size of a request: the size is
chosen from the matching panels as a whole, never from the page's own rows, so that page N is
always panels ``(N-1)*size`` to ``N*size - 1`` and the ``next`` links (which carry the size
used) walk every panel exactly once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Func, IntegerField, Max, QuerySet

from ..api.pagination import (
    PAGE,
    PAGE_SIZE,
    Page,
    PageRequest,
    describe,
    page_of,
    parse_page_request,
)
from ..conf import app_settings
from ..models import PanelCandidate

__all__ = [
    "PAGE",
    "PAGE_SIZE",
    "Page",
    "PageRequest",
    "describe",
    "paginate",
    "parse_page_request",
]


def paginate(queryset: QuerySet, page_request: PageRequest) -> Page:
    """The requested page, from one query (the count, with the budget's figure if it has one).

    A page past the last one is empty and runs no further query.
    """
    budget = app_settings.MAX_CANDIDATES_PER_PAGE
    if budget is None:
        count, most = queryset.count(), 0
    else:
        count, most = _count_and_largest_panel(queryset)
    size = page_size_within_budget(page_request.size, most, budget)
    return page_of(queryset, page_request.number, size, count)


def page_size_within_budget(requested: int, most_candidates: int, budget: int | None) -> int:
    """The largest size up to ``requested`` whose pages hold at most ``budget`` candidates.

    ``most_candidates`` is the largest candidate count of any matching panel, so the bound holds
    for every page of the list, not only this one. A single panel above the budget still gets a
    page of its own (size 1): the per-panel cap bounds it.
    """
    if budget is None or most_candidates * requested <= budget:
        return requested
    return max(1, min(requested, budget // most_candidates))


def _count_and_largest_panel(queryset: QuerySet) -> tuple[int, int]:
    # One query: the count Page needs anyway, and the largest candidate count among the matching
    # panels, a correlated count per panel that reads the assignments' panel index only.
    figures = queryset.order_by().aggregate(count=Count("pk"), most=Max(AssignmentCount(F("pk"))))
    return figures["count"], figures["most"] or 0


class AssignmentCount(Func):
    """The number of candidate assignments of the panel whose primary key is the expression.

    ``(SELECT COUNT(*) FROM assignments WHERE panel_id = <panel>)``, written out rather than
    built as a ``Subquery`` of an annotated queryset: Django would add a ``GROUP BY panel_id``
    (and, for the ``Max`` over it, a derived table), which doubles what SQLite spends per panel,
    and resolving the subquery took longer than running the whole query on 200 panels.
    """

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        panel, params = compiler.compile(self.source_expressions[0])
        quote = connection.ops.quote_name
        # An alias of its own: the outer query may join the assignments table (the candidate
        # filter) under the table's name.
        alias = quote("ip_assigned")
        table = quote(PanelCandidate._meta.db_table)
        column = quote(PanelCandidate._meta.get_field("panel").column)
        sql = f"(SELECT COUNT(*) FROM {table} {alias} WHERE {alias}.{column} = {panel})"
        return sql, list(params)

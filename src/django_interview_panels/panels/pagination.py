"""Page-number pagination of the panel list: ``page`` and ``page_size`` in, ``pagination`` out.

Unlike DRF's ``PageNumberPagination``, a malformed ``page_size`` is an error rather than the
default, and a page past the last one is an empty 200 page (``previous`` links the last page)
rather than a 404. ``MAX_CANDIDATES_PER_PAGE`` may lower the page size of a request: the size is
chosen from the matching panels as a whole, never from the page's own rows, so that page N is
always panels ``(N-1)*size`` to ``N*size - 1`` and the ``next`` links (which carry the size
used) walk every panel exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Func, IntegerField, Max, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from ..conf import app_settings
from ..models import PanelCandidate

PAGE = "page"
PAGE_SIZE = "page_size"
# ASCII digits only: int() would also take "+3", " 3" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")
# Any longer number is beyond every page and every page size; int() of thousands of digits fails.
_HUGE = 10**18


@dataclass(frozen=True)
class PageRequest:
    """Which page of how many panels the request asks for."""

    number: int
    size: int


@dataclass(frozen=True)
class Page:
    """One page of the list: its panels (unevaluated) and where it sits."""

    number: int
    # The page size used: the requested one, lowered by MAX_PAGE_SIZE and the candidate budget.
    size: int
    count: int
    object_list: QuerySet

    @property
    def total_pages(self) -> int:
        """At least 1: an organization without matching panels still has an empty page 1."""
        return max(1, -(-self.count // self.size))


def parse_page_request(query_params: Any) -> tuple[PageRequest, dict[str, list[str]]]:
    """``page`` (default 1) and ``page_size`` (default, and at most, from settings), and errors."""
    errors: dict[str, list[str]] = {}
    number = _positive_int(query_params.get(PAGE), 1)
    if number is None:
        errors[PAGE] = [str(_("A valid page is a positive integer."))]
    size = _positive_int(query_params.get(PAGE_SIZE), app_settings.DEFAULT_PAGE_SIZE)
    if size is None:
        errors[PAGE_SIZE] = [str(_("A valid page_size is a positive integer."))]
    return PageRequest(number or 1, min(size or 1, app_settings.MAX_PAGE_SIZE)), errors


def _positive_int(value: str | None, default: int) -> int | None:
    if value is None:
        return default
    if not _DIGITS.fullmatch(value):
        return None
    digits = value.lstrip("0")
    if not digits:
        return None
    return int(digits) if len(digits) <= 18 else _HUGE


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
    page = Page(page_request.number, size, count, queryset.none())
    if page.number > page.total_pages or count == 0:
        return page
    offset = (page.number - 1) * size
    return Page(page.number, size, count, queryset[offset : offset + size])


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


def describe(page: Page, request: Request) -> dict[str, Any]:
    """The response's ``pagination`` object; links keep every other query parameter.

    Past the last page, ``next`` is null and ``previous`` links the last page.
    """
    url = request.build_absolute_uri()
    last = page.total_pages

    def link(number: int) -> str:
        return replace_query_param(replace_query_param(url, PAGE_SIZE, page.size), PAGE, number)

    return {
        "count": page.count,
        "page": page.number,
        "page_size": page.size,
        "total_pages": last,
        "next": link(page.number + 1) if page.number < last else None,
        "previous": link(min(page.number - 1, last)) if page.number > 1 else None,
    }

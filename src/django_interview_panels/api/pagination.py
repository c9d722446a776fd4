"""Page-number pagination of every list: ``page`` and ``page_size`` in, ``pagination`` out.

Unlike DRF's ``PageNumberPagination``, a malformed ``page_size`` is an error rather than the
default, and a page past the last one is an empty 200 page (``previous`` links the last page)
rather than a 404. A list may lower the page size further (the panel list's candidate budget,
``panels/pagination.py``); the ``next`` links carry the size used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from ..conf import app_settings

PAGE = "page"
PAGE_SIZE = "page_size"
# ASCII digits only: int() would also take "+3", " 3" and other scripts' digits.
_DIGITS = re.compile(r"[0-9]+")
# Any longer number is beyond every page and every page size; int() of thousands of digits fails.
_HUGE = 10**18


@dataclass(frozen=True)
class PageRequest:
    """Which page of how many entries the request asks for."""

    number: int
    size: int


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows (unevaluated) and where it sits."""

    number: int
    # The page size used: the requested one, lowered by MAX_PAGE_SIZE and the candidate budget.
    size: int
    count: int
    object_list: QuerySet

    @property
    def total_pages(self) -> int:
        """At least 1: a list without matching rows still has an empty page 1."""
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


def paginate(queryset: QuerySet, page_request: PageRequest, size: int | None = None) -> Page:
    """The requested page of ``size`` rows (default: the requested size): one count query,
    then, unless the page is past the end, the page's rows when they are read."""
    return page_of(queryset, page_request.number, size or page_request.size, queryset.count())


def page_of(queryset: QuerySet, number: int, size: int, count: int) -> Page:
    """Page ``number`` of ``size`` rows of ``queryset``, which holds ``count`` rows."""
    page = Page(number, size, count, queryset.none())
    if page.number > page.total_pages or count == 0:
        return page
    offset = (page.number - 1) * size
    return Page(page.number, size, count, queryset[offset : offset + size])


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

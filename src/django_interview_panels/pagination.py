"""Page-number pagination of the panel list: ``page`` and ``page_size`` in, ``pagination`` out.

Unlike DRF's ``PageNumberPagination``, a malformed ``page_size`` is an error rather than the
default, and a page past the last one is a 400 on ``page`` rather than a 404: the request is
wrong, not a resource missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from .conf import panel_settings

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


def parse_page_request(query_params: Any) -> tuple[PageRequest, dict[str, list[str]]]:
    """``page`` (default 1) and ``page_size`` (default, and at most, from settings), and errors."""
    errors: dict[str, list[str]] = {}
    number = _positive_int(query_params.get(PAGE), 1)
    if number is None:
        errors[PAGE] = [str(_("A valid page is a positive integer."))]
    size = _positive_int(query_params.get(PAGE_SIZE), panel_settings.DEFAULT_PAGE_SIZE)
    if size is None:
        errors[PAGE_SIZE] = [str(_("A valid page_size is a positive integer."))]
    return PageRequest(number or 1, min(size or 1, panel_settings.MAX_PAGE_SIZE)), errors


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
    """The requested page (one count query; its rows are left unevaluated)."""
    paginator = Paginator(queryset, page_request.size)
    if page_request.number > paginator.num_pages:
        raise ValidationError(
            {
                PAGE: [
                    _("Page %(page)d is beyond the last page, %(last)d.")
                    % {"page": page_request.number, "last": paginator.num_pages}
                ]
            }
        )
    return paginator.page(page_request.number)


def describe(page: Page, request: Request) -> dict[str, Any]:
    """The response's ``pagination`` object; links keep every other query parameter."""
    url = request.build_absolute_uri()
    size = page.paginator.per_page

    def link(number: int) -> str:
        return replace_query_param(replace_query_param(url, PAGE_SIZE, size), PAGE, number)

    return {
        "count": page.paginator.count,
        "page": page.number,
        "page_size": size,
        "total_pages": page.paginator.num_pages,
        "next": link(page.number + 1) if page.has_next() else None,
        "previous": link(page.number - 1) if page.has_previous() else None,
    }

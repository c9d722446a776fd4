"""What the views pin whatever the host's DRF settings say: JSON only, and the error keys.

``docs/api.md`` ("What the app takes from your DRF settings and what it pins") lists every
setting; the views take authentication and throttling from the host and nothing else.
"""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings

# The key docs/api.md promises for errors that belong to no field, whatever the host configures.
NON_FIELD_ERRORS = "non_field_errors"


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """Always the view's first renderer (JSON), whatever ``Accept`` or ``?format=`` ask for.

    DRF negotiates before authentication, so ``?format=xml`` or ``Accept: text/html`` used to
    answer 404 or 406 ahead of 401 and 403. Request bodies are still matched against the
    parsers (a body that is not JSON is a 415).
    """

    def select_renderer(
        self,
        request: Request,
        renderers: list[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        renderer = renderers[0]
        return renderer, renderer.media_type


def pin_error_keys(detail: Any) -> Any:
    """``detail`` with the host's ``NON_FIELD_ERRORS_KEY`` renamed back to ``non_field_errors``.

    DRF's serializers write the host's key at every depth (a nested distribution included).
    """
    host_key = api_settings.NON_FIELD_ERRORS_KEY
    if host_key == NON_FIELD_ERRORS:
        return detail
    return _renamed(detail, host_key)


def _renamed(detail: Any, host_key: str) -> Any:
    if isinstance(detail, dict):
        return {
            (NON_FIELD_ERRORS if key == host_key else key): _renamed(value, host_key)
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return [_renamed(item, host_key) for item in detail]
    return detail

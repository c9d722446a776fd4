"""The response envelope and the exception handler that the app's own views use.

Success: ``{"success": true, "message": ..., "data": ...}``.
Error: ``{"success": false, "message": ..., "errors": {field: [messages]}}``.
The views carry the handler themselves, so hosts keep their global DRF settings.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .exceptions import PanelAPIError

INVALID_REQUEST_MESSAGE = _("Invalid request data")
CONFLICT_MESSAGE = _("The request conflicts with data that changed meanwhile; please retry.")
TOO_LARGE_MESSAGE = _("The request body is larger than the server accepts.")
TOO_DEEP_MESSAGE = _("JSON parse error - the document is nested too deeply.")


def success(message: Any, data: Any = None, status_code: int = status.HTTP_200_OK) -> Response:
    """A success envelope; ``data`` is left out when None (the delete response has none)."""
    body: dict[str, Any] = {"success": True, "message": str(message)}
    if data is not None:
        body["data"] = data
    return Response(body, status=status_code)


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status, headers, rollback), with the body rewritten into the envelope."""
    if isinstance(exc, IntegrityError):
        # A constraint the serializers could not foresee (a concurrent write won a race): the
        # transaction rolled back, nothing was stored, and the client may simply retry.
        set_rollback()
        message = str(CONFLICT_MESSAGE)
        body = {"success": False, "message": message, "errors": {"detail": [message]}}
        return Response(body, status=status.HTTP_409_CONFLICT)
    # Bodies Django or Python refuse outside DRF's own exceptions: 400s, not Django's HTML 400
    # page or a 500.
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(TOO_LARGE_MESSAGE)
    elif isinstance(exc, RecursionError) and _raised_by_a_parser(exc):
        exc = exceptions.ParseError(TOO_DEEP_MESSAGE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    message, errors = _describe(exc, response.data)
    response.data = {"success": False, "message": message, "errors": errors}
    return response


def _describe(exc: Exception, data: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(exc, PanelAPIError):
        return exc.message, exc.errors
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": _as_list(data)}
        return str(INVALID_REQUEST_MESSAGE), errors
    # Every other DRF error (401, 403, 404, 405, 406, 415, 429, parse errors) has one detail.
    detail = data.get("detail", data) if isinstance(data, dict) else data
    message = str(detail)
    return message, {"detail": [message]}


def _raised_by_a_parser(exc: BaseException) -> bool:
    # json.loads raises RecursionError on deep nesting; elsewhere it would be a bug, so a 500.
    traceback = exc.__traceback__
    while traceback is not None:
        if isinstance(traceback.tb_frame.f_locals.get("self"), BaseParser):
            return True
        traceback = traceback.tb_next
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]

"""The response envelope and the exception handler that the app's own views use.

Success: ``{"success": true, "message": ..., "data": ...}``.
Error: ``{"success": false, "message": ..., "errors": {field: [messages]}}``.
The views carry the handler themselves, so hosts keep their global DRF settings.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.signals import got_request_exception
from django.db import IntegrityError, OperationalError
from django.utils.log import log_response
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .exceptions import APIError
from .renderers import APIJSONRenderer

INVALID_REQUEST_MESSAGE = _("Invalid request data")
CONFLICT_MESSAGE = _("The request conflicts with data that changed meanwhile; please retry.")
TOO_LARGE_MESSAGE = _("The request body is larger than the server accepts.")
TOO_DEEP_MESSAGE = _("JSON parse error - the document is nested too deeply.")
BUSY_MESSAGE = _("The database is busy; please retry.")
SERVER_ERROR_MESSAGE = _("Internal server error")
# Seconds a client is asked to wait after a 503: lock waits end within the busy timeout.
RETRY_AFTER_SECONDS = 1

logger = logging.getLogger("django_interview_panels")

# PostgreSQL SQLSTATEs that mean "contention, try again": lock_not_available (lock_timeout, NOWAIT),
# serialization_failure, deadlock_detected. Anything else is not the client's to retry.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40001", "40P01"})
# SQLite's primary result codes for the same: SQLITE_BUSY (another connection holds the write
# lock beyond the busy timeout) and SQLITE_LOCKED (a conflict within a shared cache).
RETRYABLE_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
# MariaDB's and MySQL's error numbers for the same (mysqlclient): a lock wait that gave up
# (ER_LOCK_WAIT_TIMEOUT, also NOWAIT on MariaDB), a deadlock (ER_LOCK_DEADLOCK), a row changed
# since a snapshot read it (ER_CHECKREAD) and MySQL 8's NOWAIT (ER_LOCK_NOWAIT).
RETRYABLE_MYSQL_CODES = frozenset({1205, 1213, 1020, 3572})
UNIQUE_VIOLATION_SQLSTATE = "23505"
UNIQUE_SQLITE_CODES = frozenset(
    {sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY}
)
# ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME, ER_DUP_KEY.
UNIQUE_MYSQL_CODES = frozenset({1062, 1586, 1022})


def success(message: Any, data: Any = None, status_code: int = status.HTTP_200_OK) -> Response:
    """A success envelope; ``data`` is left out when None (the delete response has none)."""
    body: dict[str, Any] = {"success": True, "message": str(message)}
    if data is not None:
        body["data"] = data
    return Response(body, status=status_code)


def envelope_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (status, headers, rollback), with the body rewritten into the envelope.

    Database contention is a 503 with ``Retry-After``, a uniqueness race a 409, and anything else
    unexpected a 500 in the envelope, reported the way Django reports its own 500s.
    """
    if isinstance(exc, IntegrityError) and is_unique_violation(exc):
        # A concurrent write won a race on a unique constraint: the transaction rolled back,
        # nothing was stored, and the client may simply retry.
        set_rollback()
        return _error_response(CONFLICT_MESSAGE, status.HTTP_409_CONFLICT)
    if isinstance(exc, OperationalError) and is_retryable(exc):
        set_rollback()
        logger.warning("database busy, answered 503: %s", exc)
        response = _error_response(BUSY_MESSAGE, status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    # Bodies Django or Python refuse outside DRF's own exceptions: 400s, not Django's HTML 400
    # page or a 500.
    if isinstance(exc, RequestDataTooBig):
        exc = exceptions.ParseError(TOO_LARGE_MESSAGE)
    elif isinstance(exc, ObjectDoesNotExist):
        # A row the request found, then locked to change, was deleted by another meanwhile.
        exc = exceptions.NotFound()
    elif isinstance(exc, RecursionError) and _raised_by_a_parser(exc):
        exc = exceptions.ParseError(TOO_DEEP_MESSAGE)
    response = drf_exception_handler(exc, context)
    if response is None:
        return _server_error(exc, context)
    message, errors = _describe(exc, response.data)
    response.data = {"success": False, "message": message, "errors": errors}
    return response


def is_unique_violation(exc: IntegrityError) -> bool:
    """Whether the database refused a duplicate (the only integrity error a retry can cure)."""
    cause = exc.__cause__
    if _sqlstate(cause) == UNIQUE_VIOLATION_SQLSTATE or _mysql_code(cause) in UNIQUE_MYSQL_CODES:
        return True
    return getattr(cause, "sqlite_errorcode", None) in UNIQUE_SQLITE_CODES


def is_retryable(exc: OperationalError) -> bool:
    """Whether the database gave up on a lock or a serialization conflict (retry may succeed)."""
    cause = exc.__cause__
    if _sqlstate(cause) in RETRYABLE_SQLSTATES or _mysql_code(cause) in RETRYABLE_MYSQL_CODES:
        return True
    code = getattr(cause, "sqlite_errorcode", None)
    # Extended result codes carry the primary code in their low byte.
    return code is not None and code & 0xFF in RETRYABLE_SQLITE_CODES


def _sqlstate(cause: BaseException | None) -> str | None:
    """The SQLSTATE of a PostgreSQL driver error: ``sqlstate`` on psycopg 3, ``pgcode`` on
    psycopg2 (both supported by Django 5.2)."""
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def _mysql_code(cause: BaseException | None) -> int | None:
    """The error number of a MariaDB/MySQL driver error (mysqlclient: the first argument)."""
    if cause is None or not type(cause).__module__.startswith("MySQLdb"):
        return None
    code = cause.args[0] if cause.args else None
    return code if isinstance(code, int) else None


def _error_response(message: Any, status_code: int) -> Response:
    text = str(message)
    body = {"success": False, "message": text, "errors": {"detail": [text]}}
    return Response(body, status=status_code)


def _server_error(exc: Exception, context: dict[str, Any]) -> Response:
    """A 500 in the envelope that tells the client nothing, reported as Django reports a 500:
    ``got_request_exception`` and a ``django.request`` ERROR record with the traceback (which is
    what ``mail_admins`` and error trackers listen to), plus a line on the app's logger."""
    set_rollback()
    request = context.get("request")
    django_request = getattr(request, "_request", request)
    view = context.get("view")
    logger.error(
        "unexpected error in %s: %s",
        type(view).__name__ if view is not None else "a view",
        type(exc).__name__,
        exc_info=exc,
    )
    got_request_exception.send(sender=None, request=django_request)
    response = _error_response(SERVER_ERROR_MESSAGE, status.HTTP_500_INTERNAL_SERVER_ERROR)
    if django_request is not None:
        # Marks the response as logged, so Django's handler does not log it a second time.
        log_response(
            "%s: %s",
            "Internal Server Error",
            django_request.path,
            response=response,
            request=django_request,
            exception=exc,
        )
    return response


def ensure_renderable(data: Any) -> None:
    """Render ``data`` now: a value the renderer refuses then fails inside the write's
    transaction, which rolls back, instead of after its commit."""
    APIJSONRenderer().render(data)


def _describe(exc: Exception, data: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(exc, APIError):
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

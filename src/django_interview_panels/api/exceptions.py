"""Errors the app raises on purpose, each carrying the envelope's message and field errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException


class APIError(APIException):
    """An API error with a human message and ``errors`` keyed by request field name."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Invalid request data")

    def __init__(self, message: Any | None = None, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message or self.default_detail)
        self.message = str(message or self.default_detail)
        self.errors = errors if errors is not None else {"detail": [self.message]}


class RuleViolation(APIError):
    """The request is well formed but breaks a rule of the API (400)."""


class NotFoundError(APIError):
    """A referenced object does not exist, or is not visible to the caller's organization (404)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_detail = _("Not found")


class PanelNotFound(NotFoundError):
    """The interview panel does not exist for this caller; foreign and missing look the same."""

    default_detail = _("Interview panel not found")

    def __init__(self) -> None:
        message = str(self.default_detail)
        super().__init__(message, {"interview_panel_uuid": [message]})

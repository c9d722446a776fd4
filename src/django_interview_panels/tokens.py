"""Candidate access tokens."""

from __future__ import annotations

import secrets

from .conf import app_settings

# token_urlsafe(n) gives ceil(4n/3) characters: 24 bytes -> 32, 96 bytes -> 128 (the column).
MIN_TOKEN_BYTES = 24
MAX_TOKEN_BYTES = 96


def new_token() -> str:
    """A fresh candidate token: ``TOKEN_BYTES`` random bytes from ``secrets``, URL-safe base64."""
    return secrets.token_urlsafe(app_settings.TOKEN_BYTES)

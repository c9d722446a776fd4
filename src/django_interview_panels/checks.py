"""System checks that say what is wrong with the app's settings (``interview_panels.E0xx``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.utils.module_loading import import_string

from .conf import (
    CANDIDATE_MODEL_SETTING,
    DEFAULT_CANDIDATE_MODEL,
    DEFAULT_ORGANIZATION_MODEL,
    DEFAULTS,
    IMPORT_STRINGS,
    ORGANIZATION_MODEL_SETTING,
    SETTINGS_NAME,
)
from .tokens import MAX_TOKEN_BYTES, MIN_TOKEN_BYTES

_POSITIVE_INTS = (
    "TOKEN_BYTES",
    "MAX_CANDIDATES_PER_PANEL",
    "MAX_DISTRIBUTIONS_PER_PANEL",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
)


def _error(message: str, id_: str, hint: str | None = None) -> checks.Error:
    return checks.Error(message, hint=hint, id=f"interview_panels.{id_}")


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[checks.Error]:
    """Validate ``INTERVIEW_PANELS`` and the swappable-model settings."""
    user = getattr(settings, SETTINGS_NAME, {})
    if not isinstance(user, dict):
        return [_error(f"{SETTINGS_NAME} must be a dict, not {type(user).__name__}.", "E001")]

    errors: list[checks.Error] = []
    for key in sorted(set(user) - set(DEFAULTS)):
        errors.append(
            _error(
                f"{SETTINGS_NAME}[{key!r}] is not a setting of django-interview-panels.",
                "E002",
                hint=f"Known settings: {', '.join(sorted(DEFAULTS))}.",
            )
        )
    merged = {**DEFAULTS, **user}

    for key in sorted(IMPORT_STRINGS):
        errors.extend(_check_callable(key, merged[key]))

    roles = merged["MANAGER_ROLES"]
    if (
        isinstance(roles, str)
        or not isinstance(roles, list | tuple | set | frozenset)
        or not roles
        or not all(isinstance(role, str) and role for role in roles)
    ):
        errors.append(
            _error(
                f"{SETTINGS_NAME}['MANAGER_ROLES'] must be a non-empty list of role names.",
                "E004",
                hint="For example ('Admin', 'HR').",
            )
        )

    for key in (*_POSITIVE_INTS, "MAX_DESCRIPTION_LENGTH"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(_error(f"{SETTINGS_NAME}[{key!r}] must be a positive integer.", "E005"))
    token_bytes = merged["TOKEN_BYTES"]
    # Zero, negatives and non-integers are reported above.
    if (
        type(token_bytes) is int
        and token_bytes >= 1
        and not (MIN_TOKEN_BYTES <= token_bytes <= MAX_TOKEN_BYTES)
    ):
        errors.append(
            _error(
                f"{SETTINGS_NAME}['TOKEN_BYTES'] must be from {MIN_TOKEN_BYTES} to "
                f"{MAX_TOKEN_BYTES}: tokens need at least 32 URL-safe characters and fit in 128.",
                "E005",
            )
        )
    default_size, max_size = merged["DEFAULT_PAGE_SIZE"], merged["MAX_PAGE_SIZE"]
    # Non-integers are reported above; a default above the maximum could never be served.
    if type(default_size) is int and type(max_size) is int and default_size > max_size >= 1:
        errors.append(
            _error(
                f"{SETTINGS_NAME}['DEFAULT_PAGE_SIZE'] ({default_size}) must not exceed "
                f"{SETTINGS_NAME}['MAX_PAGE_SIZE'] ({max_size}).",
                "E010",
            )
        )

    errors.extend(_check_models(merged))
    return errors


def _check_callable(key: str, value: Any) -> list[checks.Error]:
    if callable(value):
        return []
    if not isinstance(value, str):
        return [_error(f"{SETTINGS_NAME}[{key!r}] must be a callable or its dotted path.", "E003")]
    try:
        imported = import_string(value)
    except ImportError as exc:
        return [_error(f"{SETTINGS_NAME}[{key!r}] = {value!r} cannot be imported: {exc}.", "E003")]
    if not callable(imported):
        return [_error(f"{SETTINGS_NAME}[{key!r}] = {value!r} is not callable.", "E003")]
    return []


def _configured_model(setting: str, default: str) -> tuple[Any | None, list[checks.Error]]:
    label = getattr(settings, setting, default)
    try:
        return apps.get_model(label), []
    except (LookupError, ValueError, TypeError):
        message = (
            f"{setting} refers to model {label!r}, which is not installed "
            "or is not of the form 'app_label.ModelName'."
        )
        return None, [_error(message, "E006")]


def _check_models(merged: dict[str, Any]) -> list[checks.Error]:
    organization, errors = _configured_model(ORGANIZATION_MODEL_SETTING, DEFAULT_ORGANIZATION_MODEL)
    candidate, candidate_errors = _configured_model(
        CANDIDATE_MODEL_SETTING, DEFAULT_CANDIDATE_MODEL
    )
    errors += candidate_errors
    if organization is None or candidate is None:
        return errors

    for model, key in (
        (organization, "ORGANIZATION_UUID_FIELD"),
        (candidate, "CANDIDATE_UUID_FIELD"),
        (candidate, "CANDIDATE_ORGANIZATION_FIELD"),
    ):
        name = merged[key]
        try:
            field = model._meta.get_field(name)
        except (FieldDoesNotExist, TypeError):
            message = f"{SETTINGS_NAME}[{key!r}] = {name!r}: {model._meta.label} has no such field."
            errors.append(_error(message, "E007"))
            continue
        if key == "CANDIDATE_ORGANIZATION_FIELD":
            if not field.many_to_one or field.related_model is not organization:
                message = (
                    f"{SETTINGS_NAME}['CANDIDATE_ORGANIZATION_FIELD'] = {name!r} must be a foreign "
                    f"key from {candidate._meta.label} to {organization._meta.label}."
                )
                errors.append(_error(message, "E008"))
        elif not field.unique:
            message = (
                f"{SETTINGS_NAME}[{key!r}] = {name!r}: {model._meta.label}.{name} must be unique, "
                "since the API looks records up by it."
            )
            errors.append(_error(message, "E009"))
    return errors

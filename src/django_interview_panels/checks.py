"""System checks that say what is wrong with the app's settings (``interview_panels.E0xx``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.utils.module_loading import import_string
from rest_framework.authentication import TokenAuthentication

from .api.throttling import READ_SCOPE, WRITE_SCOPE, APIRateThrottle
from .conf import (
    CANDIDATE_MODEL_SETTING,
    DEFAULT_CANDIDATE_MODEL,
    DEFAULT_ORGANIZATION_MODEL,
    DEFAULTS,
    IMPORT_STRINGS,
    ORGANIZATION_MODEL_SETTING,
    SETTINGS_NAME,
)
from .interviews.authentication import CANDIDATE_SCOPE, TOKEN_SCOPE
from .tokens import MAX_TOKEN_BYTES, MIN_TOKEN_BYTES

_POSITIVE_INTS = (
    "TOKEN_BYTES",
    "MAX_CANDIDATES_PER_PANEL",
    "MAX_DISTRIBUTIONS_PER_PANEL",
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "IMPORT_MAX_QUESTIONS",
    "IMPORT_MAX_BYTES",
)
# Positive integers that may also be None (switched off).
_OPTIONAL_POSITIVE_INTS = ("MAX_CANDIDATES_PER_PAGE",)
_THROTTLE_SCOPES = (READ_SCOPE, WRITE_SCOPE, TOKEN_SCOPE, CANDIDATE_SCOPE)


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
    # May be empty (managers review); a bare string would match its substrings as roles.
    reviewer_roles = merged["REVIEWER_ROLES"]
    if not isinstance(reviewer_roles, list | tuple | set | frozenset) or not all(
        isinstance(role, str) and role for role in reviewer_roles
    ):
        errors.append(
            _error(
                f"{SETTINGS_NAME}['REVIEWER_ROLES'] must be a list of role names (may be empty).",
                "E016",
                hint="For example ('Reviewer',).",
            )
        )

    for key in (*_POSITIVE_INTS, "MAX_DESCRIPTION_LENGTH"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors.append(_error(f"{SETTINGS_NAME}[{key!r}] must be a positive integer.", "E005"))
    for key in _OPTIONAL_POSITIVE_INTS:
        value = merged[key]
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            errors.append(
                _error(f"{SETTINGS_NAME}[{key!r}] must be a positive integer or None.", "E005")
            )
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

    errors.extend(_check_throttle_rates(merged["THROTTLE_RATES"]))
    errors.extend(_check_interview_settings(merged))
    errors.extend(_check_evaluator(merged["EVALUATOR"], merged["EVALUATOR_OPTIONS"]))
    errors.extend(_check_models(merged))
    errors.extend(_check_candidate_settings(merged))
    return errors


def _check_candidate_settings(merged: dict[str, Any]) -> list[checks.Error]:
    """Managing candidates (E021): ``ERASURE`` is a known mode; ``INVITATION_URL``, when set,
    holds ``{token}`` in its fragment (docs/candidates-access.md)."""
    errors = []
    erasure = merged["ERASURE"]
    if erasure not in ("deidentify", "delete"):
        message = f"{SETTINGS_NAME}['ERASURE'] must be 'deidentify' or 'delete', not {erasure!r}."
        errors.append(_error(message, "E021"))
    url = merged["INVITATION_URL"]
    if url in ("", None):
        return errors
    # As the sender (invitations.invitation_link) requires: '{token}' in the fragment, and
    # nowhere before '#' (a path or query string is sent to servers and logged).
    before, _hash, fragment = url.partition("#") if isinstance(url, str) else ("", "", "")
    if "{token}" not in fragment or "{token}" in before:
        message = (
            f"{SETTINGS_NAME}['INVITATION_URL'] must be a URL with '{{token}}' after '#' "
            f"(the fragment, which browsers never send to a server) and nowhere before it, "
            f"not {url!r}."
        )
        hint = "For example 'https://example.com/interview/#token={token}'."
        errors.append(_error(message, "E021", hint=hint))
    return errors


def _positive_int(value: Any) -> bool:
    return type(value) is int and value >= 1


def _check_interview_settings(merged: dict[str, Any]) -> list[checks.Error]:
    """The interview's numbers (E017): each would fail every start, save or evaluation."""
    errors = []
    for key in ("EVALUATION_ATTEMPTS", "MAX_ANSWER_LENGTH"):
        if not _positive_int(merged[key]):
            message = f"{SETTINGS_NAME}[{key!r}] must be a positive integer, not {merged[key]!r}."
            errors.append(_error(message, "E017"))
    share = merged["MAX_EXPOSURE_SHARE"]
    if share is not None and (
        isinstance(share, bool)
        or not isinstance(share, int | float | Decimal)
        or not math.isfinite(share)
        or not 0 < share <= 1
    ):
        message = (
            f"{SETTINGS_NAME}['MAX_EXPOSURE_SHARE'] must be a number above 0 and at most 1, "
            f"or None, not {share!r}."
        )
        hint = "For example 0.5: no question for more than half of a panel's candidates."
        errors.append(_error(message, "E017", hint=hint))
    return errors


def _check_evaluator(backend: Any, options: Any) -> list[checks.CheckMessage]:
    """``EVALUATOR`` names a ``BaseEvaluator`` subclass that can be built with
    ``EVALUATOR_OPTIONS`` (E017); then the evaluator's own ``check()`` speaks, as Django's cache
    and task backends' checks do."""
    from .interviews.evaluators import BaseEvaluator

    setting = f"{SETTINGS_NAME}['EVALUATOR']"
    if isinstance(backend, str):
        try:
            backend = import_string(backend)
        except ImportError as exc:
            return [_error(f"{setting} = {backend!r} cannot be imported: {exc}.", "E017")]
    if not isinstance(backend, type) or not issubclass(backend, BaseEvaluator):
        message = f"{setting} = {backend!r} is not a subclass of BaseEvaluator."
        hint = "A dotted path such as 'django_interview_panels.interviews.evaluators.keywords."
        hint += "KeywordEvaluator' (docs/evaluators.md)."
        return [_error(message, "E017", hint=hint)]
    if options is None:
        options = {}
    if not isinstance(options, dict) or not all(isinstance(key, str) for key in options):
        message = (
            f"{SETTINGS_NAME}['EVALUATOR_OPTIONS'] must be a dict of option names, "
            f"not {type(options).__name__}."
        )
        return [_error(message, "E017")]
    try:
        evaluator = backend(**options)
    except Exception as exc:  # a host's evaluator may refuse its options any way it likes
        message = (
            f"{setting} ({backend.__module__}.{backend.__qualname__}) cannot be built with "
            f"{SETTINGS_NAME}['EVALUATOR_OPTIONS']: {type(exc).__name__}: {exc}"
        )
        return [_error(message, "E017")]
    return list(evaluator.check())


def _check_throttle_rates(rates: Any) -> list[checks.Error]:
    """``THROTTLE_RATES`` maps the app's scopes to None or a rate the throttle can parse (E015):
    anything else would fail every request of the scope, or never be read."""
    setting = f"{SETTINGS_NAME}['THROTTLE_RATES']"
    if not isinstance(rates, dict):
        hint = f'For example {{"{READ_SCOPE}": "120/minute", "{WRITE_SCOPE}": "30/minute"}}.'
        message = f"{setting} must be a dict of throttle scopes, not {type(rates).__name__}."
        return [_error(message, "E015", hint=hint)]
    errors = []
    for scope in sorted(rates, key=repr):
        if scope not in _THROTTLE_SCOPES:
            message = f"{setting} has the key {scope!r}, which is not a throttle scope of the app."
            hint = f"The scopes are {', '.join(map(repr, _THROTTLE_SCOPES))}."
            errors.append(_error(message, "E015", hint=hint))
            continue
        rate = rates[scope]
        if rate is None:
            continue
        try:
            num_requests, _duration = APIRateThrottle().parse_rate(rate)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            num_requests = None
        if type(num_requests) is not int or num_requests < 1:
            message = f"{setting}[{scope!r}] = {rate!r} is not a throttle rate or None."
            hint = (
                'A positive number of requests per "second", "minute", "hour" or "day", '
                'such as "120/minute".'
            )
            errors.append(_error(message, "E015", hint=hint))
    return errors


# Default resolvers and the candidate attribute each reads (E011).
_DEFAULT_CANDIDATE_READERS = {"CANDIDATE_NAME": "name", "CANDIDATE_EMAIL": "email"}
AUTHTOKEN_APP = "rest_framework.authtoken"
AUTHENTICATION_SETTING = "DEFAULT_AUTHENTICATION_CLASSES"
# DRF's own default when the host sets none.
DRF_DEFAULT_AUTHENTICATION = (
    "rest_framework.authentication.SessionAuthentication",
    "rest_framework.authentication.BasicAuthentication",
)


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
    errors.extend(_check_candidate_readers(merged, candidate))
    errors.extend(_check_search_fields(merged["CANDIDATE_SEARCH_FIELDS"], candidate))
    return errors


def _check_search_fields(configured: Any, candidate: Any) -> list[checks.Error]:
    """``CANDIDATE_SEARCH_FIELDS`` (E022): a list of text fields of the candidate model. The
    candidate list's ``search`` leaves any other entry out; the check says so at startup."""
    from .candidates.reads import search_fields

    key = f"{SETTINGS_NAME}['CANDIDATE_SEARCH_FIELDS']"
    if isinstance(configured, str) or not isinstance(configured, list | tuple | set | frozenset):
        return [_error(f"{key} must be a list or tuple of field names.", "E022")]
    usable = set(search_fields(candidate))
    return [
        _error(
            f"{key}: {name!r} is not a text field of {candidate._meta.label}; "
            "search leaves it out.",
            "E022",
            hint="Name CharField or TextField columns only, such as the name and email.",
        )
        for name in configured
        if name not in usable
    ]


def _check_candidate_readers(merged: dict[str, Any], candidate: Any) -> list[checks.Error]:
    """The default name and email resolvers read ``candidate.name`` / ``.email``: a swapped
    candidate model without them would fail every read that shows a candidate."""
    errors = []
    for key, attribute in _DEFAULT_CANDIDATE_READERS.items():
        value, default = merged[key], DEFAULTS[key]
        is_default = value == default if isinstance(value, str) else value is import_string(default)
        if not is_default:
            continue
        if hasattr(candidate, attribute):
            continue
        message = (
            f"{candidate._meta.label} has no {attribute!r}, which the default "
            f"{SETTINGS_NAME}[{key!r}] reads."
        )
        hint = f"Set {SETTINGS_NAME}[{key!r}] to a callable(candidate) -> str."
        errors.append(_error(message, "E011", hint=hint))
    return errors


@checks.register(checks.Tags.compatibility)
def check_authentication(
    app_configs: Iterable[Any] | None = None, **kwargs: Any
) -> list[checks.Error]:
    """The app's views authenticate with the host's DRF authentication classes: each must import,
    and token authentication needs DRF's token model installed."""
    configured = getattr(settings, "REST_FRAMEWORK", {}) or {}
    paths = configured.get(AUTHENTICATION_SETTING, DRF_DEFAULT_AUTHENTICATION)
    if isinstance(paths, str) or not isinstance(paths, list | tuple):
        return []  # DRF's own settings validation reports that shape
    errors: list[checks.Error] = []
    for path in paths:
        try:
            authentication = import_string(path) if isinstance(path, str) else path
        except ImportError as exc:
            message = (
                f"REST_FRAMEWORK[{AUTHENTICATION_SETTING!r}] entry {path!r} cannot be imported "
                f"({exc}): every request to the interview panel API would fail."
            )
            errors.append(_error(message, "E012"))
            continue
        if (
            isinstance(authentication, type)
            and issubclass(authentication, TokenAuthentication)
            and authentication.model is None
            and not apps.is_installed(AUTHTOKEN_APP)
        ):
            message = (
                f"REST_FRAMEWORK[{AUTHENTICATION_SETTING!r}] uses {authentication.__name__}, "
                f"which needs {AUTHTOKEN_APP!r} in INSTALLED_APPS: every request to the interview "
                "panel API would fail."
            )
            hint = f"Add {AUTHTOKEN_APP!r} to INSTALLED_APPS and run migrate."
            errors.append(_error(message, "E013", hint=hint))
    return errors


@checks.register(checks.Tags.database)
def check_database_relations(
    app_configs: Iterable[Any] | None = None,
    databases: Iterable[str] | None = None,
    **kwargs: Any,
) -> list[checks.Error]:
    """Each foreign key of the app's tables must reference the table its model points at now.

    A swappable model (organization, candidate, user) changed after the first ``migrate`` leaves
    the database's keys on the old tables, and every write would violate them. Runs with
    ``check --database <alias>`` and ``migrate``.
    """
    errors: list[checks.Error] = []
    app_models = list(apps.get_app_config("interview_panels").get_models())
    for alias in databases or ():
        connection = connections[alias]
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            for model in app_models:
                table = model._meta.db_table
                if model._meta.swapped or not model._meta.managed or table not in tables:
                    continue  # not created (yet): migrate creates it as the model says
                relations = connection.introspection.get_relations(cursor, table)
                errors.extend(_stale_foreign_keys(alias, model, relations))
    return errors


def _stale_foreign_keys(
    alias: str, model: type[models.Model], relations: dict[str, tuple[str, str]]
) -> list[checks.Error]:
    errors = []
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or isinstance(field.related_model, str):
            continue  # unresolved relations are reported by Django's field checks
        if field.column not in relations:
            continue  # no constraint in the database (db_constraint=False): nothing to violate
        # (column, table) up to Django 6.0; 6.1 appends the ON DELETE action.
        database_table = relations[field.column][1]
        expected_table = field.related_model._meta.db_table
        if database_table.lower() == expected_table.lower():
            continue
        message = (
            f"In database {alias!r}, {model._meta.db_table}.{field.column} references table "
            f"{database_table!r}, but {model._meta.label}.{field.name} points at "
            f"{field.related_model._meta.label} (table {expected_table!r}): every write of "
            f"{model._meta.label} would fail."
        )
        hint = (
            "A swappable model setting (INTERVIEW_PANELS_ORGANIZATION_MODEL, "
            "INTERVIEW_PANELS_CANDIDATE_MODEL, AUTH_USER_MODEL) changed after the first migrate. "
            "Restore it, or recreate the app's tables (docs/swapping.md)."
        )
        errors.append(_error(message, "E014", hint=hint))
    return errors

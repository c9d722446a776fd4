"""The app's settings: one object, read lazily from ``settings.INTERVIEW_PANELS``.

Two settings live outside the dict because Django's swappable-model machinery reads them by name,
the same way it reads ``AUTH_USER_MODEL``:

- ``INTERVIEW_PANELS_ORGANIZATION_MODEL`` (default ``"interview_panels.Organization"``)
- ``INTERVIEW_PANELS_CANDIDATE_MODEL`` (default ``"interview_panels.Candidate"``)

Both must be chosen before the first ``migrate``, like ``AUTH_USER_MODEL``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

SETTINGS_NAME = "INTERVIEW_PANELS"
ORGANIZATION_MODEL_SETTING = "INTERVIEW_PANELS_ORGANIZATION_MODEL"
CANDIDATE_MODEL_SETTING = "INTERVIEW_PANELS_CANDIDATE_MODEL"
DEFAULT_ORGANIZATION_MODEL = "interview_panels.Organization"
DEFAULT_CANDIDATE_MODEL = "interview_panels.Candidate"

# Give the two swappable settings their defaults on django.conf.settings itself, as Django's
# global settings do for AUTH_USER_MODEL: migrations (ours and any host model pointing at ours)
# then read `settings.INTERVIEW_PANELS_ORGANIZATION_MODEL` without the host having to set it.
for _name, _default in (
    (ORGANIZATION_MODEL_SETTING, DEFAULT_ORGANIZATION_MODEL),
    (CANDIDATE_MODEL_SETTING, DEFAULT_CANDIDATE_MODEL),
):
    if not hasattr(settings, _name):
        setattr(settings, _name, _default)

# Read once at import, like Django caches swappable settings: swapping is a deploy-time choice.
ORGANIZATION_MODEL: str = getattr(settings, ORGANIZATION_MODEL_SETTING)
CANDIDATE_MODEL: str = getattr(settings, CANDIDATE_MODEL_SETTING)

DEFAULTS: dict[str, Any] = {
    # Callable(user) -> organization instance or None. The default reads the user's Membership.
    "ORGANIZATION_RESOLVER": "django_interview_panels.resolvers.organization_from_membership",
    # Callable(user) -> role name (str) or None. The default reads the user's Membership.
    "ROLE_RESOLVER": "django_interview_panels.resolvers.role_from_membership",
    # Role names allowed to create, update and delete panels.
    "MANAGER_ROLES": ("Admin", "HR"),
    # Callable(candidate) -> display name shown as `candidate_name`.
    "CANDIDATE_NAME": "django_interview_panels.resolvers.candidate_name",
    # Callable(candidate) -> email shown as `candidate_email`.
    "CANDIDATE_EMAIL": "django_interview_panels.resolvers.candidate_email",
    # Field of the candidate model that holds its public UUID (`candidate_uuid`, `candidate_uuids`).
    "CANDIDATE_UUID_FIELD": "uuid",
    # Field of the candidate model pointing at its organization (scopes `candidate_uuids`).
    "CANDIDATE_ORGANIZATION_FIELD": "organization",
    # Field of the organization model that holds its public UUID (the `organization` value).
    "ORGANIZATION_UUID_FIELD": "uuid",
    # Fields of the candidate model the candidates list's `search` looks in: the ones holding what
    # CANDIDATE_NAME and CANDIDATE_EMAIL show, never any other column (a password, a secret, notes:
    # the match count would leak them). Entries that are not text fields of the model are ignored.
    "CANDIDATE_SEARCH_FIELDS": ("name", "email"),
    # Bytes of randomness in a candidate token; secrets.token_urlsafe gives ~1.3 chars per byte.
    "TOKEN_BYTES": 32,
    # Most candidates one create request may assign.
    "MAX_CANDIDATES_PER_PANEL": 1000,
    # Most question distributions one create request may carry.
    "MAX_DISTRIBUTIONS_PER_PANEL": 100,
    # Most questions one import (file upload or import_questions) may hold; the benchmark's size.
    "IMPORT_MAX_QUESTIONS": 10000,
    # Largest import file accepted, in bytes: 10,000 questions take about 12 MB as Moodle XML.
    "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
    # Longest answer a candidate may save, in characters (open and short-answer questions).
    "MAX_ANSWER_LENGTH": 20000,
    # Largest share (0..1] of a panel's candidates that should be given one question: the draws
    # keep it whenever the pool is large enough; results report it (docs/interviews.md).
    "MAX_EXPOSURE_SHARE": 0.5,
    # Dotted path of the evaluator class that scores open answers (docs/evaluators.md); the
    # default is offline and deterministic: expected keywords and red flags.
    "EVALUATOR": "django_interview_panels.interviews.evaluators.keywords.KeywordEvaluator",
    # Keyword arguments for the evaluator class (e.g. BASE_URL, MODEL and API_KEY).
    "EVALUATOR_OPTIONS": {},
    # Times the evaluator is asked about one answer before it is left for a reviewer.
    "EVALUATION_ATTEMPTS": 3,
    # Role names that may review answers and read results, besides MANAGER_ROLES.
    "REVIEWER_ROLES": (),
    # Longest accepted panel description, in characters.
    "MAX_DESCRIPTION_LENGTH": 10000,
    # Panels per page of the list when the request has no `page_size`.
    "DEFAULT_PAGE_SIZE": 50,
    # Largest `page_size` the list serves; a larger one is lowered to it.
    "MAX_PAGE_SIZE": 200,
    # Most candidate assignments one list page may hold (None: no budget). The page size is
    # lowered until the largest matching panel times the size fits, bounding a request's time
    # and memory whatever the caps let panels hold.
    "MAX_CANDIDATES_PER_PAGE": 10000,
    # What erasing a candidate from a panel does (docs/candidates-access.md): "deidentify" keeps
    # the answers and scores without the candidate; "delete" deletes the assignment with them.
    "ERASURE": "deidentify",
    # The link in the invitation email ("{token}" after "#", never in the path or query string),
    # e.g. "https://example.com/interview/#token={token}"; only the optional sender reads it.
    "INVITATION_URL": "",
    # DRF throttle rates per scope, used when the host's DEFAULT_THROTTLE_RATES lacks the scope
    # (a host value, None included, wins). Reads are GET, HEAD and OPTIONS; writes every other
    # method. Every request under the app's mount counts, whatever its path. A host's dict is
    # merged over these per scope: a scope it leaves out keeps its default, None switches one off.
    "THROTTLE_RATES": {
        "interview_panels_read": "120/minute",
        "interview_panels_write": "30/minute",
        # Refused candidate tokens per client address; past it every token attempt from that
        # address is refused until the window passes (a valid token too: no oracle).
        "interview_panels_token": "20/minute",
        # Requests per candidate token (autosave included).
        "interview_panels_candidate": "240/minute",
    },
}

# Keys whose dict values are merged over the default dict, entry by entry: a host that sets one
# throttle rate does not switch the others off by leaving them out.
MERGED_DICTS = frozenset({"THROTTLE_RATES"})

# Keys whose values are dotted paths, imported on first access.
IMPORT_STRINGS = frozenset(
    {"ORGANIZATION_RESOLVER", "ROLE_RESOLVER", "CANDIDATE_NAME", "CANDIDATE_EMAIL"}
)


class AppSettings:
    """Attribute access to ``settings.INTERVIEW_PANELS`` merged over ``DEFAULTS``."""

    def __init__(self) -> None:
        self._cached: dict[str, Any] = {}

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, SETTINGS_NAME, None)
        return value if isinstance(value, dict) else {}

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Invalid {SETTINGS_NAME} setting: {name!r}")
        if name in self._cached:
            return self._cached[name]
        value = self.user_settings.get(name, DEFAULTS[name])
        if name in MERGED_DICTS and isinstance(value, dict):
            value = {**DEFAULTS[name], **value}
        if name in IMPORT_STRINGS and isinstance(value, str):
            value = import_string(value)
        self._cached[name] = value
        return value

    def reload(self) -> None:
        self._cached.clear()


app_settings = AppSettings()


def _reload_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTINGS_NAME:
        app_settings.reload()


setting_changed.connect(_reload_settings)

"""The settings object: defaults, overrides, import strings and the configured models."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils.module_loading import import_string

from django_interview_panels import conf
from django_interview_panels.conf import DEFAULTS, IMPORT_STRINGS, app_settings
from django_interview_panels.models import (
    Candidate,
    Organization,
    get_candidate_model,
    get_organization_model,
)
from tests.factories import SWAPPED
from tests.hostapp import resolvers as host_resolvers


def _expected(key: str) -> Any:
    value = DEFAULTS[key]
    return import_string(value) if key in IMPORT_STRINGS else value


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_key_has_its_default_when_the_setting_is_empty(settings: Any, key: str) -> None:
    settings.INTERVIEW_PANELS = {}

    assert getattr(app_settings, key) == _expected(key)


def test_defaults_are_the_documented_values() -> None:
    assert DEFAULTS == {
        "ORGANIZATION_RESOLVER": "django_interview_panels.resolvers.organization_from_membership",
        "ROLE_RESOLVER": "django_interview_panels.resolvers.role_from_membership",
        "MANAGER_ROLES": ("Admin", "HR"),
        "CANDIDATE_NAME": "django_interview_panels.resolvers.candidate_name",
        "CANDIDATE_EMAIL": "django_interview_panels.resolvers.candidate_email",
        "CANDIDATE_UUID_FIELD": "uuid",
        "CANDIDATE_ORGANIZATION_FIELD": "organization",
        "ORGANIZATION_UUID_FIELD": "uuid",
        "CANDIDATE_SEARCH_FIELDS": ("name", "email"),
        "TOKEN_BYTES": 32,
        "MAX_CANDIDATES_PER_PANEL": 1000,
        "MAX_DISTRIBUTIONS_PER_PANEL": 100,
        "IMPORT_MAX_QUESTIONS": 10000,
        "IMPORT_MAX_BYTES": 20 * 1024 * 1024,
        "MAX_ANSWER_LENGTH": 20000,
        "MAX_EXPOSURE_SHARE": 0.5,
        "EVALUATOR": "django_interview_panels.interviews.evaluators.keywords.KeywordEvaluator",
        "EVALUATOR_OPTIONS": {},
        "EVALUATION_ATTEMPTS": 3,
        "REVIEWER_ROLES": (),
        "MAX_DESCRIPTION_LENGTH": 10000,
        "DEFAULT_PAGE_SIZE": 50,
        "MAX_PAGE_SIZE": 200,
        "MAX_CANDIDATES_PER_PAGE": 10000,
        "ERASURE": "deidentify",
        "INVITATION_URL": "",
        "THROTTLE_RATES": {
            "interview_panels_read": "120/minute",
            "interview_panels_write": "30/minute",
            "interview_panels_token": "20/minute",
            "interview_panels_candidate": "240/minute",
        },
    }


def test_a_setting_that_is_not_a_dict_falls_back_to_the_defaults(settings: Any) -> None:
    settings.INTERVIEW_PANELS = ["TOKEN_BYTES", 48]

    assert DEFAULTS["TOKEN_BYTES"] == app_settings.TOKEN_BYTES


def test_an_override_is_seen_immediately_after_a_cached_read(settings: Any) -> None:
    settings.INTERVIEW_PANELS = {}
    assert app_settings.TOKEN_BYTES == 32  # now cached

    settings.INTERVIEW_PANELS = {"TOKEN_BYTES": 48}

    assert app_settings.TOKEN_BYTES == 48


def test_an_override_leaves_the_other_keys_at_their_defaults(settings: Any) -> None:
    settings.INTERVIEW_PANELS = {"MANAGER_ROLES": ("Owner",)}

    assert app_settings.MANAGER_ROLES == ("Owner",)
    assert DEFAULTS["MAX_CANDIDATES_PER_PANEL"] == app_settings.MAX_CANDIDATES_PER_PANEL


def test_an_import_string_resolves_to_the_callable(settings: Any) -> None:
    settings.INTERVIEW_PANELS = {"CANDIDATE_NAME": "tests.hostapp.resolvers.candidate_name"}

    assert app_settings.CANDIDATE_NAME is host_resolvers.candidate_name


def test_a_callable_is_used_as_given(settings: Any) -> None:
    def resolver(user: Any) -> str:
        return "HR"

    settings.INTERVIEW_PANELS = {"ROLE_RESOLVER": resolver}

    assert app_settings.ROLE_RESOLVER is resolver


@pytest.mark.parametrize("key", sorted(IMPORT_STRINGS))
def test_every_import_string_default_resolves_to_a_callable(settings: Any, key: str) -> None:
    settings.INTERVIEW_PANELS = {}

    assert callable(getattr(app_settings, key))


def test_an_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NOT_A_SETTING"):
        _ = app_settings.NOT_A_SETTING


def test_the_organization_model_is_the_configured_one() -> None:
    model = get_organization_model()

    assert model._meta.label_lower == django_settings.INTERVIEW_PANELS_ORGANIZATION_MODEL.lower()


def test_the_candidate_model_is_the_configured_one() -> None:
    model = get_candidate_model()

    assert model._meta.label_lower == django_settings.INTERVIEW_PANELS_CANDIDATE_MODEL.lower()


def test_the_default_organization_is_swapped_out_exactly_when_another_is_configured() -> None:
    assert bool(Organization._meta.swapped) is (get_organization_model() is not Organization)


def test_the_default_candidate_is_swapped_out_exactly_when_another_is_configured() -> None:
    assert bool(Candidate._meta.swapped) is (get_candidate_model() is not Candidate)


@pytest.mark.skipif(SWAPPED, reason="the swapped configuration sets both models explicitly")
def test_the_swappable_settings_get_their_defaults_on_django_settings() -> None:
    # tests/settings.py sets neither: conf.py does, like Django does for AUTH_USER_MODEL.
    assert django_settings.INTERVIEW_PANELS_ORGANIZATION_MODEL == conf.DEFAULT_ORGANIZATION_MODEL
    assert django_settings.INTERVIEW_PANELS_CANDIDATE_MODEL == conf.DEFAULT_CANDIDATE_MODEL


@pytest.mark.skipif(not SWAPPED, reason="only the swapped configuration replaces the models")
def test_the_host_models_replace_the_default_ones() -> None:
    assert (get_organization_model()._meta.label, get_candidate_model()._meta.label) == (
        "hostapp.Organization",
        "hostapp.Candidate",
    )


def test_the_documented_defaults_are_the_defaults() -> None:
    """docs/settings.md shows every key with its default, as a host would copy it."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "settings.md").read_text("utf-8")
    block = text.split("```python\nINTERVIEW_PANELS = ", 1)[1].split("\n```", 1)[0]

    assert ast.literal_eval(block) == DEFAULTS


def test_throttle_rates_are_merged_per_scope(settings: Any) -> None:
    settings.INTERVIEW_PANELS = {"THROTTLE_RATES": {"interview_panels_read": None}}

    assert {
        **DEFAULTS["THROTTLE_RATES"],
        "interview_panels_read": None,
    } == app_settings.THROTTLE_RATES
    assert DEFAULTS["THROTTLE_RATES"]["interview_panels_read"] == "120/minute"

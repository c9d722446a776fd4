"""System checks: each bad setting gives its own error id, and the message names the key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import checks as django_checks
from django.core.checks.registry import registry
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models

from django_interview_panels import checks
from django_interview_panels.checks import _configured_model, check_settings
from django_interview_panels.interviews.evaluators import BaseEvaluator
from django_interview_panels.interviews.evaluators.keywords import normalized_words
from django_interview_panels.models import get_candidate_model, get_organization_model
from tests.factories import SWAPPED


def configure(settings: Any, **overrides: Any) -> None:
    """Override some keys on top of this configuration's INTERVIEW_PANELS (the swapped one has
    its own field names, which must stay in place)."""
    settings.INTERVIEW_PANELS = {**getattr(settings, "INTERVIEW_PANELS", {}), **overrides}


def ids(errors: list[Any]) -> list[str]:
    return [error.id for error in errors]


def non_unique_char_field(model: type[models.Model]) -> str:
    """A plain text field of ``model`` (``name`` / ``title`` / ``first_name``)."""
    return next(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and not field.unique
    )


def test_the_configured_settings_pass() -> None:
    assert check_settings() == []


@pytest.mark.skipif(SWAPPED, reason="the host models need their field names configured")
def test_empty_settings_pass_in_the_default_configuration(settings: Any) -> None:
    settings.INTERVIEW_PANELS = {}

    assert check_settings() == []


def test_the_check_is_registered_with_django() -> None:
    assert check_settings in registry.get_checks()


def test_a_setting_that_is_not_a_dict_is_e001(settings: Any) -> None:
    settings.INTERVIEW_PANELS = [("TOKEN_BYTES", 32)]

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E001"]
    assert "INTERVIEW_PANELS" in errors[0].msg


def test_an_unknown_key_is_e002(settings: Any) -> None:
    configure(settings, TOKEN_LENGTH=32)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E002"]
    assert "'TOKEN_LENGTH'" in errors[0].msg


def test_each_unknown_key_is_reported(settings: Any) -> None:
    configure(settings, ONE=1, TWO=2)

    assert ids(check_settings()) == ["interview_panels.E002", "interview_panels.E002"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ORGANIZATION_RESOLVER", "no_such_module.resolve"),
        ("ROLE_RESOLVER", "django_interview_panels.resolvers.no_such_function"),
        ("CANDIDATE_NAME", "not a dotted path"),
        ("CANDIDATE_EMAIL", "django_interview_panels.conf.DEFAULTS"),
        ("ROLE_RESOLVER", 42),
        ("ORGANIZATION_RESOLVER", None),
    ],
    ids=["missing-module", "missing-attribute", "not-dotted", "not-callable", "int", "none"],
)
def test_a_resolver_that_is_not_a_callable_is_e003(settings: Any, key: str, value: Any) -> None:
    configure(settings, **{key: value})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E003"]
    assert f"'{key}'" in errors[0].msg


def test_a_callable_resolver_passes(settings: Any) -> None:
    configure(settings, ROLE_RESOLVER=lambda user: "HR")

    assert check_settings() == []


@pytest.mark.parametrize(
    "value",
    [(), [], "Admin", ("Admin", 1), ("Admin", ""), None, {"Admin": True}],
    ids=["empty-tuple", "empty-list", "bare-string", "non-string", "empty-name", "none", "dict"],
)
def test_bad_manager_roles_are_e004(settings: Any, value: Any) -> None:
    configure(settings, MANAGER_ROLES=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E004"]
    assert "'MANAGER_ROLES'" in errors[0].msg


@pytest.mark.parametrize("value", [["Owner"], ("Admin",), {"Admin", "HR"}, frozenset({"HR"})])
def test_manager_roles_as_any_collection_of_names_pass(settings: Any, value: Any) -> None:
    configure(settings, MANAGER_ROLES=value)

    assert check_settings() == []


@pytest.mark.parametrize(
    "value",
    ["Reviewer", ("Reviewer", 1), ("Reviewer", ""), None, {"Reviewer": True}, 3],
    ids=["bare-string", "non-string", "empty-name", "none", "dict", "int"],
)
def test_bad_reviewer_roles_are_e016(settings: Any, value: Any) -> None:
    configure(settings, REVIEWER_ROLES=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E016"]
    assert "'REVIEWER_ROLES'" in errors[0].msg


@pytest.mark.parametrize("value", [(), [], ["Reviewer"], ("Reviewer", "Lead"), {"Reviewer"}])
def test_reviewer_roles_as_any_collection_of_names_pass_even_empty(
    settings: Any, value: Any
) -> None:
    configure(settings, REVIEWER_ROLES=value)

    assert check_settings() == []


@pytest.mark.parametrize(
    "key",
    [
        "TOKEN_BYTES",
        "MAX_CANDIDATES_PER_PANEL",
        "MAX_DISTRIBUTIONS_PER_PANEL",
        "MAX_DESCRIPTION_LENGTH",
        "DEFAULT_PAGE_SIZE",
        "MAX_PAGE_SIZE",
        "IMPORT_MAX_QUESTIONS",
        "IMPORT_MAX_BYTES",
    ],
)
@pytest.mark.parametrize("value", [0, -1, "100", 10.5, True, None])
def test_a_size_that_is_not_a_positive_integer_is_e005(settings: Any, key: str, value: Any) -> None:
    configure(settings, **{key: value})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E005"]
    assert f"'{key}'" in errors[0].msg


@pytest.mark.parametrize("value", [1, 16, 23])
def test_token_bytes_below_24_is_e005(settings: Any, value: int) -> None:
    configure(settings, TOKEN_BYTES=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E005"]
    assert "'TOKEN_BYTES'" in errors[0].msg
    assert "24" in errors[0].msg


@pytest.mark.parametrize("value", [97, 1000])
def test_token_bytes_above_96_is_e005(settings: Any, value: int) -> None:
    configure(settings, TOKEN_BYTES=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E005"]
    assert "96" in errors[0].msg


@pytest.mark.parametrize("value", [24, 96])
def test_token_bytes_at_the_bounds_pass(settings: Any, value: int) -> None:
    configure(settings, TOKEN_BYTES=value)

    assert check_settings() == []


def test_a_model_setting_naming_no_installed_model_is_e006(settings: Any) -> None:
    # An unrelated setting stands in for the swappable ones, which must never be toggled in tests.
    settings.INTERVIEW_PANELS_TEST_MODEL = "no_such_app.Organization"

    model, errors = _configured_model("INTERVIEW_PANELS_TEST_MODEL", "interview_panels.Category")

    assert model is None
    assert ids(errors) == ["interview_panels.E006"]
    assert "INTERVIEW_PANELS_TEST_MODEL" in errors[0].msg


def test_a_model_setting_that_is_not_an_app_label_and_model_name_is_e006(settings: Any) -> None:
    settings.INTERVIEW_PANELS_TEST_MODEL = "Organization"

    model, errors = _configured_model("INTERVIEW_PANELS_TEST_MODEL", "interview_panels.Category")

    assert model is None
    assert ids(errors) == ["interview_panels.E006"]


def test_a_model_setting_naming_an_installed_model_passes(settings: Any) -> None:
    settings.INTERVIEW_PANELS_TEST_MODEL = "interview_panels.Category"

    model, errors = _configured_model("INTERVIEW_PANELS_TEST_MODEL", "no_such_app.Nothing")

    assert (model._meta.label, errors) == ("interview_panels.Category", [])


def test_check_settings_reports_e006_for_the_organization_model_setting(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Point the check at a stand-in setting name instead of overriding the swappable setting.
    monkeypatch.setattr(checks, "ORGANIZATION_MODEL_SETTING", "INTERVIEW_PANELS_TEST_MODEL")
    settings.INTERVIEW_PANELS_TEST_MODEL = "no_such_app.Organization"

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E006"]
    assert "INTERVIEW_PANELS_TEST_MODEL" in errors[0].msg


@pytest.mark.parametrize(
    "key", ["ORGANIZATION_UUID_FIELD", "CANDIDATE_UUID_FIELD", "CANDIDATE_ORGANIZATION_FIELD"]
)
def test_a_field_the_model_does_not_have_is_e007(settings: Any, key: str) -> None:
    configure(settings, **{key: "no_such_field"})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E007"]
    assert f"'{key}'" in errors[0].msg
    assert "'no_such_field'" in errors[0].msg


def test_a_candidate_organization_field_that_is_not_a_foreign_key_is_e008(settings: Any) -> None:
    configure(settings, CANDIDATE_ORGANIZATION_FIELD=non_unique_char_field(get_candidate_model()))

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E008"]
    assert "'CANDIDATE_ORGANIZATION_FIELD'" in errors[0].msg


def test_a_candidate_organization_field_that_is_the_primary_key_is_e008(settings: Any) -> None:
    configure(settings, CANDIDATE_ORGANIZATION_FIELD=get_candidate_model()._meta.pk.name)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E008"]


def test_a_non_unique_candidate_uuid_field_is_e009(settings: Any) -> None:
    configure(settings, CANDIDATE_UUID_FIELD=non_unique_char_field(get_candidate_model()))

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E009"]
    assert "'CANDIDATE_UUID_FIELD'" in errors[0].msg


def test_a_non_unique_organization_uuid_field_is_e009(settings: Any) -> None:
    configure(settings, ORGANIZATION_UUID_FIELD=non_unique_char_field(get_organization_model()))

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E009"]
    assert "'ORGANIZATION_UUID_FIELD'" in errors[0].msg


def test_several_problems_are_reported_together(settings: Any) -> None:
    configure(settings, UNKNOWN=1, MANAGER_ROLES=(), TOKEN_BYTES=0)

    assert sorted(ids(check_settings())) == [
        "interview_panels.E002",
        "interview_panels.E004",
        "interview_panels.E005",
    ]


def test_a_default_page_size_above_the_maximum_is_e010(settings: Any) -> None:
    configure(settings, DEFAULT_PAGE_SIZE=201, MAX_PAGE_SIZE=200)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E010"]
    assert "'DEFAULT_PAGE_SIZE'" in errors[0].msg
    assert "'MAX_PAGE_SIZE'" in errors[0].msg


def test_a_default_page_size_equal_to_the_maximum_passes(settings: Any) -> None:
    configure(settings, DEFAULT_PAGE_SIZE=200, MAX_PAGE_SIZE=200)

    assert check_settings() == []


@pytest.mark.parametrize("value", [0, -1, "10000", 10.5, True])
def test_a_candidate_budget_that_is_not_a_positive_integer_is_e005(
    settings: Any, value: Any
) -> None:
    configure(settings, MAX_CANDIDATES_PER_PAGE=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E005"]
    assert "'MAX_CANDIDATES_PER_PAGE'" in errors[0].msg
    assert "or None" in errors[0].msg


@pytest.mark.parametrize("value", [None, 1, 500])
def test_a_candidate_budget_of_none_or_a_positive_integer_passes(settings: Any, value: Any) -> None:
    configure(settings, MAX_CANDIDATES_PER_PAGE=value)

    assert check_settings() == []


@pytest.mark.parametrize(
    "value",
    [None, "120/minute", [("interview_panels_read", "120/minute")]],
    ids=["none", "string", "list"],
)
def test_throttle_rates_that_are_not_a_dict_are_e015(settings: Any, value: Any) -> None:
    configure(settings, THROTTLE_RATES=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E015"]
    assert "'THROTTLE_RATES'" in errors[0].msg


@pytest.mark.parametrize(
    "rate",
    ["lots", "120", "120/", "120/fortnight", "many/minute", "1.5/minute", "0/minute", 120],
)
def test_a_throttle_rate_drf_cannot_parse_is_e015(settings: Any, rate: Any) -> None:
    configure(settings, THROTTLE_RATES={"interview_panels_read": rate})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E015"]
    assert "'interview_panels_read'" in errors[0].msg
    assert repr(rate) in errors[0].msg


@pytest.mark.parametrize("scope", ["interview_panels", "read", "anon"])
def test_a_throttle_rate_for_an_unknown_scope_is_e015(settings: Any, scope: str) -> None:
    configure(settings, THROTTLE_RATES={"interview_panels_write": "30/minute", scope: "5/minute"})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E015"]
    assert repr(scope) in errors[0].msg


@pytest.mark.parametrize(
    "rates",
    [
        {},
        {"interview_panels_read": None, "interview_panels_write": None},
        {"interview_panels_read": "120/min", "interview_panels_write": "5/s"},
        {"interview_panels_write": "1000/day"},
    ],
    ids=["empty", "none", "short-periods", "one-scope"],
)
def test_throttle_rates_drf_accepts_pass(settings: Any, rates: dict[str, Any]) -> None:
    configure(settings, THROTTLE_RATES=rates)

    assert check_settings() == []


@pytest.mark.parametrize(
    "scope", ["interview_panels_token", "interview_panels_candidate"], ids=["token", "candidate"]
)
def test_the_candidate_throttle_scopes_take_a_rate_or_none(settings: Any, scope: str) -> None:
    configure(settings, THROTTLE_RATES={scope: "5/minute", "interview_panels_read": None})

    assert check_settings() == []


@pytest.mark.parametrize(
    "scope", ["interview_panels_token", "interview_panels_candidate"], ids=["token", "candidate"]
)
def test_a_bad_rate_for_a_candidate_throttle_scope_is_e015(settings: Any, scope: str) -> None:
    configure(settings, THROTTLE_RATES={scope: "0/minute"})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E015"]
    assert repr(scope) in errors[0].msg


# --- The interview's settings and the evaluator (E017, and the evaluator's own checks) ---------


class EvaluatorWithOneOption(BaseEvaluator):
    """An evaluator of a host: it takes ``LEVEL`` only, and reports a LEVEL above 3 itself."""

    def __init__(self, *, LEVEL: int = 1) -> None:
        super().__init__(LEVEL=LEVEL)
        self.level = LEVEL

    def check(self) -> list[Any]:
        if self.level > 3:
            return [django_checks.Warning("LEVEL above 3 is slow.", id="hostapp.W001")]
        return []


@pytest.mark.parametrize(
    "value",
    [
        "no_such_module.Evaluator",
        "django_interview_panels.interviews.evaluators.keywords.NoSuchEvaluator",
        "django_interview_panels.interviews.evaluators.keywords.normalized_words",
        "django_interview_panels.models.Question",
        normalized_words,
        42,
        None,
    ],
    ids=[
        "missing-module",
        "missing-class",
        "a-function",
        "not-an-evaluator",
        "a-callable",
        "int",
        "none",
    ],
)
def test_an_evaluator_that_is_not_a_base_evaluator_subclass_is_e017(
    settings: Any, value: Any
) -> None:
    configure(settings, EVALUATOR=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E017"]
    assert "'EVALUATOR'" in errors[0].msg


def test_an_evaluator_class_itself_passes(settings: Any) -> None:
    configure(settings, EVALUATOR=EvaluatorWithOneOption)

    assert check_settings() == []


def test_a_dotted_path_to_the_chat_completions_evaluator_with_its_options_passes(
    settings: Any,
) -> None:
    configure(
        settings,
        EVALUATOR=(
            "django_interview_panels.interviews.evaluators.openai_compatible."
            "ChatCompletionsEvaluator"
        ),
        EVALUATOR_OPTIONS={"BASE_URL": "http://127.0.0.1:8080/v1", "MODEL": "m"},
    )

    assert check_settings() == []


@pytest.mark.parametrize("value", [["LEVEL", 2], "LEVEL=2", {1: 2}])
def test_evaluator_options_that_are_not_a_dict_of_names_are_e017(settings: Any, value: Any) -> None:
    configure(settings, EVALUATOR=EvaluatorWithOneOption, EVALUATOR_OPTIONS=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E017"]
    assert "'EVALUATOR_OPTIONS'" in errors[0].msg


def test_options_the_evaluator_class_refuses_are_e017(settings: Any) -> None:
    configure(settings, EVALUATOR=EvaluatorWithOneOption, EVALUATOR_OPTIONS={"COLOUR": "red"})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E017"]
    assert "COLOUR" in errors[0].msg


def test_the_evaluators_own_check_messages_are_reported(settings: Any) -> None:
    configure(settings, EVALUATOR=EvaluatorWithOneOption, EVALUATOR_OPTIONS={"LEVEL": 5})

    assert ids(check_settings()) == ["hostapp.W001"]


def test_the_keyword_evaluators_red_flag_penalty_is_checked_as_e018(settings: Any) -> None:
    configure(settings, EVALUATOR_OPTIONS={"RED_FLAG_PENALTY": 2})

    assert ids(check_settings()) == ["interview_panels.E018"]


def test_the_chat_completions_evaluator_without_its_options_is_e020(settings: Any) -> None:
    configure(
        settings,
        EVALUATOR=(
            "django_interview_panels.interviews.evaluators.openai_compatible."
            "ChatCompletionsEvaluator"
        ),
    )

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E020", "interview_panels.E020"]
    assert "'BASE_URL'" in errors[0].msg
    assert "'MODEL'" in errors[1].msg


@pytest.mark.parametrize("key", ["EVALUATION_ATTEMPTS", "MAX_ANSWER_LENGTH"])
@pytest.mark.parametrize("value", [0, -1, "3", 2.5, True, None])
def test_interview_counts_that_are_not_positive_integers_are_e017(
    settings: Any, key: str, value: Any
) -> None:
    configure(settings, **{key: value})

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E017"]
    assert f"'{key}'" in errors[0].msg


@pytest.mark.parametrize("value", [0, -0.1, 1.5, "0.5", True, float("nan"), float("inf"), [0.5]])
def test_an_exposure_share_outside_0_to_1_is_e017(settings: Any, value: Any) -> None:
    configure(settings, MAX_EXPOSURE_SHARE=value)

    errors = check_settings()

    assert ids(errors) == ["interview_panels.E017"]
    assert "'MAX_EXPOSURE_SHARE'" in errors[0].msg


@pytest.mark.parametrize("value", [None, 1, 0.25, Decimal("0.5")])
def test_an_exposure_share_up_to_1_or_none_passes(settings: Any, value: Any) -> None:
    configure(settings, MAX_EXPOSURE_SHARE=value)

    assert check_settings() == []


def test_manage_py_check_reports_the_evaluator(settings: Any, db: None) -> None:
    # ``db``: Django's model checks ask SQLite whether it supports JSON fields, a query, the
    # first time a process runs them.
    configure(settings, EVALUATOR="no_such_module.Evaluator")

    with pytest.raises(SystemCheckError, match=r"interview_panels\.E017"):
        call_command("check")

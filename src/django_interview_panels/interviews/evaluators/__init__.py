"""Evaluators: the backend that scores open answers, loaded from ``INTERVIEW_PANELS``."""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from ...conf import SETTINGS_NAME, app_settings
from .base import BaseEvaluator, Dimension, Evaluation, EvaluationError, EvaluationRequest

__all__ = [
    "BaseEvaluator",
    "Dimension",
    "Evaluation",
    "EvaluationError",
    "EvaluationRequest",
    "get_evaluator",
]


@functools.cache
def get_evaluator() -> BaseEvaluator:
    """The configured evaluator, built once per process (and again when the setting changes)."""
    backend = app_settings.EVALUATOR
    cls = import_string(backend) if isinstance(backend, str) else backend
    return cls(**(app_settings.EVALUATOR_OPTIONS or {}))


def _forget_evaluator(*, setting: str, **kwargs: Any) -> None:
    if setting == SETTINGS_NAME:
        get_evaluator.cache_clear()


setting_changed.connect(_forget_evaluator)

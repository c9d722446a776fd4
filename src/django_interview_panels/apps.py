from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewPanelsConfig(AppConfig):
    """App config: label ``interview_panels``; registers the system checks."""

    name = "django_interview_panels"
    label = "interview_panels"
    verbose_name = _("Interview panels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the checks)

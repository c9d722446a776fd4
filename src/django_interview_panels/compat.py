"""Switches between supported versions of Django and its backports."""

from __future__ import annotations

try:  # Django 6.0+: the Tasks framework is part of Django.
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport, the same API.
    from django_tasks import task  # type: ignore[no-redef]

__all__ = ["task"]

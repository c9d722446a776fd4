"""A host that mounts the app twice, each mount under its own instance namespace."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("api/panel/", include("django_interview_panels.urls")),
    path("api/v2/panel/", include("django_interview_panels.urls", namespace="v2")),
]

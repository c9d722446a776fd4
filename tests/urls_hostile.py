"""The hostile host's URLs: format suffixes everywhere and a second, namespaced mount."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny
from rest_framework.urlpatterns import format_suffix_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    *format_suffix_patterns(
        [
            path("api/panel/", include("django_interview_panels.urls")),
            # NamespaceVersioning's way of versioning: the same URLs under another namespace.
            path("api/v2/panel/", include("django_interview_panels.urls", namespace="v2")),
        ]
    ),
    # The host's own view follows the host's settings, so it opts out of them here. With DRF's
    # DEFAULT_SCHEMA_CLASS, drf-spectacular refuses every host view that is not excluded.
    path(
        "api/schema/",
        SpectacularAPIView.as_view(
            permission_classes=[AllowAny], versioning_class=None, schema=None
        ),
        name="schema",
    ),
]

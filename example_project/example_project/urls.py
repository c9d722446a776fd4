"""URLs of the example project: the panel API, the candidate page, the OpenAPI schema and docs,
and the admin."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/panel/", include("django_interview_panels.urls")),
    # The optional candidate page: invitation links are /interview/#<token> (docs/ui.md).
    path("interview/", include("django_interview_panels.ui.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

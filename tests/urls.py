from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/panel/", include("django_interview_panels.urls")),
    # The optional candidate page: invitation links are /interview/#<token> (docs/ui.md).
    path("interview/", include("django_interview_panels.ui.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]

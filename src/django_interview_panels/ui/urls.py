"""The candidate page's URLs, a separate include from the API's (docs/ui.md)::

    path("interview/", include("django_interview_panels.ui.urls")),

The invitation link is then ``https://<host>/interview/#<token>``.
"""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "interview_panels_ui"

urlpatterns = [
    path("", views.InterviewPageView.as_view(), name="interview"),
    path("jsi18n/", views.PageCatalogView.as_view(), name="jsi18n"),
]

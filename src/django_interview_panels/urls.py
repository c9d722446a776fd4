"""The spec's paths; hosts mount them with ``path("api/panel/", include(...))``.

Every request under the mount answers in the API's envelope: a path that is none of the spec's
reaches the catch-all at the end and is a 404 there, never Django's HTML page or a redirect.
"""

from __future__ import annotations

from django.urls import path, re_path

from .bank import coverage_views
from .panels import views

app_name = "interview_panels"

# Path UUIDs are matched as plain strings so that a malformed one reaches the view and is
# answered as a 404 in the API's envelope rather than by Django's HTML 404 page.
urlpatterns = [
    path("create/", views.PanelCreateView.as_view(), name="create"),
    path("get/", views.PanelListView.as_view(), name="list"),
    path("get/<str:interview_panel_uuid>/", views.PanelDetailView.as_view(), name="detail"),
    path("update/<str:interview_panel_uuid>/", views.PanelUpdateView.as_view(), name="update"),
    path("delete/<str:interview_panel_uuid>/", views.PanelDeleteView.as_view(), name="delete"),
    # Without a UUID: the spec's 400 "Interview panel UUID is required" (after the role check).
    # Not operations of their own, so left out of the schema.
    path("update/", views.PanelUpdateView.as_view(schema=None)),
    path("delete/", views.PanelDeleteView.as_view(schema=None)),
    path("bank/coverage/", coverage_views.CoverageView.as_view(), name="bank_coverage"),
    # Everything else under the mount ([\s\S], not ".": a newline in the path is still a path).
    re_path(r"^[\s\S]*$", views.PanelPathNotFoundView.as_view()),
]

"""The spec's paths; hosts mount them with ``path("api/panel/", include(...))``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "interview_panels"

# Path UUIDs are matched as plain strings so that a malformed one reaches the view and is
# answered as a 404 in the API's envelope rather than by Django's HTML 404 page.
urlpatterns = [
    path("create/", views.PanelCreateView.as_view(), name="create"),
    path("get/", views.PanelListView.as_view(), name="list"),
    path("get/<str:interview_panel_uuid>/", views.PanelDetailView.as_view(), name="detail"),
    path("update/<str:interview_panel_uuid>/", views.PanelUpdateView.as_view(), name="update"),
    path("delete/<str:interview_panel_uuid>/", views.PanelDeleteView.as_view(), name="delete"),
]

"""The candidate-management paths, included under ``candidates/`` (namespace ``candidates``).
UUIDs are matched as plain strings: a malformed one reaches the view and is its 404 in the
envelope (``base.py``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("<str:interview_panel_uuid>/", views.CandidateListView.as_view(), name="list"),
    path(
        "<str:interview_panel_uuid>/<str:candidate_uuid>/",
        views.CandidateDetailView.as_view(),
        name="detail",
    ),
    path(
        "<str:interview_panel_uuid>/<str:candidate_uuid>/token/",
        views.CandidateTokenView.as_view(),
        name="token",
    ),
]

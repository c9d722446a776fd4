"""The results paths, included under ``results/`` (namespace ``results``). UUIDs are matched as
plain strings: a malformed one reaches the view and is its 404 in the envelope."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("<str:interview_panel_uuid>/", views.PanelResultsView.as_view(), name="panel"),
    path(
        "<str:interview_panel_uuid>/export/<str:export_format>/",
        views.ResultsExportView.as_view(),
        name="export",
    ),
    path(
        "<str:interview_panel_uuid>/candidates/<str:candidate_uuid>/",
        views.CandidateResultView.as_view(),
        name="candidate",
    ),
]

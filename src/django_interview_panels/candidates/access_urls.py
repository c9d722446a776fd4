"""The access, invitation and erasure paths of one candidate, included under ``candidates/``
(namespace ``candidate-access``). UUIDs are matched as plain strings: a malformed one reaches
the view and is its 404 in the envelope."""

from __future__ import annotations

from django.urls import path

from . import access_views as views

ONE = "<str:interview_panel_uuid>/<str:candidate_uuid>/"

urlpatterns = [
    path(f"{ONE}access/", views.CandidateAccessView.as_view(), name="access"),
    path(f"{ONE}invitation/", views.CandidateInvitationView.as_view(), name="invitation"),
    path(f"{ONE}erase/", views.CandidateEraseView.as_view(), name="erase"),
]

"""The candidate's paths, included under ``interview/`` (namespace ``interview``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("", views.InterviewView.as_view(), name="overview"),
    path("start/", views.AttemptStartView.as_view(), name="start"),
    path("attempt/", views.AttemptView.as_view(), name="attempt"),
    path("answers/<str:item_uuid>/", views.AnswerView.as_view(), name="answer"),
    path("submit/", views.AttemptSubmitView.as_view(), name="submit"),
]

"""The reviewers' paths, included under ``reviews/`` (namespace ``reviews``). Item UUIDs are
matched as plain strings: a malformed one reaches the view and is its 404 in the envelope."""

from __future__ import annotations

from django.urls import path

from . import review_views

urlpatterns = [
    path("", review_views.ReviewQueueView.as_view(), name="list"),
    path("<str:item_uuid>/", review_views.ReviewItemView.as_view(), name="item"),
]

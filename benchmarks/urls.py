"""The example project's URLs plus the benchmark's comparison views under ``bench/``."""

from __future__ import annotations

from django.urls import include, path

from benchmarks import floor, naive

urlpatterns = [
    path("", include("example_project.urls")),
    path("bench/plain/", floor.plain_view, name="bench-plain"),
    path("bench/floor/", floor.floor_view, name="bench-floor"),
    path("bench/naive/", naive.NaivePanelListView.as_view(), name="bench-naive"),
]

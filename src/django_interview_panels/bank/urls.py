"""The bank's paths, included under ``bank/`` (namespace ``bank``): resource paths.

``<resource>/`` (GET list, POST create), ``<resource>/bulk/`` (POST), ``<resource>/<uuid>/``
(GET, PATCH, DELETE) and ``questions/<uuid>/versions/`` (GET). UUIDs are matched as plain
strings: a malformed one reaches the view and is the resource's 404 in the envelope.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import (
    RESOURCES,
    CoverageView,
    QuestionExportView,
    QuestionImportView,
    resource_views,
)


def _resource_patterns(resource_path: str) -> list[URLPattern]:
    views = resource_views(resource_path)
    name = RESOURCES[resource_path].name.replace("_", "-")
    lookup = f"<str:{RESOURCES[resource_path].lookup}>"
    patterns = [
        path(f"{resource_path}/", views["collection"].as_view(), name=f"{name}-list"),
        path(f"{resource_path}/bulk/", views["bulk"].as_view(), name=f"{name}-bulk"),
        path(f"{resource_path}/{lookup}/", views["detail"].as_view(), name=f"{name}-detail"),
    ]
    if "versions" in views:
        patterns.append(
            path(
                f"{resource_path}/{lookup}/versions/",
                views["versions"].as_view(),
                name=f"{name}-versions",
            )
        )
    return patterns


urlpatterns = [
    # Coverage before a panel create (docs/coverage.md).
    path("coverage/", CoverageView.as_view(), name="coverage"),
    # Moodle XML and GIFT files in and out (docs/import-export.md).
    path("import/", QuestionImportView.as_view(), name="import"),
    path("export/", QuestionExportView.as_view(), name="export"),
    *(
        pattern
        for resource_path in ("categories", "topics", "subtopics", "questions", "rubric-dimensions")
        for pattern in _resource_patterns(resource_path)
    ),
]

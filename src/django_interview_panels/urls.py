"""The spec's paths; hosts mount them with ``path("api/panel/", include(...))``.

Every request under the mount answers in the API's envelope: a path that is none of the spec's
reaches the catch-all at the end and is a 404 there, never Django's HTML page or a redirect.
"""

from __future__ import annotations

from django.urls import include, path, re_path

from .bank import urls as bank_urls
from .candidates import access_urls
from .candidates import urls as candidate_urls
from .interviews import review_urls
from .interviews import urls as interview_urls
from .panels import views
from .results import urls as result_urls

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
    # The question bank's resources (docs/bank.md), before the catch-all.
    path("bank/", include((bank_urls.urlpatterns, "bank"))),
    # The candidate's endpoints (docs/interviews.md), authenticated by the interview token.
    path("interview/", include((interview_urls.urlpatterns, "interview"))),
    # Reviews and results for reviewers (docs/reviews-and-results.md).
    path("reviews/", include((review_urls.urlpatterns, "reviews"))),
    path("results/", include((result_urls.urlpatterns, "results"))),
    # A panel's candidates: list, add, remove, rotate a token (docs/candidates.md).
    path("candidates/", include((candidate_urls.urlpatterns, "candidates"))),
    # One candidate's access, invitation and erasure (docs/candidates-access.md).
    path("candidates/", include((access_urls.urlpatterns, "candidate-access"))),
    # Everything else under the mount ([\s\S], not ".": a newline in the path is still a path).
    re_path(r"^[\s\S]*$", views.PanelPathNotFoundView.as_view()),
]

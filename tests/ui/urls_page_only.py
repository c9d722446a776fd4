"""A host that includes the candidate page but not the API (a mistake the page reports)."""

from django.urls import include, path

urlpatterns = [path("interview/", include("django_interview_panels.ui.urls"))]

"""DRF's own errors (throttling, media type, schema) come out of the app's views in the envelope."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.throttling import UserRateThrottle

from django_interview_panels.panels.views import PanelListView
from tests import factories

pytestmark = pytest.mark.django_db


class OnePerDay(UserRateThrottle):
    rate = "1/day"
    cache_format = "test-envelope-%(scope)s-%(ident)s"


def test_throttled_request_is_429_in_the_envelope(tenant):
    view = PanelListView.as_view(throttle_classes=[OnePerDay])
    factory = APIRequestFactory()

    def call():
        request = factory.get("/api/panel/get/")
        force_authenticate(request, user=tenant.member)
        return view(request)

    cache.clear()
    assert call().status_code == 200
    response = call()

    assert response.status_code == 429
    assert response.data["success"] is False
    assert response.data["message"].startswith("Request was throttled.")
    assert response.data["errors"] == {"detail": [response.data["message"]]}
    assert "Retry-After" in response.headers


def test_unsupported_media_type_is_415_in_the_envelope(tenant, hr_client):
    response = hr_client.post("/api/panel/create/", "name=x", content_type="text/plain")

    assert response.status_code == 415
    body = response.json()
    assert body["success"] is False
    assert body["message"] == 'Unsupported media type "text/plain" in request.'


def test_form_encoded_bodies_are_415_since_the_contract_is_json(tenant, hr_client):
    response = hr_client.post("/api/panel/create/", {"name": "x"})

    assert response.status_code == 415
    assert response.json()["message"].startswith('Unsupported media type "multipart/form-data')


def test_responses_are_json_for_a_browser_accept_header(tenant, member_client):
    response = member_client.get("/api/panel/get/", HTTP_ACCEPT="text/html,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_asking_for_html_only_still_gets_json_since_the_views_are_json_only(tenant, member_client):
    response = member_client.get("/api/panel/get/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["success"] is True


def test_schema_endpoint_answers_with_the_panel_paths(admin_client):
    response = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/panel/create/" in paths
    assert "/api/panel/get/{interview_panel_uuid}/" in paths


def test_wheel_ships_migrations_and_type_marker():
    from importlib import resources

    package = resources.files("django_interview_panels")
    assert (package / "py.typed").is_file()
    assert (package / "migrations" / "0001_initial.py").is_file()


def test_factories_agree_with_the_configured_models(tenant):
    # The swapped configuration must really be using the host's models, not ours.
    assert (tenant.organization._meta.app_label == "hostapp") == factories.SWAPPED

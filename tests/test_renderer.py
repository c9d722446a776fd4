"""The orjson renderer writes exactly the bytes DRF's JSONRenderer would."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from django_interview_panels.api.renderers import APIJSONRenderer
from tests import factories

PAYLOADS: list[Any] = [
    {"success": True, "message": "ok", "data": {"n": 3, "b": False, "x": None, "l": [1, "two"]}},
    {"name": "Zoë, 東京, 🎉", "separators": "line\u2028paragraph\u2029end"},
    {"escapes": 'quote " backslash \\ tab \t newline \n control \x01 delete \x7f'},
    {"message": _("Interview panel not found")},
    {"at": dt.datetime(2030, 1, 1, 9, 0, 0, 123456, tzinfo=dt.UTC), "on": dt.date(2030, 1, 1)},
    {"at": dt.datetime(2030, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))},
    {"uuid": uuid.UUID("123e4567-e89b-12d3-a456-426614174000")},
    {"errors": {"question_distributions": {0: {"easy": [ErrorDetail("Bad.", code="invalid")]}}}},
    {"amount": Decimal("1.50")},
    {"big": 2**70, "negative": -(2**63)},
    [],
    "a bare string",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renders_the_same_bytes_as_drf(payload):
    assert APIJSONRenderer().render(payload) == JSONRenderer().render(payload)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json; indent=0"])
def test_an_indented_response_is_the_same_as_drfs(media_type):
    payload = {"a": [1, {"b": "c"}]}

    assert APIJSONRenderer().render(payload, media_type) == JSONRenderer().render(
        payload, media_type
    )


def test_no_data_renders_no_bytes():
    assert APIJSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_a_list_response_is_what_drfs_renderer_makes_of_its_data(tenant, hr_client):
    factories.make_panel(tenant.organization, tenant.category, tenant.candidates)

    response = hr_client.get("/api/panel/get/")

    assert response.status_code == 200
    assert response.content == JSONRenderer().render(response.data)

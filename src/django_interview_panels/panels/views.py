"""The five endpoints of the Interview Panel API: permission, service call, envelope."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..api.exceptions import PanelNotFound, RuleViolation
from ..api.fields import parse_canonical_uuid
from ..api.permissions import IsOrganizationManager
from ..api.responses import ensure_renderable, success
from ..api.schema import on_app_schema
from ..api.views import OrganizationAPIView
from ..models import InterviewPanel
from ..querysets import PanelQuerySet
from . import pagination, reads, services
from . import schema as api_schema
from .filters import PanelFilterSet, filter_errors
from .serializers import PanelCreateSerializer, PanelUpdateSerializer

PANEL_UUID = "interview_panel_uuid"


class PanelAPIView(OrganizationAPIView):
    """Base of the panel endpoints: the organization's panels and their representation."""

    path_parameters = (PANEL_UUID,)

    def panels(self) -> PanelQuerySet:
        """The caller's organization's live panels, newest first, with ``is_active``."""
        return InterviewPanel.objects.for_organization(self.actor.organization).with_is_active(
            timezone.now()
        )

    def represent(self, panels: PanelQuerySet) -> list[dict[str, Any]]:
        """The spec's objects for ``panels`` (three queries), tokens for managers only."""
        return reads.represent_panels(panels, include_tokens=self.actor.is_manager)

    def represent_one(self, panel_uuid: uuid.UUID) -> dict[str, Any]:
        found = self.represent(self.panels().filter(uuid=panel_uuid)[:1])
        if not found:
            raise PanelNotFound()
        return found[0]


PANEL_UUID_REQUIRED = _("Interview panel UUID is required")


def require_panel_uuid(value: str | None) -> uuid.UUID:
    """The path's panel UUID; a path without one (``delete/``, ``update/``) is the spec's 400."""
    if value is None:
        message = str(PANEL_UUID_REQUIRED)
        raise RuleViolation(message, {PANEL_UUID: [message]})
    return parse_panel_uuid(value)


def parse_panel_uuid(value: str) -> uuid.UUID:
    """The panel UUID of a path, in canonical form only; other text is answered like a missing
    panel."""
    parsed = parse_canonical_uuid(value)
    if parsed is None:
        raise PanelNotFound()
    return parsed


class PanelCreateView(PanelAPIView):
    """``POST create/``"""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(api_schema.create_schema)
    def post(self, request: Request) -> Response:
        serializer = PanelCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The read-back (and its rendering) fail inside the transaction, if at all: a response
        # can then never fail after the write committed.
        with transaction.atomic():
            panel = services.create_panel(
                organization=self.actor.organization,
                created_by=request.user,
                data=serializer.validated_data,
            )
            data = self.represent_one(panel.uuid)
            ensure_renderable(data)
        return success(_("Interview panel created successfully"), data, status.HTTP_201_CREATED)


class PanelListView(PanelAPIView):
    """``GET get/``: a page of the organization's panels, newest first unless ordered."""

    @on_app_schema(api_schema.list_schema)
    def get(self, request: Request) -> Response:
        panels = self.panels()
        page_request, errors = pagination.parse_page_request(request.query_params)
        # Without any of its parameters the FilterSet is valid and returns the panels as they
        # are (in the default order); building its form costs more than the page's count.
        if not PanelFilterSet.base_filters.keys().isdisjoint(request.query_params.keys()):
            filterset = PanelFilterSet(request.query_params, queryset=panels, request=request)
            if filterset.is_valid():
                panels = filterset.qs
            else:
                errors = {**filter_errors(filterset), **errors}
        if errors:
            raise ValidationError(errors)
        page = pagination.paginate(panels, page_request)
        data = {
            "interview_panels": self.represent(page.object_list),
            "pagination": pagination.describe(page, request),
        }
        return success(_("Interview panels retrieved successfully"), data)


class PanelDetailView(PanelAPIView):
    """``GET get/<interview_panel_uuid>/``"""

    @on_app_schema(api_schema.retrieve_schema)
    def get(self, request: Request, interview_panel_uuid: str) -> Response:
        data = self.represent_one(parse_panel_uuid(interview_panel_uuid))
        return success(_("Interview panel retrieved successfully"), data)


class PanelUpdateView(PanelAPIView):
    """``PUT``/``PATCH update/<interview_panel_uuid>/``: a partial update either way."""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(api_schema.update_schema("panel_update"))
    def put(self, request: Request, interview_panel_uuid: str | None = None) -> Response:
        panel_uuid = require_panel_uuid(interview_panel_uuid)
        serializer = PanelUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        # One transaction, so the row lock taken by the update is held until the panel is read
        # back: a delete racing this update cannot turn a successful update into a 404.
        with transaction.atomic():
            services.update_panel(
                organization=self.actor.organization,
                panel_uuid=panel_uuid,
                data=serializer.validated_data,
                user=request.user,
            )
            data = self.represent_one(panel_uuid)
            ensure_renderable(data)
        return success(_("Interview panel updated successfully"), data)

    @on_app_schema(api_schema.update_schema("panel_partial_update"))
    def patch(self, request: Request, interview_panel_uuid: str | None = None) -> Response:
        return self.put(request, interview_panel_uuid)


class PanelDeleteView(PanelAPIView):
    """``DELETE delete/<interview_panel_uuid>/``: a soft delete."""

    permission_classes = [IsOrganizationManager]

    @on_app_schema(api_schema.delete_schema)
    def delete(self, request: Request, interview_panel_uuid: str | None = None) -> Response:
        services.delete_panel(
            organization=self.actor.organization,
            panel_uuid=require_panel_uuid(interview_panel_uuid),
            user=request.user,
        )
        return success(_("Interview panel deleted successfully"))


class PanelPathNotFoundView(PanelAPIView):
    """Every other path under the app's mount: a 404 in the envelope, after authentication.

    Without it Django answered such paths with its HTML 404 page, and a slash-less ``POST``
    with a redirect that drops the body (or a 500 with ``DEBUG``).
    """

    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # 401, 403 and 429 come first, as everywhere
        raise NotFound(self.not_found_message(request))

    @property
    def default_response_headers(self) -> dict[str, str]:
        return {}  # no Allow header: no method is allowed here

    @staticmethod
    def not_found_message(request: Request) -> str:
        """DRF's "Not found.", or where the path with a trailing slash leads, if it does."""
        slashed = request.path_info + "/"
        try:
            match = resolve(slashed, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is None or getattr(match.func, "view_class", None) is PanelPathNotFoundView:
            return str(NotFound.default_detail)
        message = _("Not found. Paths of this API end with a slash: %(path)s")
        return str(message % {"path": request.path + "/"})

"""The five endpoints of the Interview Panel API: permission, service call, envelope."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import pagination, reads, services
from . import schema as api_schema
from .exceptions import PanelNotFound
from .filters import PanelFilterSet, filter_errors
from .models import InterviewPanel
from .permissions import Actor, IsOrganizationMember, IsPanelManager, get_actor
from .querysets import PanelQuerySet
from .renderers import PanelJSONRenderer
from .responses import ensure_renderable, envelope_exception_handler, success
from .serializers import PanelCreateSerializer, PanelUpdateSerializer, parse_canonical_uuid
from .throttling import PanelRateThrottle


class PanelAPIView(APIView):
    """Base of the app's views: the error envelope and organization-scoped reads."""

    permission_classes = [IsOrganizationMember]
    # The contract is JSON both ways, whatever the host's DRF defaults.
    parser_classes = [JSONParser]
    renderer_classes = [PanelJSONRenderer]
    schema = api_schema.PanelAutoSchema()

    def get_exception_handler(self) -> Any:
        return envelope_exception_handler

    def get_throttles(self) -> list[Any]:
        # The host's throttles, then the app's read and write scopes (throttling.py).
        return [*super().get_throttles(), PanelRateThrottle()]

    def get_authenticate_header(self, request: Request) -> str:
        # Unauthenticated is 401 even when the host's first authenticator (e.g. sessions) has no
        # WWW-Authenticate challenge of its own: DRF would otherwise answer 403.
        return super().get_authenticate_header(request) or 'Bearer realm="api"'

    @property
    def actor(self) -> Actor:
        return get_actor(self.request)

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


def parse_panel_uuid(value: str) -> uuid.UUID:
    """The panel UUID of a path, in canonical form only; other text is answered like a missing
    panel."""
    parsed = parse_canonical_uuid(value)
    if parsed is None:
        raise PanelNotFound()
    return parsed


class PanelCreateView(PanelAPIView):
    """``POST create/``"""

    permission_classes = [IsPanelManager]

    @api_schema.create_schema
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

    @api_schema.list_schema
    def get(self, request: Request) -> Response:
        filterset = PanelFilterSet(request.query_params, queryset=self.panels(), request=request)
        page_request, errors = pagination.parse_page_request(request.query_params)
        if not filterset.is_valid():
            errors = {**filter_errors(filterset), **errors}
        if errors:
            raise ValidationError(errors)
        page = pagination.paginate(filterset.qs, page_request)
        data = {
            "interview_panels": self.represent(page.object_list),
            "pagination": pagination.describe(page, request),
        }
        return success(_("Interview panels retrieved successfully"), data)


class PanelDetailView(PanelAPIView):
    """``GET get/<interview_panel_uuid>/``"""

    @api_schema.retrieve_schema
    def get(self, request: Request, interview_panel_uuid: str) -> Response:
        data = self.represent_one(parse_panel_uuid(interview_panel_uuid))
        return success(_("Interview panel retrieved successfully"), data)


class PanelUpdateView(PanelAPIView):
    """``PUT``/``PATCH update/<interview_panel_uuid>/``: a partial update either way."""

    permission_classes = [IsPanelManager]

    @api_schema.update_schema("panel_update")
    def put(self, request: Request, interview_panel_uuid: str) -> Response:
        panel_uuid = parse_panel_uuid(interview_panel_uuid)
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

    @api_schema.update_schema("panel_partial_update")
    def patch(self, request: Request, interview_panel_uuid: str) -> Response:
        return self.put(request, interview_panel_uuid)


class PanelDeleteView(PanelAPIView):
    """``DELETE delete/<interview_panel_uuid>/``: a soft delete."""

    permission_classes = [IsPanelManager]

    @api_schema.delete_schema
    def delete(self, request: Request, interview_panel_uuid: str) -> Response:
        services.delete_panel(
            organization=self.actor.organization,
            panel_uuid=parse_panel_uuid(interview_panel_uuid),
            user=request.user,
        )
        return success(_("Interview panel deleted successfully"))

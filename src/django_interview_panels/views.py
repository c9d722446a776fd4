"""The five endpoints of the Interview Panel API: permission, service call, envelope."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import schema as api_schema
from . import services
from .exceptions import PanelNotFound
from .models import InterviewPanel
from .permissions import Actor, IsOrganizationMember, IsPanelManager, get_actor
from .querysets import PanelQuerySet
from .responses import envelope_exception_handler, success
from .serializers import PanelCreateSerializer, PanelUpdateSerializer, represent_panel


class PanelAPIView(APIView):
    """Base of the app's views: the error envelope and organization-scoped reads."""

    permission_classes = [IsOrganizationMember]
    # The contract is JSON both ways, whatever the host's DRF defaults.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    schema = api_schema.PanelAutoSchema()

    def get_exception_handler(self) -> Any:
        return envelope_exception_handler

    def get_authenticate_header(self, request: Request) -> str:
        # Unauthenticated is 401 even when the host's first authenticator (e.g. sessions) has no
        # WWW-Authenticate challenge of its own: DRF would otherwise answer 403.
        return super().get_authenticate_header(request) or 'Bearer realm="api"'

    @property
    def actor(self) -> Actor:
        return get_actor(self.request)

    def panels(self) -> PanelQuerySet:
        """The caller's organization's live panels, with ``is_active`` and their details."""
        return (
            InterviewPanel.objects.for_organization(self.actor.organization)
            .with_is_active(timezone.now())
            .with_details()
        )

    def represent(self, panel: InterviewPanel) -> dict[str, Any]:
        return represent_panel(panel, include_tokens=self.actor.is_manager)

    def represent_one(self, panel_uuid: uuid.UUID) -> dict[str, Any]:
        panel = self.panels().filter(uuid=panel_uuid).first()
        if panel is None:
            raise PanelNotFound()
        return self.represent(panel)


def parse_panel_uuid(value: str) -> uuid.UUID:
    """The panel UUID of a path; a malformed one is answered like a missing panel."""
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise PanelNotFound() from None


class PanelCreateView(PanelAPIView):
    """``POST create/``"""

    permission_classes = [IsPanelManager]

    @api_schema.create_schema
    def post(self, request: Request) -> Response:
        serializer = PanelCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        panel = services.create_panel(
            organization=self.actor.organization,
            created_by=request.user,
            data=serializer.validated_data,
        )
        return success(
            _("Interview panel created successfully"),
            self.represent_one(panel.uuid),
            status.HTTP_201_CREATED,
        )


class PanelListView(PanelAPIView):
    """``GET get/``: the organization's panels, newest first."""

    @api_schema.list_schema
    def get(self, request: Request) -> Response:
        panels = [self.represent(panel) for panel in self.panels()]
        return success(_("Interview panels retrieved successfully"), {"interview_panels": panels})


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
        services.update_panel(
            organization=self.actor.organization,
            panel_uuid=panel_uuid,
            data=serializer.validated_data,
            user=request.user,
        )
        return success(_("Interview panel updated successfully"), self.represent_one(panel_uuid))

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

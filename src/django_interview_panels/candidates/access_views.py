"""The access, invitation and erasure endpoints of one candidate (docs/candidates-access.md),
under ``candidates/<interview_panel_uuid>/<candidate_uuid>/``: Admin and HR of the panel's
organization. Thin: the base view finds the panel and candidate, a service writes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ..api.responses import success
from ..api.schema import on_app_schema
from . import access, erasure, invitations
from . import access_schema as schema
from .base import CandidatesAPIView


class CandidateAccessView(CandidatesAPIView):
    """``GET``/``PATCH candidates/<interview_panel_uuid>/<candidate_uuid>/access/``"""

    @on_app_schema(schema.access_retrieve)
    def get(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = self.assignment(panel, candidate_uuid)
        return success(
            _("Candidate access retrieved successfully"),
            access.represent_access(assignment, panel),
        )

    @on_app_schema(schema.access_update)
    def patch(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        serializer = access.AccessSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            # The panel's row lock: an update of its end waits, so the end read here stays.
            panel = self.panel(interview_panel_uuid, for_update=True)
            assignment = access.change_access(
                organization=self.actor.organization,
                panel=panel,
                assignment=self.assignment(panel, candidate_uuid),
                data=serializer.validated_data,
                actor=request.user,
            )
            data = access.represent_access(assignment, panel)
        return success(_("Candidate access updated successfully"), data)


class CandidateInvitationView(CandidatesAPIView):
    """``POST candidates/<interview_panel_uuid>/<candidate_uuid>/invitation/``"""

    @on_app_schema(schema.invitation_resend)
    def post(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = invitations.resend_invitation(
            organization=self.actor.organization,
            panel=panel,
            assignment=self.assignment(panel, candidate_uuid),
            actor=request.user,
        )
        return success(
            _("Invitation resent"),
            invitations.represent_invitation(assignment),
            status.HTTP_202_ACCEPTED,
        )


class CandidateEraseView(CandidatesAPIView):
    """``POST candidates/<interview_panel_uuid>/<candidate_uuid>/erase/``"""

    @on_app_schema(schema.candidate_erase)
    def post(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        with transaction.atomic():
            panel = self.panel(interview_panel_uuid, for_update=True)
            assignment = self.assignment(panel, candidate_uuid)
            assignment_uuid = assignment.uuid
            result = erasure.erase_candidate(
                organization=self.actor.organization,
                panel=panel,
                assignment=assignment,
                actor=request.user,
            )
        if result is None:
            # The "delete" mode: in a second transaction, in the evaluations' lock order.
            erasure.delete_erased(assignment.pk)
        return success(
            _("Candidate's personal data erased"),
            erasure.represent_erasure(assignment_uuid, result),
        )

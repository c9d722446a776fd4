"""The candidate-management endpoints (``candidates/``): Admin and HR of the panel's
organization. Thin: permission and lookups (``base.py``), a serializer, a service, a read."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..api import pagination
from ..api.responses import ensure_renderable, success
from ..api.schema import on_app_schema
from . import reads, services
from . import schema as candidates_schema
from .base import CandidatesAPIView
from .filters import CandidateListForm, form_errors
from .serializers import CandidateAddSerializer


class CandidateListView(CandidatesAPIView):
    """``GET`` (a page of the panel's candidates) and ``POST`` (add) ``candidates/<panel>/``."""

    @on_app_schema(candidates_schema.list_schema)
    def get(self, request: Request, interview_panel_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        page_request, errors = pagination.parse_page_request(request.query_params)
        form = CandidateListForm(request.query_params)
        if not form.is_valid():
            errors = {**form_errors(form), **errors}
        if errors:
            raise ValidationError(errors)
        rows, page = reads.list_rows(panel, page_request=page_request, **form.filters())
        data = {"candidates": rows, "pagination": pagination.describe(page, request)}
        return success(_("Candidates retrieved successfully"), data)

    @on_app_schema(candidates_schema.add_schema)
    def post(self, request: Request, interview_panel_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        serializer = CandidateAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The rows are read and rendered inside the transaction: a response never fails after
        # the write committed (as the panel create does).
        with transaction.atomic():
            added = services.add_candidates(
                panel=panel,
                candidate_uuids=serializer.validated_data["candidate_uuids"],
                actor=request.user,
            )
            data = reads.represent_assignments(panel, added)
            ensure_renderable(data)
        return success(_("Candidates added successfully"), data, status.HTTP_201_CREATED)


class CandidateDetailView(CandidatesAPIView):
    """``GET`` (one row) and ``DELETE`` (remove) ``candidates/<panel>/<candidate>/``."""

    @on_app_schema(candidates_schema.retrieve_schema)
    def get(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = self.assignment(panel, candidate_uuid)
        return success(_("Candidate retrieved successfully"), reads.one_row(panel, assignment))

    @on_app_schema(candidates_schema.remove_schema)
    def delete(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = self.assignment(panel, candidate_uuid)
        with transaction.atomic():
            services.remove_candidate(panel=panel, assignment=assignment, actor=request.user)
            data = reads.one_row(panel, assignment)
            ensure_renderable(data)
        return success(_("Candidate removed successfully"), data)


class CandidateTokenView(CandidatesAPIView):
    """``POST candidates/<panel>/<candidate>/token/``: a new token."""

    @on_app_schema(candidates_schema.rotate_schema)
    def post(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = self.assignment(panel, candidate_uuid)
        with transaction.atomic():
            services.rotate_token(panel=panel, assignment=assignment, actor=request.user)
            data = reads.one_row(panel, assignment)
            ensure_renderable(data)
        return success(_("Token rotated successfully"), data)

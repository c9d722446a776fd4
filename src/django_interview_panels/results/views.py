"""The results endpoints, under ``results/``: managers and the host's ``REVIEWER_ROLES``.

``GET results/<interview_panel_uuid>/`` (a page of the panel's candidates and the exposure
spread), ``GET results/<interview_panel_uuid>/export/<csv|xlsx|json>/`` (every candidate's row
as a file) and ``GET results/<interview_panel_uuid>/candidates/<candidate_uuid>/`` (one
candidate's breakdown).
The panel is found among the caller's organization's live panels: another organization's, a
deleted and a missing one answer alike.
"""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from ..api import pagination
from ..api.exceptions import NotFoundError, PanelNotFound
from ..api.fields import parse_canonical_uuid
from ..api.permissions import IsReviewer
from ..api.responses import success
from ..api.schema import on_app_schema
from ..api.views import OrganizationAPIView
from ..models import InterviewPanel
from . import exports, reads
from . import schema as results_schema

FORMAT_NOT_FOUND = _("Export format not found: use csv, xlsx or json")


class ResultsAPIView(OrganizationAPIView):
    """Base of the results endpoints: reviewers, and the organization's live panels."""

    permission_classes = [IsReviewer]
    path_parameters = ("interview_panel_uuid", "candidate_uuid")

    def panel(self, value: Any) -> InterviewPanel:
        """The caller's organization's live panel with the path's UUID, or the panel 404."""
        parsed = parse_canonical_uuid(value)
        panel = None
        if parsed is not None:
            panel = (
                InterviewPanel.objects.for_organization(self.actor.organization)
                .filter(uuid=parsed)
                .first()
            )
        if panel is None:
            raise PanelNotFound()
        return panel


def row_query(query_params: Any) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """``status`` and ``ordering`` (each optional; sent empty or unknown: an error naming it)."""
    chosen: dict[str, str | None] = {}
    errors: dict[str, list[str]] = {}
    for name, allowed in (("status", reads.ROW_STATES), ("ordering", reads.ORDERINGS)):
        value = query_params.get(name)
        if value is not None and value not in allowed:
            errors[name] = [
                str(_("Select one of: %(values)s.") % {"values": ", ".join(map(str, allowed))})
            ]
        chosen[name] = value
    return chosen, errors


class PanelResultsView(ResultsAPIView):
    """``GET results/<interview_panel_uuid>/``: a page of the panel's rows."""

    @on_app_schema(results_schema.panel_results_schema)
    def get(self, request: Request, interview_panel_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        query, errors = row_query(request.query_params)
        page_request, page_errors = pagination.parse_page_request(request.query_params)
        if errors or page_errors:
            raise ValidationError({**errors, **page_errors})
        page = pagination.paginate(reads.candidate_rows(panel, **query), page_request)
        data = reads.panel_results(panel, page, request)
        return success(_("Results retrieved successfully"), data)


class ResultsExportView(ResultsAPIView):
    """``GET results/<interview_panel_uuid>/export/<csv|xlsx|json>/``: every row, streamed.

    The panel, the format and the parameters are checked first, so that their errors are the
    envelope; then the file streams (``exports.py``)."""

    path_parameters = ("interview_panel_uuid", "export_format")

    @on_app_schema(results_schema.export_schema)
    def get(
        self, request: Request, interview_panel_uuid: str, export_format: str
    ) -> StreamingHttpResponse:
        panel = self.panel(interview_panel_uuid)
        if export_format not in exports.FORMATS:
            message = str(FORMAT_NOT_FOUND)
            raise NotFoundError(message, {"export_format": [message]})
        query, errors = row_query(request.query_params)
        if errors:
            raise ValidationError(errors)
        return exports.response(reads.candidate_rows(panel, **query), panel, export_format)


class CandidateResultView(ResultsAPIView):
    """``GET results/<interview_panel_uuid>/candidates/<candidate_uuid>/``"""

    @on_app_schema(results_schema.candidate_result_schema)
    def get(self, request: Request, interview_panel_uuid: str, candidate_uuid: str) -> Response:
        panel = self.panel(interview_panel_uuid)
        assignment = reads.find_assignment(panel, parse_canonical_uuid(candidate_uuid))
        return success(
            _("Result retrieved successfully"), reads.candidate_result(panel, assignment)
        )

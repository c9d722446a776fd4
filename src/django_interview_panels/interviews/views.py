"""The candidate's endpoints, under ``interview/``: authenticated by the assignment's token in the
``X-Interview-Token`` header, never by a user of the host.

``GET interview/`` (overview), ``POST interview/start/``, ``GET interview/attempt/``,
``PUT interview/answers/<item_uuid>/`` and ``POST interview/submit/``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from ..api.exceptions import NotFoundError
from ..api.fields import parse_canonical_uuid
from ..api.responses import success
from ..api.schema import on_app_schema
from ..api.views import EnvelopeAPIView
from ..models import Attempt, AttemptState, PanelCandidate
from . import reads, services
from . import schema as interview_schema
from .authentication import CandidateRateThrottle, CandidateTokenAuthentication, HasInterviewToken
from .serializers import AnswerSerializer

ATTEMPT_NOT_FOUND = _("Attempt not found: start the interview first.")


class CandidateAPIView(EnvelopeAPIView):
    """Candidate endpoints: the token is the credential; the host's authentication and
    throttles do not apply (a host's anonymous rate would otherwise throttle autosave)."""

    authentication_classes = [CandidateTokenAuthentication]
    permission_classes = [HasInterviewToken]
    throttle_classes = [CandidateRateThrottle]

    @property
    def assignment(self) -> PanelCandidate:
        return self.request.auth

    def attempt(self) -> Attempt:
        attempt = Attempt.objects.filter(assignment_id=self.assignment.pk).first()
        if attempt is None:
            message = str(ATTEMPT_NOT_FOUND)
            raise NotFoundError(message, {"attempt": [message]})
        attempt.assignment = self.assignment
        return attempt


class InterviewView(CandidateAPIView):
    """``GET interview/``: the panel, the time allowed, and whether the candidate may start."""

    @on_app_schema(interview_schema.overview_schema)
    def get(self, request: Request) -> Response:
        return success(
            _("Interview retrieved successfully"), reads.represent_overview(self.assignment)
        )


class AttemptStartView(CandidateAPIView):
    """``POST interview/start/``: creates the attempt (201) or resumes it (200), same set."""

    @on_app_schema(interview_schema.start_schema)
    def post(self, request: Request) -> Response:
        # The service says whether this request created the attempt: a check before it would
        # let every one of several concurrent first starts answer 201.
        attempt, created = services.start_or_resume_attempt(assignment=self.assignment)
        if not created:
            return success(_("Interview resumed"), reads.represent_attempt(attempt))
        return success(
            _("Interview started"), reads.represent_attempt(attempt), status.HTTP_201_CREATED
        )


class AttemptView(CandidateAPIView):
    """``GET interview/attempt/``: state, time left, items and saved answers."""

    @on_app_schema(interview_schema.attempt_schema)
    def get(self, request: Request) -> Response:
        return success(_("Attempt retrieved successfully"), reads.represent_attempt(self.attempt()))


class AnswerView(CandidateAPIView):
    """``PUT interview/answers/<item_uuid>/``: save (or with ``null`` clear) one answer."""

    path_parameters = ("item_uuid",)

    @on_app_schema(interview_schema.answer_save_schema)
    def put(self, request: Request, item_uuid: str) -> Response:
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.save_answer(
            assignment=self.assignment,
            item_uuid=parse_item_uuid(item_uuid),
            answer=serializer.validated_data["answer"],
        )
        return success(_("Answer saved"), reads.represent_item(item))


class AttemptSubmitView(CandidateAPIView):
    """``POST interview/submit/``: close the attempt for scoring; again, the same answer."""

    @on_app_schema(interview_schema.submit_schema)
    def post(self, request: Request) -> Response:
        attempt = services.submit_attempt(assignment=self.assignment)
        message = _("Interview submitted")
        if attempt.state == AttemptState.EXPIRED:
            message = _("The time was up: the answers saved before the deadline were submitted")
        return success(message, reads.represent_attempt(attempt, items=False))


def parse_item_uuid(value: Any) -> Any:
    """The path's item UUID, in canonical form only; other text is answered like a missing
    item."""
    parsed = parse_canonical_uuid(value)
    if parsed is None:
        raise services.ItemNotFound()
    return parsed

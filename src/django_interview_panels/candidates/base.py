"""What every candidate-management endpoint shares: managers only, the caller's organization's
live panel, and one of its candidates, each a 404 in the envelope when not found.

Paths (under the app's mount), all with ``<interview_panel_uuid>`` and, for one candidate,
``<candidate_uuid>`` (the candidate's own UUID, as in the panel responses), matched as plain
strings so that a malformed UUID is the view's 404.
"""

from __future__ import annotations

from typing import Any

from ..api.exceptions import PanelNotFound
from ..api.fields import parse_canonical_uuid
from ..api.permissions import IsOrganizationManager
from ..api.views import OrganizationAPIView
from ..locking import lock_of
from ..models import InterviewPanel, PanelCandidate
from ..results.reads import find_assignment


class CandidatesAPIView(OrganizationAPIView):
    """Base of the candidate-management endpoints (``candidates/``): Admin and HR."""

    permission_classes = [IsOrganizationManager]
    path_parameters = ("interview_panel_uuid", "candidate_uuid")

    def panel(self, value: Any, *, for_update: bool = False) -> InterviewPanel:
        """The caller's organization's live panel with the path's UUID, or the panel 404.
        ``for_update`` locks its row (call inside ``transaction.atomic``)."""
        parsed = parse_canonical_uuid(value)
        panel = None
        if parsed is not None:
            panels = InterviewPanel.objects.for_organization(self.actor.organization)
            panels = panels.filter(uuid=parsed)
            if for_update:
                panels = lock_of(panels, "self")
            panel = panels.first()
        if panel is None:
            raise PanelNotFound()
        return panel

    def assignment(self, panel: InterviewPanel, value: Any) -> PanelCandidate:
        """The panel's assignment of the candidate with the path's UUID, or the candidate 404
        (``{"candidate_uuid": ["Candidate not found"]}``)."""
        return find_assignment(panel, parse_canonical_uuid(value))

"""Models, one module per domain; everything is importable from here, as Django expects.

Public identifiers are UUIDs; integer primary keys stay internal. ``Organization`` and
``Candidate`` are swappable (see ``conf.py``); everything else points at them through the
settings, the way Django points at ``AUTH_USER_MODEL``.
"""

from __future__ import annotations

from .bank import (
    CHOICE_KINDS,
    BankEntry,
    Category,
    Difficulty,
    Question,
    QuestionKind,
    QuestionVersion,
    RubricDimension,
    Subtopic,
    Topic,
)
from .organizations import (
    AbstractCandidate,
    AbstractOrganization,
    Candidate,
    Membership,
    Organization,
    PublicIdModel,
    Role,
    get_candidate_model,
    get_organization_model,
)
from .panels import InterviewPanel, PanelCandidate, QuestionDistribution

__all__ = [
    "CHOICE_KINDS",
    "AbstractCandidate",
    "AbstractOrganization",
    "BankEntry",
    "Candidate",
    "Category",
    "Difficulty",
    "InterviewPanel",
    "Membership",
    "Organization",
    "PanelCandidate",
    "PublicIdModel",
    "Question",
    "QuestionDistribution",
    "QuestionKind",
    "QuestionVersion",
    "Role",
    "RubricDimension",
    "Subtopic",
    "Topic",
    "get_candidate_model",
    "get_organization_model",
]

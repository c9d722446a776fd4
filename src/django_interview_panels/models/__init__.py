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
from .interviews import (
    Attempt,
    AttemptItem,
    AttemptState,
    ItemReview,
    ItemStatus,
    QuestionExposure,
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
from .panels import MAX_TIME_LIMIT_MINUTES, InterviewPanel, PanelCandidate, QuestionDistribution

__all__ = [
    "CHOICE_KINDS",
    "MAX_TIME_LIMIT_MINUTES",
    "AbstractCandidate",
    "AbstractOrganization",
    "Attempt",
    "AttemptItem",
    "AttemptState",
    "BankEntry",
    "Candidate",
    "Category",
    "Difficulty",
    "InterviewPanel",
    "ItemReview",
    "ItemStatus",
    "Membership",
    "Organization",
    "PanelCandidate",
    "PublicIdModel",
    "Question",
    "QuestionDistribution",
    "QuestionExposure",
    "QuestionKind",
    "QuestionVersion",
    "Role",
    "RubricDimension",
    "Subtopic",
    "Topic",
    "get_candidate_model",
    "get_organization_model",
]

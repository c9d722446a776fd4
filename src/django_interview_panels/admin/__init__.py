"""Django admin for the question bank, interview panels and the default organization models.

The default ``Organization`` and ``Candidate`` are registered only when they are not swapped out:
a host that brings its own models registers them in its own admin. Relations to models this app
does not own (the user, a swapped organization or candidate) get an autocomplete widget only when
the related model is registered with ``search_fields``, decided per request because the host's
admin modules may load after this one.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db.models import Model

from ..models import (
    Attempt,
    Candidate,
    Category,
    InterviewPanel,
    ItemReview,
    Membership,
    Organization,
    PanelCandidate,
    Question,
    QuestionDistribution,
    QuestionExposure,
    RubricDimension,
    Subtopic,
    Topic,
)
from .bank import (
    CategoryAdmin,
    QuestionAdmin,
    RubricDimensionAdmin,
    SubtopicAdmin,
    TopicAdmin,
)
from .base import APP_LABEL
from .interviews import AttemptAdmin, ItemReviewAdmin, QuestionExposureAdmin
from .organizations import CandidateAdmin, MembershipAdmin, OrganizationAdmin
from .panels import InterviewPanelAdmin, PanelCandidateAdmin, QuestionDistributionAdmin

# --- Registration -------------------------------------------------------------------------------


def _relations_resolved() -> bool:
    """Whether every relation of the app's models reached an installed model.

    A swappable setting naming no installed model (``accounts.Aplicant``) leaves the relation a
    string, and Django's admin checks would crash on it; the app's system check (E006) says why.
    """
    return all(
        not isinstance(field.related_model, str)
        for model in apps.get_app_config(APP_LABEL).get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    )


def register(site: admin.AdminSite) -> None:
    """Register the app's models with ``site``; the default organization and candidate only
    when not swapped out."""
    model_admins: list[tuple[type[Model], type[admin.ModelAdmin]]] = [
        (Membership, MembershipAdmin),
        (Category, CategoryAdmin),
        (Topic, TopicAdmin),
        (Subtopic, SubtopicAdmin),
        (Question, QuestionAdmin),
        (RubricDimension, RubricDimensionAdmin),
        (InterviewPanel, InterviewPanelAdmin),
        (QuestionDistribution, QuestionDistributionAdmin),
        (PanelCandidate, PanelCandidateAdmin),
        (Attempt, AttemptAdmin),
        (ItemReview, ItemReviewAdmin),
        (QuestionExposure, QuestionExposureAdmin),
    ]
    if not Organization._meta.swapped:
        model_admins.append((Organization, OrganizationAdmin))
    if not Candidate._meta.swapped:
        model_admins.append((Candidate, CandidateAdmin))
    for model, model_admin in model_admins:
        site.register(model, model_admin)


if _relations_resolved():
    register(admin.site)

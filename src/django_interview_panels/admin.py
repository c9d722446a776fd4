"""Django admin for the question bank, interview panels and the default organization models.

The default ``Organization`` and ``Candidate`` are registered only when they are not swapped out:
a host that brings its own models registers them in its own admin. Relations to models this app
does not own (the user, a swapped organization or candidate) get an autocomplete widget only when
the related model is registered with ``search_fields``, decided per request because the host's
admin modules may load after this one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    Candidate,
    Category,
    InterviewPanel,
    Membership,
    Organization,
    PanelCandidate,
    Question,
    QuestionDistribution,
    Subtopic,
    Topic,
)

GLOBAL_ENTRY = _("(global)")
APP_LABEL = "interview_panels"
_SEARCH_PREFIXES = "^=@"


def _registered_admin(admin_site: admin.AdminSite, model: type[Model]) -> Any | None:
    try:
        return admin_site.get_model_admin(model)
    except NotRegistered:
        return None


class ForeignRelationsMixin:
    """Autocomplete and search across relations to models the host may own.

    ``foreign_autocomplete_fields``: foreign keys that use an autocomplete widget when the related
    model is registered with ``search_fields`` (list them in ``raw_id_fields`` too, as the fallback
    for large tables). ``foreign_search_fields``: foreign keys whose related admin's
    ``search_fields`` are searched through as well.
    """

    foreign_autocomplete_fields: tuple[str, ...] = ()
    foreign_search_fields: tuple[str, ...] = ()

    def _related_admin(self, field_name: str) -> Any | None:
        related_model = self.model._meta.get_field(field_name).related_model
        return _registered_admin(self.admin_site, related_model)

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_autocomplete_fields(request))
        for name in self.foreign_autocomplete_fields:
            related_admin = self._related_admin(name)
            if related_admin is not None and related_admin.get_search_fields(request):
                fields.append(name)
        return fields

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        fields = list(super().get_search_fields(request))
        for name in self.foreign_search_fields:
            related_admin = self._related_admin(name)
            if related_admin is None:
                continue
            for field in related_admin.get_search_fields(request):
                prefix = field[0] if field[0] in _SEARCH_PREFIXES else ""
                fields.append(f"{prefix}{name}__{field.removeprefix(prefix)}")
        return fields


# --- Organizations, candidates and memberships --------------------------------------------------


class OrganizationAdmin(admin.ModelAdmin):
    """The default organization (registered only when not swapped out)."""

    list_display = ("name", "uuid")
    search_fields = ("name", "=uuid")
    readonly_fields = ("uuid",)


class CandidateAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """The default candidate (registered only when not swapped out)."""

    list_display = ("name", "email", "organization")
    list_select_related = ("organization",)
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "email", "=uuid")
    readonly_fields = ("uuid",)
    foreign_autocomplete_fields = ("organization",)


class MembershipAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """A user's organization and role, as read by the default resolvers."""

    list_display = ("user", "organization", "role")
    list_select_related = ("user", "organization")
    list_filter = ("role", ("organization", admin.RelatedOnlyFieldListFilter))
    raw_id_fields = ("user",)
    foreign_autocomplete_fields = ("user", "organization")
    foreign_search_fields = ("user", "organization")

    def get_search_fields(self, request: HttpRequest) -> list[str]:
        # The username field of whichever user model is installed (`username` on AbstractUser).
        username = f"user__{get_user_model().USERNAME_FIELD}"
        return [username, *(f for f in super().get_search_fields(request) if f != username)]


# --- Question bank ------------------------------------------------------------------------------


class BankEntryAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """Shared by categories, topics, subtopics and questions; an empty organization is global."""

    empty_value_display = GLOBAL_ENTRY
    readonly_fields = ("uuid",)
    foreign_autocomplete_fields = ("organization",)


class CategoryAdmin(BankEntryAdmin):
    """Top level of the question bank."""

    list_display = ("name", "organization", "uuid")
    list_select_related = ("organization",)
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "=uuid")


class TopicAdmin(BankEntryAdmin):
    """Topics of a category."""

    list_display = ("name", "category", "organization", "uuid")
    list_select_related = ("category", "organization")
    list_filter = (
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("category", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "category__name", "=uuid")
    autocomplete_fields = ("category",)


class SubtopicAdmin(BankEntryAdmin):
    """Subtopics of a topic."""

    list_display = ("name", "topic", "category", "organization", "uuid")
    list_select_related = ("topic__category", "organization")
    list_filter = (("organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "topic__name", "topic__category__name", "=uuid")
    autocomplete_fields = ("topic",)

    @admin.display(description=_("category"), ordering="topic__category__name")
    def category(self, obj: Subtopic) -> Category:
        return obj.topic.category


class QuestionAdmin(BankEntryAdmin):
    """Questions of a subtopic, one difficulty each."""

    list_display = ("short_text", "difficulty", "subtopic", "organization")
    list_select_related = ("subtopic", "organization")
    list_filter = ("difficulty", ("organization", admin.RelatedOnlyFieldListFilter))
    search_fields = ("text", "subtopic__name", "=uuid")
    autocomplete_fields = ("subtopic",)

    @admin.display(description=_("text"), ordering="text")
    def short_text(self, obj: Question) -> str:
        return str(obj)


# --- Interview panels ---------------------------------------------------------------------------


class PanelCandidateForm(forms.ModelForm):
    """An empty expiry means "when the panel ends"; the token comes from the model's default.

    No ``Meta.model``: the admin builds the form per request (``modelform_factory``), so a
    candidate setting naming no installed model is a system check error, not an import crash.
    """

    class Meta:
        help_texts = {"token_expires_at": _("Leave empty to expire when the panel ends.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "token_expires_at" in self.fields:
            self.fields["token_expires_at"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "token_expires_at" in self.fields and not cleaned.get("token_expires_at"):
            # Without a panel end the panel's own form is invalid and nothing is saved.
            end = getattr(cleaned.get("panel"), "end_datetime", None)
            if end is not None:
                cleaned["token_expires_at"] = end
        return cleaned


class QuestionDistributionInline(admin.TabularInline):
    """The panel's question mix, one row per subtopic."""

    model = QuestionDistribution
    fields = ("topic", "subtopic", "easy", "medium", "hard", "total", "uuid")
    readonly_fields = ("total", "uuid")
    autocomplete_fields = ("topic", "subtopic")
    extra = 0

    @admin.display(description=_("total"))
    def total(self, obj: QuestionDistribution) -> int | None:
        return obj.total if obj.pk else None


class PanelCandidateInline(ForeignRelationsMixin, admin.TabularInline):
    """The panel's candidates; tokens are issued by the app and never edited."""

    model = PanelCandidate
    form = PanelCandidateForm
    fields = ("candidate", "token", "token_expires_at", "score", "uuid")
    readonly_fields = ("token", "uuid")
    raw_id_fields = ("candidate",)
    foreign_autocomplete_fields = ("candidate",)
    extra = 0


class ActivePanelFilter(admin.SimpleListFilter):
    """Active until ``end_datetime`` has passed, like the API's ``is_active``."""

    title = _("active")
    parameter_name = "active"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == "yes":
            return queryset.filter(end_datetime__gt=timezone.now())
        if self.value() == "no":
            return queryset.filter(end_datetime__lte=timezone.now())
        return None


class InterviewPanelAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """Interview panels with their question mix and candidates inline."""

    list_display = (
        "name",
        "organization",
        "category",
        "start_datetime",
        "end_datetime",
        "active",
        "is_deleted",
        "created_at",
    )
    list_select_related = ("organization", "category")
    list_filter = (
        "is_deleted",
        ActivePanelFilter,
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "=uuid")
    readonly_fields = ("uuid", "created_at", "updated_at", "deleted_at")
    autocomplete_fields = ("category",)
    raw_id_fields = ("created_by",)
    foreign_autocomplete_fields = ("organization", "created_by")
    foreign_search_fields = ("organization",)
    inlines = (QuestionDistributionInline, PanelCandidateInline)
    actions = ("soft_delete", "restore")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_is_active()

    @admin.display(description=_("active"), boolean=True, ordering="is_active")
    def active(self, obj: InterviewPanel) -> bool:
        is_active = getattr(obj, "is_active", None)
        return obj.end_datetime > timezone.now() if is_active is None else is_active

    def save_model(
        self, request: HttpRequest, obj: InterviewPanel, form: Any, change: bool
    ) -> None:
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if obj.is_deleted and obj.deleted_at is None:
            obj.deleted_at = timezone.now()
        elif not obj.is_deleted:
            obj.deleted_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Tokens expire when the panel ends (as the API's update does): move the expiries that
        # followed the old end, and leave any set by hand in the same request alone.
        old_end = form.initial.get("end_datetime")
        if change and old_end is not None and "end_datetime" in form.changed_data:
            PanelCandidate.objects.filter(panel=form.instance, token_expires_at=old_end).update(
                token_expires_at=form.instance.end_datetime
            )

    @admin.action(description=_("Mark selected panels as deleted"))
    def soft_delete(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(is_deleted=False).update(
            is_deleted=True, deleted_at=timezone.now(), updated_at=timezone.now()
        )
        message = ngettext(
            "%(count)d panel marked as deleted.", "%(count)d panels marked as deleted.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Restore selected deleted panels"))
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(is_deleted=True).update(
            is_deleted=False, deleted_at=None, updated_at=timezone.now()
        )
        message = ngettext("%(count)d panel restored.", "%(count)d panels restored.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


class QuestionDistributionAdmin(admin.ModelAdmin):
    """Question distributions across panels."""

    list_display = ("panel", "topic", "subtopic", "easy", "medium", "hard", "total")
    list_select_related = ("panel", "topic", "subtopic")
    list_filter = (("panel__organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("panel__name", "subtopic__name", "topic__name", "=uuid")
    readonly_fields = ("uuid",)
    autocomplete_fields = ("panel", "topic", "subtopic")

    @admin.display(description=_("total"))
    def total(self, obj: QuestionDistribution) -> int:
        return obj.total


class PanelCandidateAdmin(ForeignRelationsMixin, admin.ModelAdmin):
    """Candidate assignments; the token is shown, never editable."""

    form = PanelCandidateForm
    list_display = ("candidate", "panel", "token_expires_at", "token_valid", "score")
    list_select_related = ("candidate", "panel")
    list_filter = (("panel__organization", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("panel__name", "=uuid", "=token")
    fields = ("panel", "candidate", "token", "token_expires_at", "score", "uuid")
    readonly_fields = ("token", "uuid")
    autocomplete_fields = ("panel",)
    raw_id_fields = ("candidate",)
    foreign_autocomplete_fields = ("candidate",)
    foreign_search_fields = ("candidate",)

    @admin.display(description=_("token valid"), boolean=True)
    def token_valid(self, obj: PanelCandidate) -> bool:
        return obj.token_expires_at > timezone.now() and not obj.panel.is_deleted


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
        (InterviewPanel, InterviewPanelAdmin),
        (QuestionDistribution, QuestionDistributionAdmin),
        (PanelCandidate, PanelCandidateAdmin),
    ]
    if not Organization._meta.swapped:
        model_admins.append((Organization, OrganizationAdmin))
    if not Candidate._meta.swapped:
        model_admins.append((Candidate, CandidateAdmin))
    for model, model_admin in model_admins:
        site.register(model, model_admin)


if _relations_resolved():
    register(admin.site)

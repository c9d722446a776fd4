"""Admin for interview panels, their distributions and candidate assignments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import (
    InterviewPanel,
    PanelCandidate,
    QuestionDistribution,
)
from .base import ForeignRelationsMixin


class PanelCandidateForm(forms.ModelForm):
    """An empty expiry means "when the panel ends"; the token comes from the model's default.

    No ``Meta.model``: the admin builds the form per request (``modelform_factory``), so a
    candidate setting naming no installed model is a system check error, not an import crash.
    """

    class Meta:
        help_texts = {
            "token_expires_at": _(
                "Leave empty to expire at the candidate's end: their own window's end, or the "
                "panel's."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "token_expires_at" in self.fields:
            self.fields["token_expires_at"].required = False
        if "candidate" in self.fields and self.instance.erased_at is not None:
            # An erased assignment has no candidate any more (that is the erasure); every
            # other one needs one (the model's field is not blank).
            self.fields["candidate"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "token_expires_at" in self.fields and not cleaned.get("token_expires_at"):
            # The candidate's effective end: a removed one's token stays expired, an own window
            # end wins over the panel's. Without a panel end the panel's own form is invalid and
            # nothing is saved.
            instance = self.instance
            end = (
                instance.removed_at
                or instance.window_ends_at
                or getattr(cleaned.get("panel"), "end_datetime", None)
            )
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
        if change and {"end_datetime", "time_limit_minutes"} & set(form.changed_data):
            # As the API's update: an attempt whose time was up stays closed whatever the new
            # end or limit says. The admin's view runs in a transaction: the panel's row lock,
            # then each overdue attempt's, with the stored end and limit.
            from ..interviews.services import close_overdue_attempts_of

            stored = InterviewPanel.objects.select_for_update().filter(pk=obj.pk).first()
            if stored is not None:
                close_overdue_attempts_of(stored, timezone.now())
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Tokens expire when the candidate's access ends (as the API's update does): move the
        # expiries that followed the old end (no window end of their own, not removed), and
        # leave any set by hand in the same request alone.
        old_end = form.initial.get("end_datetime")
        if change and old_end is not None and "end_datetime" in form.changed_data:
            PanelCandidate.objects.filter(
                panel=form.instance,
                token_expires_at=old_end,
                window_ends_at__isnull=True,
                removed_at__isnull=True,
            ).update(token_expires_at=form.instance.end_datetime)

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
        return (
            obj.removed_at is None
            and obj.token_expires_at > timezone.now()
            and not obj.panel.is_deleted
        )

"""Admin for the default organization, candidate and membership models."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from .base import ForeignRelationsMixin


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

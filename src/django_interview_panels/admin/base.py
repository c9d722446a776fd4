"""What the app's model admins share: relations to host models, searched only where the host
lets its admin search them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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

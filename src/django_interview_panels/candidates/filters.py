"""The candidate list's query parameters (``GET candidates/<panel>/``): ``status`` and
``search``, parsed as strictly as the panel list's (``api/filters.py``): a bad value is a 400 in
the envelope, never ignored."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..api.fields import MAX_NAME_LENGTH
from ..api.filters import SearchField, StrictFilterForm
from .reads import CandidateStatus

STATUS_HELP = _(
    "Only candidates with this status (docs/candidates.md). Default: every status but removed."
)
SEARCH_HELP = _(
    "Candidates whose name or email (the CANDIDATE_SEARCH_FIELDS of the candidate model, and no "
    "other field) contains this text, ignoring case."
)


class CandidateListForm(StrictFilterForm):
    """``status`` (one of ``CandidateStatus.ALL``) and ``search``; other parameters (``page``,
    ``page_size``, cache busters) are not this form's."""

    status = forms.ChoiceField(
        choices=[(value, value) for value in CandidateStatus.ALL],
        required=False,
        help_text=STATUS_HELP,
    )
    # No candidate text field the default model has is longer.
    search = SearchField(max_length=MAX_NAME_LENGTH, required=False, help_text=SEARCH_HELP)

    def filters(self) -> dict[str, Any]:
        """The valid form's values: ``status`` (None: all but removed) and ``search``."""
        return {
            "status": self.cleaned_data.get("status") or None,
            "search": self.cleaned_data.get("search") or None,
        }


def form_errors(form: forms.Form) -> dict[str, list[str]]:
    """The form's errors as the envelope's ``errors``: parameter name -> messages."""
    return {
        field: [str(message) for message in messages] for field, messages in form.errors.items()
    }

"""The candidate page and its JavaScript catalog.

The page carries no data of the candidate's: the token stays in the URL's fragment, which the
browser never sends, and the script reads everything through the candidate's API with the token in
the ``X-Interview-Token`` header. The server renders the page's text in the candidate's language
and tells the script where the API lives.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.generic import TemplateView
from django.views.i18n import JavaScriptCatalog

from ..conf import app_settings

API_NAMESPACE = "interview_panels:interview"
# Placeholder for an item's UUID in the answer URL the script fills in.
ITEM_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


class CandidateLanguageMixin:
    """Render in the language the candidate's browser asks for (``Accept-Language``, or the
    host's language cookie), among the host's ``LANGUAGES``, whether or not the host runs
    ``LocaleMiddleware``: the API's own messages are not affected."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class InterviewPageView(CandidateLanguageMixin, TemplateView):
    """``GET <mount>/``: the page. Override ``django_interview_panels/ui/interview.html`` (or
    ``base.html``) and ``django_interview_panels/ui/interview.css`` to restyle it."""

    template_name = "django_interview_panels/ui/interview.html"
    # Scripts, styles, images and requests from the host's own origin only. A host whose
    # templates load anything from elsewhere subclasses the view and widens this.
    content_security_policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["api"] = api_urls()
        context["max_answer_length"] = app_settings.MAX_ANSWER_LENGTH
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        response.headers["Cache-Control"] = "no-store"
        # The fragment never leaves the browser; still, no address of this page in referrers.
        response.headers["Referrer-Policy"] = "no-referrer"
        if self.content_security_policy:
            response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        return response


class PageCatalogView(CandidateLanguageMixin, JavaScriptCatalog):
    """The page script's translations (``gettext``, ``ngettext``, ``interpolate``): the app's
    ``djangojs`` catalog in the candidate's language."""

    packages = ["django_interview_panels"]


def api_urls() -> dict[str, str]:
    """Where the host mounted the candidate's API (the app's URLs, namespace
    ``interview_panels``)."""
    try:
        return {
            "overview": reverse(f"{API_NAMESPACE}:overview"),
            "start": reverse(f"{API_NAMESPACE}:start"),
            "attempt": reverse(f"{API_NAMESPACE}:attempt"),
            "submit": reverse(f"{API_NAMESPACE}:submit"),
            "answer": reverse(f"{API_NAMESPACE}:answer", args=[ITEM_PLACEHOLDER]),
        }
    except NoReverseMatch as error:
        raise ImproperlyConfigured(
            "The candidate page needs the API's URLs: include "
            "'django_interview_panels.urls' in the URLconf as well (docs/ui.md)."
        ) from error

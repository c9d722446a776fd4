"""The base of the app's staff views: everything that shapes a response but the domain."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import Actor, IsOrganizationMember, get_actor
from .pinning import JSONOnlyNegotiation, pin_error_keys
from .renderers import APIJSONRenderer
from .responses import envelope_exception_handler, success
from .schema import LinkedAutoSchema
from .throttling import APIRateThrottle


class EnvelopeAPIView(APIView):
    """What every endpoint of the app pins, whoever calls it: JSON both ways, the envelope and
    its error handler, no versioning or metadata (docs/api.md lists each setting)."""

    # The contract is JSON both ways, whatever the host's DRF defaults: no format suffixes,
    # no ?format=, no Accept-driven 406, so the order of checks in docs/api.md holds.
    parser_classes = [JSONParser]
    renderer_classes = [APIJSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation
    # Unversioned: a host's versioning scheme would answer 404 "Invalid version in URL path.".
    versioning_class = None
    # OPTIONS is answered by ``options`` below, not by DRF's metadata (view docstrings).
    metadata_class = None
    schema = LinkedAutoSchema()
    # The path parameters of the domain's routes; any other captured by a host's prefix is dropped.
    path_parameters: tuple[str, ...] = ()

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # A host's URL prefix may capture parameters of its own (an API version, a format
        # suffix); the handlers take the app's path parameter only.
        own = {key: value for key, value in kwargs.items() if key in self.path_parameters}
        return super().dispatch(request, **own)

    def get_exception_handler(self) -> Any:
        return envelope_exception_handler

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError):
            # Errors that belong to no field are keyed "non_field_errors" whatever the host's
            # NON_FIELD_ERRORS_KEY.
            exc.detail = pin_error_keys(exc.detail)
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Rendered here, inside DRF's error handling: a value the renderer refuses (say, from a
        # host's candidate name resolver) is then the envelope's 500, not Django's HTML page.
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response) and not response.is_rendered:
            try:
                response.render()
            except Exception as exc:
                failed = self.handle_exception(exc)
                response = super().finalize_response(request, failed, *args, **kwargs)
                response.render()
        return response

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The allowed methods, in the envelope (and the ``Allow`` header)."""
        methods = self.allowed_methods
        message = _("Allowed methods: %(methods)s") % {"methods": ", ".join(methods)}
        return success(message, {"allowed_methods": methods})


class OrganizationAPIView(EnvelopeAPIView):
    """Base of the staff endpoints: the caller's organization and role, the error envelope.

    Authentication and throttling come from the host's DRF settings; everything else that
    shapes a response is pinned by ``EnvelopeAPIView``.
    """

    permission_classes = [IsOrganizationMember]

    def get_throttles(self) -> list[Any]:
        # The host's throttles, then the app's read and write scopes (throttling.py).
        return [*super().get_throttles(), APIRateThrottle()]

    def get_authenticate_header(self, request: Request) -> str:
        # Unauthenticated is 401 even when the host's first authenticator (e.g. sessions) has no
        # WWW-Authenticate challenge of its own: DRF would otherwise answer 403.
        return super().get_authenticate_header(request) or 'Bearer realm="api"'

    @property
    def actor(self) -> Actor:
        return get_actor(self.request)

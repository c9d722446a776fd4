"""Rate limits of the app's endpoints: one scope for reads, one for writes, per user.

The rates come from the host's ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when it names the
scope (``None`` there switches the scope off), and otherwise from the app's ``THROTTLE_RATES``
setting, so the limits hold in a host that configured no throttling at all.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from ..conf import app_settings

READ_SCOPE = "interview_panels_read"
WRITE_SCOPE = "interview_panels_write"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class APIRateThrottle(ScopedRateThrottle):
    """DRF's ``ScopedRateThrottle``, its scope chosen by the request's method.

    It reads no ``throttle_scope`` from the view: a host's own ``ScopedRateThrottle`` in
    ``DEFAULT_THROTTLE_CLASSES`` would then demand rates for the app's scopes.
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = READ_SCOPE if request.method in _READ_METHODS else WRITE_SCOPE
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # ScopedRateThrottle's own allow_request would look the scope up on the view again.
        return super(ScopedRateThrottle, self).allow_request(request, view)

    def get_rate(self) -> str | None:
        return scope_rate(self.scope)


def scope_rate(scope: str) -> str | None:
    """The rate of one of the app's scopes: the host's ``DEFAULT_THROTTLE_RATES`` entry if it
    has one (None included), else ``THROTTLE_RATES``'. Read per request, not at import, so
    overridden settings take effect."""
    host_rates = api_settings.DEFAULT_THROTTLE_RATES or {}
    if scope in host_rates:
        return host_rates[scope]
    return (app_settings.THROTTLE_RATES or {}).get(scope)

"""The candidate's credential: the assignment's access token, in the ``X-Interview-Token`` header.

Never in a URL or query string, where access logs, proxies and browser history would keep it.
Unknown, expired and deleted-panel tokens (and a deleted assignment's) get one answer (401),
and refused tokens are counted per client address (``interview_panels_token``): past the rate,
every token from that address is refused until the window passes, so the throttle is no oracle
either.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from ..api.throttling import scope_rate
from ..models import PanelCandidate
from ..panels.services import find_assignment_by_token

TOKEN_HEADER = "X-Interview-Token"
_META_KEY = "HTTP_X_INTERVIEW_TOKEN"
TOKEN_SCOPE = "interview_panels_token"
CANDIDATE_SCOPE = "interview_panels_candidate"
INVALID_TOKEN = _("Invalid or expired interview token.")
MISSING_TOKEN = _("Send the interview token in the X-Interview-Token header.")


class RefusedTokenThrottle(SimpleRateThrottle):
    """Refused tokens per client address (``get_ident``: ``REMOTE_ADDR``, or the forwarded
    address behind ``NUM_PROXIES`` proxies), in Django's cache: shared by every process when the
    cache is (Redis, Memcached).

    Counted with the cache's ``add`` and ``incr``, atomic on Redis, Memcached and the
    local-memory cache, in fixed windows of the rate's duration. DRF's request history is a read,
    an append and a write: refusals that arrive together (an attacker's parallel guesses, from
    several processes or threads) overwrite each other and count as a fraction of their number.
    An address is blocked while the refusals of the current and the previous window reach the
    rate, so every refusal of the last ``duration`` seconds counts, as in DRF's sliding window,
    and a window's boundary never resets the count.
    """

    scope = TOKEN_SCOPE

    def get_rate(self) -> str | None:
        return scope_rate(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _windows(self, request: Request) -> tuple[str, str]:
        """The keys of the current and the previous window's counts for this address."""
        self.now = self.timer()
        index = int(self.now // self.duration)
        self.window_end = (index + 1) * self.duration
        key = self.get_cache_key(request, None)
        return f"{key}:{index}", f"{key}:{index - 1}"

    def blocked(self, request: Request) -> bool:
        """Whether this address has used up its refusals; reads, never counts."""
        if self.rate is None:
            return False
        current, previous = self._windows(request)
        counts = self.cache.get_many([current, previous])
        self.current_count = int(counts.get(current) or 0)
        return self.current_count + int(counts.get(previous) or 0) >= self.num_requests

    def record(self, request: Request) -> None:
        """Count one refused token for this address."""
        if self.rate is None:
            return
        current, _previous = self._windows(request)
        # The next window still reads this one's count.
        timeout = int(self.window_end - self.now + self.duration) + 1
        self.cache.add(current, 0, timeout)
        try:
            self.cache.incr(current)
        except ValueError:  # evicted or expired between the two calls
            self.cache.add(current, 1, timeout)

    def wait(self) -> float:
        """Seconds until this address may try again: to the end of the window, or of the next
        one when the current window's refusals alone reach the rate."""
        remaining = self.window_end - self.now
        if self.current_count >= self.num_requests:
            remaining += self.duration
        return remaining


class CandidateTokenAuthentication(BaseAuthentication):
    """``request.auth`` is the ``PanelCandidate`` the token opens; ``request.user`` anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, PanelCandidate]:
        refusals = RefusedTokenThrottle()
        if refusals.blocked(request):
            raise exceptions.Throttled(refusals.wait())
        token = request.META.get(_META_KEY)
        if not token:
            raise exceptions.AuthenticationFailed(MISSING_TOKEN)
        assignment = find_assignment_by_token(token)
        if assignment is None:
            refusals.record(request)
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return AnonymousUser(), assignment

    def authenticate_header(self, request: Request) -> str:
        return 'InterviewToken realm="interview"'


class HasInterviewToken(BasePermission):
    """The request carries a valid candidate token (the authentication refused any other)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, PanelCandidate)


class CandidateRateThrottle(SimpleRateThrottle):
    """Requests per candidate token (``interview_panels_candidate``): autosave included."""

    scope = CANDIDATE_SCOPE

    def get_rate(self) -> str | None:
        return scope_rate(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, PanelCandidate):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

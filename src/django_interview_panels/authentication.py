"""``Authorization: Bearer <token>`` over DRF's token model (needs ``rest_framework.authtoken``).

Optional: hosts keep whatever authentication they already use. The API's examples send
``Bearer`` tokens, so this is what the example project and the tests install.
"""

from __future__ import annotations

from rest_framework.authentication import TokenAuthentication


class BearerTokenAuthentication(TokenAuthentication):
    """DRF's token authentication with the ``Bearer`` keyword instead of ``Token``."""

    keyword = "Bearer"

"""Bearer-token protection of the HTTP transport with one static token (`SALESNAV_HTTP_TOKEN`).

The SDK's bearer middleware does the HTTP side (401 with `WWW-Authenticate`); this module
only decides whether a presented token is the configured one, in constant time.
"""

from __future__ import annotations

import hmac

from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from pydantic import SecretStr

# The identity every holder of the static token shares; the token itself is never stored in it.
CLIENT_ID = "salesnav-http-token"


class StaticTokenVerifier(TokenVerifier):
    """Accepts exactly one token. The expected value stays a SecretStr, so reprs and logs never show it."""

    def __init__(self, expected: SecretStr) -> None:
        value = expected.get_secret_value()
        if not value.strip():
            raise ValueError("SALESNAV_HTTP_TOKEN is empty: set a long random value")
        self._expected = expected

    def __repr__(self) -> str:
        return "StaticTokenVerifier(expected=SecretStr('**********'))"

    async def verify_token(self, token: str) -> AccessToken | None:
        presented = token.encode("utf-8", "surrogateescape")
        expected = self._expected.get_secret_value().encode("utf-8")
        if not hmac.compare_digest(presented, expected):
            return None
        # The access record travels with the request; it carries a marker, not the secret.
        return AccessToken(token="[static bearer token]", client_id=CLIENT_ID, scopes=[])


def http_auth(token: SecretStr, server_url: str) -> tuple[TokenVerifier, AuthSettings]:
    """Verifier and auth settings for `build_server(http_auth=...)`.

    No authorization server exists for a static token, so no OAuth metadata is published
    (`resource_server_url=None`); `issuer_url` is required by the SDK's model and names this server.
    """
    settings = AuthSettings(issuer_url=server_url, resource_server_url=None, required_scopes=[])
    return StaticTokenVerifier(token), settings

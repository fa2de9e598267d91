"""CORS for browser-based MCP clients on the origins named in `SALESNAV_ALLOWED_ORIGINS`.

A browser sends a preflight OPTIONS before a cross-origin POST with JSON or an `Mcp-*` header,
and lets the page read only the response headers listed as exposed (the session id!). Only the
configured origins get any of this; a request from another origin reaches the app untouched,
without a CORS header, and the SDK's Origin check refuses it as before.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

# What a browser client sends beyond the CORS-safelisted headers, in both protocol versions
# (2025-11-25: session and protocol version; 2026-07-28 adds Mcp-Method and Mcp-Name).
REQUEST_HEADERS = (
    "Authorization",
    "Content-Type",
    "Last-Event-ID",
    "Mcp-Session-Id",
    "Mcp-Protocol-Version",
    "Mcp-Method",
    "Mcp-Name",
)
# The session id opens every later request; WWW-Authenticate tells a client without a token what to do.
EXPOSED_HEADERS = ("Mcp-Session-Id", "WWW-Authenticate")
METHODS = ("GET", "POST", "DELETE")


def with_cors(app: ASGIApp, origins: Iterable[str]) -> ASGIApp:
    """`app` answering CORS for `origins`; `app` itself when there are none."""
    allowed = frozenset(origins)
    if not allowed:
        return app
    cors = CORSMiddleware(
        app,
        allow_origins=sorted(allowed),
        allow_methods=METHODS,
        allow_headers=REQUEST_HEADERS,
        expose_headers=EXPOSED_HEADERS,
    )

    async def app_with_cors(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and Headers(scope=scope).get("origin") in allowed:
            await cors(scope, receive, send)
        else:
            await app(scope, receive, send)

    return app_with_cors

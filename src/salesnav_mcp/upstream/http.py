"""The one way this package creates HTTP clients for upstream calls.

The server layer chooses the transport: real HTTPS (the default), or an in-process
ASGI app such as the embedded sandbox (`httpx2.ASGITransport(app=...)`). Credentials
are never set on the client: each request carries its own, so the client's repr
and defaults hold no secret.
"""

from __future__ import annotations

import httpx2

from salesnav_mcp import __version__

USER_AGENT = f"salesnav-mcp/{__version__}"


def make_http_client(
    base_url: str | None = None,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    timeout: float = 30.0,
) -> httpx2.AsyncClient:
    """An AsyncClient with a timeout, a user agent and no redirects followed by default."""
    kwargs: dict[str, object] = {
        "timeout": httpx2.Timeout(timeout),
        "headers": {"User-Agent": USER_AGENT},
        "follow_redirects": False,
    }
    if base_url:
        kwargs["base_url"] = base_url
    if transport is not None:
        kwargs["transport"] = transport
    return httpx2.AsyncClient(**kwargs)  # type: ignore[arg-type]

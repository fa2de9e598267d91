"""Which accounts' LinkedIn sessions are busy, for a truthful `/account/status`.

ConnectSafely drives one LinkedIn session per account. The sandbox reports (DEFINE):
- ERROR for an account whose status is ERROR;
- IN_USE while a ConnectSafely request for that account is in flight (everything under
  /linkedin except the account list, the status and the quota, which read no session),
  counted from the moment the request arrives, so injected latency and faults hold the
  session as a slow LinkedIn would;
- IN_USE for a WARMUP account while ConnectSafely's warm-up automation drives it: minutes
  30-44 of every UTC hour on the sandbox clock;
- AVAILABLE otherwise.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .data import DEFAULT_ACCOUNT_ID
from .world import Account, SandboxWorld

WARMUP_MINUTES = range(30, 45)
_PREFIX = "/linkedin/"
_NO_SESSION = re.compile(r"^/linkedin/(accounts|account/status|account/[^/]+/quota)/?$")
_ACCOUNT_IN_PATH = re.compile(r"^/linkedin/relationship/([^/]+)/[^/]+$")
_MAX_PEEK = 1 << 20


def session_status(world: SandboxWorld, account: Account) -> str:
    if account.seed.status == "ERROR":
        return "ERROR"
    if world.in_flight[account.id] > 0:
        return "IN_USE"
    if account.seed.status == "WARMUP" and world.now().minute in WARMUP_MINUTES:
        return "IN_USE"
    return "AVAILABLE"


class SessionMiddleware:
    """Counts each ConnectSafely request against its account while it is being served."""

    def __init__(self, app: ASGIApp, world: SandboxWorld) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith(_PREFIX) or _NO_SESSION.match(path):
            await self.app(scope, receive, send)
            return
        account_id, receive = await _account_of(scope, receive)
        busy = self.world.in_flight  # the counter of this world generation, even if it is reset meanwhile
        busy[account_id] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            busy[account_id] -= 1


async def _account_of(scope: Scope, receive: Receive) -> tuple[str, Receive]:
    """The account a request is for (path, query or JSON body; else the default), and a receive that replays."""
    in_path = _ACCOUNT_IN_PATH.match(scope.get("path", ""))
    if in_path:
        return in_path.group(1), receive
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    if query.get("accountId"):
        return query["accountId"][0], receive
    headers = dict(scope.get("headers", []))
    length = headers.get(b"content-length", b"")
    if b"json" not in headers.get(b"content-type", b"") or not length.isdigit() or int(length) > _MAX_PEEK:
        return DEFAULT_ACCOUNT_ID, receive
    chunks: list[Message] = []
    while True:
        message = await receive()
        chunks.append(message)
        if message["type"] != "http.request" or not message.get("more_body"):
            break
    raw = b"".join(m.get("body", b"") for m in chunks)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        body = None
    account_id = body.get("accountId") if isinstance(body, dict) else None

    async def replay() -> Message:
        return chunks.pop(0) if chunks else await receive()

    return account_id if isinstance(account_id, str) and account_id else DEFAULT_ACCOUNT_ID, replay

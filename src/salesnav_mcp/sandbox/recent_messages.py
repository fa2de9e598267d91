"""`GET /messaging/recent-messages`: the account's latest messages across all its threads.

DEFINE (the vendor documents the endpoint, not its fields): query `accountId`, `since`
(ISO-8601 or epoch milliseconds; only messages sent after it), `count` (1-100, default 20)
and `cursor` (opaque, from the previous page, for older messages). Answer
`{success, messages, hasMore, cursor}`, newest first; each message is the messages
endpoint's message plus its `conversationUrn`; the cursor marks the last message shown, so
pages stay stable while new messages arrive.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from .connectsafely import _message_page, _ok, _parse_since, endpoint, message_json
from .errors import ApiError, cs_error
from .routes import routes
from .world import SandboxWorld, epoch_ms


@endpoint
async def recent_messages(request: Request, world: SandboxWorld) -> Response:
    params, count, account = _message_page(request, world, default_count=20)
    since = _parse_since(params["since"]) if params.get("since") else None
    rows = [(m, c) for c in world.conversations_of(account.id) for m in c.messages if since is None or m.sent_at > since]
    rows.sort(key=lambda row: (row[0].sent_at, row[0].urn), reverse=True)
    if params.get("cursor"):
        at, _, urn = params["cursor"].partition("|")
        try:
            after = (_parse_since(at), urn)
        except ApiError:
            raise cs_error(400, f"Invalid cursor {params['cursor']!r}; pass back the cursor of the previous page") \
                from None
        rows = [(m, c) for m, c in rows if (m.sent_at, m.urn) < after]
    page = rows[:count]
    has_more = len(rows) > count
    last = page[-1][0] if page else None
    return _ok({"messages": [message_json(m) | {"conversationUrn": c.urn} for m, c in page], "hasMore": has_more,
                "cursor": f"{epoch_ms(last.sent_at)}|{last.urn}" if has_more and last else None})


ROUTES = routes({"GET /messaging/recent-messages": recent_messages})

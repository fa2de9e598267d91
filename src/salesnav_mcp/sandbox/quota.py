"""`GET /account/{accountId}/quota`: the account's usage, read from the sandbox's own counters.

Features served (each `{feature, window, used, limit, linkedinLimit, remaining, limitReached,
limitReachedAt, resetAt}`), all as the sandbox enforces them:
- PROFILE_VIEW, daily: distinct profiles fetched in the rolling 24 h; `resetAt` = when the
  oldest of them leaves the window (null when none).
- CONNECT, weekly: connection requests since Monday 00:00 UTC; `resetAt` = next Monday, or the
  end of the 24 h hold while one is on (then `limitReached` is true).
- SEARCH_PEOPLE, daily: search calls this UTC day (DEFINE: the sandbox has one search budget,
  people and company searches alike, reported here); `resetAt` = next midnight UTC.
- MESSAGE, daily: new conversations started this UTC day (DEFINE: the sandbox caps new
  conversations, replies are unlimited); `resetAt` = next midnight UTC.

DEFINE: `limit` = `linkedinLimit` (the sandbox sets no limits of its own below LinkedIn's);
`limitReachedAt` is null for SEARCH_PEOPLE and MESSAGE (no timestamp kept);
the answer has no `success` field; it reads no LinkedIn session (safe to poll).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .connectsafely import _account, endpoint
from .invitations import HOLD
from .network import week_start
from .routes import routes
from .world import SandboxWorld, iso, next_midnight


def _entry(feature: str, window: str, used: int, limit: int, reset_at: datetime | None,
           reached_at: datetime | None, held: bool = False) -> dict[str, Any]:
    reached = held or used >= limit
    return {"feature": feature, "window": window, "used": used, "limit": limit, "linkedinLimit": limit,
            "remaining": 0 if held else max(0, limit - used), "limitReached": reached,
            "limitReachedAt": iso(reached_at) if reached and reached_at else None,
            "resetAt": iso(reset_at) if reset_at else None}


def quotas(world: SandboxWorld, account_id: str) -> list[dict[str, Any]]:
    now = world.now()
    config = world.config
    views = world.profile_views
    week = week_start(now)
    sent = world.network.sent_since(account_id, week)
    hold = world.network.holds.get(account_id)
    held = hold is not None and hold > now
    connect_limit = config.connections_per_week
    if hold is not None and held:
        connect_reached: datetime | None = hold - HOLD
    else:
        connect_reached = sent[connect_limit - 1].sent_at if 0 < connect_limit <= len(sent) else None
    counter = world.search_calls.get(account_id)
    searches = counter.per_day.get(now.date(), 0) if counter else 0
    return [
        _entry("PROFILE_VIEW", "daily", len(views.in_window(account_id, now)), config.profile_views_per_day,
               views.slot_frees_at(account_id, now),
               views.limit_reached_at(account_id, now, config.profile_views_per_day)),
        _entry("CONNECT", "weekly", len(sent), connect_limit, hold if held else week + timedelta(days=7),
               connect_reached, held),
        _entry("SEARCH_PEOPLE", "daily", searches, config.search_per_day, next_midnight(now), None),
        _entry("MESSAGE", "daily", world.new_conversations_today(account_id), config.new_conversations_per_day,
               next_midnight(now), None),
    ]


@endpoint
async def account_quota(request: Request, world: SandboxWorld) -> Response:
    account = _account(world, request.path_params["account_id"])
    return JSONResponse({"accountId": account.id, "quotas": quotas(world, account.id)})


ROUTES = routes({"GET /account/{account_id}/quota": account_quota})

"""Insight resources: SSI history and InMail credit history per account.

Both serve what the store keeps (one reading per account and UTC day). The SSI resource reads
today's SSI first when today has no reading yet, so the series is current at most one upstream
call per account and day; the credits resource does the same for the InMail balance.
"""

from __future__ import annotations

import json
import re

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError

from salesnav_mcp.operations.insights import credit_history, ssi_read_today
from salesnav_mcp.operations.ssi_history import DEFAULT_DAYS, MAX_DAYS, load_ssi_history
from salesnav_mcp.tools.runtime import resource, services
from salesnav_mcp.upstream.errors import UpstreamError

_ACCOUNT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


def _account(account_id: str) -> str:
    value = account_id.strip()
    if not _ACCOUNT_ID.match(value):
        raise ResourceError(f"account_id {account_id!r} is not a LinkedIn account id (24 hex characters).")
    return value


def _days(days: str | None) -> int:
    if days is None or days == "":
        return DEFAULT_DAYS
    if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
        raise ResourceError(f"days must be a whole number from 1 to {MAX_DAYS}, not {days!r}.")
    return int(days)


@resource(
    "salesnav://ssi/{account_id}/history{?days}",
    name="ssi-history",
    title="Social Selling Index history of one account",
)
async def ssi_history(account_id: str, ctx: Context, days: str | None = None) -> str:
    """Every daily SSI reading of the period (default 30 days, ?days=1..365): overall and pillar scores,
    industry and network ranks, with change, strongest/weakest pillar and rank movement. The same
    series as the get_ssi_history tool."""
    svc = services(ctx)
    aid, period = svc.require_account(_account(account_id)), _days(days)
    try:
        history = await load_ssi_history(svc, aid, days=period, refresh=not await ssi_read_today(svc, aid))
    except UpstreamError as exc:
        raise ResourceError(str(exc)) from exc
    return history.model_dump_json(indent=2)


@resource(
    "salesnav://inmail/{account_id}/history{?days}",
    name="inmail-credit-history",
    title="InMail credit history of one account",
)
async def inmail_history(account_id: str, ctx: Context, days: str | None = None) -> str:
    """The InMail balance stored for each UTC day of the period (default 30 days, ?days=1..365)."""
    svc = services(ctx)
    aid, period = svc.require_account(_account(account_id)), _days(days)
    try:
        history = await credit_history(svc, aid, period)
    except UpstreamError as exc:
        raise ResourceError(str(exc)) from exc
    return json.dumps(history, indent=2)

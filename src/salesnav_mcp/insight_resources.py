"""MCP resources for the insight series: SSI history and InMail credit history per account.

Both serve what the store keeps (one reading per account and UTC day). The SSI resource reads
today's SSI first when today has no reading yet, so the series is current at most one upstream
call per account and day; the credits resource does the same for the InMail balance.
"""

from __future__ import annotations

import json
import re

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from salesnav_mcp.operations.insights import credit_history, ssi_read_today
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.ssi_history import DEFAULT_DAYS, MAX_DAYS, load_ssi_history
from salesnav_mcp.tools._runtime import refusals_as_resource_errors
from salesnav_mcp.upstream.errors import UpstreamError

JSON = "application/json"
SSI_HISTORY_URI = "salesnav://ssi/{account_id}/history{?days}"
INMAIL_HISTORY_URI = "salesnav://inmail/{account_id}/history{?days}"
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


def _services(ctx: Context) -> Services:
    return ctx.request_context.lifespan_context


def register_insight_resources(server: MCPServer) -> None:
    @server.resource(
        SSI_HISTORY_URI,
        name="ssi-history",
        title="Social Selling Index history of one account",
        description=(
            "Every daily SSI reading of the period (default 30 days, ?days=1..365): overall and pillar scores, "
            "industry and network ranks, with change, strongest/weakest pillar and rank movement. The same "
            "series as the get_ssi_history tool."
        ),
        mime_type=JSON,
    )
    @refusals_as_resource_errors
    async def ssi_history(account_id: str, ctx: Context, days: str | None = None) -> str:
        svc = _services(ctx)
        aid, period = svc.require_account(_account(account_id)), _days(days)
        has_today = await ssi_read_today(svc, aid)
        try:
            history = await load_ssi_history(svc, aid, days=period, refresh=not has_today)
        except UpstreamError as exc:
            raise ResourceError(str(exc)) from exc
        return history.model_dump_json(indent=2)

    @server.resource(
        INMAIL_HISTORY_URI,
        name="inmail-credit-history",
        title="InMail credit history of one account",
        description="The InMail balance stored for each UTC day of the period (default 30 days, ?days=1..365).",
        mime_type=JSON,
    )
    @refusals_as_resource_errors
    async def inmail_history(account_id: str, ctx: Context, days: str | None = None) -> str:
        svc = _services(ctx)
        aid, period = svc.require_account(_account(account_id)), _days(days)
        try:
            history = await credit_history(svc, aid, period)
        except UpstreamError as exc:
            raise ResourceError(str(exc)) from exc
        return json.dumps(history, indent=2)

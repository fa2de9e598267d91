"""InMail credits: the balance and premium type; every read keeps the day's balance (operations.insights).

Upstream's `debug` query parameter (its raw payload) is deliberately not reachable: nothing in it is
missing from the result.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult

from salesnav_mcp.operations.insights import InMailCreditsOut, read_inmail_credits
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


@tool(title="InMail credits", read_only=True)
async def get_inmail_credits(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, InMailCreditsOut]:
    """InMail credits (available, used, total) and premium type; check before planning InMail outreach."""
    svc = services(ctx)
    out = await read_inmail_credits(svc, await svc.account_id(account_id))
    total = f" of {out.total}" if out.total is not None else ""
    return reply(f"{out.available}{total} InMail credits available ({out.premium_type or 'UNKNOWN'}).", out)

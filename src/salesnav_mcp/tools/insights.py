"""Insights toolset: Social Selling Index and InMail credits.

More insight tools register on this toolset from their own modules: SSI history (ssi_history),
the account overview (overview) and outreach capacity planning (capacity).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult

from salesnav_mcp.operations.insights import PILLAR_NAMES, InMailCreditsOut, SsiOut, read_inmail_credits, read_ssi
from salesnav_mcp.tools._params import AccountId
from salesnav_mcp.tools._runtime import Toolset, reply, services

toolset = Toolset(
    "insights", "Social Selling Index and its history, InMail credits, account overview, outreach capacity."
)


def ssi_summary(out: SsiOut) -> str:
    pillars = ", ".join(f"{p.name} {p.score:.1f}/25" for p in out.pillars if p.score is not None)
    ranks = "; ".join(f"top {r.rank_top_percent:g}% of {r.group.lower()}" for r in out.ranks if r.rank_top_percent)
    weakest = PILLAR_NAMES.get(out.weakest_pillar or "", out.weakest_pillar)
    overall = f"{out.overall:.1f}" if out.overall is not None else "n/a"
    return f"SSI {overall}/100 ({pillars}). Weakest: {weakest}.{' ' + ranks + '.' if ranks else ''}"


@toolset.tool(title="Social Selling Index", read_only=True)
async def get_ssi(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, SsiOut]:
    """Read the Social Selling Index (0-100) with its four pillars (0-25 each), the weakest pillar, and the
    rank in industry and network. Needs a Sales Navigator seat."""
    svc = services(ctx)
    out = await read_ssi(svc, await svc.account_id(account_id))
    return reply(ssi_summary(out), out)


@toolset.tool(title="InMail credits", read_only=True)
async def get_inmail_credits(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, InMailCreditsOut]:
    """Read the InMail credit balance (available, used, total) and the account's premium type. Check it before
    planning Sales Navigator outreach: each new InMail thread costs one credit."""
    svc = services(ctx)
    out = await read_inmail_credits(svc, await svc.account_id(account_id))
    total = f" of {out.total}" if out.total is not None else ""
    return reply(f"{out.available}{total} InMail credits available ({out.premium_type or 'UNKNOWN'}).", out)

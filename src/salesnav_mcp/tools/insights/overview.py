"""Account overview tool: where a rep stands on each LinkedIn account, in one call."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.insights import PILLAR_NAMES
from salesnav_mcp.operations.overview import AccountOverview, account_overviews
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.ssi_history import DEFAULT_DAYS, MAX_DAYS
from salesnav_mcp.tools.apps import OVERVIEW_VIEW
from salesnav_mcp.tools.params import AccountIdText
from salesnav_mcp.tools.runtime import reply, services, tool


class OverviewOut(Result):
    days: int = Field(description="Trend period in days")
    accounts: list[AccountOverview]


def _ssi_part(o: AccountOverview, days: int) -> str:
    if o.ssi is None:
        return "no SSI (no Sales Navigator seat)" if o.seat is False else "SSI n/a"
    change = f", {o.ssi.change:+.1f} over {days}d" if o.ssi.change is not None and o.ssi.readings > 1 else ""
    weakest = PILLAR_NAMES.get(o.ssi.weakest_pillar or "", o.ssi.weakest_pillar or "n/a")
    return f"SSI {o.ssi.overall:.1f}{change} (weakest: {weakest})"


def overview_line(o: AccountOverview, days: int) -> str:
    head = f"{o.name} ({o.account_id}, {o.status or 'UNKNOWN'})"
    if o.error and o.inmail is None:
        upstream = f"upstream error: {o.error}"
    else:
        seat = "Sales Navigator seat" if o.seat else "no Sales Navigator seat"
        credits = (
            f"{o.inmail.available}{f'/{o.inmail.total}' if o.inmail.total is not None else ''}" if o.inmail else "?"
        )
        upstream = f"{o.premium_type or 'UNKNOWN'}, {seat} | {_ssi_part(o, days)} | InMail {credits}"
    b, n, r = o.search_budget, o.new_conversations, o.replies
    unit = "searches" if b.unit == "search" else "search pages"
    rate = f"{r.replied}/{r.sent} answered ({r.rate:.0%})" if r.rate is not None else "nothing sent"
    i = o.invitations
    accepted = (
        f", {i.accepted_in_period}/{i.sent_in_period} of {days}d accepted ({i.acceptance_rate:.0%})"
        if i.acceptance_rate is not None
        else ""
    )
    parts = [
        f"{head}: {upstream}",
        f"{unit} {b.used}/{b.limit} this month (resets {b.resets_at:%Y-%m-%d})",
        f"new conversations today {n.sent_today}/{n.daily_cap}",
        f"connection requests this week {i.used}/{i.limit}{accepted}"
        + (f" (on hold until {i.held_until:%Y-%m-%d %H:%M} UTC)" if i.held_until else ""),
        f"reply rate {days}d: {rate}",
        f"{o.drafts_awaiting_confirmation} draft(s) awaiting confirmation",
    ]
    if o.unknown_sends:
        parts.append(f"{o.unknown_sends} send(s) in UNKNOWN state: check LinkedIn before resending")
    return " | ".join(parts)


@tool(title="Account overview", read_only=True, ui=OVERVIEW_VIEW)
async def get_account_overview(
    ctx: Context,
    account_id: Annotated[AccountIdText | None, Field(description="Omit for every connected account.")] = None,
    days: Annotated[int, Field(description="Trend period.", ge=1, le=MAX_DAYS)] = (
        DEFAULT_DAYS
    ),
) -> Annotated[CallToolResult, OverviewOut]:
    """Where a rep stands: seat, SSI trend, InMail credits, search budget, outreach caps, reply and acceptance rates,
    waiting drafts."""
    svc = services(ctx)
    overviews = await account_overviews(svc, account_id.strip() if account_id else None, days=days)
    out = OverviewOut(days=days, accounts=overviews, sandbox=svc.connectsafely.sandbox)
    if not overviews:
        return reply("No LinkedIn account is connected.", out)
    return reply("\n".join(overview_line(o, days) for o in overviews), out)

"""Outreach capacity tool: before a campaign, how many recipients each account can reach, and when.

The planning rules are operations.capacity's; the tool's description states them briefly for the model.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.capacity import AccountCapacity, CapacityOut, plan_capacity
from salesnav_mcp.tools.params import AccountIdText
from salesnav_mcp.tools.runtime import reply, services, tool

MAX_RECIPIENTS = 2000
MAX_ACCOUNTS = 25

Recipients = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=300)]] | None,
    Field(max_length=MAX_RECIPIENTS),
]


def _account_line(c: AccountCapacity) -> str:
    head = f"{c.name} ({c.account_id})"
    if c.error:
        return f"{head}: not planned ({c.error})"
    t, m = c.today, c.this_month
    planned_requests = c.invitations_left_this_week is not None
    requests = f" + {t.invitations} connection request(s)" if planned_requests else ""
    line = (
        f"{head}: today {t.total} ({t.inbox} inbox + {t.inmail} InMail{requests}; {c.cap_left_today} of "
        f"{c.daily_cap} new conversations left), this month {m.total}"
    )
    if c.inmail_credits is not None:
        line += f", {c.inmail_credits} InMail credit(s)"
    if planned_requests:
        held = f", held until {c.invitations_held_until:%Y-%m-%d %H:%M} UTC" if c.invitations_held_until else ""
        line += f", {c.invitations_left_this_week} of {c.weekly_invitation_cap} connection requests left this week{held}"
    if c.refused:
        line += "; refused: " + ", ".join(f"{g.count} {_channel(g.channel)} ({g.code})" for g in c.refused)
    if c.notes:
        line += "; note: " + "; ".join(c.notes)
    return line + "."


def _channel(channel: str) -> str:
    return {"sales_navigator": "InMail", "invitation": "connection request"}.get(channel, "inbox")


def capacity_summary(out: CapacityOut) -> str:
    r = out.requested
    lines = [f"Plan for {r.inbox} inbox + {r.inmail} InMail recipient(s), new conversations only."]
    if r.invitations:
        lines[0] = (
            f"Plan for {r.inbox} inbox + {r.inmail} InMail recipient(s) and {r.invitations} connection request(s); "
            "whether someone is already connected or invited is checked when a request is drafted."
        )
    if out.refused_everywhere:
        counts: dict[str, int] = {}
        for refusal in out.refused_everywhere:
            counts[refusal.code] = counts.get(refusal.code, 0) + 1
        lines.append(
            f"Refused for every account: {len(out.refused_everywhere)} ("
            + ", ".join(f"{n} {code}" for code, n in counts.items())
            + ")."
        )
    lines.extend(_account_line(c) for c in out.accounts)
    if out.best_account_today:
        best = next(c for c in out.accounts if c.account_id == out.best_account_today)
        lines.append(f"Most today: {best.name} ({best.today.total}).")
    return "\n".join(lines)


@tool(title="Plan outreach capacity", read_only=True)
async def plan_outreach_capacity(
    ctx: Context,
    inbox_recipients: Annotated[
        Recipients,
        Field(
            description="New inbox conversations (profile ids, URNs or URLs); replies in threads are unlimited."
        ),
    ] = None,
    inmail_recipients: Annotated[Recipients, Field(description="New InMail threads (one credit each).")] = None,
    invitation_recipients: Annotated[Recipients, Field(description="Connection requests (weekly cap).")] = None,
    account_ids: Annotated[
        list[AccountIdText] | None,
        Field(description="Omit for every connected account.", max_length=MAX_ACCOUNTS),
    ] = None,
) -> Annotated[CallToolResult, CapacityOut]:
    """Before a campaign: how many recipients each account can reach today and this month, and who is refused.
    Sends nothing."""
    svc = services(ctx)
    inbox, inmail, invitations = list(inbox_recipients or []), list(inmail_recipients or []), list(invitation_recipients or [])
    if not inbox and not inmail and not invitations:
        raise ToolError(
            "Give at least one recipient in 'inbox_recipients', 'inmail_recipients' or 'invitation_recipients'."
        )
    out = await plan_capacity(svc, inbox, inmail, account_ids, invitations)
    return reply(capacity_summary(out), out)

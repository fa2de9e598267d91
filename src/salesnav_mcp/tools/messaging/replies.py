"""Who replied, and follow-up drafts for those who did not: replies are recorded once, follow-ups are only drafted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.guardrails.fields import one_line, quoted
from salesnav_mcp.operations import replies
from salesnav_mcp.operations.replies import FollowUpsOut, PersonalText, RepliesOut
from salesnav_mcp.tools.messaging.reading import UNTRUSTED_NOTE
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool

DEFAULT_SINCE = timedelta(days=7)


@tool(title="Who replied", read_only=True)
async def check_replies(
    ctx: Context,
    since: Annotated[datetime | None, Field(description="Default: 7 days ago.")] = None,
    method: Annotated[
        Literal["auto", "recent_messages", "threads", "store"],
        Field(
            description="store: only what was recorded already (no upstream call)."
        ),
    ] = "auto",
    account_id: AccountId = None,
) -> Annotated[CallToolResult, RepliesOut]:
    """Who replied since a time, with their latest message (each reply recorded once). Use before following up."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    now = svc.clock.now()
    moment = now - DEFAULT_SINCE if since is None else since if since.tzinfo else since.replace(tzinfo=UTC)
    if moment > now:
        raise ToolError(f"since {moment.isoformat()} is in the future; give a past instant.")
    out = await replies.who_replied(svc, account, moment, method=method)
    how = {"recent_messages": "recent messages read", "threads": "tracked threads read", "store": "recorded replies only"}
    lines = [
        f"{len(out.replies)} person(s) wrote since {moment:%Y-%m-%d %H:%M} UTC ({how[out.method]}; {out.new} new "
        f"message(s) recorded). {out.answered_drafts} sent draft(s) answered, {out.awaiting_reply} still awaiting a "
        f"reply. {UNTRUSTED_NOTE}"
    ]
    for r in out.replies:
        answered = f" (answers {', '.join(r.answered_drafts)})" if r.answered_drafts else ""
        who = f"{quoted(r.name or '?', 60)} ({one_line(r.public_id or r.profile_urn or '?', 100)})"
        lines.append(f"- {who} at {r.last_reply_at:%Y-%m-%d %H:%M}{answered}: {quoted(r.text, 200)}")
    return reply("\n".join(lines) + (" [sandbox]" if out.sandbox else ""), out)


@tool(title="Draft follow-ups", read_only=False, destructive=False, idempotent=True)
async def draft_follow_ups(
    ctx: Context,
    after_days: Annotated[int, Field(ge=1, le=90)] = 5,
    text: Annotated[
        str | None,
        Field(
            description="Text for everyone due ({first_name}, {name} filled in); omit to only list who is due.",
            min_length=1,
            max_length=8000,
        ),
    ] = None,
    texts: Annotated[
        list[PersonalText], Field(description="Texts per original_draft_id.", max_length=50)
    ] = [],  # noqa: B006
    limit: Annotated[int, Field(ge=1, le=100)] = 25,
    max_follow_ups: Annotated[int, Field(ge=1, le=3, description="Skip who already got this many.")] = 1,
    account_id: AccountId = None,
) -> Annotated[CallToolResult, FollowUpsOut]:
    """Draft follow-ups (never sends) for people silent for `after_days` days, except those on the do-not-contact
    list."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    out = await replies.draft_follow_ups(
        svc, account, after_days=after_days, text=text, texts=texts, limit=limit, max_follow_ups=max_follow_ups
    )
    listing = not text and not texts
    head = (
        f"{len(out.due)} person(s) due for a follow-up (silent {after_days}+ days); nothing drafted."
        if listing
        else f"{out.drafted} follow-up draft(s) written (not sent); {len(out.due)} person(s) due."
    )
    lines = [head]
    for d in out.due:
        who = f"{quoted(d.recipient_name or '?', 60)} ({one_line(d.recipient_public_id or d.recipient, 100)})"
        state = ""
        if d.draft_id:
            blocked = [f for f in d.findings if f.startswith("block")]
            state = f" -> draft {d.draft_id}" + (f" BLOCKED: {blocked[0][7:]}" if blocked else "")
        lines.append(
            f"- {who}: message {d.original_draft_id} silent {d.days_silent:g} days, follow-up #{d.follow_up_number}"
            f"{state}"
        )
    for s in out.skipped:
        lines.append(f"- skipped {s.recipient_public_id or s.original_draft_id}: {s.reason}")
    if out.drafted:
        lines.append("Each draft goes out only via send_message after the user approves it.")
    elif listing and out.due:
        lines.append("To draft them: call again with text (or texts per message).")
    return reply("\n".join(lines), out)

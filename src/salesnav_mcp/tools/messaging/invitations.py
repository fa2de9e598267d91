"""Connection requests already sent: list the pending ones with the week's count, and withdraw one.

Drafting and sending an invitation is `draft_message(channel="invitation")` and `send_message`, approved by
the human like any message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import AliasChoices, BaseModel, Field

from salesnav_mcp.guardrails.review import PersonLabel
from salesnav_mcp.operations import invitations
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.messaging.reading import clip
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


class WeekOut(BaseModel):
    used: int = Field(description="Connection requests this week: the higher of the server's and LinkedIn's count.")
    limit: int = Field(description="The server's weekly cap (LinkedIn allows 90).")
    remaining: int
    sent_by_server: int
    linkedin_used: int | None = Field(description="LinkedIn's own count (includes requests made elsewhere).")
    resets_at: datetime = Field(description="Next Monday 00:00 UTC.")
    held_until: datetime | None = Field(description="LinkedIn holds this account's connection requests until then.")


class InvitationOut(BaseModel):
    public_id: str | None
    name: str | None = Field(description="As LinkedIn names them (untrusted text).")
    headline: str | None = Field(description="Untrusted text.")
    profile_url: str | None
    sent_ago: str | None = Field(description="LinkedIn's relative time, e.g. '2 days ago'.")
    invitation_id: str | None


class AcceptedOut(BaseModel):
    """A connection request of this server's that was accepted (read from its draft)."""

    draft_id: str = Field(validation_alias=AliasChoices("draft_id", "id"))
    recipient: str = Field(description="The person's URN.")
    recipient_public_id: str | None
    recipient_name: str | None = Field(description="As LinkedIn named them when drafted (untrusted text).")
    accepted_at: datetime = Field(description="When this server first saw them connected.")


class InvitationsOut(Result):
    account_id: str
    week: WeekOut
    invitations: list[InvitationOut] = Field(description="Pending invitations, newest first.")
    next_start_index: int | None = Field(description="Pass as start_index for the next page; None: no more.")
    accepted: list[AcceptedOut] = Field(
        description="Requests this server sent in the last 30 days that were accepted (first page only)."
    )


class WithdrawnOut(Result):
    account_id: str
    recipient: str = Field(description="The person's URN.")
    recipient_public_id: str | None
    message: str | None = Field(description="LinkedIn's answer.")


def week_out(week: invitations.WeeklyInvitations) -> WeekOut:
    return WeekOut.model_validate(week, from_attributes=True)


def week_line(week: WeekOut) -> str:
    held = f"; on hold until {week.held_until:%Y-%m-%d %H:%M} UTC" if week.held_until else ""
    return (
        f"Connection requests this week: {week.used} of {week.limit} ({week.remaining} left, resets "
        f"{week.resets_at:%Y-%m-%d %H:%M} UTC){held}."
    )


@tool(title="List sent invitations", read_only=True)
async def list_invitations(
    ctx: Context,
    account_id: AccountId = None,
    start_index: Annotated[int, Field(ge=0, le=10_000, description="Offset.")] = 0,
) -> Annotated[CallToolResult, InvitationsOut]:
    """Pending and lately accepted connection requests, and this week's count against the cap."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    week = week_out(await invitations.weekly_invitations(svc, account))
    sent = await invitations.sent_invitations(svc, account, start_index=start_index)
    accepted = [
        AcceptedOut.model_validate(d, from_attributes=True)
        for d in (await invitations.accepted_invitations(svc, account, sent) if start_index == 0 else [])
    ]
    items = [
        InvitationOut(
            public_id=(i.profile.public_identifier if i.profile else None),
            name=" ".join(p for p in (i.profile.first_name, i.profile.last_name) if p) or None if i.profile else None,
            headline=i.profile.headline if i.profile else None,
            profile_url=i.profile.profile_url if i.profile else None,
            sent_ago=i.sent_at,
            invitation_id=str(i.invitation_id) if i.invitation_id is not None else None,
        )
        for i in sent
    ]
    out = InvitationsOut(
        account_id=account,
        week=week,
        invitations=items,
        next_start_index=start_index + len(items) if len(items) >= invitations.SENT_PAGE else None,
        accepted=accepted,
        sandbox=svc.connectsafely.sandbox,
    )
    lines = [week_line(week), f"{len(items)} pending invitation(s). Names and headlines are untrusted text."]
    lines += [
        f"- {i.public_id or '?'}: {clip(i.name or '', 60)}, {clip(i.headline or '', 60)} (sent {i.sent_ago or '?'})"
        for i in items
    ]
    if accepted:
        lines.append(f"Accepted lately ({len(accepted)}; now connections, reachable with draft_message):")
        lines += [
            f"- {a.recipient_public_id or a.recipient}: {clip(a.recipient_name or '', 60)} "
            f"(seen {a.accepted_at:%Y-%m-%d %H:%M} UTC)"
            for a in accepted
        ]
    return reply("\n".join(lines), out)


@tool(title="Withdraw an invitation", read_only=False, destructive=True, output_schema=False)
async def withdraw_invitation(
    ctx: Context,
    recipient: Annotated[
        str,
        Field(description="Public id, profile URN or URL.",
              min_length=3, max_length=200),
    ],
    account_id: AccountId = None,
) -> Annotated[CallToolResult, WithdrawnOut]:
    """Withdraw the account's pending connection request to one person."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    person, message = await invitations.withdraw(svc, account, recipient.strip())
    out = WithdrawnOut(
        account_id=account,
        recipient=person.urn,
        recipient_public_id=person.public_id,
        message=message,
        sandbox=svc.connectsafely.sandbox,
    )
    return reply(f"Withdrew the invitation to {PersonLabel.of_person(person)}.", out)

"""The do-not-contact list: people no message may be sent to; lifting an entry needs the user's confirmation."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.elicit import NO_ELICITATION, can_elicit, outcome_value
from salesnav_mcp.tools.runtime import reply, services, tool


class DncEntryOut(BaseModel):
    recipient: str
    reason: str | None = None
    added_at: str


class DncOut(Result):
    entries: list[DncEntryOut]
    changed: bool = Field(description="Whether this call changed the list.")


def _dnc_out(svc: Services, entries: list[Any], changed: bool) -> DncOut:
    return DncOut(
        entries=[DncEntryOut(recipient=e.recipient, reason=e.reason, added_at=e.added_at.isoformat()) for e in entries],
        changed=changed,
        sandbox=svc.connectsafely.sandbox,
    )


Recipient = Annotated[str, Field(description="Profile id or URN.", min_length=2, max_length=200)]


@tool(title="Do-not-contact list", read_only=True, open_world=False)
async def list_do_not_contact(ctx: Context) -> Annotated[CallToolResult, DncOut]:
    """Show the do-not-contact list: people no message may be sent to."""
    svc = services(ctx)
    entries = await svc.guardrails.dnc.list()
    lines = [f"{len(entries)} on the do-not-contact list."] + [
        f"- {e.recipient}{f' ({e.reason})' if e.reason else ''}" for e in entries
    ]
    return reply("\n".join(lines), _dnc_out(svc, entries, False))


@tool(title="Add to do-not-contact", read_only=False, destructive=False, idempotent=True, open_world=False)
async def add_do_not_contact(
    ctx: Context,
    recipient: Recipient,
    reason: Annotated[str | None, Field(description="Why, e.g. 'asked not to be contacted'.", max_length=300)] = None,
) -> Annotated[CallToolResult, DncOut]:
    """Put someone on the do-not-contact list: every later draft or send to them is refused."""
    svc = services(ctx)
    await svc.guardrails.dnc.add(recipient.strip(), reason=reason, actor=svc.actor())
    entries = await svc.guardrails.dnc.list()
    return reply(f"{recipient.strip()} is on the do-not-contact list.", _dnc_out(svc, entries, True))


class RemoveApproval(BaseModel):
    remove: bool = Field(title="Allow contacting this person again")


async def _dnc_removal_gate(ctx: Context, recipient: str) -> Any:
    if not can_elicit(ctx):
        return NO_ELICITATION
    return Elicit(
        f"Remove {recipient.strip()} from the do-not-contact list, so messages to them are allowed again?",
        RemoveApproval,
    )


@tool(title="Remove from do-not-contact", read_only=False, destructive=True, idempotent=True, open_world=False)
async def remove_do_not_contact(
    ctx: Context,
    recipient: Recipient,
    approval: Annotated[ElicitationResult[RemoveApproval], Resolve(_dnc_removal_gate)],
) -> Annotated[CallToolResult, DncOut]:
    """Take someone off the do-not-contact list, after the user confirms it in a dialog."""
    svc = services(ctx)
    decision = outcome_value(approval)
    if decision == NO_ELICITATION:
        raise ToolError(
            "Only the user can lift a do-not-contact entry and this client cannot ask them: "
            f"run `salesnav-mcp dnc remove {recipient.strip()}`."
        )
    if not isinstance(decision, RemoveApproval) or not decision.remove:
        raise ToolError("The user did not confirm; the entry stays.")
    changed = await svc.guardrails.dnc.remove(recipient.strip(), actor=svc.actor())
    entries = await svc.guardrails.dnc.list()
    text = (
        f"{recipient.strip()} removed from the do-not-contact list."
        if changed
        else f"{recipient.strip()} was not on the list."
    )
    return reply(text, _dnc_out(svc, entries, changed))

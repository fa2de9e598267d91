"""The do-not-contact list: people no message may be sent to; lifting an entry needs the user's confirmation."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations import do_not_contact as dnc
from salesnav_mcp.operations.approvals import request_dnc_removal
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.apps import REVIEW_VIEW
from salesnav_mcp.tools.elicit import NOT_NEEDED, outcome_value
from salesnav_mcp.tools.params import AccountIdText
from salesnav_mcp.tools.runtime import reply, resolver, services, tool
from salesnav_mcp.tools.surfaces import await_decision, may_elicit, no_surface_reason, surface_for, where_to_approve


class DncEntryOut(BaseModel):
    recipient: str = Field(description="The person's public id, else their URN.")
    name: str | None = Field(default=None, description="As LinkedIn names them (untrusted text).")
    account_id: str | None = Field(default=None, description="The account the entry holds for; none: every account.")
    reason: str | None = None
    reason_hidden: bool = Field(default=False, description="Someone else gave the reason; it is not shown.")
    added_at: str


class DncOut(Result):
    entries: list[DncEntryOut]
    changed: bool = Field(description="Whether this call changed the list.")
    approval_id: str | None = Field(default=None, description="The request for the user's approval, when one waits.")


def _dnc_out(svc: Services, entries: list[dnc.ShownEntry], changed: bool, approval_id: str | None = None) -> DncOut:
    return DncOut(
        approval_id=approval_id,
        entries=[
            DncEntryOut(
                recipient=e.entry.recipient,
                name=e.entry.name,
                account_id=e.entry.account_id,
                reason=e.reason,
                reason_hidden=e.reason_hidden,
                added_at=e.entry.added_at.isoformat(),
            )
            for e in entries
        ],
        changed=changed,
        sandbox=svc.connectsafely.sandbox,
    )


def _line(e: dnc.ShownEntry) -> str:
    where = f" [account {e.entry.account_id}]" if e.entry.account_id else ""
    reason = " (reason not shown)" if e.reason_hidden else f" ({e.reason})" if e.reason else ""
    return f"- {e.entry.recipient}{where}{reason}"


Recipient = Annotated[
    str,
    Field(
        description="Public id, profile URN or linkedin.com/in/ URL.",
        min_length=3,
        max_length=200,
    ),
]
ScopeAccount = Annotated[
    AccountIdText | None, Field(default=None, description="The one account it holds for; omit for every account.")
]


@tool(title="Do-not-contact list", read_only=True, open_world=False)
async def list_do_not_contact(ctx: Context) -> Annotated[CallToolResult, DncOut]:
    """The do-not-contact list: people no message may be sent to."""
    svc = services(ctx)
    entries = await dnc.listed(svc)
    lines = [f"{len(entries)} on the do-not-contact list."] + [_line(e) for e in entries]
    return reply("\n".join(lines), _dnc_out(svc, entries, False))


class RemoveApproval(BaseModel):
    remove: bool = Field(title="Allow contacting this person again", strict=True)


@resolver
async def _removal(ctx: Context, action: str, recipient: str, account_id: str | None) -> dnc.Removal:
    """What lifting the entry would change, read from the stored entries (nothing to lift when adding)."""
    if action != "remove":
        return dnc.Removal("", [], None)
    return await dnc.plan_removal(services(ctx), recipient, account_id)


async def _dnc_removal_gate(ctx: Context, removal: Annotated[dnc.Removal, Resolve(_removal)]) -> Any:
    if removal.review is None or not may_elicit(ctx):
        return NOT_NEEDED
    return Elicit(removal.review.render(), RemoveApproval)


@tool(
    title="Update the do-not-contact list",
    read_only=False,
    destructive=True,
    idempotent=True,
    ui=REVIEW_VIEW,
    output_schema=False,
)
async def update_do_not_contact(
    ctx: Context,
    action: Literal["add", "remove"],
    recipient: Recipient,
    removal: Annotated[dnc.Removal, Resolve(_removal)],
    approval: Annotated[ElicitationResult[RemoveApproval], Resolve(_dnc_removal_gate)],
    reason: Annotated[str | None, Field(description="Why (add), one line.", max_length=300)] = None,
    account_id: ScopeAccount = None,
) -> Annotated[CallToolResult, DncOut]:
    """Add someone to the do-not-contact list, or remove them once the user approves it (this call waits)."""
    svc = services(ctx)
    if action == "add":
        entry = await dnc.add(svc, recipient, reason=reason, account_id=account_id)
        entries = await dnc.listed(svc)
        where = f" for account {entry.account_id}" if entry.account_id else " for every account"
        return reply(f"{entry.recipient} is on the do-not-contact list{where}.", _dnc_out(svc, entries, True))
    svc = services(ctx)
    if removal.review is None:
        where = "every account" if account_id is None else f"account {account_id.strip()}"
        entries = await dnc.listed(svc)
        return reply(f"{recipient.strip()} is not on the do-not-contact list for {where}.", _dnc_out(svc, entries, False))
    surface = surface_for(ctx, svc.guardrails.confirmer.mode)
    if surface == "elicitation":
        decision = outcome_value(approval)
        if not isinstance(decision, RemoveApproval) or decision.remove is not True:
            raise ToolError("The user did not confirm; the entry stays.")
        removed = await dnc.remove(svc, removal)
    elif surface is None:
        raise ToolError(f"The entry stays: {no_surface_reason()}.")
    else:
        request = await request_dnc_removal(svc, removal.review, scope=removal.scope, keys=removal.keys)
        where = await where_to_approve(svc, "review_card" if surface == "review_card" else "approval_page")
        decided = await await_decision(ctx, svc, request, where)
        entries = await dnc.listed(svc)
        if decided is None or decided.state == "pending":
            out = _dnc_out(svc, entries, False, approval_id=request.id)
            return reply(f"The entry stays until the user approves its removal in {where}.", out)
        if decided.state != "done":
            return reply(f"The entry stays: the user did not approve its removal ({decided.state}).", _dnc_out(svc, entries, False))
        return reply(f"{removal.review.person} is off the do-not-contact list.", _dnc_out(svc, entries, True))
    entries = await dnc.listed(svc)
    return reply(f"{removal.review.person} is off the do-not-contact list ({len(removed)} entry removed).", _dnc_out(svc, entries, True))

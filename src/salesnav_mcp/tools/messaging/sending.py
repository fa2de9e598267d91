"""Sending a stored draft at most once, after the human approved exactly what goes out; recording unknown outcomes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import Draft, ElicitedApproval, TokenConfirmation
from salesnav_mcp.operations.approvals import request_send
from salesnav_mcp.operations.outreach import send_review
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.sending import send_draft
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.elicit import NO_ELICITATION, NOT_NEEDED, no_dialog_reason, outcome_value
from salesnav_mcp.tools.messaging.drafting import DraftOut, FindingOut, draft_out, findings_out
from salesnav_mcp.tools.runtime import reply, services, tool
from salesnav_mcp.tools.surfaces import (
    Surface,
    await_decision,
    may_elicit,
    no_surface_reason,
    surface_for,
    where_to_approve,
)

Outcome = Literal["sent", "already_sent", "failed", "unknown", "dry_run", "awaiting_approval", "rejected", "refused"]


class SendOut(Result):
    draft_id: str
    outcome: Outcome = Field(
        description="awaiting_approval: nothing sent yet, the user has not decided; rejected: the user said no"
    )
    state: str
    recipient: str
    channel: str
    conversation_urn: str | None = None
    thread_id: str | None = None
    error: str | None = None
    warnings: list[FindingOut] = []
    approval_id: str | None = Field(default=None, description="The request for the user's approval, when one waits.")


class SendApproval(BaseModel):
    # Strict: only a real true sends; "true", 1 or "yes" from a client is refused, never coerced.
    send: bool = Field(title="Send it now", description="Send exactly what is shown above.", strict=True)


async def _shown_draft(ctx: Context, draft_id: str) -> Draft | None:
    """The draft as the human will see it; the approval binds to this content."""
    svc = services(ctx)
    draft = await svc.guardrails.drafts.peek(draft_id.strip())
    return draft if draft is None or svc.may_use(draft.account_id) else None


async def _send_gate(
    ctx: Context, shown: Annotated[Draft | None, Resolve(_shown_draft)], confirmation_token: str | None
) -> Any:
    """Ask the human to approve the exact draft in the client's dialog, when the client can show one."""
    svc = services(ctx)
    if shown is None or shown.state not in ("draft", "failed") or confirmation_token:
        return NOT_NEEDED
    if not may_elicit(ctx):
        return NO_ELICITATION
    return Elicit((await send_review(svc, shown)).render(), SendApproval)


def _out(svc: Services, draft: Draft, outcome: Outcome, **extra: Any) -> SendOut:
    sent = draft.result or {}
    return SendOut(
        draft_id=draft.id,
        outcome=outcome,
        state=draft.state,
        recipient=draft.recipient_public_id or draft.recipient,
        channel=draft.channel,
        conversation_urn=sent.get("conversationUrn") or draft.conversation_urn,
        thread_id=sent.get("threadId"),
        sandbox=svc.connectsafely.sandbox,
        **extra,
    )


SUMMARIES = {
    "sent": "Sent draft {id} to {to}.",
    "already_sent": "Draft {id} was already sent; nothing sent again.",
    "dry_run": "Dry run: draft {id} passed every check; nothing was sent.",
    "failed": "Not sent: {error}. The draft can be fixed and sent again.",
    "unknown": (
        "Outcome unknown: {error}. It may or may not have reached {to}; it will not be resent automatically. "
        "Check LinkedIn, then record the outcome with resolve_unknown_send."
    ),
    "rejected": "Not sent: the user rejected draft {id} in {where}.",
    "refused": "Not sent: {error}",
    "awaiting_approval": (
        "Not sent yet: draft {id} waits for the user's approval in {where}. Tell the user; nothing goes out "
        "until they approve it there. Call send_message again later to learn the outcome."
    ),
}


def _reply(out: SendOut, where: str = "") -> CallToolResult:
    text = SUMMARIES[out.outcome].format(id=out.draft_id, to=out.recipient, error=out.error, where=where)
    return reply(text, out)


async def _after_review(ctx: Context, svc: Services, draft_id: str, surface: Surface) -> CallToolResult:
    """Put the draft before the human in the review card or the approval page; wait for their decision."""
    draft = await svc.guardrails.drafts.get(draft_id)
    svc.require_account(draft.account_id)
    if draft.state not in ("draft", "failed"):
        result = await send_draft(svc, draft.id, None)  # sent: its first result; sending or unknown: refused
        return _reply(_out(svc, result.draft, result.outcome, error=result.error))
    approval = await request_send(svc, draft)
    where = await where_to_approve(svc, surface)
    decided = await await_decision(ctx, svc, approval, where)
    latest = await svc.guardrails.drafts.get(draft_id)
    if decided is None:
        return _reply(_out(svc, latest, "awaiting_approval", approval_id=approval.id), where)
    if decided.state == "rejected":
        return _reply(_out(svc, latest, "rejected", approval_id=approval.id), where)
    done = decided.outcome or {}
    outcome = done.get("outcome", "awaiting_approval" if decided.state == "approved" else "refused")
    error = done.get("message") or (None if decided.state in ("approved", "done") else f"the request {decided.state}")
    return _reply(_out(svc, latest, outcome, error=error, approval_id=approval.id), where)


@tool(title="Send a draft the user approved", read_only=False, destructive=True)
async def send_message(
    ctx: Context,
    draft_id: Annotated[str, Field(description="From draft_message.", min_length=3, max_length=64)],
    shown: Annotated[Draft | None, Resolve(_shown_draft)],
    approval: Annotated[ElicitationResult[SendApproval], Resolve(_send_gate)],
    confirmation_token: Annotated[
        str | None,
        Field(description="Client confirmation mode only.", max_length=200),
    ] = None,
    recipient: Annotated[
        str | None, Field(description="With the token: the draft's recipient.", max_length=200)
    ] = None,
    text: Annotated[str | None, Field(description="With the token: the draft's text.", max_length=8000)] = None,
) -> Annotated[CallToolResult, SendOut]:
    """Send a stored draft once, after the user approves exactly what goes out (this call waits). Only when the
    user asked to send."""
    svc = services(ctx)
    mode = svc.guardrails.confirmer.mode
    surface = surface_for(ctx, mode)
    decision = outcome_value(approval)
    confirmation: ElicitedApproval | TokenConfirmation | None = None
    if confirmation_token:
        if recipient is None or text is None:
            raise ToolError("With 'confirmation_token', also pass 'recipient' and 'text' exactly as drafted.")
        confirmation = TokenConfirmation(token=confirmation_token, recipient=recipient, text=text)
    elif isinstance(decision, SendApproval) and shown is not None:
        confirmation = ElicitedApproval(approved=decision.send is True, content_hash=shown.content_hash)
    elif decision is None and shown is not None:  # declined or cancelled in the dialog
        confirmation = ElicitedApproval(approved=False, content_hash=shown.content_hash)
    elif surface is None and shown is not None and shown.state in ("draft", "failed"):
        raise ToolError(f"Not sent: {no_surface_reason()}.")
    elif surface == "client" and shown is not None and shown.state in ("draft", "failed"):
        raise ToolError(
            f"Not sent: {no_dialog_reason(ctx)}. Show the user the draft (recipient and exact "
            "text); only if they approve, call send_message again with confirmation_token, recipient and text."
        )
    elif surface in ("review_card", "approval_page"):
        return await _after_review(ctx, svc, draft_id.strip(), surface)
    result = await send_draft(svc, draft_id.strip(), confirmation)
    out = _out(svc, result.draft, result.outcome, error=result.error, warnings=findings_out(result))
    return _reply(out)


class UnknownResolution(BaseModel):
    delivered: bool = Field(
        title="The message is visible in LinkedIn", description="Yes if you can see it was sent.", strict=True
    )


async def _resolution_gate(ctx: Context, draft_id: str) -> Any:
    if not may_elicit(ctx):
        return NO_ELICITATION
    svc = services(ctx)
    draft = await svc.guardrails.drafts.peek(draft_id.strip())
    if draft is None or draft.state != "unknown" or not svc.may_use(draft.account_id):
        return NOT_NEEDED
    what = "connection request" if draft.channel == "invitation" else "message"
    return Elicit((await send_review(svc, draft)).render(f"Check LinkedIn: did this {what} go out?"), UnknownResolution)


@tool(
    title="Resolve an unknown send",
    read_only=False,
    destructive=False,
    open_world=False,
    output_schema=False,
)
async def resolve_unknown_send(
    ctx: Context,
    draft_id: Annotated[str, Field(min_length=3, max_length=64)],
    answer: Annotated[ElicitationResult[UnknownResolution], Resolve(_resolution_gate)],
) -> Annotated[CallToolResult, DraftOut]:
    """After a send with an unknown outcome, ask the user whether it reached LinkedIn and record the answer."""
    svc = services(ctx)
    decision = outcome_value(answer)
    if decision == NO_ELICITATION:
        raise ToolError(
            "Only the user can say whether the message went out, and this client cannot ask them. "
            f"Run `salesnav-mcp drafts resolve {draft_id} sent|not_sent` after checking LinkedIn."
        )
    if not isinstance(decision, UnknownResolution):
        draft = await svc.guardrails.drafts.get(draft_id.strip())
        svc.require_account(draft.account_id)  # another user's draft: not even its state
        if draft.state != "unknown":
            raise ToolError(f"Draft {draft.id} is {draft.state}, not unknown; nothing to resolve.")
        raise ToolError("The user did not answer; the draft stays unknown.")
    svc.require_account((await svc.guardrails.drafts.get(draft_id.strip())).account_id)
    draft = await svc.guardrails.sender.resolve_unknown(
        draft_id.strip(), "sent" if decision.delivered else "not_sent", note="confirmed by the user", actor=svc.actor()
    )
    out = draft_out(svc, draft, [])
    return reply(f"Draft {draft.id} recorded as {draft.state}.", out)

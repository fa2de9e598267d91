"""Sending a stored draft at most once, after the human approved exactly what goes out; recording unknown outcomes."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import Draft, ElicitedApproval, TokenConfirmation
from salesnav_mcp.operations.outreach import send_review
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.sending import send_draft
from salesnav_mcp.tools.elicit import NO_ELICITATION, NOT_NEEDED, can_elicit, no_dialog_reason, outcome_value
from salesnav_mcp.tools.messaging.drafting import DraftOut, FindingOut, draft_out, findings_out
from salesnav_mcp.tools.runtime import reply, services, tool


class SendOut(Result):
    draft_id: str
    outcome: Literal["sent", "already_sent", "failed", "unknown", "dry_run"]
    state: str
    recipient: str
    channel: str
    conversation_urn: str | None = None
    thread_id: str | None = None
    error: str | None = None
    warnings: list[FindingOut] = []


class SendApproval(BaseModel):
    # Strict: only a real true sends; "true", 1 or "yes" from a client is refused, never coerced.
    send: bool = Field(title="Send this message now", description="Send exactly the message shown above.", strict=True)


async def _shown_draft(ctx: Context, draft_id: str) -> Draft | None:
    """The draft as the human will see it; the approval binds to this content."""
    svc = services(ctx)
    draft = await svc.guardrails.drafts.peek(draft_id.strip())
    return draft if draft is None or svc.may_use(draft.account_id) else None


async def _send_gate(
    ctx: Context, shown: Annotated[Draft | None, Resolve(_shown_draft)], confirmation_token: str | None
) -> Any:
    """Ask the human to approve the exact draft, unless the caller confirms by token or nothing is to be asked."""
    svc = services(ctx)
    if shown is None or shown.state not in ("draft", "failed") or confirmation_token:
        return NOT_NEEDED
    if svc.guardrails.confirmer.mode == "token":
        return NOT_NEEDED
    if not can_elicit(ctx):
        return NO_ELICITATION
    return Elicit((await send_review(svc, shown)).render(), SendApproval)


@tool(title="Send a confirmed draft", read_only=False, destructive=True)
async def send_message(
    ctx: Context,
    draft_id: Annotated[str, Field(description="From draft_message.", min_length=3, max_length=64)],
    shown: Annotated[Draft | None, Resolve(_shown_draft)],
    approval: Annotated[ElicitationResult[SendApproval], Resolve(_send_gate)],
    confirmation_token: Annotated[
        str | None, Field(description="Only without elicitation: the draft's confirmation_token.", max_length=200)
    ] = None,
    recipient: Annotated[
        str | None, Field(description="With confirmation_token: the draft's recipient, repeated.", max_length=200)
    ] = None,
    text: Annotated[
        str | None, Field(description="With confirmation_token: the draft's exact text, repeated.", max_length=8000)
    ] = None,
) -> Annotated[CallToolResult, SendOut]:
    """Send a stored draft, at most once, after the user confirms it (a dialog shows recipient and exact text).
    Sending a sent draft again returns the first result. Never call this without the user's request to send."""
    svc = services(ctx)
    decision = outcome_value(approval)
    confirmation: ElicitedApproval | TokenConfirmation | None
    if confirmation_token:
        if recipient is None or text is None:
            raise ToolError("With 'confirmation_token', also pass 'recipient' and 'text' exactly as drafted.")
        confirmation = TokenConfirmation(token=confirmation_token, recipient=recipient, text=text)
    elif isinstance(decision, SendApproval) and shown is not None:
        confirmation = ElicitedApproval(approved=decision.send, content_hash=shown.content_hash)
    elif decision is None and shown is not None:  # declined or cancelled in the dialog
        confirmation = ElicitedApproval(approved=False, content_hash=shown.content_hash)
    else:
        confirmation = None
    if confirmation is None and decision == NO_ELICITATION and svc.guardrails.confirmer.mode == "elicit":
        raise ToolError(
            f"Not sent: {no_dialog_reason(ctx)}. Show the user the draft (recipient and exact "
            "text); only if they approve, call send_message again with confirmation_token, recipient and text."
        )
    result = await send_draft(svc, draft_id.strip(), confirmation)
    sent = result.result or {}
    out = SendOut(
        draft_id=result.draft.id,
        outcome=result.outcome,
        state=result.draft.state,
        recipient=result.draft.recipient,
        channel=result.draft.channel,
        conversation_urn=sent.get("conversationUrn") or result.draft.conversation_urn,
        thread_id=sent.get("threadId"),
        error=result.error,
        warnings=findings_out(result),
        sandbox=svc.connectsafely.sandbox,
    )
    summaries = {
        "sent": f"Sent draft {out.draft_id} to {out.recipient}.",
        "already_sent": f"Draft {out.draft_id} was already sent; nothing sent again.",
        "dry_run": f"Dry run: draft {out.draft_id} passed every check; nothing was sent.",
        "failed": f"Not sent: {out.error}. The draft can be fixed and sent again.",
        "unknown": (
            f"Outcome unknown: {out.error}. It may or may not have reached {out.recipient}; it will not be resent "
            "automatically. Check LinkedIn, then record the outcome with resolve_unknown_send."
        ),
    }
    return reply(summaries[out.outcome], out)


class UnknownResolution(BaseModel):
    delivered: bool = Field(
        title="The message is visible in LinkedIn", description="Yes if you can see it was sent.", strict=True
    )


async def _resolution_gate(ctx: Context, draft_id: str) -> Any:
    if not can_elicit(ctx):
        return NO_ELICITATION
    svc = services(ctx)
    draft = await svc.guardrails.drafts.peek(draft_id.strip())
    if draft is None or draft.state != "unknown" or not svc.may_use(draft.account_id):
        return NOT_NEEDED
    return Elicit((await send_review(svc, draft)).render("Check LinkedIn: did this message go out?"), UnknownResolution)


@tool(title="Record the outcome of an unknown send", read_only=False, destructive=False, open_world=False)
async def resolve_unknown_send(
    ctx: Context,
    draft_id: Annotated[str, Field(min_length=3, max_length=64)],
    answer: Annotated[ElicitationResult[UnknownResolution], Resolve(_resolution_gate)],
) -> Annotated[CallToolResult, DraftOut]:
    """After a send with an unknown outcome, ask the user whether the message reached LinkedIn and record it
    (sent, or back to draft so it can be sent again). Needs a client that can show a dialog."""
    svc = services(ctx)
    decision = outcome_value(answer)
    if decision == NO_ELICITATION:
        raise ToolError(
            "Only the user can say whether the message went out, and this client cannot ask them. "
            f"Run `salesnav-mcp drafts resolve {draft_id} sent|not_sent` after checking LinkedIn."
        )
    if not isinstance(decision, UnknownResolution):
        draft = await svc.guardrails.drafts.get(draft_id.strip())
        if draft.state != "unknown":
            raise ToolError(f"Draft {draft.id} is {draft.state}, not unknown; nothing to resolve.")
        raise ToolError("The user did not answer; the draft stays unknown.")
    svc.require_account((await svc.guardrails.drafts.get(draft_id.strip())).account_id)
    draft = await svc.guardrails.sender.resolve_unknown(
        draft_id.strip(), "sent" if decision.delivered else "not_sent", note="confirmed by the user", actor=svc.actor()
    )
    out = draft_out(svc, draft, [])
    return reply(f"Draft {draft.id} recorded as {draft.state}.", out)

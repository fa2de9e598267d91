"""Drafting: a message is stored with every policy finding and a preview; nothing is sent here."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import Draft, DraftResult, SendResult
from salesnav_mcp.guardrails.fields import one_line, quoted
from salesnav_mcp.operations import invitations, outreach
from salesnav_mcp.operations.approvals import request_send
from salesnav_mcp.operations.outreach import ChannelChoice
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.apps import REVIEW_VIEW
from salesnav_mcp.tools.elicit import no_dialog_reason
from salesnav_mcp.tools.messaging.attachments import AttachmentIn
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool
from salesnav_mcp.tools.surfaces import surface_for


class FindingOut(BaseModel):
    code: str
    severity: Literal["block", "warn"]
    message: str
    field: str | None = None


class DraftOut(Result):
    draft_id: str
    state: str = Field(description="draft | sending | sent | failed | unknown")
    account_id: str
    recipient: str = Field(description="The person's URN.")
    recipient_public_id: str | None = None
    recipient_name: str | None = Field(default=None, description="As LinkedIn names them (untrusted text).")
    recipient_headline: str | None = Field(default=None, description="As LinkedIn shows it (untrusted text).")
    channel: Literal["linkedin_inbox", "sales_navigator", "invitation"]
    new_conversation: bool
    conversation_urn: str | None
    subject: str | None
    text: str
    attachments: list[AttachmentIn]
    copy_to_crm: bool
    findings: list[FindingOut]
    sendable: bool = Field(description="No blocking finding: send_message may send it after confirmation.")
    confirmation_token: str | None = Field(
        default=None, description="Client confirmation mode only: pass to send_message with recipient and text."
    )
    token_expires_at: str | None = None
    approval_id: str | None = Field(default=None, description="Its request for approval in the review card.")


class DraftsOut(Result):
    drafts: list[DraftOut]


def findings_out(result: DraftResult | SendResult) -> list[FindingOut]:
    items = result.findings if isinstance(result, DraftResult) else result.warnings
    return [FindingOut(**f.as_dict()) for f in items]


def draft_out(svc: Services, draft: Draft, findings: list[FindingOut], token: Any = None) -> DraftOut:
    return DraftOut(
        draft_id=draft.id,
        state=draft.state,
        account_id=draft.account_id,
        recipient=draft.recipient,
        recipient_public_id=draft.recipient_public_id,
        recipient_name=draft.recipient_name,
        recipient_headline=draft.recipient_headline,
        channel=draft.channel,
        new_conversation=draft.is_new_conversation,
        conversation_urn=draft.conversation_urn,
        subject=draft.subject,
        text=draft.text,
        attachments=[AttachmentIn(**a) for a in draft.attachments],
        copy_to_crm=draft.copy_to_crm,
        findings=findings,
        sendable=draft.state in ("draft", "failed") and not any(f.severity == "block" for f in findings),
        confirmation_token=token.token if token is not None else None,
        token_expires_at=token.expires_at.isoformat() if token is not None else None,
        sandbox=svc.connectsafely.sandbox,
    )


@tool(title="Draft a message", read_only=False, destructive=False, ui=REVIEW_VIEW)
async def draft_message(
    ctx: Context,
    recipient: Annotated[
        str,
        Field(
            description="Public id, profile URN or linkedin.com/in/ URL.",
            min_length=3,
            max_length=200,
        ),
    ],
    text: Annotated[str, Field(description="The exact text; an invitation's optional note (<= 300 chars).", max_length=8000)],
    subject: Annotated[str | None, Field(description="InMail only.", max_length=200)] = None,
    channel: Annotated[
        ChannelChoice | Literal["invitation"],
        Field(
            description="auto: existing thread, else inbox for a connection, InMail with a seat; invitation: a connection request."
        ),
    ] = "auto",
    conversation_urn: Annotated[
        str | None, Field(description="Reply in this conversation.", pattern=r"^urn:li:")
    ] = None,
    attachments: Annotated[list[AttachmentIn], Field(max_length=10)] = [],  # noqa: B006
    copy_to_crm: Annotated[bool, Field(description="Also file it in the CRM (InMail only).")] = False,
    account_id: AccountId = None,
) -> Annotated[CallToolResult, DraftOut]:
    """Store a message or connection-request draft with its policy findings (do-not-contact, duplicate, caps,
    credits, length). Sends nothing."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    if channel == "invitation":
        extra = [n for n, v in (("conversation_urn", conversation_urn), ("subject", subject),
                                 ("attachments", attachments), ("copy_to_crm", copy_to_crm)) if v]
        if extra:
            raise ToolError(f"{', '.join(extra)}: a connection request carries only its note (text); leave them out.")
        result = await invitations.create_invitation(svc, account, recipient.strip(), text)
    else:
        result = await outreach.create_draft(
            svc,
            account,
            recipient.strip(),
            text,
            subject=subject,
            channel=channel,
            conversation_urn=conversation_urn,
            attachments=[a.model_dump() for a in attachments],
            copy_to_crm=copy_to_crm,
        )
    surface = surface_for(ctx, svc.guardrails.confirmer.mode)
    out = draft_out(svc, result.draft, findings_out(result), result.token if surface == "client" else None)
    review = await outreach.send_review(svc, result.draft)
    lines = [f"Draft {out.draft_id} stored (not sent).", *review.lines()]
    for f in out.findings:
        lines.append(f"{'BLOCKED' if f.severity == 'block' else 'Note'}: {f.message}")
    if out.sendable:
        if surface == "review_card":
            # The card bound to this tool shows the draft with Send and Reject right away.
            out.approval_id = (await request_send(svc, result.draft)).id
        step = NEXT_STEP[surface or "none"]
        lines.append(f"No confirmation dialog here: {no_dialog_reason(ctx)}. {step}" if surface == "client" else step)
    return reply("\n".join(lines), out)


NEXT_STEP = {
    "elicitation": "To send: send_message(draft_id) asks the user to confirm in a dialog.",
    "review_card": "To send: the user approves it in the review card shown here; send_message(draft_id) waits for "
    "their decision.",
    "approval_page": "To send: call send_message(draft_id); it puts the draft on the approval page, says where the "
    "user approves it, and waits for their decision.",
    "client": "Show the user this draft; only if they approve, call send_message with draft_id, confirmation_token, "
    "recipient and text exactly as above.",
    "none": "It cannot be sent from this client: only a client's confirmation dialog approves sends here.",
}


@tool(title="List drafts", read_only=True, open_world=False)
async def list_drafts(
    ctx: Context,
    account_id: AccountId = None,
    state: Annotated[Literal["draft", "sending", "sent", "failed", "unknown"] | None, Field()] = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 20,
) -> Annotated[CallToolResult, DraftsOut]:
    """Stored drafts and their state, newest first."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    drafts = await svc.guardrails.drafts.list(account_id=account, states=[state] if state else None, limit=limit)
    out = DraftsOut(drafts=[draft_out(svc, d, []) for d in drafts], sandbox=svc.connectsafely.sandbox)
    lines = [f"{len(drafts)} draft(s)."] + [
        f"- {d.id} [{d.state}] to {one_line(d.recipient_public_id or d.recipient, 100)}: {quoted(d.text, 80)}" for d in drafts
    ]
    return reply("\n".join(lines), out)

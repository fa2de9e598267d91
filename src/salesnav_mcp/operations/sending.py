"""Sending a confirmed draft upstream, through the guardrails' send coordinator.

The guardrails decide what a failed send means from `SendFailure.proven_not_sent`; only this
layer knows upstream's errors, so it is the one that translates them (`upstream_send`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from salesnav_mcp.guardrails import Confirmation, Draft, SendFailure, SendResult
from salesnav_mcp.guardrails.send import SendFn
from salesnav_mcp.models.connectsafely import AttachmentRef
from salesnav_mcp.operations.invitations import invitation_call, upstream_invitations
from salesnav_mcp.operations.outreach import inmail_preflight
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import UpstreamError, proves_not_sent


def upstream_send(call: Callable[[Draft], Awaitable[Mapping[str, Any]]]) -> SendFn:
    """`call` with its upstream errors turned into SendFailure (failed when they prove nothing went out)."""

    async def send(draft: Draft) -> Mapping[str, Any]:
        try:
            return await call(draft)
        except UpstreamError as exc:
            raise SendFailure(str(exc), proven_not_sent=proves_not_sent(exc)) from exc

    return send


def _recipient_fields(recipient: str) -> dict[str, str]:
    if recipient.startswith("urn:li:"):
        return {"recipient_profile_urn": recipient}
    return {"recipient_profile_id": recipient}


def draft_sender(svc: Services) -> SendFn:
    """The upstream call that sends one message draft: Sales Navigator's own send when the CRM gets a copy."""

    async def send(draft: Draft) -> dict[str, Any]:
        # A stored attachment also says where its bytes came from (for the review); upstream gets the file only.
        files = [{k: v for k, v in a.items() if k != "source"} for a in draft.attachments]
        attachments = [AttachmentRef(file=f) for f in files] or None  # type: ignore[arg-type]
        if draft.copy_to_crm:
            thread_id = (draft.conversation_urn or "").rsplit(":", 1)[-1] if draft.conversation_urn else None
            result = await svc.connectsafely.send_sales_nav_message(
                account_id=draft.account_id,
                body=draft.text,
                subject=draft.subject,
                thread_id=thread_id,
                recipients=None if thread_id else [draft.recipient],
                copy_to_crm=True,
                attachments=attachments,
            )
        else:
            result = await svc.connectsafely.send_message(
                account_id=draft.account_id,
                conversation_urn=draft.conversation_urn,
                message=draft.text,
                subject=draft.subject,
                attachments=attachments,
                messaging_channel=draft.channel,
                **_recipient_fields(draft.recipient),
            )
        return result.model_dump(mode="json", exclude_none=True)

    return upstream_send(send)


def sender_for(svc: Services, draft: Draft) -> SendFn:
    return upstream_send(invitation_call(svc)) if draft.channel == "invitation" else draft_sender(svc)


async def send_draft(svc: Services, draft_id: str, confirmation: Confirmation | None) -> SendResult:
    """Send a draft of an account the user may use, at most once; an unsent InMail draft checks credits first, an
    unsent connection request upstream's weekly count."""
    draft = await svc.guardrails.drafts.get(draft_id)
    svc.require_account(draft.account_id)
    sendable = draft.state in ("draft", "failed")
    credits = await inmail_preflight(svc, draft) if sendable else None
    upstream = await upstream_invitations(svc, draft.account_id) if sendable and draft.channel == "invitation" else None
    return await svc.guardrails.sender.send(
        draft.id, confirmation, sender_for(svc, draft), inmail_credits=credits, upstream=upstream, actor=svc.actor()
    )

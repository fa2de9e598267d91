"""Messaging resource: drafts awaiting confirmation, and sends whose outcome is unknown."""

from __future__ import annotations

from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.runtime import json_text, resource


@resource("salesnav://drafts", name="drafts", title="Drafts awaiting confirmation, and sends whose outcome is unknown")
async def drafts(svc: Services) -> str:
    items = await svc.guardrails.drafts.list(states=["draft", "failed", "unknown", "sending"], limit=100)
    items = [d for d in items if svc.may_use(d.account_id)]  # a named user sees their accounts' drafts only
    return json_text(
        [
            {
                "draft_id": d.id,
                "state": d.state,
                "account_id": d.account_id,
                "recipient": d.recipient,
                "channel": d.channel,
                "subject": d.subject,
                "text": d.text,
                "updated_at": d.updated_at.isoformat(),
                "error": d.error,
            }
            for d in items
        ]
    )

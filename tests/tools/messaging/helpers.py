"""Helpers for the messaging tests: a lead to write to, what the sandbox received, a draft made through the tool."""

from __future__ import annotations

from typing import Any

from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.world import world

TEXT = "Hi! Saw your team is growing in Berlin. Open to a 20-minute call next week?"


def a_lead(services: Services, degree: str = "S") -> Any:
    """A lead the default account has no thread with yet."""
    threads = {c.lead.profile_id for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    return next(
        lead
        for lead in world(services).leads
        if lead.degrees.get(DEFAULT_ACCOUNT_ID) == degree and lead.profile_id not in threads
    )


def sent_to(services: Services, profile_id: str) -> list[Any]:
    return [m for m in world(services).sent_messages if m.recipient == profile_id]


async def make_draft(client: Client, recipient: str, text: str = TEXT, **extra: Any) -> dict[str, Any]:
    result = await client.call_tool("draft_message", {"recipient": recipient, "text": text, **extra})
    assert not result.is_error, result.content
    return result.structured_content

"""Helpers for the insight tests: simulated days, the sandbox's own SSI as an oracle, real sends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from mcp import Client

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import ElicitedApproval
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import ssi as sandbox_ssi
from salesnav_mcp.upstream.errors import UnknownOutcomeError
from tests.support.store import someone
from tests.support.world import world


async def read_ssi_daily(client: Client, clock: ManualClock, days: int, account_id: str | None = None) -> None:
    """Read the SSI once a day for `days` days, ending on the clock's (new) today."""
    args = {"account_id": account_id} if account_id else {}
    for _ in range(days):
        result = await client.call_tool("get_ssi", args)
        assert not result.is_error, result.content
        clock.advance(timedelta(days=1))
    result = await client.call_tool("get_ssi", args)
    assert not result.is_error, result.content


def sandbox_member_score(services: Services, account_id: str, day: date) -> dict[str, Any]:
    """What the sandbox serves as the member's SSI on `day` (independent of the server's code)."""
    return sandbox_ssi.member_score(world(services).seed, account_id, day)


def sandbox_ranks(services: Services, account_id: str, day: date) -> dict[str, int]:
    w = world(services)
    account = w.accounts[account_id]
    member = sandbox_ssi.member_score(w.seed, account_id, day)
    groups = sandbox_ssi.group_scores(w.seed, account_id, day, account.seed.industry, member["overall"])
    return {g["groupType"]: g["rank"] for g in groups}


def pillar_scores(score: dict[str, Any]) -> dict[str, float]:
    return {s["pillar"]: s["score"] for s in score["subScores"]}


async def start_new_conversation(
    services: Services, account_id: str, recipient: str, *, outcome: str = "sent", channel: str = "linkedin_inbox"
) -> str:
    """Draft, confirm and send a new conversation through the guardrails; `outcome` sent or unknown."""
    guards = services.guardrails
    created = await guards.drafts.create(
        account_id=account_id,
        recipient=someone(recipient),
        channel=channel,
        text=f"Hello {recipient}, a short note about your team's pipeline reviews.",
        subject="Pipeline reviews" if channel == "sales_navigator" else None,
        is_new_conversation=True,
        inmail_credits=50,
    )

    async def send_fn(draft: Any) -> dict[str, Any]:
        if outcome == "unknown":
            raise UnknownOutcomeError("the connection dropped after the request was sent")
        return {"success": True, "messageId": f"m-{draft.id}"}

    approval = ElicitedApproval(approved=True, content_hash=created.draft.content_hash)
    result = await guards.sender.send(created.draft.id, approval, send_fn, inmail_credits=50)
    assert result.outcome == outcome, result
    return created.draft.id


async def new_draft(services: Services, account_id: str, recipient: str) -> str:
    created = await services.guardrails.drafts.create(
        account_id=account_id,
        recipient=someone(recipient),
        channel="linkedin_inbox",
        text=f"Hi {recipient}, following up on our chat.",
        is_new_conversation=True,
    )
    return created.draft.id

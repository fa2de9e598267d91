"""The review card: the MCP Apps view where a human approves what waits (sends, do-not-contact removals).

Tools bound to it (`draft_message`, `review_drafts`, `update_do_not_contact`) name their requests for
approval in their results; the card shows those requests exactly as the store keeps them (a fixed
layout, every value as text) and calls the app-only tools below on the human's click. App-only
tools are listed, and accepted, only for clients that negotiated MCP Apps, whose hosts never offer
them to the model (`_meta.ui.visibility: ["app"]`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.apps import REVIEW_VIEW
from salesnav_mcp.tools.runtime import reply, services, tool

ApprovalId = Annotated[str, Field(pattern=r"^ap_[0-9a-f]{16}$", description="A request for approval (ap_...).")]


class ItemOut(BaseModel):
    approval_id: str
    kind: str = Field(description="send | dnc_removal | search_spend")
    state: str = Field(description="pending | approved | rejected | done | expired | superseded")
    title: str
    lines: list[str] = Field(description="What the human reviews, one line each, shown as text.")
    text: str | None = Field(description="The exact message text of a send, shown as text.")
    content_hash: str
    outcome: str | None = None
    message: str | None = None


class ItemsOut(Result):
    items: list[ItemOut]


def _item_out(item: approvals.Item) -> ItemOut:
    return ItemOut.model_validate(item, from_attributes=True)


@tool(title="Approval requests (review card)", read_only=True, open_world=False, ui=REVIEW_VIEW, app_only=True)
async def approval_items(
    ctx: Context,
    approval_ids: Annotated[list[ApprovalId], Field(max_length=100, description="Requests to show.")],
) -> Annotated[CallToolResult, ItemsOut]:
    """The requests for approval the review card shows, as the store keeps them."""
    svc = services(ctx)
    items = [_item_out(i) for i in await approvals.items(svc, svc.current_user(), approval_ids)]
    return reply(f"{len(items)} request(s).", ItemsOut(items=items, sandbox=svc.connectsafely.sandbox))


@tool(title="Decide a request (review card)", read_only=False, destructive=True, ui=REVIEW_VIEW, app_only=True)
async def approval_decide(
    ctx: Context,
    approval_id: ApprovalId,
    content_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="The content the human was shown.")],
    decision: Annotated[Literal["approve", "reject"], Field(description="The human's click.")],
) -> Annotated[CallToolResult, ItemsOut]:
    """Record the human's click in the review card and, on approve, do what was approved, once."""
    svc = services(ctx)
    decided = await approvals.decide(
        svc,
        approval_id,
        content_hash=content_hash,
        approve=decision == "approve",
        surface="review_card",
        user=svc.current_user(),
    )
    item = _item_out(approvals.item_of(decided))
    return reply(f"{item.title} {decision}d: {item.outcome or item.state}.", ItemsOut(items=[item], sandbox=svc.connectsafely.sandbox))

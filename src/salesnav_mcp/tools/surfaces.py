"""Which surface a human approves through, for this client and confirmation mode, and waiting for the decision.

In `auto` mode a client that can show an elicitation dialog gets it; one that negotiated MCP Apps
gets the review card; any other gets the approval page. `strict` allows the dialog only; `client`
falls back to a token the model passes back (the client's own tool approval is the check).
A named user with an approver secret approves on the approval page only, whatever the client
declares: a dialog or a card is answered by the client holding their token, which may be an agent.
"""

from __future__ import annotations

from typing import Literal

from mcp.server.apps import client_supports_apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from salesnav_mcp.guardrails import Approval
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.elicit import can_elicit
from salesnav_mcp.tools.runtime import services

Surface = Literal["elicitation", "review_card", "approval_page", "client"]
PROGRESS_EVERY = 5.0  # seconds between progress notifications while waiting (they keep clients from timing out)


def approves_on_page_only(svc: Services) -> bool:
    user = svc.current_user()
    return user is not None and user.approves_on_page_only


def may_elicit(ctx: Context) -> bool:
    """Whether a dialog may ask this user to approve (their client can show one, and its answer counts)."""
    return can_elicit(ctx) and not approves_on_page_only(services(ctx))


def surface_for(ctx: Context, mode: str) -> Surface | None:
    """The surface this client approves through; None when the mode allows none this client can show."""
    if approves_on_page_only(services(ctx)):
        return "approval_page"
    if can_elicit(ctx):
        return "elicitation"
    if mode == "strict":
        return None
    if mode == "client":
        return "client"
    return "review_card" if client_supports_apps(ctx) else "approval_page"


def no_surface_reason() -> str:
    return (
        "this client shows no confirmation dialog, and the server runs in strict confirmation mode, where only "
        "that dialog approves an outbound action. Use a client that supports MCP elicitation, or ask the "
        "operator to run the server in the default mode (SALESNAV_CONFIRM_MODE=auto), where a review card or an "
        "approval page stands in for it"
    )


async def where_to_approve(svc: Services, surface: Surface) -> str:
    """Where the human decides, in words safe for the model (the approval page is opened for them)."""
    if surface == "review_card":
        return "the review card shown in the conversation"
    if svc.approval_page is None:
        raise ToolError("Nothing was done: this server has no approval page, and this client shows no dialog.")
    return await svc.approval_page.show()


async def await_decision(ctx: Context, svc: Services, approval: Approval, where: str) -> Approval | None:
    """Wait (with progress, cancellable) for the human's decision; None when SALESNAV_APPROVAL_WAIT runs out first."""
    return (await await_decisions(ctx, svc, [approval], where))[approval.id]


async def await_decisions(
    ctx: Context, svc: Services, requests: list[Approval], where: str
) -> dict[str, Approval | None]:
    """`await_decision` for several requests at once: until every one is decided or the wait runs out."""
    seconds = svc.settings.salesnav_approval_wait.total_seconds()
    reported = [-PROGRESS_EVERY]

    async def tick(waited: float) -> None:
        if waited - reported[0] >= PROGRESS_EVERY:
            reported[0] = waited
            await ctx.report_progress(waited, seconds, f"Waiting for the user's decision in {where}")

    ids = [r.id for r in requests if r.state == "pending"]
    decided = await svc.guardrails.approvals.wait(ids, seconds=seconds, tick=tick) if ids else {}
    return {r.id: decided.get(r.id, r if r.state != "pending" else None) for r in requests}

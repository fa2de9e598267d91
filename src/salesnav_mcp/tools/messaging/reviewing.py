"""Several drafts reviewed together: the user approves each one, and each approved one is sent once, paced."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field, create_model

from salesnav_mcp.guardrails import Draft, ElicitedApproval, GuardrailError
from salesnav_mcp.operations.approvals import request_send
from salesnav_mcp.operations.outreach import send_review
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.sending import send_draft
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.apps import REVIEW_VIEW
from salesnav_mcp.tools.elicit import NO_ELICITATION, outcome_value
from salesnav_mcp.tools.runtime import reply, resolver, services, tool
from salesnav_mcp.tools.surfaces import await_decisions, may_elicit, no_surface_reason, surface_for, where_to_approve

DraftIds = Annotated[
    list[Annotated[str, Field(min_length=3, max_length=64)]],
    Field(min_length=1, max_length=100, description="From draft_message or list_drafts."),
]


class Reviewed(BaseModel):
    draft_id: str
    recipient: str
    outcome: Literal["sent", "already_sent", "failed", "unknown", "dry_run", "rejected", "refused", "awaiting_approval"]
    error: str | None = None
    approval_id: str | None = None


class ReviewOut(Result):
    items: list[Reviewed]
    approval_ids: list[str] = Field(description="Requests for approval waiting in the review card or page.")


class BatchApproval(BaseModel):
    """The dialog's form: one checkbox per draft (fields send_1 ... send_n), built per review."""


@resolver
async def _reviewed_drafts(ctx: Context, draft_ids: list[str]) -> list[Draft]:
    """The drafts as the human will see them, in the order given (each once; accounts the user may use)."""
    svc = services(ctx)
    if len(set(draft_ids)) > svc.settings.salesnav_review_max:
        raise ToolError(f"draft_ids: at most {svc.settings.salesnav_review_max} drafts in one review; split it.")
    drafts = []
    for draft_id in dict.fromkeys(d.strip() for d in draft_ids):
        draft = await svc.guardrails.drafts.get(draft_id)
        svc.require_account(draft.account_id)
        drafts.append(draft)
    return drafts


async def _batch_gate(ctx: Context, drafts: Annotated[list[Draft], Resolve(_reviewed_drafts)]) -> Any:
    """One dialog for every sendable draft, with a checkbox each, when the client can show it."""
    if not may_elicit(ctx):
        return NO_ELICITATION
    svc = services(ctx)
    sendable = [d for d in drafts if d.state in ("draft", "failed")]
    if not sendable:
        return None
    kinds = {d.channel == "invitation" for d in sendable}
    what = {frozenset({False}): "messages", frozenset({True}): "connection requests"}.get(
        frozenset(kinds), "messages and connection requests"
    )
    parts = [f"Send these LinkedIn {what}? Tick each one to send; an unticked one is not sent."]
    fields: dict[str, Any] = {}
    for i, draft in enumerate(sendable, start=1):
        parts += ["", f"━━ Draft {i} of {len(sendable)} ━━", *(await send_review(svc, draft)).lines()]
        fields[f"send_{i}"] = (bool, Field(default=False, title=f"Send draft {i}", strict=True))
    return Elicit("\n".join(parts), create_model("BatchApproval", __base__=BatchApproval, **fields))


async def _send_paced(svc: Services, sends: list[tuple[Draft, Any]]) -> list[Reviewed]:
    """Send each draft once, one after the other, SALESNAV_SEND_INTERVAL apart."""
    results = []
    for n, (draft, confirmation) in enumerate(sends):
        if n:
            await svc.clock.sleep(svc.settings.salesnav_send_interval.total_seconds())
        try:
            sent = await send_draft(svc, draft.id, confirmation)
            results.append(_reviewed(draft, sent.outcome, sent.error))
        except GuardrailError as exc:
            results.append(_reviewed(draft, "refused", exc.message))
    return results


def _reviewed(draft: Draft, outcome: Any, error: str | None = None, approval_id: str | None = None) -> Reviewed:
    return Reviewed(
        draft_id=draft.id,
        recipient=draft.recipient_public_id or draft.recipient,
        outcome=outcome,
        error=error,
        approval_id=approval_id,
    )


@tool(title="Review drafts with the user", read_only=False, destructive=True, ui=REVIEW_VIEW)
async def review_drafts(
    ctx: Context,
    draft_ids: DraftIds,
    drafts: Annotated[list[Draft], Resolve(_reviewed_drafts)],
    answer: Annotated[ElicitationResult[BatchApproval], Resolve(_batch_gate)],
) -> Annotated[CallToolResult, ReviewOut]:
    """Put several drafts before the user at once and send each one they approve, once, paced."""
    svc = services(ctx)
    surface = surface_for(ctx, svc.guardrails.confirmer.mode)
    done = [_reviewed(d, "already_sent") for d in drafts if d.state == "sent"]
    other = [_reviewed(d, "refused", f"the draft is {d.state}") for d in drafts if d.state not in ("draft", "failed", "sent")]
    sendable = [d for d in drafts if d.state in ("draft", "failed")]
    waiting: list[str] = []
    if surface == "elicitation":
        ticks = outcome_value(answer)
        chosen = [bool(getattr(ticks, f"send_{i}", False) is True) for i in range(1, len(sendable) + 1)]
        approved = [(d, ElicitedApproval(True, d.content_hash)) for d, yes in zip(sendable, chosen, strict=True) if yes]
        results = await _send_paced(svc, approved)
        results += [_reviewed(d, "rejected") for d, yes in zip(sendable, chosen, strict=True) if not yes]
    elif surface is None or surface == "client":
        raise ToolError(f"Nothing was sent: {no_surface_reason() if surface is None else 'send each draft with send_message'}.")
    else:
        requests = [await request_send(svc, d) for d in sendable]
        where = await where_to_approve(svc, surface)
        decisions = await await_decisions(ctx, svc, requests, where)
        results = []
        for draft, request in zip(sendable, requests, strict=True):
            decided = decisions[request.id]
            outcome = "awaiting_approval" if decided is None or decided.state == "pending" else (
                "rejected" if decided.state == "rejected" else (decided.outcome or {}).get("outcome", "refused")
            )
            if outcome == "awaiting_approval":
                waiting.append(request.id)
            message = None if decided is None else (decided.outcome or {}).get("message")
            results.append(_reviewed(draft, outcome, message, request.id))
    out = ReviewOut(items=[*done, *other, *results], approval_ids=waiting, sandbox=svc.connectsafely.sandbox)
    counts: dict[str, int] = {}
    for item in out.items:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    summary = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in counts.items())
    tail = " Nothing else goes out until the user decides the rest." if waiting else ""
    return reply(f"Reviewed {len(out.items)} draft(s): {summary}.{tail}", out)

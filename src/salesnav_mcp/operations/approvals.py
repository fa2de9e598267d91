"""Approvals in use: what each kind of action puts before the human, and what approving it does.

- A send shows the draft's review (guardrails/review.py); approving sends it, once. A connection
  request is a send whose review says so (its title, its Action line, its note in the frame).
- A do-not-contact removal shows the stored entries; approving lifts them.
- A search spend past the warning shows the search and the budget; approving lets that search
  run (the search call that asked consumes the approval).
Every surface (review card, approval page) shows an `Item` built here and decides through
`decide`, so what the human sees and what happens are the same everywhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from salesnav_mcp.guardrails import ORGANISATION, Approval, ApprovalRefused, GuardrailError, RecordedApproval
from salesnav_mcp.guardrails.review import DncRemovalReview, SendReview
from salesnav_mcp.operations.identity import AccountNotGranted, ApproverSecretRequired, OrganisationRefused, User
from salesnav_mcp.operations.outreach import send_review
from salesnav_mcp.operations.sending import send_draft
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import Draft
from salesnav_mcp.upstream.errors import UpstreamError

Surface = Literal["elicitation", "review_card", "approval_page"]
TITLES = {
    "send": "Send this LinkedIn message?",
    "dnc_removal": "Remove this person from the do-not-contact list?",
    "search_spend": "Spend one Sales Navigator search?",
}


def send_review_record(review: SendReview) -> dict[str, Any]:
    """A send review as the store keeps it: the question, the lines shown, the exact text (a connection request
    without a note has none), the content it binds to."""
    return {
        "draft_id": review.draft_id,
        "title": review.question,
        "lines": review.header_lines(),
        "text": review.text if review.framed else None,
        "content_hash": review.content_hash,
    }


async def request_send(svc: Services, draft: Draft) -> Approval:
    review = send_review_record(await send_review(svc, draft))
    return await svc.guardrails.approvals.request(
        "send", draft.id, account_id=draft.account_id, review=review, actor=svc.actor()
    )


async def request_dnc_removal(svc: Services, review: DncRemovalReview, *, scope: str, keys: list[str]) -> Approval:
    record = {"lines": review.lines(), "scope": scope, "keys": keys}
    subject = json.dumps([scope, keys], separators=(",", ":"))
    account = None if scope == ORGANISATION else scope
    return await svc.guardrails.approvals.request("dnc_removal", subject, account_id=account, review=record, actor=svc.actor())


def spend_review(account_id: str, query_key: str, used: int, limit: int, resets: str) -> dict[str, Any]:
    kind, url = query_key.split("|", 1)
    noun = "lead" if kind == "people" else "account"
    return {
        "lines": [
            f"Account: {account_id}",
            f"Search: Sales Navigator {noun} search",
            f"URL: {url}",
            f"Budget: {used} of {limit} searches used this month; this one makes {used + 1} (resets {resets})",
        ],
        "query_key": query_key,
    }


async def request_spend(svc: Services, account_id: str, query_key: str, review: dict[str, Any]) -> Approval:
    return await svc.guardrails.approvals.request(
        "search_spend", f"{account_id}|{query_key}", account_id=account_id, review=review, actor=svc.actor()
    )


@dataclass(frozen=True)
class Item:
    """One request as a review card or page shows it. Every value is data to show as text, never markup."""

    approval_id: str
    kind: str
    state: str
    title: str
    lines: list[str]  # the fixed-label lines (of a send: those above the message, which `text` holds)
    text: str | None
    content_hash: str
    outcome: str | None = None
    message: str | None = None
    account_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def item_of(approval: Approval) -> Item:
    outcome = (approval.outcome or {}).get("outcome")
    return Item(
        approval_id=approval.id,
        kind=approval.kind,
        state=approval.state,
        title=str(approval.review.get("title") or TITLES[approval.kind]),
        lines=[str(line) for line in approval.review.get("lines", [])],
        text=approval.review.get("text"),
        content_hash=approval.content_hash,
        outcome=outcome,
        message=(approval.outcome or {}).get("message"),
        account_id=approval.account_id,
    )


def may_decide(user: User | None, approval: Approval) -> None:
    """Refuse a decision about an account (or the organisation) not granted to the deciding user."""
    if user is None:
        return
    if approval.account_id is None:
        if not user.has_every_account:
            raise OrganisationRefused(user, "decide about an organisation-wide entry")
    elif not user.may_use(approval.account_id):
        raise AccountNotGranted(user, approval.account_id)


def visible(user: User | None, approval: Approval) -> bool:
    try:
        may_decide(user, approval)
    except (AccountNotGranted, OrganisationRefused):
        return False
    return True


async def pending_items(svc: Services, user: User | None, ids: list[str] | None = None) -> list[Item]:
    """What waits for this user's decision (optionally only these requests)."""
    waiting = await svc.guardrails.approvals.pending(ids)
    return [item_of(a) for a in waiting if visible(user, a)]


async def items(svc: Services, user: User | None, ids: list[str]) -> list[Item]:
    """These requests, whatever became of them, as far as this user may see them."""
    return [item_of(a) for a in await svc.guardrails.approvals.find(ids) if visible(user, a)]


async def decide(
    svc: Services, approval_id: str, *, content_hash: str, approve: bool, surface: Surface, user: User | None
) -> Approval:
    """Record the human's decision, then do what was approved, once; the request records what happened."""
    current = await svc.guardrails.approvals.get(approval_id)
    if current is None:
        raise ApprovalRefused("There is no such request for approval.", code="missing")
    may_decide(user, current)
    if user is not None and user.approves_on_page_only and surface != "approval_page":
        raise ApproverSecretRequired(user, f"approval {approval_id}")
    decided_by = None if user is None else user.name
    approval = await svc.guardrails.approvals.decide(
        approval_id, content_hash=content_hash, approve=approve, surface=surface, decided_by=decided_by
    )
    if not approve:
        return approval
    if approval.kind == "send":
        try:
            result = await send_draft(svc, approval.subject, RecordedApproval(approval, actor=decided_by))
            done = {"outcome": result.outcome, "message": result.error}
        except GuardrailError as exc:  # the policy or the draft's state refused it: nothing went out
            done = {"outcome": "refused", "message": exc.message}
        except UpstreamError as exc:  # failed before the send started (e.g. the InMail credit check)
            done = {"outcome": "failed", "message": str(exc)}
    elif approval.kind == "dnc_removal":
        removed = await svc.guardrails.dnc.remove(approval.review["keys"], scope=approval.review["scope"], actor=decided_by)
        done = {"outcome": "removed", "message": f"{len(removed)} entry removed"}
    else:
        return approval  # the search that asked for it runs with this approval
    return await svc.guardrails.approvals.finish(approval, done)


async def approved_spend(svc: Services, account_id: str, query_key: str) -> Approval | None:
    """An approved spend on this very search that no run used yet (the budget figures shown may have moved since)."""
    return await svc.guardrails.approvals.approved("search_spend", f"{account_id}|{query_key}")


async def claim_spend(svc: Services, approval: Approval) -> bool:
    """Use an approved spend for one run, before it starts (approved -> done, once): False when another run of
    the same search claimed it first, so concurrent runs never share one approval."""
    return await svc.guardrails.approvals.use(approval, {"outcome": "spent"})

"""Approvals: a human's decision about one outbound action, recorded where every process sees it.

An action that needs a human (a send, a do-not-contact removal, a search spend past the warning)
and cannot ask through the client's own dialog becomes a request: what would happen, reviewed
exactly as the human sees it, bound to a hash of that content. A human decides it once, in a
surface the model cannot drive (the review card, the approval page); the decision is a
compare-and-set in the store, so two clicks, two tabs or two replicas decide it once. Nothing
the model reads ever authorises it: the request's id only names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from salesnav_mcp.guardrails.base import Guardrail
from salesnav_mcp.guardrails.errors import GuardrailError
from salesnav_mcp.store import Approval, ApprovalKind

POLL_SECONDS = 0.25  # how often a waiting call looks for the decision (a read of one row)
SURFACE_NAMES = {
    "elicitation": "the confirmation dialog of your MCP client",
    "review_card": "the review card shown in the conversation",
    "approval_page": "the approval page in your browser",
}


def content_digest(value: Any) -> str:
    """A stable hash of what a human is shown (JSON of it, keys sorted)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def settled(approval: Approval) -> bool:
    """Decided, and what was approved is done (a search spend is done by the search that asked for it)."""
    if approval.state == "pending":
        return False
    return approval.state != "approved" or approval.kind == "search_spend"


class ApprovalRefused(GuardrailError):
    """A decision that cannot be taken: the request is gone, decided, expired, or shows other content now."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


_REFUSALS = {
    "missing": "There is no such request for approval.",
    "not_pending": "This request was already decided; nothing was done twice.",
    "expired": "This request expired before anyone decided it; ask for a new one.",
    "changed": "What this request would do changed since it was shown; review it again.",
}


class Approvals(Guardrail):
    @property
    def ttl(self) -> timedelta:
        return self._settings.salesnav_approval_ttl

    async def request(
        self,
        kind: ApprovalKind,
        subject: str,
        *,
        account_id: str | None,
        review: dict[str, Any],
        actor: str | None = None,
    ) -> Approval:
        """The open request for exactly this review (created if there is none)."""
        now = self._clock.now()
        approval = await self._store.request_approval(
            kind=kind,
            subject=subject,
            account_id=account_id,
            content_hash=content_digest(review),
            review=review,
            requested_by=actor,
            now=now,
            expires_at=now + self.ttl,
        )
        if approval.requested_at == now and approval.state == "pending":
            await self._audit.record(
                "approval.requested",
                account_id=account_id,
                actor=actor,
                details={"approval_id": approval.id, "kind": kind, "subject": subject},
            )
        return approval

    async def decide(
        self, approval_id: str, *, content_hash: str, approve: bool, surface: str, decided_by: str | None
    ) -> Approval:
        """Record the human's decision once; ApprovalRefused (audited) when it cannot stand."""
        result = await self._store.decide_approval(
            approval_id, content_hash=content_hash, approve=approve, surface=surface, decided_by=decided_by,
            now=self._clock.now(),
        )
        details = {"approval_id": approval_id, "surface": surface, "approve": approve, "result": result.outcome}
        account_id = result.approval.account_id if result.approval else None
        await self._audit.record("approval.decided", account_id=account_id, actor=decided_by, details=details)
        if result.outcome != "decided" or result.approval is None:
            raise ApprovalRefused(_REFUSALS[result.outcome], code=result.outcome)
        return result.approval

    async def finish(self, approval: Approval, outcome: dict[str, Any]) -> Approval:
        return await self._store.finish_approval(approval.id, outcome=outcome) or approval

    async def use(self, approval: Approval, outcome: dict[str, Any]) -> bool:
        """approved -> done, at most once across processes: False when something else used it first."""
        return await self._store.finish_approval(approval.id, outcome=outcome) is not None

    async def get(self, approval_id: str) -> Approval | None:
        return await self._store.get_approval(approval_id)

    async def find(self, ids: list[str]) -> list[Approval]:
        return await self._store.list_approvals(ids=ids)

    async def pending(self, ids: list[str] | None = None) -> list[Approval]:
        """Requests still waiting for a decision (those past their time are left out)."""
        now = self._clock.now()
        waiting = await self._store.list_approvals(ids=ids, states=["pending"])
        return [a for a in waiting if a.expires_at > now]

    async def approved(self, kind: ApprovalKind, subject: str, review: dict[str, Any] | None = None) -> Approval | None:
        """An approval of this subject that nothing acted on yet (of exactly this review, when one is given)."""
        found = await self._store.list_approvals(kind=kind, subject=subject, states=["approved"])
        digest = None if review is None else content_digest(review)
        return next((a for a in found if digest is None or a.content_hash == digest), None)

    async def wait(
        self, approval_ids: list[str], *, seconds: float, tick: Callable[[float], Awaitable[None]] | None = None
    ) -> dict[str, Approval | None]:
        """Each request once decided (or gone), waiting until all are or `seconds` pass (then still-pending ones
        map to None). Cancellable.

        Waits on the clock (a manual one in tests) and reads the requests on each poll, so a decision can
        come from any process sharing the store.
        """
        waited = 0.0
        while True:
            found = {a.id: a for a in await self._store.list_approvals(ids=approval_ids)}
            if all(settled(a) for a in found.values()) or waited >= seconds:
                return {i: found[i] if i in found and settled(found[i]) else None for i in approval_ids}
            if tick is not None:
                await tick(waited)
            await self._clock.sleep(POLL_SECONDS)
            waited += POLL_SECONDS

"""Sending a draft: at most once, whatever retries, crashes, races or timeouts happen.

`SendCoordinator.send(draft_id, confirmation, send_fn)`:
  1. A draft already `sent` returns its first result; send_fn is not called.
     `sending` (in progress) and `unknown` (may have gone out) are refused with an explanation.
  2. The confirmation is verified for the configured mode (guardrails.confirm).
  3. The policy runs again (guardrails.policy); blocking findings refuse the send.
  4. One atomic compare-and-set in the store moves draft|failed -> sending, consuming the
     token and re-checking the daily cap and duplicate rule: exactly one caller, in any
     process, wins. Everyone else is refused.
  5. send_fn(draft) runs (the tools layer passes the upstream call). Then:
       returned            -> sent (its result dict is kept and returned on later sends)
       SendFailure(proven_not_sent=True): upstream refused, nothing went out -> failed
         (may be sent again with a new confirmation)
       SendFailure(proven_not_sent=False), any other error, cancellation
                           -> unknown: never resent automatically; a human checks LinkedIn
                              and calls resolve_unknown(draft_id, "sent" | "not_sent").
  A draft left in `sending` (the process died) is reported as unknown after
  Drafts.sending_timeout.

Dry run (settings.salesnav_dry_run): steps 1-4 run and are recorded exactly as for a
real send (the token is consumed), send_fn is never called, the outcome is "dry_run",
and the draft returns to state `draft` so it can be sent for real later.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.confirm import Confirmation, Confirmer, VerifiedConfirmation
from salesnav_mcp.guardrails.drafts import Drafts
from salesnav_mcp.guardrails.errors import (
    ConfirmationRefused,
    DraftNotFound,
    GuardrailError,
    PolicyViolation,
    SendRefused,
    format_utc,
)
from salesnav_mcp.guardrails.policy import (
    Policy,
    PolicyFinding,
    UpstreamInvitations,
    day_start,
    over_daily_cap,
    week_start,
)
from salesnav_mcp.store import BeginSendResult, Draft, SendOutcome, SendStartFacts

logger = logging.getLogger(__name__)

SendFn = Callable[[Draft], Awaitable[Mapping[str, Any]]]
SENDABLE_STATES = ("draft", "failed")
SALES_NAV_THREAD_PREFIX = "urn:li:salesNav_thread:"


def sent_conversation(result: Mapping[str, Any] | None) -> str | None:
    """The conversation a send went to, as a send function's answer names it: `conversation_urn`, else a
    Sales Navigator `thread_id` (as its thread URN), either spelt in camelCase as upstream does. A sent draft
    keeps it, so replies can be matched to it."""
    if not result:
        return None
    urn = result.get("conversation_urn") or result.get("conversationUrn")
    if isinstance(urn, str) and urn.startswith("urn:li:"):
        return urn
    thread = result.get("thread_id") or result.get("threadId")
    if isinstance(thread, str | int) and str(thread).strip():
        text = str(thread).strip()
        return text if text.startswith("urn:li:") else SALES_NAV_THREAD_PREFIX + text
    return None


class SendFailure(Exception):
    """What a send function raises when its call failed: the message, and whether it proves nothing went out.

    The function that talks to upstream decides `proven_not_sent` (it knows upstream's errors);
    any other exception from a send function leaves the outcome unknown.
    """

    def __init__(self, message: str, *, proven_not_sent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.proven_not_sent = proven_not_sent


@dataclass(frozen=True)
class SendStartRule:
    """Whether a confirmed send may start, decided inside the store's transaction that starts it.

    In order: the draft must still be sendable and hold exactly the confirmed content; a token
    (if one confirmed it) must be unused; a new conversation must fit under the daily cap; an
    invitation must fit under the weekly cap and not fall in a hold; the same text must not be on
    its way to the same person already.
    """

    content_hash: str  # what the human confirmed
    daily_cap: int
    weekly_invitations: int | None = None

    def decide(self, facts: SendStartFacts) -> SendOutcome:
        if facts.draft.state not in SENDABLE_STATES:
            return "state"
        if facts.draft.content_hash != self.content_hash:
            return "changed"
        if facts.token_used:
            return "token_used"
        if facts.new_conversations_today is not None and over_daily_cap(facts.new_conversations_today, self.daily_cap):
            return "cap_reached"
        if facts.held_until is not None:
            return "held"
        if (
            facts.invitations_this_week is not None
            and self.weekly_invitations is not None
            and facts.invitations_this_week >= self.weekly_invitations
        ):
            return "weekly_cap"
        if facts.duplicate_of is not None:
            return "duplicate"
        return "started"


@dataclass(frozen=True)
class SendResult:
    outcome: Literal["sent", "already_sent", "failed", "unknown", "dry_run"]
    draft: Draft
    result: dict[str, Any] | None = None  # upstream's answer (first one, for already_sent)
    error: str | None = None  # why failed / unknown
    warnings: list[PolicyFinding] = field(default_factory=list)


class SendCoordinator(Guardrail):
    def __init__(self, deps: Deps, *, drafts: Drafts, confirmer: Confirmer, policy: Policy) -> None:
        super().__init__(deps)
        self._drafts = drafts
        self._confirmer = confirmer
        self._policy = policy

    async def send(
        self,
        draft_id: str,
        confirmation: Confirmation | None,
        send_fn: SendFn,
        *,
        inmail_credits: int | None = None,
        upstream: UpstreamInvitations | None = None,
        actor: str | None = None,
    ) -> SendResult:
        """Send the draft once (see module docstring). Refusals raise GuardrailError subclasses."""
        draft = await self._drafts.get(draft_id)
        if draft.state == "sent":
            return await self._already_sent(draft, actor)
        if draft.state not in SENDABLE_STATES:
            await self._refused(draft, actor, "state", _state_reason(draft))
            raise SendRefused(_state_reason(draft), draft)

        verified = await self._verify(draft, confirmation, actor)
        actor = actor or verified.actor
        try:
            warnings = await self._policy.check(draft, inmail_credits=inmail_credits, upstream=upstream)
        except PolicyViolation as exc:
            await self._refused(draft, actor, "policy", exc.message, findings=exc.findings)
            raise

        attempt_id = "a_" + secrets.token_hex(8)
        now = self._clock.now()
        begun = await self._store.begin_send(
            draft_id=draft.id,
            token_digest=verified.token_digest,
            token_expires_at=verified.token_expires_at,
            attempt_id=attempt_id,
            now=now,
            day_start=day_start(now),
            duplicate_since=now - self._settings.salesnav_duplicate_window,
            decide=SendStartRule(draft.content_hash, self._policy.daily_cap, self._policy.weekly_invitations).decide,
            week_start=week_start(now),
        )
        if begun.outcome != "started":
            return await self._lost(begun, draft, verified, actor)
        started = begun.draft
        assert started is not None
        dry_run = self._settings.salesnav_dry_run
        await self._audit.record_draft(
            "send.attempt",
            started,
            actor=actor,
            attempt_id=attempt_id,
            recipient=started.recipient,
            channel=started.channel,
            content_hash=started.content_hash,
            confirmed_by=verified.method,
            mode=verified.mode,
            dry_run=dry_run,
        )
        if dry_run:
            return await self._dry_run(started, attempt_id, warnings, actor)
        return await self._call(started, attempt_id, send_fn, warnings, actor)

    async def resolve_unknown(
        self, draft_id: str, outcome: Literal["sent", "not_sent"], *, actor: str | None = None, note: str | None = None
    ) -> Draft:
        """A human checked LinkedIn: record that an `unknown` send went out, or put it back to `draft`."""
        if outcome not in ("sent", "not_sent"):
            raise GuardrailError(f"outcome must be 'sent' or 'not_sent', not {outcome!r}")
        draft = await self._drafts.get(draft_id)
        if draft.state != "unknown":
            raise SendRefused(
                f"Draft {draft.id} is {draft.state}; only a draft whose outcome is unknown can be resolved.", draft
            )
        if outcome == "sent":
            moved = await self._store.transition_draft(
                draft.id,
                from_states=("unknown",),
                to_state="sent",
                now=self._clock.now(),
                result={"resolved_by_human": True, "note": note},
            )
        else:
            moved = await self._store.transition_draft(
                draft.id, from_states=("unknown",), to_state="draft", now=self._clock.now()
            )
        if moved is None:
            latest = await self._drafts.get(draft_id)
            raise SendRefused(f"Draft {draft_id} changed state to {latest.state} meanwhile; check it again.", latest)
        await self._audit.record_draft("send.resolved", moved, actor=actor, outcome=outcome, note=note)
        return moved

    # ---- steps ---------------------------------------------------------------------------------
    async def _verify(self, draft: Draft, confirmation: Confirmation | None, actor: str | None) -> VerifiedConfirmation:
        method = None if confirmation is None else type(confirmation).__name__
        try:
            verified = await self._confirmer.verify(draft, confirmation)
        except ConfirmationRefused as exc:
            await self._refused_confirmation(draft, actor or getattr(confirmation, "actor", None), method, exc)
            raise
        await self._audit.record_draft(
            "confirm.approved",
            draft,
            actor=actor or verified.actor,
            mode=verified.mode,
            method=verified.method,
            content_hash=draft.content_hash,
        )
        return verified

    async def _lost(
        self, begun: BeginSendResult, draft: Draft, verified: VerifiedConfirmation, actor: str | None
    ) -> SendResult:
        """The compare-and-set did not let us send: explain why (or return the first result)."""
        current = begun.draft or draft
        if begun.outcome == "missing":
            raise DraftNotFound(draft.id)
        if begun.outcome == "state":
            current = await self._drafts.settle(current)
            if current.state == "sent":
                return await self._already_sent(current, actor)
            await self._refused(current, actor, "state", _state_reason(current))
            raise SendRefused(_state_reason(current), current)
        if begun.outcome in ("changed", "token_used"):
            exc = ConfirmationRefused(
                "the draft changed after it was confirmed; confirm the current text"
                if begun.outcome == "changed"
                else "this confirmation token was already used (tokens are single use); get a new one",
                code="changed" if begun.outcome == "changed" else "used",
            )
            await self._refused_confirmation(current, actor, verified.method, exc)
            raise exc
        if begun.outcome == "cap_reached":
            finding = self._policy.cap_finding(begun.count or 0)
        elif begun.outcome == "weekly_cap":
            finding = self._policy.weekly_cap_finding(begun.count or 0)
        elif begun.outcome == "held" and begun.held_until is not None:
            finding = self._policy.hold_finding(begun.held_until)
        else:
            finding = PolicyFinding(
                "duplicate",
                "block",
                f"the same text is already being sent or was sent to {current.recipient} "
                f"(draft {begun.other_draft_id})",
                "text",
            )
        violation = PolicyViolation([finding])
        await self._refused(current, actor, "policy", violation.message, findings=[finding])
        raise violation

    async def _dry_run(
        self, draft: Draft, attempt_id: str, warnings: list[PolicyFinding], actor: str | None
    ) -> SendResult:
        with anyio.CancelScope(shield=True):
            back = await self._store.transition_draft(
                draft.id, from_states=("sending",), to_state="draft", now=self._clock.now(), attempt_id=attempt_id
            )
            await self._audit.record_draft(
                "send.dry_run", draft, actor=actor, attempt_id=attempt_id, note="dry run: nothing was sent"
            )
        return SendResult("dry_run", back or draft, warnings=warnings)

    async def _call(
        self, draft: Draft, attempt_id: str, send_fn: SendFn, warnings: list[PolicyFinding], actor: str | None
    ) -> SendResult:
        try:
            answer = await send_fn(draft)
        except SendFailure as exc:
            outcome = "failed" if exc.proven_not_sent else "unknown"
            return await self._finish(draft, attempt_id, outcome, actor, warnings, error=exc.message)
        except BaseException as exc:
            # Whatever stopped the call after it started, the message may have gone out: "unknown".
            if isinstance(exc, Exception):
                logger.exception("send of draft %s raised unexpectedly", draft.id)
            finished = await self._finish(draft, attempt_id, "unknown", actor, warnings, error=_interrupted(exc))
            if isinstance(exc, Exception):
                return finished
            raise
        result = dict(answer) if isinstance(answer, Mapping) else {"result": answer}
        return await self._finish(draft, attempt_id, "sent", actor, warnings, result=result)

    async def _finish(
        self,
        draft: Draft,
        attempt_id: str,
        outcome: Literal["sent", "failed", "unknown"],
        actor: str | None,
        warnings: list[PolicyFinding],
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> SendResult:
        error = None if error is None else self._audit.scrubber.text(error)
        # Shielded: the outcome of a send that started must be recorded even when we are being cancelled.
        with anyio.CancelScope(shield=True):
            moved = await self._store.transition_draft(
                draft.id,
                from_states=("sending", "unknown"),
                to_state=outcome,
                now=self._clock.now(),
                attempt_id=attempt_id,
                result=result,
                error=error,
                conversation_urn=sent_conversation(result) if outcome == "sent" else None,
            )
            await self._audit.record_draft(
                f"send.{outcome}", draft, actor=actor, attempt_id=attempt_id, result=result, error=error
            )
            current = moved or await self._store.get_draft(draft.id) or draft
        return SendResult(outcome, current, result=result, error=error, warnings=warnings)

    async def _already_sent(self, draft: Draft, actor: str | None) -> SendResult:
        await self._audit.record_draft(
            "send.repeat", draft, actor=actor, note="already sent; returned the first result, nothing sent again"
        )
        return SendResult("already_sent", draft, result=draft.result)

    async def _refused_confirmation(
        self, draft: Draft, actor: str | None, method: str | None, exc: ConfirmationRefused
    ) -> None:
        await self._audit.record_draft(
            "confirm.refused",
            draft,
            actor=actor,
            mode=self._confirmer.mode,
            method=method,
            code=exc.code,
            reason=exc.message,
        )

    async def _refused(
        self, draft: Draft, actor: str | None, reason: str, message: str, findings: list[PolicyFinding] | None = None
    ) -> None:
        await self._audit.record_draft(
            "send.refused",
            draft,
            actor=actor,
            state=draft.state,
            reason=reason,
            message=message,
            findings=[f.as_dict() for f in findings or []],
        )


def _state_reason(draft: Draft) -> str:
    if draft.state == "sending":
        since = f" since {format_utc(draft.send_started_at)}" if draft.send_started_at else ""
        return f"Draft {draft.id} is being sent right now{since}; it is not sent a second time."
    if draft.state == "unknown":
        return (
            f"Draft {draft.id} may or may not have been sent ({draft.error or 'outcome unknown'}). "
            f"It is never resent automatically: check {_where_to_look(draft)} on LinkedIn, then record what happened "
            "with resolve_unknown(draft_id, 'sent' or 'not_sent')."
        )
    return f"Draft {draft.id} is {draft.state} and cannot be sent."


def _interrupted(exc: BaseException) -> str:
    """Why a send that started has no known outcome."""
    if isinstance(exc, anyio.get_cancelled_exc_class()):
        why = "the send was cancelled after it started"
    elif isinstance(exc, Exception):
        why = f"the send raised {type(exc).__name__}"
    else:
        why = "the send was interrupted"
    return f"{why}; it may or may not have gone out"


def _where_to_look(draft: Draft) -> str:
    return "the sent invitations" if draft.channel == "invitation" else "the conversation"

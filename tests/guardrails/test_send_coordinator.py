from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import (
    ConfirmationRefused,
    DraftNotFound,
    ElicitedApproval,
    Guardrails,
    SendRefused,
    TokenConfirmation,
)
from salesnav_mcp.guardrails.policy import day_start
from salesnav_mcp.guardrails.send import SendStartRule
from salesnav_mcp.store import Draft
from salesnav_mcp.upstream.errors import (
    AuthenticationError,
    NoSeatError,
    RateLimitedError,
    UnknownOutcomeError,
    UpstreamError,
    UpstreamFailure,
    ValidationError,
    proves_not_sent,
)
from tests.guardrails.helpers import RecordingSender, new_draft

pytestmark = pytest.mark.anyio


def approve(draft: Draft) -> ElicitedApproval:
    return ElicitedApproval(approved=True, content_hash=draft.content_hash, actor="dana")


async def test_send_records_sent_and_returns_the_first_result_again(
    guards: Guardrails, sender: RecordingSender
) -> None:
    draft = (await new_draft(guards)).draft
    first = await guards.sender.send(draft.id, approve(draft), sender)
    assert first.outcome == "sent" and first.draft.state == "sent"
    assert first.result == {"success": True, "messageId": "msg-1", "recipient": draft.recipient}

    again = await guards.sender.send(draft.id, None, sender)  # no confirmation needed: nothing is sent
    assert again.outcome == "already_sent" and again.result == first.result
    assert len(sender.calls) == 1
    kinds = [e.kind for e in await guards.audit.entries()]
    assert kinds[-4:] == ["confirm.approved", "send.attempt", "send.sent", "send.repeat"]


async def test_only_one_of_many_concurrent_senders_calls_send_fn(guards: Guardrails) -> None:
    draft = (await new_draft(guards)).draft
    slow = RecordingSender(delay=0.05)
    outcomes: list[str] = []

    async def attempt() -> None:
        try:
            outcomes.append((await guards.sender.send(draft.id, approve(draft), slow)).outcome)
        except SendRefused:
            outcomes.append("refused")

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(attempt)
    assert len(slow.calls) == 1
    assert outcomes.count("sent") == 1
    assert set(outcomes) <= {"sent", "already_sent", "refused"}


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("text too long", status=400, fields={"message": "too long"}),
        AuthenticationError("Invalid API key", status=401),
        NoSeatError("no seat", status=400),
        RateLimitedError("Daily limit of 150 new conversations reached", status=429),
        UpstreamError("Recipient not found", status=400),
    ],
    ids=["validation", "auth", "no-seat", "rate-limited", "plain-4xx"],
)
async def test_errors_that_prove_nothing_was_sent_mark_failed(guards: Guardrails, error: UpstreamError) -> None:
    draft = (await new_draft(guards)).draft
    result = await guards.sender.send(draft.id, approve(draft), RecordingSender(raises=error))
    assert result.outcome == "failed" and result.draft.state == "failed"
    assert result.error and error.message in result.error
    # A failed draft may be sent again after a new confirmation.
    retry = RecordingSender()
    assert (await guards.sender.send(draft.id, approve(draft), retry)).outcome == "sent"


@pytest.mark.parametrize(
    "error",
    [
        UnknownOutcomeError("timed out waiting for the answer"),
        UpstreamFailure("bad gateway", status=502),
        RuntimeError("bug in the caller"),
    ],
    ids=["unknown-outcome", "5xx", "unexpected"],
)
async def test_errors_without_proof_mark_unknown_and_block_resend(guards: Guardrails, error: Exception) -> None:
    draft = (await new_draft(guards)).draft
    result = await guards.sender.send(draft.id, approve(draft), RecordingSender(raises=error))
    assert result.outcome == "unknown" and result.draft.state == "unknown"

    again = RecordingSender()
    with pytest.raises(SendRefused, match="resolve_unknown") as refused:
        await guards.sender.send(draft.id, approve(draft), again)
    assert "never resent automatically" in str(refused.value)
    assert again.calls == []


def test_classification_of_upstream_errors() -> None:
    assert proves_not_sent(UpstreamError("forbidden", status=403))
    assert not proves_not_sent(UnknownOutcomeError("?", status=400))
    assert not proves_not_sent(UpstreamFailure("down", status=503))
    assert not proves_not_sent(UpstreamError("no status"))
    assert proves_not_sent(RateLimitedError("retry budget ran out"))
    assert not proves_not_sent(AuthenticationError("proxy said so", status=502))
    assert not proves_not_sent(TimeoutError())


async def test_cancellation_during_send_is_recorded_unknown(guards: Guardrails) -> None:
    draft = (await new_draft(guards)).draft
    started = anyio.Event()

    async def hanging(d: Draft) -> dict[str, str]:
        started.set()
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async with anyio.create_task_group() as tg:
        tg.start_soon(guards.sender.send, draft.id, approve(draft), hanging)
        await started.wait()
        tg.cancel_scope.cancel()

    stored = await guards.drafts.get(draft.id)
    assert stored.state == "unknown" and "cancelled" in (stored.error or "")
    assert [e.kind for e in await guards.audit.entries()][-1] == "send.unknown"


async def test_draft_stuck_in_sending_is_reported_unknown(guards: Guardrails, clock: ManualClock) -> None:
    draft = (await new_draft(guards)).draft
    # A process began the send and died before recording any outcome.
    begun = await guards.store.begin_send(
        draft_id=draft.id,
        token_digest=None,
        token_expires_at=None,
        attempt_id="a_dead",
        now=clock.now(),
        day_start=day_start(clock.now()),
        duplicate_since=clock.now() - timedelta(days=7),
        decide=SendStartRule(draft.content_hash, daily_cap=100).decide,
    )
    assert begun.outcome == "started"

    sender = RecordingSender()
    with pytest.raises(SendRefused, match="being sent right now"):
        await guards.sender.send(draft.id, approve(draft), sender)

    clock.advance(guards.drafts.sending_timeout + timedelta(seconds=1))
    stored = await guards.drafts.get(draft.id)
    assert stored.state == "unknown" and "may or may not" in (stored.error or "")
    with pytest.raises(SendRefused, match="may or may not have been sent"):
        await guards.sender.send(draft.id, approve(draft), sender)
    assert sender.calls == []
    unknown = [e for e in await guards.audit.entries() if e.kind == "send.unknown"]
    assert unknown[0].details["reason"] == "stuck in sending"


async def test_resolve_unknown_as_sent_or_not_sent(guards: Guardrails) -> None:
    lost = RecordingSender(raises=UnknownOutcomeError("connection reset"))
    sent_draft = (await new_draft(guards)).draft
    await guards.sender.send(sent_draft.id, approve(sent_draft), lost)
    resolved = await guards.sender.resolve_unknown(sent_draft.id, "sent", actor="dana", note="visible in the thread")
    assert resolved.state == "sent" and resolved.result == {"resolved_by_human": True, "note": "visible in the thread"}
    again = RecordingSender()
    assert (await guards.sender.send(sent_draft.id, None, again)).outcome == "already_sent"
    assert again.calls == []

    other = (await new_draft(guards, recipient="urn:li:fsd_profile:ACoAAOther")).draft
    await guards.sender.send(other.id, approve(other), lost)
    back = await guards.sender.resolve_unknown(other.id, "not_sent", actor="dana")
    assert back.state == "draft"
    assert (await guards.sender.send(other.id, approve(other), again)).outcome == "sent"

    with pytest.raises(SendRefused, match="only a draft whose outcome is unknown"):
        await guards.sender.resolve_unknown(other.id, "not_sent")
    resolutions = [e.details["outcome"] for e in await guards.audit.entries() if e.kind == "send.resolved"]
    assert resolutions == ["sent", "not_sent"]


async def test_dry_run_checks_everything_but_never_calls_send_fn(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_dry_run=True, salesnav_confirm_mode="client")
    created = await new_draft(guards)
    confirmation = TokenConfirmation(created.token.token, created.draft.recipient, created.draft.text)
    result = await guards.sender.send(created.draft.id, confirmation, sender)
    assert result.outcome == "dry_run" and result.draft.state == "draft"
    assert sender.calls == []
    kinds = [e.kind for e in await guards.audit.entries()]
    assert kinds[-3:] == ["confirm.approved", "send.attempt", "send.dry_run"]
    attempt = [e for e in await guards.audit.entries() if e.kind == "send.attempt"][0]
    assert attempt.details["dry_run"] is True
    # The token was consumed like a real send would consume it.
    with pytest.raises(ConfirmationRefused, match="already used"):
        await guards.sender.send(created.draft.id, confirmation, sender)


async def test_edit_only_in_draft_state(guards: Guardrails, sender: RecordingSender) -> None:
    draft = (await new_draft(guards)).draft
    await guards.sender.send(draft.id, approve(draft), sender)
    with pytest.raises(SendRefused, match="only a draft in state 'draft' can be edited"):
        await guards.drafts.edit(draft.id, text="changed")


async def test_late_outcome_after_stuck_timeout_is_still_recorded(guards: Guardrails, clock: ManualClock) -> None:
    draft = (await new_draft(guards)).draft

    async def slow_but_successful(d: Draft) -> dict[str, str]:
        clock.advance(guards.drafts.sending_timeout + timedelta(minutes=1))
        assert (await guards.drafts.get(d.id)).state == "unknown"  # someone looked meanwhile
        return {"messageId": "late"}

    result = await guards.sender.send(draft.id, approve(draft), slow_but_successful)
    assert result.outcome == "sent" and result.draft.state == "sent" and result.draft.result == {"messageId": "late"}


async def test_unknown_draft_id(guards: Guardrails, sender: RecordingSender) -> None:
    with pytest.raises(DraftNotFound, match="d_missing"):
        await guards.sender.send("d_missing", None, sender)

from __future__ import annotations

import pytest
from pydantic import SecretStr

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import ConfirmationRefused, ElicitedApproval, TokenConfirmation
from salesnav_mcp.upstream.errors import ValidationError
from tests.guardrails.helpers import RECIPIENT, RECIPIENT_PUBLIC_ID, TEXT, RecordingSender, new_draft

pytestmark = pytest.mark.anyio


def confirm(token: str, *, recipient: str = RECIPIENT, text: str = TEXT) -> TokenConfirmation:
    return TokenConfirmation(token=token, recipient=recipient, text=text)


async def refused_code(guards, draft_id: str, confirmation, sender: RecordingSender) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfirmationRefused) as refused:
        await guards.sender.send(draft_id, confirmation, sender)
    assert sender.calls == []
    return refused.value.code


async def test_valid_token_sends_once(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    token = created.token.token
    assert len(token) <= 40 and set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    result = await guards.sender.send(created.draft.id, confirm(token), sender)
    assert result.outcome == "sent" and len(sender.calls) == 1
    approved = [e for e in await guards.audit.entries() if e.kind == "confirm.approved"]
    assert approved[0].details["method"] == "token" and approved[0].details["mode"] == "client"


async def test_tampered_token_is_refused(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    token = created.token.token
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    assert await refused_code(guards, created.draft.id, confirm(flipped), sender) == "mismatch"
    assert await refused_code(guards, created.draft.id, confirm(token[:-3]), sender) == "malformed"
    assert await refused_code(guards, created.draft.id, confirm("not a token!"), sender) == "malformed"


async def test_replayed_token_is_refused(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    failing = RecordingSender(raises=ValidationError("message: too long", status=400))
    first = await guards.sender.send(created.draft.id, confirm(created.token.token), failing)
    assert first.outcome == "failed"

    # Failed drafts may be sent again, but only with a fresh confirmation.
    retry = RecordingSender()
    assert await refused_code(guards, created.draft.id, confirm(created.token.token), retry) == "used"
    fresh = await guards.drafts.review(created.draft.id)
    assert (await guards.sender.send(created.draft.id, confirm(fresh.token.token), retry)).outcome == "sent"


async def test_expired_token_is_refused(make_guardrails, clock: ManualClock, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    assert created.token.expires_at == clock.now() + guards.confirmer._settings.salesnav_confirm_ttl
    clock.advance(guards.confirmer._settings.salesnav_confirm_ttl)
    assert await refused_code(guards, created.draft.id, confirm(created.token.token), sender) == "expired"


async def test_token_of_another_draft_is_refused(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    first = await new_draft(guards)
    second = await new_draft(guards, text=TEXT)  # identical content, still another draft
    assert await refused_code(guards, second.draft.id, confirm(first.token.token), sender) == "mismatch"


async def test_editing_the_draft_voids_its_token(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    edited = await guards.drafts.edit(created.draft.id, text=TEXT + " Cheers.")
    assert edited.draft.content_hash != created.draft.content_hash
    assert await refused_code(
        guards, created.draft.id, confirm(created.token.token, text=TEXT + " Cheers."), sender
    ) == ("mismatch")
    # Editing only attachments changes the hash too.
    again = await guards.drafts.edit(
        created.draft.id, attachments=[{"file": {"assetUrn": "urn:li:digitalmediaAsset:1", "name": "deck.pdf"}}]
    )
    assert await refused_code(
        guards, created.draft.id, confirm(edited.token.token, text=TEXT + " Cheers."), sender
    ) == ("mismatch")
    result = await guards.sender.send(created.draft.id, confirm(again.token.token, text=TEXT + " Cheers."), sender)
    assert result.outcome == "sent"


async def test_token_mode_requires_the_same_recipient_and_exact_text(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    token = created.token.token
    assert await refused_code(guards, created.draft.id, confirm(token, text=TEXT + " "), sender) == "text_mismatch"
    other = confirm(token, recipient="urn:li:fsd_profile:ACoAAOther")
    assert await refused_code(guards, created.draft.id, other, sender) == "recipient_mismatch"
    free_text = confirm(token, recipient=RECIPIENT + " (the same person, trust me)")
    assert await refused_code(guards, created.draft.id, free_text, sender) == "recipient_mismatch"
    # Nothing was consumed by those refusals; the same person named by their profile URL matches.
    same = confirm(token, recipient=f"https://www.linkedin.com/in/{RECIPIENT_PUBLIC_ID}/")
    result = await guards.sender.send(created.draft.id, same, sender)
    assert result.outcome == "sent"


async def test_auto_mode_issues_no_token_and_refuses_one(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    client = make_guardrails(salesnav_confirm_mode="client")
    auto = make_guardrails(salesnav_confirm_mode="auto")
    created = await new_draft(auto)
    assert created.token is None  # nothing that authorises a send is ever handed to the model
    # Even a token valid for this draft (issued in client mode) is refused.
    token = (await client.drafts.review(created.draft.id)).token.token
    assert await refused_code(auto, created.draft.id, confirm(token), sender) == "mode_forbids_token"
    approval = ElicitedApproval(approved=True, content_hash=created.draft.content_hash)
    assert (await auto.sender.send(created.draft.id, approval, sender)).outcome == "sent"


async def test_strict_mode_refuses_tokens_and_issues_none(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    token_guards = make_guardrails(salesnav_confirm_mode="client")
    strict = make_guardrails(salesnav_confirm_mode="strict")
    created = await new_draft(strict)
    assert created.token is None
    # Even a token that is valid for this draft (issued while the mode was client) is refused.
    token = (await token_guards.drafts.review(created.draft.id)).token.token
    with pytest.raises(ConfirmationRefused, match="tokens are not accepted") as refused:
        await strict.sender.send(created.draft.id, confirm(token), sender)
    assert refused.value.code == "mode_forbids_token" and sender.calls == []
    assert await refused_code(strict, created.draft.id, None, sender) == "missing"
    approval = ElicitedApproval(approved=True, content_hash=created.draft.content_hash, actor="dana")
    assert (await strict.sender.send(created.draft.id, approval, sender)).outcome == "sent"


async def test_client_mode_accepts_both_and_checks_the_decision(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(guards)
    declined = ElicitedApproval(approved=False, content_hash=created.draft.content_hash)
    assert await refused_code(guards, created.draft.id, declined, sender) == "declined"
    stale = ElicitedApproval(approved=True, content_hash="0" * 64)
    assert await refused_code(guards, created.draft.id, stale, sender) == "changed"
    # A client without elicitation falls back to the token.
    assert (await guards.sender.send(created.draft.id, confirm(created.token.token), sender)).outcome == "sent"
    refusals = [e.details["code"] for e in await guards.audit.entries() if e.kind == "confirm.refused"]
    assert refusals == ["declined", "changed"]


async def test_generated_key_is_shared_through_the_store(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    issuing = make_guardrails(salesnav_confirm_mode="client")
    created = await new_draft(issuing)
    # Another process (fresh objects, same store) verifies the token with the same stored key.
    verifying = make_guardrails(salesnav_confirm_mode="client")
    assert (await verifying.sender.send(created.draft.id, confirm(created.token.token), sender)).outcome == "sent"


async def test_configured_key_is_used(make_guardrails, sender: RecordingSender) -> None:  # type: ignore[no-untyped-def]
    with_key = make_guardrails(salesnav_confirm_mode="client", salesnav_confirm_key=SecretStr("k" * 32))
    created = await new_draft(with_key)
    generated = make_guardrails(salesnav_confirm_mode="client")
    assert await refused_code(generated, created.draft.id, confirm(created.token.token), sender) == "mismatch"
    assert (await with_key.sender.send(created.draft.id, confirm(created.token.token), sender)).outcome == "sent"


def test_confirmation_reprs_hide_the_token() -> None:
    confirmation = TokenConfirmation(token="SECRET-TOKEN", recipient=RECIPIENT, text=TEXT)
    assert "SECRET-TOKEN" not in repr(confirmation)

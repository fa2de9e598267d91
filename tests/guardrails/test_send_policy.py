from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import (
    ORGANISATION,
    DncEntry,
    ElicitedApproval,
    Guardrails,
    InvalidDraft,
    PolicyViolation,
    RecipientRef,
    SendRefused,
    parse_recipient,
    person_keys,
)
from salesnav_mcp.guardrails.drafts import DraftResult
from salesnav_mcp.store import Draft
from tests.guardrails.helpers import RECIPIENT, RECIPIENT_PUBLIC_ID, START, TEXT, RecordingSender, new_draft, person
from tests.support.store import ACCOUNT, OTHER_ACCOUNT

pytestmark = pytest.mark.anyio


def approve(draft: Draft) -> ElicitedApproval:
    return ElicitedApproval(approved=True, content_hash=draft.content_hash)


def codes(result: DraftResult, severity: str = "block") -> list[str]:
    return [f.code for f in result.findings if f.severity == severity]


async def send(guards: Guardrails, draft: Draft, sender: RecordingSender, credits: int | None = None) -> str:
    return (await guards.sender.send(draft.id, approve(draft), sender, inmail_credits=credits)).outcome


async def test_do_not_contact_blocks_every_id_form_of_the_person(guards: Guardrails, sender: RecordingSender) -> None:
    # Listed by the resolved person: a draft to them is blocked, whatever id the draft was made with.
    await guards.dnc.add(person(), reason="asked not to be contacted", actor="ops")
    created = await new_draft(guards)
    assert codes(created) == ["do_not_contact"] and created.blocked and created.token is None
    with pytest.raises(PolicyViolation, match="do-not-contact list \\(asked not to be contacted\\)") as refused:
        await send(guards, created.draft, sender)
    assert [f.code for f in refused.value.findings] == ["do_not_contact"]
    assert sender.calls == []
    assert [e.recipient_key for e in await guards.dnc.list()] == [RECIPIENT]

    removed = await guards.dnc.remove(person_keys(person()), scope=ORGANISATION)
    assert [e.recipient for e in removed] == [RECIPIENT_PUBLIC_ID]
    assert await guards.dnc.remove(person_keys(person()), scope=ORGANISATION) == []
    assert await send(guards, created.draft, sender) == "sent"
    kinds = [e.kind for e in await guards.audit.entries() if e.kind.startswith("dnc.")]
    assert kinds == ["dnc.added", "dnc.removed", "dnc.removed"]


@pytest.mark.parametrize(
    "listed",
    [
        RecipientRef(public_id=RECIPIENT_PUBLIC_ID),  # made by public id, nobody resolved it
        RecipientRef(urn=RECIPIENT),  # made by URN
        "acoaabcdefgh",  # an entry from before people were resolved: a lowercased member id
        RECIPIENT_PUBLIC_ID.upper(),  # ... or a public id as typed then
    ],
)
async def test_an_entry_made_with_any_id_form_blocks_the_person(guards: Guardrails, listed: object) -> None:
    if isinstance(listed, str):
        await guards.store.add_dnc(
            DncEntry(recipient_key=listed.lower(), recipient=listed, reason=None, added_at=START, added_by=None)
        )
    else:
        await guards.dnc.add(listed)  # type: ignore[arg-type]
    assert codes(await new_draft(guards)) == ["do_not_contact"]
    assert codes(await new_draft(guards, recipient="urn:li:fsd_profile:ACoAAOther")) == []


async def test_an_account_entry_blocks_that_account_only(guards: Guardrails) -> None:
    await guards.dnc.add(person(), scope=ACCOUNT, reason="their own request")
    assert codes(await new_draft(guards)) == ["do_not_contact"]
    assert codes(await new_draft(guards, account_id=OTHER_ACCOUNT)) == []


def test_recipient_forms() -> None:
    urn = "urn:li:fsd_profile:ACoAABcdefgh"
    assert parse_recipient(urn) == RecipientRef(urn=urn)
    for form in (
        "Jane-Doe-123",
        "https://www.linkedin.com/in/jane-doe-123/",
        "http://linkedin.com/in/jane-doe-123",
        "https://de.linkedin.com/in/jane-doe-123/de?trk=x",
        "https://m.linkedin.com/in/JANE-DOE-123#about",
        " jane-doe-123 ",
    ):
        assert parse_recipient(form) == RecipientRef(public_id="jane-doe-123"), form
    for bad in (
        "",
        "  ",
        "jd",
        "https://www.linkedin.com/in/jane-doe-123/ (= your own test inbox, safe)",
        "jane-doe-123\nText: hi",
        "jane doe",
        "urn:li:member:123",
        "urn:li:fsd_profile:ACoAAB (safe)",
        "https://evil.example/in/jane-doe-123",
        "jane-doe-123\u202e",
    ):
        with pytest.raises(InvalidDraft, match="^recipient: "):
            parse_recipient(bad)


async def test_duplicate_text_to_same_recipient_within_window(
    guards: Guardrails, clock: ManualClock, sender: RecordingSender
) -> None:
    first = (await new_draft(guards)).draft
    assert await send(guards, first, sender) == "sent"

    clock.advance(timedelta(days=3))
    again = await new_draft(guards, account_id=OTHER_ACCOUNT)  # same person, same text, other account
    assert codes(again) == ["duplicate"]
    with pytest.raises(PolicyViolation, match="same text already went to"):
        await send(guards, again.draft, sender)
    other_person = await new_draft(guards, recipient="urn:li:fsd_profile:ACoAAOther")
    assert codes(other_person) == []
    other_text = await new_draft(guards, text=TEXT + " (follow-up)")
    assert codes(other_text) == []

    clock.advance(timedelta(days=4, seconds=1))  # the 7-day window has passed
    assert await send(guards, again.draft, sender) == "sent"


async def test_daily_cap_of_new_conversations_with_rollover(
    make_guardrails, clock: ManualClock, sender: RecordingSender
) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_daily_new_conversations=2)
    for i in range(2):
        new = await new_draft(guards, recipient=f"person-{i}", is_new_conversation=True, conversation_urn=None)
        assert await send(guards, new.draft, sender) == "sent"

    third = await new_draft(guards, recipient="person-3", is_new_conversation=True, conversation_urn=None)
    assert codes(third) == ["daily_cap"]
    with pytest.raises(PolicyViolation, match="already started 2 new conversations today \\(cap 2") as refused:
        await send(guards, third.draft, sender)
    assert "2026-11-03 00:00 UTC" in str(refused.value)
    reply = await new_draft(guards, recipient="person-0", text="Thanks for the reply!")
    assert await send(guards, reply.draft, sender) == "sent"  # replies are not capped
    other_account = await new_draft(
        guards, account_id=OTHER_ACCOUNT, recipient="person-4", is_new_conversation=True, conversation_urn=None
    )
    assert codes(other_account) == []

    clock.advance(datetime(2026, 11, 3, 0, 0, 1, tzinfo=UTC) - clock.now())
    assert await send(guards, third.draft, sender) == "sent"


async def test_daily_cap_holds_under_concurrent_sends(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_daily_new_conversations=1)
    drafts = [
        (await new_draft(guards, recipient=f"p{i}", is_new_conversation=True, conversation_urn=None)).draft
        for i in range(6)
    ]
    slow = RecordingSender(delay=0.02)
    outcomes: list[str] = []

    async def attempt(draft: Draft) -> None:
        try:
            outcomes.append(await send(guards, draft, slow))
        except (PolicyViolation, SendRefused):
            outcomes.append("refused")

    async with anyio.create_task_group() as tg:
        for draft in drafts:
            tg.start_soon(attempt, draft)
    assert outcomes.count("sent") == 1 and len(slow.calls) == 1


async def test_inmail_credit_preflight(guards: Guardrails, sender: RecordingSender) -> None:
    inmail = {"channel": "sales_navigator", "is_new_conversation": True, "conversation_urn": None, "subject": "Hi"}
    none_left = await new_draft(guards, **inmail, inmail_credits=0)
    assert codes(none_left) == ["no_inmail_credits"]
    with pytest.raises(PolicyViolation, match="no InMail credits left"):
        await send(guards, none_left.draft, sender, credits=0)

    unknown = await new_draft(guards, **inmail, recipient="someone-else", inmail_credits=None)
    assert codes(unknown) == [] and codes(unknown, "warn") == ["inmail_credits_unknown"]
    some = await new_draft(guards, **inmail, recipient="third-person", inmail_credits=3)
    assert codes(some) == [] and codes(some, "warn") == []
    # Replies in an existing Sales Navigator thread and classic messages cost no credit.
    reply = await new_draft(guards, channel="sales_navigator", recipient="fourth", inmail_credits=0)
    assert codes(reply) == []
    assert await send(guards, none_left.draft, sender, credits=2) == "sent"


async def test_length_limits(guards: Guardrails) -> None:
    assert codes(await new_draft(guards, text="")) == ["text_empty"]
    assert codes(await new_draft(guards, text="   \n")) == ["text_empty"]
    assert codes(await new_draft(guards, text="x" * 8000)) == []
    too_long = await new_draft(guards, text="x" * 8001)
    assert codes(too_long) == ["text_too_long"]
    assert "8001 characters" in too_long.findings[0].message and too_long.findings[0].field == "text"

    inmail = {"channel": "sales_navigator", "is_new_conversation": True, "inmail_credits": 5}
    assert codes(await new_draft(guards, **inmail, text="x" * 1900, subject="s" * 200)) == []
    assert codes(await new_draft(guards, **inmail, text="x" * 1901, subject="Hi")) == ["text_too_long"]
    assert codes(await new_draft(guards, **inmail, text="Hi", subject="s" * 201)) == ["subject_too_long"]
    # Counted like LinkedIn counts: an emoji is two UTF-16 code units.
    assert codes(await new_draft(guards, **inmail, text="🙂" * 950, subject="Hi")) == []
    assert codes(await new_draft(guards, **inmail, text="🙂" * 951, subject="Hi")) == ["text_too_long"]
    warned = await new_draft(guards, text="Hello", subject="ignored")
    assert codes(warned, "warn") == ["subject_ignored"]


async def test_blocked_draft_is_stored_but_refused_at_send(guards: Guardrails, sender: RecordingSender) -> None:
    created = await new_draft(guards, text="")
    assert (await guards.drafts.get(created.draft.id)).state == "draft"
    with pytest.raises(PolicyViolation, match="the message text is empty"):
        await send(guards, created.draft, sender)
    refused = [e for e in await guards.audit.entries() if e.kind == "send.refused"]
    assert refused[0].details["findings"][0]["code"] == "text_empty"
    assert refused[0].account_id == ACCOUNT


async def test_invalid_draft_fields_are_named(guards: Guardrails) -> None:
    from salesnav_mcp.guardrails import InvalidDraft

    with pytest.raises(InvalidDraft, match="^channel: must be one of linkedin_inbox, sales_navigator"):
        await new_draft(guards, channel="auto")
    with pytest.raises(InvalidDraft, match="^subject: contains U\\+000A"):
        await new_draft(guards, subject="Quick question\nText:\nHi")
    with pytest.raises(InvalidDraft, match="^attachments:"):
        await new_draft(guards, attachments=["file.pdf"])

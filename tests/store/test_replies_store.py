"""The store's reply operations on both databases: inbound messages recorded once, the sent drafts they answer
marked, reply counts, follow-up candidates, and sent drafts naming their conversation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from salesnav_mcp.store import Draft, InboundMessage, Store

pytestmark = pytest.mark.anyio

ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"
OTHER = "5f0c0a1b2c3d4e5f6a7b8c91"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ANNA = "urn:li:fsd_profile:ACoAAAnna01"
BEN = "urn:li:fsd_profile:ACoAABen002"
THREAD_A = "urn:li:fsd_conversation:2-anna"
THREAD_B = "urn:li:fsd_conversation:2-ben"


def draft(
    draft_id: str,
    person: str = ANNA,
    *,
    state: str = "sent",
    sent_at: datetime = T0,
    conversation: str | None = THREAD_A,
    account: str = ACCOUNT,
    public_id: str | None = None,
) -> Draft:
    return Draft(
        id=draft_id,
        account_id=account,
        recipient=person,
        recipient_key=person,
        channel="linkedin_inbox",
        subject=None,
        text=f"text of {draft_id}",
        attachments=[],
        conversation_urn=conversation,
        is_new_conversation=conversation is None,
        state=state,  # type: ignore[arg-type]
        content_hash="c" + draft_id,
        text_hash="t" + draft_id,
        created_at=sent_at - timedelta(minutes=1),
        updated_at=sent_at,
        send_started_at=sent_at if state != "draft" else None,
        recipient_public_id=public_id or person.rsplit(":", 1)[-1].lower(),
        recipient_name="Anna Berg" if person == ANNA else "Ben Cole",
    )


def inbound(
    urn: str,
    at: datetime,
    *,
    sender: str | None = ANNA,
    public_id: str | None = None,
    conversation: str | None = None,
    account: str = ACCOUNT,
    via: str = "poll",
) -> InboundMessage:
    return InboundMessage(
        message_urn=urn,
        account_id=account,
        conversation_urn=conversation,
        sender_urn=sender,
        sender_public_id=public_id,
        sender_name="someone",
        text="Thanks!",
        sent_at=at,
        via=via,  # type: ignore[arg-type]
        recorded_at=at + timedelta(seconds=5),
    )


async def test_an_inbound_message_is_recorded_once_and_marks_the_drafts_it_answers(store: Store) -> None:
    await store.insert_draft(draft("d_old", sent_at=T0 - timedelta(days=2)))
    await store.insert_draft(draft("d_new"))
    await store.insert_draft(draft("d_ben", BEN, conversation=THREAD_B))
    await store.insert_draft(draft("d_unsent", state="draft", conversation=None))
    answer = inbound("urn:li:msg:1", T0 + timedelta(hours=3))
    [first] = await store.record_inbound([answer])
    [again] = await store.record_inbound([replace(answer, via="webhook", text="changed")])
    assert first.new and first.replied_draft_ids == ("d_new", "d_old")
    assert not again.new and again.replied_draft_ids == ()
    marked = await store.get_draft("d_new")
    assert marked is not None and (marked.replied_at, marked.reply_message_urn) == (answer.sent_at, "urn:li:msg:1")
    assert (await store.get_draft("d_ben")).replied_at is None  # type: ignore[union-attr]
    assert (await store.get_draft("d_unsent")).replied_at is None  # type: ignore[union-attr]
    # A second answer leaves the first one as the draft's answer.
    [later] = await store.record_inbound([inbound("urn:li:msg:2", T0 + timedelta(hours=5))])
    assert later.new and later.replied_draft_ids == ()
    assert (await store.get_draft("d_new")).reply_message_urn == "urn:li:msg:1"  # type: ignore[union-attr]
    stored = await store.inbound_since(account_id=ACCOUNT, since=T0)
    assert [(m.message_urn, m.via, m.text) for m in stored] == [
        ("urn:li:msg:2", "poll", "Thanks!"),
        ("urn:li:msg:1", "poll", "Thanks!"),
    ]


async def test_what_an_answer_is_matched_by(store: Store) -> None:
    await store.insert_draft(draft("d_thread", BEN, conversation=THREAD_B))
    await store.insert_draft(draft("d_public", ANNA, conversation=None, public_id="anna-berg"))
    await store.insert_draft(draft("d_other_account", BEN, conversation=THREAD_B, account=OTHER))
    await store.insert_draft(draft("d_anywhere", ANNA, conversation=THREAD_A, account=OTHER))
    outcomes = await store.record_inbound(
        [
            # Before the draft went out: not an answer to it.
            inbound("m:early", T0 - timedelta(minutes=5), sender=None, conversation=THREAD_B),
            # In the draft's conversation, sender unknown.
            inbound("m:thread", T0 + timedelta(hours=1), sender=None, conversation=THREAD_B),
            # By public id only.
            inbound("m:public", T0 + timedelta(hours=2), sender=None, public_id="anna-berg"),
            # A webhook that did not say which account: any account's draft to the sender.
            inbound("m:anywhere", T0 + timedelta(hours=3), sender=ANNA, account="", via="webhook"),
        ]
    )
    assert [(o.message.message_urn, o.replied_draft_ids) for o in outcomes] == [
        ("m:early", ()),
        ("m:thread", ("d_thread",)),
        ("m:public", ("d_public",)),
        ("m:anywhere", ("d_anywhere",)),
    ]
    assert (await store.get_draft("d_other_account")).replied_at is None  # type: ignore[union-attr]
    # A message whose account is unknown is listed for no account (in a team it could be anyone's).
    assert await store.inbound_since(account_id=OTHER, since=T0) == []


async def test_reply_counts_and_the_answered_drafts(store: Store) -> None:
    for i in range(4):
        await store.insert_draft(draft(f"d_{i}", f"urn:li:fsd_profile:ACoAAPerson{i}", conversation=f"urn:li:c:{i}"))
    await store.insert_draft(draft("d_before", BEN, sent_at=T0 - timedelta(days=40), conversation=THREAD_B))
    await store.record_inbound(
        [inbound(f"m:{i}", T0 + timedelta(hours=i + 1), sender=None, conversation=f"urn:li:c:{i}") for i in (1, 3)]
    )
    counts = await store.reply_counts(account_id=ACCOUNT, since=T0 - timedelta(days=30))
    assert (counts.sent, counts.replied, counts.invitations, counts.accepted) == (4, 2, 0, 0)
    answered = await store.replied_drafts(account_id=ACCOUNT, since=T0)
    assert [d.id for d in answered] == ["d_3", "d_1"]
    awaiting = await store.sent_awaiting_reply(account_id=ACCOUNT, sent_after=T0 - timedelta(days=30))
    assert [d.id for d in awaiting] == ["d_0", "d_2"]
    for i in range(3):  # connection requests: two seen accepted, one of them before the period
        request = draft(f"i_{i}", f"urn:li:fsd_profile:ACoAAAsked{i}", conversation=None)
        await store.insert_draft(replace(request, channel="invitation", send_started_at=T0 - timedelta(days=20 * i)))
    for i in (0, 2):
        assert await store.mark_invitation_accepted(f"i_{i}", now=T0)
    counts = await store.reply_counts(account_id=ACCOUNT, since=T0 - timedelta(days=30))
    assert (counts.sent, counts.replied, counts.invitations, counts.accepted) == (6, 2, 2, 1)


async def test_follow_up_candidates_are_each_silent_persons_latest_message(store: Store) -> None:
    people = [f"urn:li:fsd_profile:ACoAAPerson{i}" for i in range(6)]
    old = T0 - timedelta(days=10)
    await store.insert_draft(draft("d_silent", people[0], sent_at=old, conversation="urn:li:c:0"))
    await store.insert_draft(draft("d_replied", people[1], sent_at=old, conversation="urn:li:c:1"))
    await store.record_inbound([inbound("m:1", old + timedelta(days=1), sender=people[1])])
    await store.insert_draft(draft("d_followed", people[2], sent_at=old, conversation="urn:li:c:2"))
    await store.insert_draft(draft("d_pending_follow_up", people[2], state="draft", sent_at=T0, conversation="urn:li:c:2"))
    await store.insert_draft(draft("d_failed_later", people[3], sent_at=old, conversation="urn:li:c:3"))
    await store.insert_draft(draft("d_failed", people[3], state="failed", sent_at=T0, conversation="urn:li:c:3"))
    await store.insert_draft(draft("d_recent", people[4], sent_at=T0, conversation="urn:li:c:4"))
    # Someone wrote in the thread without a draft being marked (e.g. recorded before the draft named it).
    await store.insert_draft(draft("d_spoke", people[5], sent_at=old, conversation="urn:li:c:5"))
    await store.record_inbound([inbound("m:5", old - timedelta(days=1), sender=people[5])])  # before: not an answer
    await store.record_inbound([inbound("m:5b", old + timedelta(days=2), sender=None, conversation="urn:li:c:5")])
    due = await store.follow_up_candidates(account_id=ACCOUNT, sent_before=T0 - timedelta(days=3), limit=10)
    assert [d.id for d in due] == ["d_failed_later", "d_silent"]  # oldest first, ties by id
    assert await store.follow_up_candidates(account_id=OTHER, sent_before=T0, limit=10) == []


async def test_sent_drafts_name_their_conversation(store: Store) -> None:
    await store.insert_draft(draft("d_1", conversation=None))
    await store.insert_draft(draft("d_2", BEN, conversation=THREAD_B))
    assert [d.id for d in await store.sent_without_conversation(account_id=ACCOUNT)] == ["d_1"]
    assert await store.set_draft_conversation("d_1", THREAD_A, now=T0) is True
    assert await store.set_draft_conversation("d_1", "urn:li:other", now=T0) is False  # never replaced
    assert (await store.get_draft("d_1")).conversation_urn == THREAD_A  # type: ignore[union-attr]
    await store.insert_draft(draft("d_3", state="sending", conversation=None))
    moved = await store.transition_draft(
        "d_3", from_states=("sending",), to_state="sent", now=T0, conversation_urn="urn:li:salesNav_thread:9"
    )
    assert moved is not None and moved.conversation_urn == "urn:li:salesNav_thread:9"
    kept = await store.transition_draft("d_2", from_states=("sent",), to_state="sent", now=T0, conversation_urn="x")
    assert kept is not None and kept.conversation_urn == THREAD_B


async def test_a_follow_up_names_the_draft_it_follows(store: Store) -> None:
    await store.insert_draft(replace(draft("d_follow", state="draft"), follow_up_of="d_original"))
    stored = await store.get_draft("d_follow")
    assert stored is not None and stored.follow_up_of == "d_original" and stored.replied_at is None

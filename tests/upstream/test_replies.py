"""Replies arriving over time, read through the real client: `since` polling, recent messages, unread counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salesnav_mcp.models.connectsafely import AttachmentRef, Message
from salesnav_mcp.upstream.errors import ValidationError
from tests.upstream.helpers import fresh_recipients

pytestmark = pytest.mark.anyio


async def test_replies_appear_once_the_clock_passes_their_time(upstream, clock) -> None:
    sent_at = clock.now() - timedelta(seconds=1)
    async with upstream() as up:
        people = await fresh_recipients(up.cs, 12, degrees=["F"])
        threads = {}
        for person in people:
            reply = await up.cs.send_message(recipient_profile_id=person.profile_id, message="Worth a chat?")
            threads[person.profile_id] = reply.conversation_urn
        pending = sorted(up.world.pending_replies, key=lambda r: r.due_at)
        assert pending, "some of twelve people answer"
        first = pending[0]
        urn = threads[first.lead.profile_id]
        assert urn is not None
        before = await up.cs.get_messages(urn, since=sent_at)
        clock.advance(first.due_at - clock.now())
        after = await up.cs.get_messages(urn, since=sent_at)
        recent = await up.cs.get_recent_messages(since=sent_at)
        unread = await up.cs.list_conversations(unread_only=True, count=100)
    assert [m.is_sent_by_owner for m in before.messages] == [True]
    assert [m.is_sent_by_owner for m in after.messages] == [True, False]
    answer: Message = after.messages[-1]
    assert (answer.text, answer.sent_at, answer.sender_profile_id) == (first.text, first.due_at, first.lead.profile_id)
    assert [(m.message_urn, m.conversation_urn) for m in recent.messages if not m.is_sent_by_owner] == [
        (answer.message_urn, urn)
    ]
    assert len([m for m in recent.messages if m.is_sent_by_owner]) == 12
    thread = next(c for c in unread.conversations if c.conversation_urn == urn)
    assert thread.unread_count == 1 and thread.latest_message and thread.latest_message.text == first.text


async def test_recent_messages_page_newest_first(upstream) -> None:
    async with upstream() as up:
        pages = [await up.cs.get_recent_messages(count=7)]
        while pages[-1].has_more and len(pages) < 4:
            pages.append(await up.cs.get_recent_messages(count=7, cursor=pages[-1].cursor))
        newest = pages[0].messages[0]
        assert newest.sent_at is not None
        nothing_newer = await up.cs.get_recent_messages(since=newest.sent_at)
        with pytest.raises(ValidationError):
            await up.cs.get_recent_messages(count=0)
    messages = [m for page in pages for m in page.messages]
    times = [m.sent_at for m in messages]
    assert len(pages) == 4 and len({m.message_urn for m in messages}) == 28
    assert times == sorted(times, reverse=True)  # type: ignore[type-var]
    assert all(m.conversation_urn for m in messages)
    assert nothing_newer.messages == [] and not nothing_newer.has_more


async def test_polling_filters_and_message_details_reach_the_client(upstream) -> None:
    async with upstream() as up:
        labeled = await up.cs.list_conversations(labeled_only=True, count=100)
        label = labeled.conversations[0].labels[0]
        by_label = await up.cs.list_conversations(label_id=label.id, count=100)
        thread = next(c for c in (await up.cs.list_conversations(count=100)).conversations if c.is_sales_navigator)
        polled = await up.cs.get_messages(thread.conversation_urn, since=thread.last_activity_at, sync=True)
        everything = await up.cs.get_messages(thread.conversation_urn)
    assert label.id and label.name and all(label.id in [x.id for x in c.labels] for c in by_label.conversations)
    assert "labelId=" in str(up.transport.exchanges[1].url) and "labeledOnly=true" in str(up.transport.exchanges[0].url)
    assert thread.subject == "Quick question" and everything.messages[0].subject == "Quick question"
    query = up.transport.exchanges[-2].url.params
    assert query["sync"] == "true" and query["since"].startswith(str(thread.last_activity_at.date()))  # type: ignore[union-attr]
    assert polled.messages == []


async def test_attachment_names_of_a_read_message(upstream) -> None:
    async with upstream() as up:
        attachment = await up.cs.upload_attachment(b"%PDF-1.7", filename="deck.pdf", media_type="application/pdf")
        thread = (await up.cs.list_conversations(count=1)).conversations[0]
        await up.cs.send_message(
            conversation_urn=thread.conversation_urn,
            message="Deck attached",
            attachments=[AttachmentRef.of(attachment)],
        )
        latest = (await up.cs.get_messages(thread.conversation_urn, count=1)).messages[0]
    assert latest.attachment_names == ["deck.pdf"] and latest.attachments[0].asset_urn == attachment.asset_urn


async def test_replies_and_acceptances_are_deterministic(upstream, clock) -> None:
    async def run() -> list[tuple[str, str]]:
        async with upstream() as up:
            people = await fresh_recipients(up.cs, 8, degrees=["F"])
            for person in people:
                await up.cs.send_message(recipient_profile_id=person.profile_id, message="Hello")
            clock.advance(timedelta(days=3))
            recent = await up.cs.get_recent_messages(since=clock.now() - timedelta(days=3), count=100)
            clock.advance(-timedelta(days=3))
            return [(m.sender_profile_id or "", m.text or "") for m in recent.messages if not m.is_sent_by_owner]

    first, second = await run(), await run()
    assert first and first == second

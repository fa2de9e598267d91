"""The end of the loop, through a real MCP client: sent messages are tracked, who replied is found (polling the
recent messages or each thread), replied drafts are marked, and follow-ups are drafted only for the silent ones,
never to someone who replied or is on the do-not-contact list, and never sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.elicitation import ScriptedHuman
from tests.support.tool_calls import call, refused
from tests.support.world import world

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    """The server and its sandbox on a clock the tests move (replies arrive when it does)."""
    return manual_clock


@pytest.fixture
async def human_client(server: MCPServer, connect: Any) -> AsyncIterator[Client]:
    """A client whose user accepts every approval dialog."""
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        yield client

TEXT = "Hi, we help sales teams onboard new reps faster. Worth a short call next week?"


def fresh_leads(services: Services, n: int) -> list[Any]:
    """`n` leads the default account has no thread with (2nd degree: a new InMail thread each)."""
    taken = {c.lead.profile_id for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    leads = [
        lead
        for lead in world(services).leads
        if lead.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and lead.profile_id not in taken
    ]
    return leads[:n]


async def send_to(client: Client, lead: Any, text: str = TEXT) -> dict[str, Any]:
    draft = await call(client, "draft_message", {"recipient": lead.profile_id, "text": text, "subject": "Onboarding"})
    sent = await call(client, "send_message", {"draft_id": draft["draft_id"]})
    assert sent["outcome"] == "sent", sent
    return draft


async def send_to_many(client: Client, services: Services, n: int) -> dict[str, str]:
    """Send one message to each of `n` fresh leads; their public id -> draft id."""
    return {lead.profile_id: (await send_to(client, lead))["draft_id"] for lead in fresh_leads(services, n)}


def repliers(services: Services) -> set[str]:
    return {r.lead.profile_id for r in world(services).pending_replies if r.account_id == DEFAULT_ACCOUNT_ID}


async def test_sent_drafts_carry_their_conversation(human_client: Client, services: Services) -> None:
    drafts = await send_to_many(human_client, services, 3)
    listed = await call(human_client, "list_drafts", {"state": "sent"})
    by_id = {d["draft_id"]: d for d in listed["drafts"]}
    threads = {c.lead.profile_id: c.urn for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    for public_id, draft_id in drafts.items():
        assert by_id[draft_id]["conversation_urn"] == threads[public_id]


@pytest.mark.parametrize("method", ["recent_messages", "threads"])
async def test_a_reply_arriving_shows_up_once_and_marks_its_draft(
    human_client: Client, services: Services, clock: ManualClock, method: str
) -> None:
    start = clock.now()
    drafts = await send_to_many(human_client, services, 12)
    answering = repliers(services)
    assert answering and answering < set(drafts), "some of twelve people answer, not all"
    before = await call(human_client, "check_replies", {"since": start.isoformat(), "method": method})
    assert before["replies"] == [] and before["awaiting_reply"] == 12

    clock.advance(timedelta(hours=49))  # every drawn reply (15 min - 48 h) is due
    found = await call(human_client, "check_replies", {"since": start.isoformat(), "method": method})
    again = await call(human_client, "check_replies", {"since": start.isoformat(), "method": method})

    assert found["method"] == method and found["untrusted_content"] is True
    assert {r["public_id"] for r in found["replies"]} == answering
    assert found["new"] == len(answering) and again["new"] == 0  # each message recorded once
    assert {d for r in found["replies"] for d in r["answered_drafts"]} == {drafts[p] for p in answering}
    assert found["answered_drafts"] == len(answering) and found["awaiting_reply"] == 12 - len(answering)
    assert again["replies"] == found["replies"]


async def test_replies_from_the_store_need_no_upstream_call(
    human_client: Client, services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = clock.now()
    await send_to_many(human_client, services, 12)
    clock.advance(timedelta(hours=49))
    polled = await call(human_client, "check_replies", {"since": start.isoformat()})

    async def no_call(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no upstream call expected")

    for name in ("get_recent_messages", "get_messages", "list_conversations"):
        monkeypatch.setattr(services.connectsafely, name, no_call)
    stored = await call(human_client, "check_replies", {"since": start.isoformat(), "method": "store"})
    assert stored["method"] == "store" and stored["read"] == 0
    assert stored["replies"] == polled["replies"] and stored["replies"]


async def test_overview_shows_the_reply_rate(human_client: Client, services: Services, clock: ManualClock) -> None:
    start = clock.now()
    await send_to_many(human_client, services, 12)
    answering = repliers(services)
    clock.advance(timedelta(hours=49))
    await call(human_client, "check_replies", {"since": start.isoformat()})
    overview = await call(human_client, "get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID, "days": 7})
    rate = overview["accounts"][0]["replies"]
    assert (rate["sent"], rate["replied"]) == (12, len(answering))
    assert rate["rate"] == round(len(answering) / 12, 3)
    text = (await human_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})).content[0].text
    assert f"{len(answering)}/12 answered" in text


async def test_follow_ups_are_drafted_only_for_the_silent(
    human_client: Client, services: Services, clock: ManualClock
) -> None:
    drafts = await send_to_many(human_client, services, 12)
    answering = repliers(services)
    silent = [p for p in drafts if p not in answering]
    blocked = silent[0]
    await call(human_client, "update_do_not_contact", {"action": "add", "recipient": blocked, "reason": "asked us to stop"})
    clock.advance(timedelta(days=4))
    # Nobody asked who replied: the follow-up tool checks each thread on LinkedIn itself first.
    listing = await call(human_client, "draft_follow_ups", {"after_days": 3})
    assert listing["drafted"] == 0 and all(d["draft_id"] is None for d in listing["due"])
    assert {d["recipient_public_id"] for d in listing["due"]} == set(silent) - {blocked}

    written = await call(human_client, "draft_follow_ups", {"after_days": 3, "text": "Hi {first_name}, any thoughts?"})
    due = {d["recipient_public_id"]: d for d in written["due"]}
    assert set(due) == set(silent) - {blocked} and written["drafted"] == len(due)
    skipped = {s["recipient_public_id"]: s["reason"] for s in written["skipped"]}
    assert skipped[blocked] == "on the do-not-contact list"
    for public_id, item in due.items():
        lead = world(services).population.lead(public_id)
        assert item["text"] == f"Hi {lead.first_name}, any thoughts?"
        assert item["original_draft_id"] == drafts[public_id] and item["follow_up_number"] == 1
        assert item["sendable"] is True
    follow_ups = await call(human_client, "list_drafts", {"state": "draft", "limit": 100})
    by_id = {d["draft_id"]: d for d in follow_ups["drafts"]}
    for item in due.values():
        draft = by_id[item["draft_id"]]
        assert draft["conversation_urn"] == item["conversation_urn"] and draft["new_conversation"] is False
    sent = [m for m in world(services).sent_messages if "any thoughts" in (m.text or "")]
    assert sent == []  # drafts only: nothing went out

    # Asked again: everyone due already has a follow-up draft, so nothing is written twice.
    repeat = await call(human_client, "draft_follow_ups", {"after_days": 3, "text": "Hi {first_name}, any thoughts?"})
    assert repeat["drafted"] == 0 and repeat["due"] == []


async def test_a_reply_suppresses_that_persons_follow_up(
    human_client: Client, services: Services, clock: ManualClock
) -> None:
    lead = fresh_leads(services, 1)[0]
    draft = await send_to(human_client, lead)
    clock.advance(timedelta(days=5))
    from salesnav_mcp.sandbox.replies import reply_now

    reply_now(world(services), DEFAULT_ACCOUNT_ID, lead, "Thanks, not now.")
    out = await call(human_client, "draft_follow_ups", {"after_days": 3, "text": "Following up, {name}."})
    assert out["due"] == [] and out["drafted"] == 0
    assert out["skipped"] == [
        {"original_draft_id": draft["draft_id"], "recipient_public_id": lead.profile_id,
         "reason": "answered (just found on LinkedIn)"}
    ]
    replies = await call(human_client, "check_replies", {"method": "store"})
    assert [r["answered_drafts"] for r in replies["replies"]] == [[draft["draft_id"]]]


async def test_personal_texts_and_the_follow_up_cap(human_client: Client, services: Services, clock) -> None:
    leads = fresh_leads(services, 2)
    first = await send_to(human_client, leads[0])
    await send_to(human_client, leads[1])
    world(services).pending_replies.clear()  # nobody answers here
    clock.advance(timedelta(days=4))
    out = await call(
        human_client,
        "draft_follow_ups",
        {"after_days": 3, "texts": [{"draft_id": first["draft_id"], "text": "A personal note."}]},
    )
    assert [(d["original_draft_id"], d["text"]) for d in out["due"]] == [(first["draft_id"], "A personal note.")]
    follow_up = out["due"][0]["draft_id"]
    await call(human_client, "send_message", {"draft_id": follow_up})
    world(services).pending_replies.clear()
    clock.advance(timedelta(days=4))
    capped = await call(human_client, "draft_follow_ups", {"after_days": 3})
    reasons = {s["recipient_public_id"]: s["reason"] for s in capped["skipped"]}
    assert reasons[leads[0].profile_id] == "already followed up 1 time(s) without an answer"
    second = await call(human_client, "draft_follow_ups", {"after_days": 3, "max_follow_ups": 2})
    assert {d["recipient_public_id"]: d["follow_up_number"] for d in second["due"]} == {
        leads[0].profile_id: 2,
        leads[1].profile_id: 1,
    }


async def test_bad_follow_up_input_is_refused_clearly(human_client: Client) -> None:
    text = await refused(human_client, "draft_follow_ups", {"text": "Hi {company}"})
    assert "unknown placeholder(s) ['company']" in text
    text = await refused(human_client, "draft_follow_ups", {"after_days": 0})
    assert "after_days" in text
    future = await refused(human_client, "check_replies", {"since": "2999-01-01T00:00:00Z"})
    assert "in the future" in future


async def test_without_the_recent_messages_endpoint_each_thread_is_read(
    human_client: Client, services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesnav_mcp.upstream.errors import NotFoundError

    start = clock.now()
    await send_to_many(human_client, services, 12)
    answering = repliers(services)
    clock.advance(timedelta(hours=49))

    async def missing(*args: Any, **kwargs: Any) -> Any:
        raise NotFoundError("Cannot GET /messaging/recent-messages", status=404, api="ConnectSafely")

    monkeypatch.setattr(services.connectsafely, "get_recent_messages", missing)
    found = await call(human_client, "check_replies", {"since": start.isoformat()})
    assert found["method"] == "threads"
    assert {r["public_id"] for r in found["replies"]} == answering
    text = await refused(human_client, "check_replies", {"since": start.isoformat(), "method": "recent_messages"})
    assert "recent-messages" in text


async def test_an_answer_in_another_thread_also_holds_back_the_follow_up(
    human_client: Client, services: Services, clock: ManualClock
) -> None:
    from salesnav_mcp.sandbox.replies import PendingReply, arrive

    lead = fresh_leads(services, 1)[0]
    draft = await send_to(human_client, lead)  # an InMail thread
    world(services).pending_replies.clear()
    clock.advance(timedelta(days=4))
    # They answer in the classic inbox instead, a thread the draft does not name.
    arrive(world(services), PendingReply(clock.now(), DEFAULT_ACCOUNT_ID, lead, "Saw your InMail, let's talk.", None))
    out = await call(human_client, "draft_follow_ups", {"after_days": 3, "text": "Any thoughts, {first_name}?"})
    assert out["drafted"] == 0
    assert [(s["original_draft_id"], s["reason"]) for s in out["skipped"]] == [
        (draft["draft_id"], "answered (just found on LinkedIn)")
    ]


async def test_a_recent_messages_answer_of_another_shape_is_not_taken_for_silence(
    human_client: Client, services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from salesnav_mcp.models.connectsafely import RecentMessagesPage

    start = clock.now()
    await send_to_many(human_client, services, 12)
    answering = repliers(services)
    clock.advance(timedelta(hours=49))

    async def other_shape(*args: Any, **kwargs: Any) -> Any:
        return RecentMessagesPage.model_validate({"data": [{"id": "x"}], "hasMore": False})

    monkeypatch.setattr(services.connectsafely, "get_recent_messages", other_shape)
    found = await call(human_client, "check_replies", {"since": start.isoformat()})
    assert found["method"] == "threads" and {r["public_id"] for r in found["replies"]} == answering

"""Conversations, messages and the send rules (channels, credits, daily cap, attachments)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from salesnav_mcp.sandbox.population import Lead
from tests.sandbox.helpers import Sandbox

pytestmark = pytest.mark.anyio


def fresh_lead(sb: Sandbox, account_id: str, degree: str, skip: int = 0) -> Lead:
    """A lead with the given degree to the account and no thread with it yet."""
    talked_to = {c.lead.profile_id for c in sb.world.conversations.values() if c.account_id == account_id}
    candidates = [lead for lead in sb.world.leads if lead.degree(account_id) == degree and lead.profile_id not in talked_to]
    return candidates[skip]


async def send(sb: Sandbox, **body: Any) -> Any:
    return await sb.cs.post("/conversations/send", json=body)


# ------------------------------------------------------------------ reading


async def test_conversation_list_paging_and_filters(sb: Sandbox) -> None:
    first = (await sb.cs.get("/conversations", params={"count": 10})).json()
    assert first["success"] is True and first["hasMore"] is True and first["fromCache"] is False
    assert first["nextCursor"] == "linkedin:10"
    assert first["accounts"] == [{"id": DEFAULT_ACCOUNT_ID, "name": "Alex Morgan"}]
    seen = [c["conversationUrn"] for c in first["conversations"]]
    cursor = first["nextCursor"]
    while cursor:
        page = (await sb.cs.get("/conversations", params={"count": 10, "nextCursor": cursor})).json()
        seen += [c["conversationUrn"] for c in page["conversations"]]
        cursor = page["nextCursor"]
        assert (cursor is None) == (not page["hasMore"])
    assert len(seen) == len(set(seen)) >= 30
    items = [sb.world.conversations[urn] for urn in seen]
    assert [c.last_activity for c in items] == sorted((c.last_activity for c in items), reverse=True)
    item = first["conversations"][0]
    assert set(item) >= {"conversationUrn", "conversationId", "lastActivityAt", "unreadCount", "participants",
                         "latestMessage", "source"}
    sales_nav = [c for c in first["conversations"] if c["source"] == "sales_navigator"]
    classic = [c for c in first["conversations"] if c["source"] == "linkedin"]
    assert sales_nav and classic
    assert all(c["conversationUrn"] == "urn:li:salesNav_thread:" + c["salesNavThreadId"] for c in sales_nav)
    assert all(c["conversationUrn"].startswith("urn:li:fsd_conversation:") and "salesNavThreadId" not in c
               for c in classic)

    unread = (await sb.cs.get("/conversations", params={"unreadOnly": "true", "count": 100})).json()
    assert unread["conversations"] and all(c["unreadCount"] > 0 for c in unread["conversations"])
    assert len(unread["conversations"]) == sum(1 for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID)
                                               if c.unread_count)
    labeled = (await sb.cs.get("/conversations", params={"labeledOnly": "true", "count": 100})).json()
    assert labeled["conversations"] and all(c["labels"] for c in labeled["conversations"])
    label_id = labeled["conversations"][0]["labels"][0]["id"]
    by_label = (await sb.cs.get("/conversations", params={"labelId": label_id, "count": 100})).json()
    assert all(label_id in [lb["id"] for lb in c["labels"]] for c in by_label["conversations"])
    bad = await sb.cs.get("/conversations", params={"nextCursor": "other:3"})
    assert bad.status_code == 400


async def test_messages_by_encoded_urn_with_cursor_and_since(sb: Sandbox) -> None:
    thread = max(sb.world.conversations_of(DEFAULT_ACCOUNT_ID), key=lambda c: len(c.messages))
    assert len(thread.messages) >= 3
    path = f"/conversations/{quote(thread.urn, safe='')}/messages"
    latest = (await sb.cs.get(path, params={"count": 2})).json()
    assert [m["messageUrn"] for m in latest["messages"]] == [m.urn for m in thread.messages[-2:]]
    assert latest["hasMore"] is True and latest["participants"][0]["profileId"] == thread.lead.profile_id
    older = (await sb.cs.get(path, params={"count": 2, "cursor": latest["cursor"]})).json()
    assert [m["messageUrn"] for m in older["messages"]] == [m.urn for m in thread.messages[-4:-2]]
    since = thread.messages[-2].sent_at
    polled = (await sb.cs.get(path, params={"since": since.isoformat()})).json()
    assert [m["messageUrn"] for m in polled["messages"]] == [thread.messages[-1].urn]
    by_ms = (await sb.cs.get(path, params={"since": str(int(since.timestamp() * 1000))})).json()
    assert [m["messageUrn"] for m in by_ms["messages"]] == [thread.messages[-1].urn]
    message = latest["messages"][-1]
    assert set(message) >= {"messageUrn", "text", "sentAt", "senderProfileId", "senderName", "isSentByOwner",
                            "hasAttachment", "attachments"}
    unencoded = await sb.cs.get(f"/conversations/{thread.urn}/messages")
    assert unencoded.status_code == 200
    other_account = await sb.cs.get(path, params={"accountId": SECOND_SALES_NAV_ACCOUNT_ID})
    assert other_account.status_code == 404
    unknown = await sb.cs.get("/conversations/urn%3Ali%3Afsd_conversation%3Anope/messages")
    assert unknown.status_code == 404


async def test_sales_nav_thread_urns_are_served(sb: Sandbox) -> None:
    thread = next(c for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID) if c.source == "sales_navigator")
    body = (await sb.cs.get(f"/conversations/{quote(thread.urn, safe='')}/messages")).json()
    assert body["source"] == "sales_navigator" and len(body["messages"]) == len(thread.messages)


# ------------------------------------------------------------------ sending


async def test_auto_channel_new_sales_nav_thread_costs_a_credit(sb: Sandbox) -> None:
    lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "S")
    response = await send(sb, recipientProfileId=lead.profile_id, message="Hello there", subject="Intro")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["message"] == "Hello there"
    assert body["recipientProfileUrn"] == lead.profile_urn and "threadId" in body
    assert body["sentMessage"]["channel"] == "sales_navigator" and body["sentMessage"]["newConversation"] is True
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 49
    sent = sb.world.sent_messages[-1]
    assert (sent.recipient, sent.channel, sent.text, sent.subject) == (lead.profile_id, "sales_navigator",
                                                                       "Hello there", "Intro")
    assert sent.conversation_urn == f"urn:li:salesNav_thread:{body['threadId']}"
    # It shows up first in the inbox and in the thread.
    top = (await sb.cs.get("/conversations", params={"count": 1})).json()["conversations"][0]
    assert top["conversationUrn"] == sent.conversation_urn and top["latestMessage"]["text"] == "Hello there"
    messages = (await sb.cs.get(f"/conversations/{quote(sent.conversation_urn, safe='')}/messages")).json()
    assert messages["messages"][-1]["isSentByOwner"] is True
    # A second message to the same person is a reply: no credit, no new conversation.
    again = await send(sb, recipientProfileUrn=lead.profile_urn, message="Following up")
    assert again.json()["sentMessage"]["newConversation"] is False
    assert again.json()["threadId"] == body["threadId"]
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 49
    assert sb.world.new_conversations_today(DEFAULT_ACCOUNT_ID) == 1


async def test_auto_channel_first_degree_goes_to_the_inbox(sb: Sandbox) -> None:
    existing = next(c for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID) if c.source == "linkedin")
    response = await send(sb, recipientProfileId=existing.lead.profile_id, message="Thanks!")
    body = response.json()
    assert "threadId" not in body
    assert body["conversationUrn"] == existing.urn and body["sentMessage"]["channel"] == "linkedin_inbox"
    assert existing.messages[-1].text == "Thanks!" and existing.unread_count == 0
    new_lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "F")
    new = (await send(sb, recipientProfileId=new_lead.profile_id, message="Hi")).json()
    assert new["conversationUrn"].startswith("urn:li:fsd_conversation:") and new["sentMessage"]["newConversation"]
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 50, "inbox messages cost no InMail"


async def test_explicit_channels_and_accounts_without_seat(sb: Sandbox) -> None:
    first_degree = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "F")
    forced = (await send(sb, recipientProfileId=first_degree.profile_id, message="Hi",
                         messagingChannel="sales_navigator")).json()
    assert forced["sentMessage"]["channel"] == "sales_navigator"
    stranger = fresh_lead(sb, BUSINESS_ACCOUNT_ID, "O")
    business = (await send(sb, accountId=BUSINESS_ACCOUNT_ID, recipientProfileId=stranger.profile_id,
                           message="Hi")).json()
    assert business["sentMessage"]["channel"] == "linkedin_inbox" and "threadId" not in business
    bad_channel = await send(sb, recipientProfileId=first_degree.profile_id, message="Hi", messagingChannel="email")
    assert bad_channel.status_code == 400
    assert bad_channel.json()["error"]["issues"][0]["code"] == "invalid_enum_value"


async def test_reply_by_conversation_urn(sb: Sandbox) -> None:
    thread = next(c for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID) if c.source == "sales_navigator")
    count = len(thread.messages)
    response = await send(sb, conversationUrn=thread.urn, message="Replying in thread")
    assert response.status_code == 200
    assert len(thread.messages) == count + 1 and response.json()["threadId"] == thread.conversation_id
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 50
    unknown = await send(sb, conversationUrn="urn:li:fsd_conversation:nope", message="x")
    assert unknown.status_code == 404


async def test_credits_run_out(sb: Sandbox) -> None:
    account = SECOND_SALES_NAV_ACCOUNT_ID  # 3 credits
    for i in range(3):
        lead = fresh_lead(sb, account, "O", skip=i)
        assert (await send(sb, accountId=account, recipientProfileId=lead.profile_id, message="Hi")).status_code == 200
    credits = (await sb.cs.get("/inmail/credits", params={"accountId": account})).json()
    assert (credits["inMailCredits"], credits["totalCredits"], credits["usedCredits"]) == (0, 30, 30)
    lead = fresh_lead(sb, account, "O", skip=3)
    refused = await send(sb, accountId=account, recipientProfileId=lead.profile_id, message="Hi")
    assert refused.status_code == 400
    assert refused.json() == {"success": False, "code": "INSUFFICIENT_INMAIL_CREDITS", "error": "No InMail credits left"}
    assert len(sb.world.sent_messages) == 3
    reply = await send(sb, accountId=account, recipientProfileId=fresh_lead(sb, account, "F").profile_id, message="ok")
    assert reply.status_code == 200, "inbox messages need no credits"


async def test_daily_new_conversation_cap(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(new_conversations_per_day=2) as sb:
        leads = [fresh_lead(sb, DEFAULT_ACCOUNT_ID, "F", skip=i) for i in range(3)]
        for lead in leads[:2]:
            assert (await send(sb, recipientProfileId=lead.profile_id, message="Hi")).status_code == 200
        refused = await send(sb, recipientProfileId=leads[2].profile_id, message="Hi")
        assert refused.status_code == 429
        assert refused.headers["X-RateLimit-Action"] == "new_conversations"
        body = refused.json()
        midnight = (sb.clock.now() + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        assert body["holdUntil"] == midnight.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert body["error"] == f"Daily limit of 2 new conversations reached. Resets at {body['holdUntil']}"
        assert len(sb.world.sent_messages) == 2
        reply = await send(sb, recipientProfileId=leads[0].profile_id, message="replies are unlimited")
        assert reply.status_code == 200
        sb.clock.advance(timedelta(days=1))
        assert (await send(sb, recipientProfileId=leads[2].profile_id, message="Hi")).status_code == 200


async def test_unknown_recipient_and_length_limits(sb: Sandbox) -> None:
    unknown = await send(sb, recipientProfileId="no-such-person-000", message="Hi")
    assert unknown.status_code == 400
    assert unknown.json() == {"success": False, "code": "RECIPIENT_NOT_FOUND", "error": "Recipient not found"}
    nobody = await send(sb, message="Hi")
    assert nobody.status_code == 400 and nobody.json()["error"]["issues"][0]["path"] == ["recipientProfileId"]
    empty = await send(sb, recipientProfileId=sb.world.leads[0].profile_id, message="")
    assert empty.json()["error"]["issues"][0]["code"] == "too_small"
    inbox_lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "F")
    assert (await send(sb, recipientProfileId=inbox_lead.profile_id, message="x" * 8000)).status_code == 200
    too_long = await send(sb, recipientProfileId=inbox_lead.profile_id, message="x" * 8001)
    assert too_long.status_code == 400 and too_long.json()["error"]["issues"][0]["path"] == ["message"]
    inmail_lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "S")
    inmail = await send(sb, recipientProfileId=inmail_lead.profile_id, message="x" * 1901)
    assert inmail.status_code == 400 and inmail.json()["error"]["issues"][0]["code"] == "too_big"
    subject = await send(sb, recipientProfileId=inmail_lead.profile_id, message="Hi", subject="s" * 201)
    assert subject.status_code == 400 and subject.json()["error"]["issues"][0]["path"] == ["subject"]
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 50
    assert len(sb.world.sent_messages) == 1


async def test_attachments_must_be_uploaded_first(sb: Sandbox) -> None:
    upload = await sb.cs.post("/conversations/upload-attachment", params={"filename": "deck.pdf"},
                              content=b"%PDF-1.7 sandbox", headers={"Content-Type": "application/pdf"})
    assert upload.status_code == 200, upload.text
    attachment = upload.json()["attachment"]
    assert attachment["assetUrn"].startswith("urn:li:digitalmediaAsset:")
    assert (attachment["byteSize"], attachment["mediaType"], attachment["name"]) == (16, "application/pdf", "deck.pdf")
    lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "F")
    ok = await send(sb, recipientProfileId=lead.profile_id, message="See attached", attachments=[{"file": attachment}])
    assert ok.status_code == 200 and ok.json()["sentMessage"]["hasAttachment"] is True
    assert sb.world.sent_messages[-1].attachments == (attachment["assetUrn"],)
    made_up = {"file": {**attachment, "assetUrn": "urn:li:digitalmediaAsset:made-up"}}
    refused = await send(sb, recipientProfileId=lead.profile_id, message="x", attachments=[made_up])
    assert refused.status_code == 400 and refused.json()["code"] == "ATTACHMENT_NOT_FOUND"
    foreign = await send(sb, accountId=SECOND_SALES_NAV_ACCOUNT_ID, recipientProfileId=lead.profile_id, message="x",
                         attachments=[{"file": attachment}])
    assert foreign.status_code == 400, "an upload belongs to the account that made it"
    empty = await sb.cs.post("/conversations/upload-attachment", params={"filename": "x.txt"}, content=b"")
    assert empty.status_code == 400
    unnamed = await sb.cs.post("/conversations/upload-attachment", content=b"abc")
    assert unnamed.status_code == 400 and unnamed.json()["error"]["issues"][0]["path"] == ["filename"]
    too_big = await sb.cs.post("/conversations/upload-attachment", params={"filename": "big.bin"},
                               content=b"\0" * (20 * 1024 * 1024 + 1))
    assert too_big.status_code == 413


async def test_sales_nav_send_with_copy_to_crm(sb: Sandbox) -> None:
    lead = fresh_lead(sb, DEFAULT_ACCOUNT_ID, "S")
    new = await sb.cs.post("/sales-nav/send", json={"recipients": [lead.profile_id], "body": "Hi from SN",
                                                     "subject": "Hello", "copyToCrm": True})
    assert new.status_code == 200, new.text
    body = new.json()
    assert set(body) == {"success", "message", "threadId", "messageId", "accountId"}
    assert body["accountId"] == DEFAULT_ACCOUNT_ID
    sent = sb.world.sent_messages[-1]
    assert sent.copy_to_crm is True and sent.endpoint == "/sales-nav/send" and sent.thread_id == body["threadId"]
    assert sb.world.accounts[DEFAULT_ACCOUNT_ID].inmail_credits == 49
    reply = await sb.cs.post("/sales-nav/send", json={"threadId": body["threadId"], "body": "again"})
    assert reply.status_code == 200 and reply.json()["threadId"] == body["threadId"]
    assert sb.world.sent_messages[-1].copy_to_crm is False and sb.world.sent_messages[-1].new_conversation is False
    by_urn = await sb.cs.post("/sales-nav/send", json={"threadId": f"urn:li:salesNav_thread:{body['threadId']}",
                                                        "body": "third"})
    assert by_urn.status_code == 200
    classic = next(c for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID) if c.source == "linkedin")
    not_sn = await sb.cs.post("/sales-nav/send", json={"threadId": classic.conversation_id, "body": "x"})
    assert not_sn.status_code == 404
    two = await sb.cs.post("/sales-nav/send", json={"recipients": ["a", "b"], "body": "x"})
    assert two.status_code == 400 and two.json()["error"]["issues"][0]["path"] == ["recipients"]
    state = (await sb.raw.get("/_sandbox/state")).json()
    assert state["sentMessages"][0]["copyToCrm"] is True and state["credits"][DEFAULT_ACCOUNT_ID] == 49


async def test_account_endpoints_and_credits(sb: Sandbox) -> None:
    accounts = (await sb.cs.get("/accounts")).json()
    assert isinstance(accounts, list) and len(accounts) == 4
    assert set(accounts[0]) == {"id", "firstName", "lastName", "publicId", "picture", "status", "enabled",
                                "apiSeatAllocated"}
    assert [a["id"] for a in (await sb.cs.get("/accounts", params={"q": "jamie"})).json()] == [
        SECOND_SALES_NAV_ACCOUNT_ID]
    status = (await sb.cs.get("/account/status", params={"accountId": FREE_ACCOUNT_ID})).json()
    assert status["id"] == FREE_ACCOUNT_ID and status["status"] in ("AVAILABLE", "IN_USE", "ERROR")
    free = (await sb.cs.get("/inmail/credits", params={"accountId": FREE_ACCOUNT_ID})).json()
    assert free["inMailCredits"] == 0 and "totalCredits" not in free and free["premiumType"] == "FREE"
    business = (await sb.cs.get("/inmail/credits", params={"accountId": BUSINESS_ACCOUNT_ID})).json()
    assert business["inMailCredits"] == 5 and "totalCredits" not in business
    default = (await sb.cs.get("/inmail/credits")).json()
    assert (default["inMailCredits"], default["totalCredits"], default["usedCredits"]) == (50, 50, 0)
    assert default["accountId"] == DEFAULT_ACCOUNT_ID and default["premiumType"] == "SALES_NAVIGATOR"


async def test_ssi_is_stable_per_day_and_drifts_over_days(sb: Sandbox) -> None:
    today = (await sb.cs.get("/ssi")).json()
    assert today == (await sb.cs.get("/ssi")).json()
    member = today["memberScore"]
    assert 0 <= member["overall"] <= 100
    assert [s["pillar"] for s in member["subScores"]] == ["PROFESSIONAL_BRAND", "FIND_RIGHT_PEOPLE",
                                                         "INSIGHT_ENGAGEMENT", "STRONG_RELATIONSHIP"]
    assert all(0 <= s["score"] <= 25 for s in member["subScores"])
    assert round(sum(s["score"] for s in member["subScores"]), 2) == member["overall"]
    assert today["industry"]["groupType"] == "INDUSTRY" and today["industry"]["industryName"]
    assert today["network"]["groupType"] == "NETWORK" and 1 <= today["network"]["rank"] <= 100
    assert today["groupScore"] == [today["industry"], today["network"]] and today["activeSeat"] is True
    assert "rawJson" not in today and "rawJson" in (await sb.cs.get("/ssi", params={"debug": "true"})).json()
    history = []
    for _ in range(30):
        sb.clock.advance(timedelta(days=1))
        history.append((await sb.cs.get("/ssi")).json()["memberScore"]["overall"])
    steps = [abs(b - a) for a, b in zip(history, history[1:], strict=False)]
    assert len(set(history)) > 20, "scores move from day to day"
    assert max(steps) < 3, "but only gently"
    other = (await sb.cs.get("/ssi", params={"accountId": SECOND_SALES_NAV_ACCOUNT_ID})).json()
    assert other["memberScore"] != (await sb.cs.get("/ssi")).json()["memberScore"]

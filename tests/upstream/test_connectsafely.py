"""Every ConnectSafely endpoint, through the real client, answered by the sandbox."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salesnav_mcp.models.connectsafely import (
    AttachmentRef,
    PeopleSearchRequest,
    SendMessageRequest,
)
from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from salesnav_mcp.upstream.errors import NotFoundError, ValidationError
from tests.upstream.helpers import CANARY_API_KEY, fresh_recipients

pytestmark = pytest.mark.anyio

LEAD_URL = "https://www.linkedin.com/sales/search/people?query=(keywords%3Aengineer)"
ACCOUNT_URL = "https://www.linkedin.com/sales/search/company?query=(keywords%3Asoftware)"


async def test_people_search_pages_and_sends_wire_names(upstream) -> None:
    async with upstream() as up:
        first = await up.cs.search_people(keywords="", count=5)
        second = await up.cs.search_people(PeopleSearchRequest(keywords="", count=5, start=5))
    assert len(first.people) == 5 and first.has_more
    assert first.pagination.count == 5 and first.pagination.total is None  # plain searches report no total
    assert {p.profile_id for p in first.people}.isdisjoint({p.profile_id for p in second.people})
    assert all(p.profile_urn and p.profile_urn.startswith("urn:li:fsd_profile:") for p in first.people)
    sent = up.transport.to("/search/people")[0]
    assert sent.headers["authorization"] == f"Bearer {CANARY_API_KEY}"
    assert sent.headers["content-type"] == "application/json"


async def test_people_search_filters_reach_upstream(upstream) -> None:
    async with upstream() as up:
        everyone = await up.cs.search_people(count=100)
        second_degree = await up.cs.search_people(filters={"connectionDegree": ["S"]}, count=100)
    assert {p.connection_degree for p in second_degree.people} == {"2nd"}
    assert {p.connection_degree for p in everyone.people} != {"2nd"}
    assert b'"filters":{"connectionDegree":["S"]}' in up.transport.to("/search/people")[1].content


async def test_unknown_filter_is_refused_before_sending(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(ValidationError) as info:
            await up.cs.search_people(keywords="cto", filters={"seniority": ["VP"]})
        with pytest.raises(ValidationError) as sizes:
            await up.cs.search_companies(filters={"companySize": ["Z"]})
        with pytest.raises(ValidationError) as paging:
            await up.cs.search_people(count=101)
    assert info.value.fields == {"filters.seniority": "unknown field (not accepted by upstream)"}
    assert "filters.companySize.0" in sizes.value.fields
    assert "count" in paging.value.fields
    assert up.transport.exchanges == []  # nothing reached upstream


async def test_sales_navigator_url_search_reports_capped_total(upstream) -> None:
    async with upstream() as up:
        page = await up.cs.search_people(url=LEAD_URL, count=10)
        companies = await up.cs.search_companies(url=ACCOUNT_URL, count=10)
    assert page.pagination.total is not None and 0 < page.pagination.total <= 1000
    assert len(page.people) == 10
    assert companies.pagination.total is not None and companies.companies


async def test_company_search_with_filters(upstream) -> None:
    async with upstream() as up:
        result = await up.cs.search_companies(
            filters={"companySize": ["E"], "industry": ["Software Development"]}, count=20
        )
    assert result.companies
    assert {c.industry for c in result.companies} == {"Software Development"}
    assert {c.model_extra.get("employeeCountRange") for c in result.companies} == {"201-500"}


async def test_geo_lookup(upstream) -> None:
    async with upstream() as up:
        berlin = await up.cs.lookup_geo("Berlin")
        with pytest.raises(NotFoundError):
            await up.cs.lookup_geo("Qzxqzx Nowhere")
    assert berlin.geo_id.isdigit() and "Berlin" in (berlin.name or "")


async def test_ssi_shape(upstream) -> None:
    async with upstream() as up:
        ssi = await up.cs.get_ssi()
        other = await up.cs.get_ssi(account_id=SECOND_SALES_NAV_ACCOUNT_ID)
    assert ssi.account_id == DEFAULT_ACCOUNT_ID and other.account_id == SECOND_SALES_NAV_ACCOUNT_ID
    assert ssi.member_score.overall is not None and 0 <= ssi.member_score.overall <= 100
    pillars = {s.pillar: s.score for s in ssi.member_score.sub_scores}
    assert set(pillars) == {"PROFESSIONAL_BRAND", "FIND_RIGHT_PEOPLE", "INSIGHT_ENGAGEMENT", "STRONG_RELATIONSHIP"}
    assert all(0 <= score <= 25 for score in pillars.values())
    assert ssi.industry is not None and ssi.industry.group_type == "INDUSTRY"
    assert {g.group_type for g in ssi.group_score} == {"INDUSTRY", "NETWORK"}


@pytest.mark.parametrize(
    ("account_id", "credits", "total", "premium"),
    [
        (None, 50, 50, "SALES_NAVIGATOR"),
        (SECOND_SALES_NAV_ACCOUNT_ID, 3, 30, "SALES_NAVIGATOR"),
        (BUSINESS_ACCOUNT_ID, 5, None, "BUSINESS_PREMIUM"),
        (FREE_ACCOUNT_ID, 0, None, "FREE"),
    ],
)
async def test_inmail_credits(upstream, account_id, credits, total, premium) -> None:
    async with upstream() as up:
        balance = await up.cs.get_inmail_credits(account_id=account_id)
    assert (balance.in_mail_credits, balance.total_credits, balance.premium_type) == (credits, total, premium)


async def test_accounts_and_status(upstream) -> None:
    async with upstream() as up:
        accounts = await up.cs.list_accounts()
        jamie = await up.cs.list_accounts("jamie")
        status = await up.cs.get_account_status(FREE_ACCOUNT_ID)
        with pytest.raises(NotFoundError):
            await up.cs.get_account_status("ffffffffffffffffffffffff")
    assert [a.id for a in accounts] == [
        DEFAULT_ACCOUNT_ID,
        SECOND_SALES_NAV_ACCOUNT_ID,
        BUSINESS_ACCOUNT_ID,
        FREE_ACCOUNT_ID,
    ]
    assert [a.first_name for a in jamie] == ["Jamie"]
    assert status.id == FREE_ACCOUNT_ID and status.status == "AVAILABLE"


async def test_conversations_page_with_cursors_and_both_sources(upstream) -> None:
    async with upstream() as up:
        pages = [await up.cs.list_conversations(count=10)]
        while pages[-1].has_more:
            assert pages[-1].next_cursor and pages[-1].next_cursor.startswith("linkedin:")
            pages.append(await up.cs.list_conversations(count=10, next_cursor=pages[-1].next_cursor))
        unread = await up.cs.list_conversations(count=100, unread_only=True)
    threads = [c for page in pages for c in page.conversations]
    assert len(pages) > 1 and len({c.conversation_urn for c in threads}) == len(threads)
    sales_nav = [c for c in threads if c.is_sales_navigator]
    classic = [c for c in threads if not c.is_sales_navigator]
    assert sales_nav and classic
    assert all(c.conversation_urn.startswith("urn:li:salesNav_thread:") and c.sales_nav_thread_id for c in sales_nav)
    assert all(c.source == "linkedin" and c.conversation_urn.startswith("urn:li:fsd_conversation:") for c in classic)
    assert unread.conversations and all((c.unread_count or 0) > 0 for c in unread.conversations)
    assert "unreadOnly=true" in str(up.transport.exchanges[-1].url)


async def test_messages_of_a_sales_navigator_thread_path_encoded(upstream) -> None:
    async with upstream() as up:
        threads = [c for c in (await up.cs.list_conversations(count=100)).conversations if c.is_sales_navigator]
        for thread in threads:
            everything = await up.cs.get_messages(thread.conversation_urn, count=100)
            if len(everything.messages) >= 3:
                break
        else:
            pytest.fail("expected a Sales Navigator thread with at least three messages")
        newest = await up.cs.get_messages(thread.conversation_urn, count=1)
        older = await up.cs.get_messages(thread.conversation_urn, count=1, cursor=newest.cursor)
        since = await up.cs.get_messages(thread.conversation_urn, since=everything.messages[0].sent_at)
    raw_path = up.transport.to("/messages")[0].url.raw_path.decode()
    assert "/conversations/urn%3Ali%3AsalesNav_thread%3A" in raw_path
    urns = [m.message_urn for m in everything.messages]
    assert newest.has_more and newest.cursor
    assert [m.message_urn for m in newest.messages] == urns[-1:]
    assert [m.message_urn for m in older.messages] == urns[-2:-1]
    assert [m.message_urn for m in since.messages] == urns[1:]


async def test_send_new_conversation_is_delivered_and_visible(upstream) -> None:
    async with upstream() as up:
        (connection,) = await fresh_recipients(up.cs, 1, degrees=["F"])
        reply = await up.cs.send_message(
            SendMessageRequest(recipient_profile_id=connection.profile_id, message="Hello from the client test")
        )
        assert reply.conversation_urn is not None
        thread = await up.cs.get_messages(reply.conversation_urn)
    (sent,) = up.world.sent_messages
    assert (sent.recipient, sent.channel, sent.new_conversation) == (connection.profile_id, "linkedin_inbox", True)
    assert reply.recipient_profile_urn == connection.profile_urn and reply.thread_id is None
    assert thread.messages[-1].text == "Hello from the client test" and thread.messages[-1].is_sent_by_owner


async def test_inmail_costs_a_credit_and_returns_thread_id(upstream) -> None:
    async with upstream() as up:
        (prospect,) = await fresh_recipients(up.cs, 1, degrees=["S", "O"])
        reply = await up.cs.send_message(
            recipient_profile_urn=prospect.profile_urn,
            message="Short InMail",
            subject="Quick question",
            messaging_channel="sales_navigator",
        )
        credits = await up.cs.get_inmail_credits()
    assert reply.thread_id and up.world.sent_messages[0].channel == "sales_navigator"
    assert credits.in_mail_credits == 49
    assert b'"messagingChannel":"sales_navigator"' in up.transport.to("/conversations/send")[0].content


async def test_reply_into_existing_conversation(upstream) -> None:
    async with upstream() as up:
        thread = (await up.cs.list_conversations(count=1)).conversations[0]
        await up.cs.send_message(conversation_urn=thread.conversation_urn, message="Following up")
    (sent,) = up.world.sent_messages
    assert sent.conversation_urn == thread.conversation_urn and not sent.new_conversation


async def test_sales_nav_send_with_copy_to_crm(upstream) -> None:
    async with upstream() as up:
        threads = (await up.cs.list_conversations(count=100)).conversations
        thread = next(c for c in threads if c.is_sales_navigator)
        reply = await up.cs.send_sales_nav_message(
            body="Thanks, talk soon", thread_id=thread.sales_nav_thread_id, copy_to_crm=True
        )
    (sent,) = up.world.sent_messages
    assert reply.thread_id == thread.sales_nav_thread_id and reply.message_id and reply.account_id == DEFAULT_ACCOUNT_ID
    assert sent.copy_to_crm and sent.endpoint == "/sales-nav/send"


async def test_upload_attachment_then_send_it(upstream) -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 40
    async with upstream() as up:
        attachment = await up.cs.upload_attachment(pdf, filename="deck (v2).pdf", media_type="application/pdf")
        thread = (await up.cs.list_conversations(count=1)).conversations[0]
        await up.cs.send_message(
            conversation_urn=thread.conversation_urn,
            message="Deck attached",
            attachments=[AttachmentRef.of(attachment)],
        )
    upload = up.transport.to("/conversations/upload-attachment")[0]
    assert upload.headers["content-type"] == "application/pdf" and upload.content == pdf
    assert upload.url.params["filename"] == "deck (v2).pdf"
    assert attachment.asset_urn.startswith("urn:li:digitalmediaAsset:")
    assert (attachment.byte_size, attachment.media_type, attachment.name) == (
        len(pdf),
        "application/pdf",
        "deck (v2).pdf",
    )
    assert up.world.sent_messages[0].attachments == (attachment.asset_urn,)


async def test_upload_checks_before_sending(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(ValidationError) as info:
            await up.cs.upload_attachment(b"", filename=" ", media_type="pdf")
    assert set(info.value.fields) == {"filename", "mediaType", "content"}
    assert up.transport.exchanges == []


async def test_ssi_moves_with_the_day(upstream, clock) -> None:
    async with upstream() as up:
        today = await up.cs.get_ssi()
        clock.advance(timedelta(days=1))
        tomorrow = await up.cs.get_ssi()
    assert today.member_score.overall != tomorrow.member_score.overall

"""Relationships and connection requests through the real client: states, limits, the never-resend rule."""

from __future__ import annotations

import random
from datetime import timedelta

import anyio
import pytest

from salesnav_mcp.models.connectsafely import ConnectRequest
from salesnav_mcp.sandbox import FaultRule
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.errors import NotFoundError, RateLimitedError, UnknownOutcomeError, ValidationError
from tests.support.settings import make_settings
from tests.upstream.helpers import CLIENT_SETTINGS, CS_BASE

pytestmark = pytest.mark.anyio

CONNECT = "POST /linkedin/connect"


def strangers(up, n: int, account_id: str = DEFAULT_ACCOUNT_ID) -> list:
    """`n` leads the account is not connected to and has no invitation with, either way."""
    network = up.world.network
    found = [
        lead
        for lead in up.world.leads
        if lead.degree(account_id) != "F" and network.status(account_id, lead) == "NOT_CONNECTED"
    ]
    return found[:n]


def connect_client(up, connect_timeout: float) -> ConnectSafelyClient:
    client = ConnectSafelyClient(
        settings=up.settings,
        base_url=CS_BASE,
        transport=up.transport,
        clock=up.clock,
        rng=random.Random(1),
        sandbox=True,
        connect_timeout=connect_timeout,
    )
    up.extra_clients.append(client)
    return client


async def test_relationships_agree_with_search_and_the_inbox(upstream) -> None:
    async with upstream() as up:
        first = (await up.cs.search_people(filters={"connectionDegree": ["F"]}, count=5)).people
        second = (await up.cs.search_people(filters={"connectionDegree": ["S"]}, count=5)).people
        classic = next(c for c in (await up.cs.list_conversations(count=50)).conversations if not c.is_sales_navigator)
        connected = [await up.cs.get_relationship(p.profile_id or "") for p in first]
        in_inbox = await up.cs.get_relationship(classic.participants[0].profile_id or "")
        others = [await up.cs.get_relationship(p.profile_id or "") for p in second]
        on_other = await up.cs.get_relationship(first[0].profile_id or "", account_id=SECOND_SALES_NAV_ACCOUNT_ID)
        with pytest.raises(NotFoundError):
            await up.cs.get_relationship("nobody-here-000000")
    assert all(r.connected and r.status == "CONNECTED" and not r.can_invite for r in [*connected, in_inbox])
    assert all(not r.connected for r in others)
    assert {r.profile_urn for r in connected} == {p.profile_urn for p in first}
    assert on_other.account_id == SECOND_SALES_NAV_ACCOUNT_ID
    assert (
        up.transport.exchanges[-2].url.path
        == f"/linkedin/relationship/{SECOND_SALES_NAV_ACCOUNT_ID}/{first[0].profile_id}"
    )
    assert "success" not in up.transport.exchanges[-3].response_content.decode()


async def test_invite_list_and_withdraw(upstream) -> None:
    async with upstream() as up:
        lead, connection = strangers(up, 1)[0], next(x for x in up.world.leads if x.degree(DEFAULT_ACCOUNT_ID) == "F")
        sent = await up.cs.send_connection_request(ConnectRequest(profile_urn=lead.profile_urn, custom_message="Hi!"))
        after = await up.cs.get_relationship(lead.profile_id)
        page = await up.cs.list_sent_invitations()
        with pytest.raises(ValidationError) as twice:
            await up.cs.send_connection_request(profile_id=lead.profile_id)
        with pytest.raises(ValidationError) as connected:
            await up.cs.send_connection_request(profile_urn=connection.profile_urn)
        with pytest.raises(NotFoundError):
            await up.cs.send_connection_request(profile_id="nobody-here-000000")
        await up.cs.withdraw_invitation(lead.profile_id)
        withdrawn = await up.cs.get_relationship(lead.profile_id)
        with pytest.raises(ValidationError) as nothing:
            await up.cs.withdraw_invitation(lead.profile_id)
        later = await up.cs.list_sent_invitations()
    assert sent.profile_urn == lead.profile_urn
    assert after.invitation_sent and after.status == "INVITATION_SENT" and not after.can_invite
    newest = page.invitations[0]
    assert newest.profile and newest.profile.public_identifier == lead.profile_id
    assert newest.sent_at == "just now" and newest.sent_ago == timedelta(0)
    assert all(i.sent_ago and i.sent_ago >= timedelta(days=1) for i in page.invitations[1:]), "seeded, days old"
    assert page.count == len(page.invitations) and page.start_index == 0
    assert (twice.value.code, connected.value.code, nothing.value.code) == (
        "INVITATION_ALREADY_SENT",
        "ALREADY_CONNECTED",
        "NO_PENDING_INVITATION",
    )
    assert withdrawn.can_invite and lead.profile_id not in {
        i.profile.public_identifier for i in later.invitations if i.profile
    }


async def test_connect_requests_are_checked_before_sending(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(ValidationError) as long_note:
            await up.cs.send_connection_request(profile_id="someone", custom_message="x" * 301)
        with pytest.raises(ValidationError) as both:
            await up.cs.send_connection_request(profile_id="someone", profile_urn="urn:li:fsd_profile:ACoAAx")
        with pytest.raises(ValidationError):
            await up.cs.send_connection_request()
    assert "custom_message" in long_note.value.fields and both.value.fields
    assert up.transport.exchanges == []


async def test_a_dot_segment_never_reaches_a_path(upstream) -> None:
    """`..` as an id would make the HTTP client call another route (it resolves dot segments)."""
    async with upstream() as up:
        for profile, account in (("..", None), (".", None), ("someone", "..")):
            with pytest.raises(ValidationError, match="nothing was sent") as refused:
                await up.cs.get_relationship(profile, account_id=account)
            assert set(refused.value.fields.values()) == {"must not be . or .."}
        with pytest.raises(ValidationError):
            await up.cs.get_quota("..")
    assert up.transport.exchanges == []

async def test_accepting_someone_elses_invitation_uses_no_quota(upstream) -> None:
    async with upstream() as up:
        account, profile_id = next(iter(sorted(up.world.network.received)))
        before = await up.cs.get_relationship(profile_id, account_id=account)
        await up.cs.send_connection_request(profile_id=profile_id, account_id=account)
        after = await up.cs.get_relationship(profile_id, account_id=account)
        quota = (await up.cs.get_quota(account)).feature("CONNECT")
    assert before.invitation_received and before.can_invite
    assert after.connected and quota is not None and quota.used == 0


async def test_weekly_limit_puts_requests_on_a_24_hour_hold(upstream, clock) -> None:
    start = clock.now()  # a Monday, 09:00 UTC
    async with upstream() as up:
        leads = strangers(up, 93)
        for lead in leads[:90]:
            await up.cs.send_connection_request(profile_urn=lead.profile_urn)
        with pytest.raises(RateLimitedError) as over:
            await up.cs.send_connection_request(profile_urn=leads[90].profile_urn)
        quota = (await up.cs.get_quota(DEFAULT_ACCOUNT_ID)).feature("CONNECT")
        clock.advance(timedelta(hours=23))
        with pytest.raises(RateLimitedError) as held:
            await up.cs.send_connection_request(profile_urn=leads[90].profile_urn)
        clock.advance(timedelta(hours=2))  # the hold is over, but the week's 90 are used: a new hold
        with pytest.raises(RateLimitedError) as again:
            await up.cs.send_connection_request(profile_urn=leads[90].profile_urn)
        clock.advance(timedelta(days=6))  # next Monday: a new week
        await up.cs.send_connection_request(profile_urn=leads[91].profile_urn)
        fresh = (await up.cs.get_quota(DEFAULT_ACCOUNT_ID)).feature("CONNECT")
    assert over.value.retry_at == start + timedelta(hours=24) and over.value.code == "CONNECT"
    assert held.value.retry_at == start + timedelta(hours=24)
    assert again.value.retry_at == start + timedelta(hours=49)
    assert quota is not None and (quota.used, quota.limit, quota.remaining, quota.limit_reached) == (90, 90, 0, True)
    assert quota.reset_at == start + timedelta(hours=24) and quota.window == "weekly"
    assert fresh is not None and fresh.used == 1 and not fresh.limit_reached
    assert len(up.transport.to("/connect")) == 94, "refusals were not retried"
    assert sum(1 for i in up.world.network.invitations if i.sent_at >= start) == 91


@pytest.mark.parametrize("kind", ["hang_after_commit", "connection_drop", "502", "503", "504", "malformed"])
async def test_a_connection_request_that_may_have_landed_is_never_resent(upstream, clock, kind) -> None:
    async with upstream(faults=[FaultRule(route=CONNECT, kind=kind, delay=5, times=1)]) as up:
        lead = strangers(up, 1)[0]
        with pytest.raises(UnknownOutcomeError):
            await connect_client(up, 0.3).send_connection_request(profile_urn=lead.profile_urn)
        went_out = await up.cs.get_relationship(lead.profile_id)
    assert len(up.transport.to("/connect")) == 1 and clock.slept == []
    assert went_out.invitation_sent is (kind == "hang_after_commit"), "the relationship tells what happened"


async def test_connect_is_allowed_a_minute_whatever_the_read_timeout(upstream) -> None:
    settings = make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)
    async with upstream(settings=settings, route_latency={CONNECT: 0.5}) as up:
        lead = strangers(up, 1)[0]
        with anyio.fail_after(5):
            await up.cs.send_connection_request(profile_urn=lead.profile_urn)
    assert up.world.network.pending(DEFAULT_ACCOUNT_ID, lead) is not None


async def test_withdrawal_is_not_repeated_either(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route="POST /linkedin/invitations/withdraw", kind="503", times=1)]) as up:
        lead = strangers(up, 1)[0]
        await up.cs.send_connection_request(profile_urn=lead.profile_urn)
        with pytest.raises(UnknownOutcomeError):
            await up.cs.withdraw_invitation(lead.profile_id)
    assert len(up.transport.to("/invitations/withdraw")) == 1 and clock.slept == []

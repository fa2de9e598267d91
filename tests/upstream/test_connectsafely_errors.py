"""ConnectSafely's error answers become the right exception, with upstream's words and the named fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from salesnav_mcp.sandbox import FaultRule
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, FREE_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.upstream.errors import (
    AuthenticationError,
    InsufficientCreditsError,
    NoSeatError,
    NotFoundError,
    RateLimitedError,
    SessionExpiredError,
    SubscriptionExpiredError,
    UpstreamFailure,
    ValidationError,
)
from tests.support.settings import make_settings
from tests.upstream.helpers import CLIENT_SETTINGS, fresh_recipients

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("api_key", [None, "invalid-key-123"])
async def test_bad_or_missing_key_is_an_authentication_error(upstream, api_key) -> None:
    async with upstream() as up:
        with pytest.raises(AuthenticationError) as info:
            await up.connectsafely(api_key).get_inmail_credits()
    assert info.value.status == 401
    assert ("authorization" in up.transport.exchanges[0].headers) == (api_key is not None)
    if api_key:
        assert info.value.code == "INVALID_API_KEY" and "Invalid API key" in str(info.value)


async def test_unknown_account_is_not_found(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(NotFoundError, match="Account not found"):
            await up.cs.get_ssi(account_id="0123456789abcdef01234567")


@pytest.mark.parametrize(
    ("account_id", "premium"), [(BUSINESS_ACCOUNT_ID, "BUSINESS_PREMIUM"), (FREE_ACCOUNT_ID, "FREE")]
)
async def test_no_seat_names_the_premium_type(upstream, account_id, premium) -> None:
    async with upstream() as up:
        with pytest.raises(NoSeatError) as ssi:
            await up.cs.get_ssi(account_id=account_id)
        with pytest.raises(NoSeatError):
            await up.cs.search_people(
                account_id=account_id, url="https://www.linkedin.com/sales/search/people?query=(keywords%3Acto)"
            )
        with pytest.raises(NoSeatError):
            await up.cs.send_sales_nav_message(account_id=account_id, body="hi", recipients=["anyone"])
    assert ssi.value.premium_type == premium and ssi.value.code == "SALES_NAVIGATOR_REQUIRED"
    assert up.world.sent_messages == []


async def test_zod_issues_become_fields_by_dotted_path(upstream) -> None:
    async with upstream() as up:
        (prospect,) = await fresh_recipients(up.cs, 1, degrees=["S", "O"])
        with pytest.raises(ValidationError) as info:
            # Fine for the client (8,000 chars), too long for an InMail: only upstream knows the channel.
            await up.cs.send_message(recipient_profile_id=prospect.profile_id, message="x" * 2000)
    assert info.value.status == 400
    assert info.value.fields == {"message": "String must contain at most 1900 character(s)"}
    assert up.world.sent_messages == []


async def test_recipient_not_found(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(NotFoundError) as info:
            await up.cs.send_message(recipient_profile_id="nobody-here-000", message="hello")
    assert info.value.code == "RECIPIENT_NOT_FOUND" and info.value.status == 400


async def test_no_inmail_credits_left(upstream) -> None:
    async with upstream() as up:
        prospects = await fresh_recipients(up.cs, 4, degrees=["S", "O"], account_id=SECOND_SALES_NAV_ACCOUNT_ID)
        for prospect in prospects[:3]:
            await up.cs.send_message(
                account_id=SECOND_SALES_NAV_ACCOUNT_ID, recipient_profile_id=prospect.profile_id, message="InMail"
            )
        with pytest.raises(InsufficientCreditsError) as info:
            await up.cs.send_message(
                account_id=SECOND_SALES_NAV_ACCOUNT_ID, recipient_profile_id=prospects[3].profile_id, message="InMail"
            )
    assert info.value.code == "INSUFFICIENT_INMAIL_CREDITS"
    assert len(up.world.sent_messages) == 3


async def test_trial_expired(upstream) -> None:
    async with upstream(faults=[FaultRule(route="GET /linkedin/inmail/credits", kind="trial_expired")]) as up:
        with pytest.raises(SubscriptionExpiredError, match="trial has expired"):
            await up.cs.get_inmail_credits()


async def test_session_expired_on_ssi_and_elsewhere(upstream) -> None:
    faults = [FaultRule(route="GET /linkedin/*", kind="session_expired")]
    async with upstream(faults=faults) as up:
        with pytest.raises(SessionExpiredError):
            await up.cs.get_ssi()
        with pytest.raises(SessionExpiredError):
            await up.cs.list_conversations()
    assert len(up.transport.exchanges) == 2  # not retried


async def test_plain_500_is_an_upstream_failure_not_retried(upstream) -> None:
    async with upstream(faults=[FaultRule(route="GET /linkedin/inmail/credits", kind="500")]) as up:
        with pytest.raises(UpstreamFailure, match="Internal server error"):
            await up.cs.get_inmail_credits()
    assert len(up.transport.exchanges) == 1


async def test_malformed_answer_to_a_read(upstream) -> None:
    async with upstream(faults=[FaultRule(route="GET /linkedin/ssi", kind="malformed")]) as up:
        with pytest.raises(UpstreamFailure, match="malformed"):
            await up.cs.get_ssi()


async def test_search_rate_limit_waits_until_reset(upstream, clock) -> None:
    async with upstream(search_per_minute=2) as up:
        for _ in range(3):
            await up.cs.search_people(keywords="sales", count=1)
    statuses = [e.status for e in up.transport.to("/search/people")]
    assert statuses == [200, 200, 429, 200]
    assert clock.slept == [60.0]  # the minute window's reset, from X-RateLimit-Reset / holdUntil


async def test_search_rate_limit_beyond_the_bound_raises_with_retry_at(upstream, clock) -> None:
    settings = make_settings(None, CLIENT_SETTINGS, salesnav_retry_max_wait=30)
    async with upstream(search_per_minute=1, settings=settings) as up:
        await up.cs.search_people(count=1)
        with pytest.raises(RateLimitedError) as info:
            await up.cs.search_people(count=1)
    assert info.value.retry_at == datetime(2026, 11, 2, 9, 1, tzinfo=UTC)
    assert "2026-11-02 09:01:00 UTC" in str(info.value)
    assert clock.slept == []


async def test_daily_new_conversation_cap(upstream, clock) -> None:
    async with upstream(new_conversations_per_day=1) as up:
        first, second = await fresh_recipients(up.cs, 2, degrees=["F"])
        await up.cs.send_message(recipient_profile_id=first.profile_id, message="one")
        with pytest.raises(RateLimitedError) as info:
            await up.cs.send_message(recipient_profile_id=second.profile_id, message="two")
    assert info.value.retry_at == datetime(2026, 11, 3, tzinfo=UTC)
    assert info.value.code == "new_conversations"
    assert len(up.world.sent_messages) == 1
    assert len(up.transport.to("/conversations/send")) == 2  # a midnight hold is beyond the bound: no retry
    assert clock.slept == []

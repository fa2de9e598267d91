"""Canary: a distinctive API key and access token never show in errors, reprs or logs, whatever fails."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from salesnav_mcp.sandbox import FaultRule
from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    ENTERPRISE_CONTRACT,
    PROFESSIONAL_CONTRACT,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from salesnav_mcp.upstream import errors
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.errors import UpstreamError
from tests.support.settings import make_settings
from tests.upstream.helpers import CANARY_ACCESS_TOKEN, CANARY_API_KEY, CLIENT_SETTINGS, CS_BASE, fresh_recipients

pytestmark = pytest.mark.anyio

# Keys the sandbox refuses, still carrying the canaries.
INVALID_API_KEY = f"invalid-{CANARY_API_KEY}"
INVALID_TOKEN = f"invalid-{CANARY_ACCESS_TOKEN}"
CANARIES = (CANARY_API_KEY, CANARY_ACCESS_TOKEN)


def every_text_of(exc: BaseException) -> str:
    """Everything a caller or a log could show of an exception, its chain included."""
    parts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


async def test_canary_never_leaks(upstream, clock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    now = clock.now()
    window = {"start_at": now - timedelta(days=5), "end_at": now}
    faults = [
        FaultRule(route="GET /linkedin/inmail/credits", kind="trial_expired", times=1),
        FaultRule(route="GET /linkedin/account/status", kind="session_expired", times=1),
        FaultRule(route="GET /linkedin/conversations", kind="500", times=1),
        FaultRule(route="GET /linkedin/accounts", kind="429", retry_after=600, times=1),
        FaultRule(route="POST /linkedin/conversations/send", kind="hang_after_commit", delay=60, times=1),
        FaultRule(route="GET /v2/salesContracts", kind="connection_drop"),
    ]
    caught: list[UpstreamError] = []

    async def expect(error: type[UpstreamError], call: Callable[[], Awaitable[object]]) -> None:
        with pytest.raises(error) as info:
            await call()
        caught.append(info.value)

    settings = make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)
    async with upstream(faults=faults, settings=settings) as up:
        cs, snap = up.cs, up.snap
        await expect(errors.SubscriptionExpiredError, cs.get_inmail_credits)
        await expect(errors.SessionExpiredError, lambda: cs.get_account_status(BUSINESS_ACCOUNT_ID))
        await expect(errors.UpstreamFailure, cs.list_conversations)
        await expect(errors.RateLimitedError, cs.list_accounts)
        await expect(errors.AuthenticationError, up.connectsafely(INVALID_API_KEY).get_ssi)
        await expect(errors.AuthenticationError, up.partner(INVALID_TOKEN).get_sales_access_token)
        await expect(errors.NotFoundError, lambda: cs.get_ssi(account_id="0" * 24))
        await expect(errors.NoSeatError, lambda: cs.get_ssi(account_id=BUSINESS_ACCOUNT_ID))
        await expect(errors.ValidationError, lambda: cs.search_people(filters={"nope": 1}))
        await expect(errors.ValidationError, lambda: cs.send_message(recipient_profile_id="x", message="y" * 9000))
        prospects = await fresh_recipients(cs, 4, degrees=["S", "O"], account_id=SECOND_SALES_NAV_ACCOUNT_ID)
        jamie = SECOND_SALES_NAV_ACCOUNT_ID  # 3 InMail credits: the unknown-outcome send still spent one

        def inmail(n: int) -> Callable[[], Awaitable[object]]:
            return lambda: cs.send_message(account_id=jamie, recipient_profile_id=prospects[n].profile_id, message="m")

        await expect(errors.UnknownOutcomeError, inmail(0))
        await inmail(1)()
        await inmail(2)()
        await expect(errors.InsufficientCreditsError, inmail(3))
        await expect(errors.UpstreamFailure, snap.list_contracts)
        await expect(
            errors.PermissionDeniedError,
            lambda: snap.create_analytics_export("exportSeatData", contract=PROFESSIONAL_CONTRACT, **window),
        )
        job = await snap.create_analytics_export("exportSeatData", contract=ENTERPRISE_CONTRACT, **window)
        await expect(
            errors.ConflictError,
            lambda: snap.create_analytics_export("exportSeatData", contract=ENTERPRISE_CONTRACT, **window),
        )
        for _ in range(2):
            job = await snap.get_analytics_export(job.id, contract=ENTERPRISE_CONTRACT)
        clock.advance(timedelta(hours=2))
        await expect(errors.DownloadExpiredError, lambda: snap.download_export(job.download_url or ""))
        reprs = [repr(cs), repr(snap), repr(vars(cs)), repr(vars(snap)), repr(up.settings), str(up.settings)]
        reprs.append(up.settings.model_dump_json())

    # Every error class of the hierarchy was produced by a real failure.
    produced = {type(e) for e in caught}
    hierarchy = {
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, UpstreamError) and cls is not UpstreamError
    }
    assert produced == hierarchy

    texts = [every_text_of(e) for e in caught] + reprs
    texts += [record.getMessage() for record in caplog.records]
    texts += [record.exc_text or "" for record in caplog.records]
    # Our own log lines (retries at INFO, calls at DEBUG) were among those checked.
    assert any("retrying" in record.getMessage() for record in caplog.records)
    assert any(record.levelno == logging.DEBUG and record.name == "salesnav_mcp.upstream" for record in caplog.records)
    for text in texts:
        for canary in CANARIES:
            assert canary not in text
    # The requests did carry the credentials: the canaries were really in play.
    sent = [e.headers.get("authorization", "") for e in up.transport.exchanges]
    assert f"Bearer {CANARY_API_KEY}" in sent and f"Bearer {CANARY_ACCESS_TOKEN}" in sent
    assert f"Bearer {INVALID_API_KEY}" in sent and f"Bearer {INVALID_TOKEN}" in sent


async def test_canary_never_leaks_from_research_and_invitations(upstream, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    faults = [FaultRule(route="POST /linkedin/connect", kind="hang_after_commit", delay=60, times=1)]
    caught: list[UpstreamError] = []
    async with upstream(faults=faults, profile_views_per_day=1, connections_per_week=1) as up:
        cs = up.cs
        impatient = ConnectSafelyClient(
            settings=up.settings, base_url=CS_BASE, transport=up.transport, clock=up.clock, connect_timeout=0.2
        )
        up.extra_clients.append(impatient)
        leads = [
            lead for lead in up.world.leads if up.world.network.status(DEFAULT_ACCOUNT_ID, lead) == "NOT_CONNECTED"
        ]
        attempts: list[tuple[type[UpstreamError], Callable[[], Awaitable[object]]]] = [
            (errors.UnknownOutcomeError, lambda: impatient.send_connection_request(profile_urn=leads[0].profile_urn)),
            (errors.RateLimitedError, lambda: cs.send_connection_request(profile_urn=leads[1].profile_urn)),
            (errors.NotFoundError, lambda: cs.get_relationship("nobody-here-000000")),
            (errors.NotFoundError, lambda: cs.get_quota("0" * 24)),
            (errors.ValidationError, lambda: cs.withdraw_invitation(leads[2].profile_id)),
            (errors.NotFoundError, lambda: cs.get_company_details("no-such-company")),
            (errors.AuthenticationError, lambda: up.connectsafely(INVALID_API_KEY).get_profile(profile_id="x")),
        ]
        await cs.get_profile(profile_id=leads[3].profile_id)
        attempts.append((errors.RateLimitedError, lambda: cs.get_profile(profile_id=leads[4].profile_id)))
        for error, call in attempts:
            with pytest.raises(error) as info:
                await call()
            caught.append(info.value)
    texts = [every_text_of(e) for e in caught] + [record.getMessage() for record in caplog.records]
    assert all(canary not in text for text in texts for canary in CANARIES)
    assert f"Bearer {CANARY_API_KEY}" in [e.headers.get("authorization", "") for e in up.transport.exchanges]

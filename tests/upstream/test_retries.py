"""Retry timing and the unknown-outcome rule, with faults injected by the sandbox and a manual clock."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from salesnav_mcp.sandbox import FaultRule
from salesnav_mcp.upstream.errors import (
    RateLimitedError,
    UnknownOutcomeError,
    UpstreamFailure,
)
from salesnav_mcp.upstream.retry import RetryPolicy
from tests.support.settings import make_settings
from tests.upstream.helpers import CLIENT_SETTINGS, fresh_recipients

pytestmark = pytest.mark.anyio

SSI = "GET /linkedin/ssi"
SEND = "POST /linkedin/conversations/send"


def jitter(n: int, seed: int = 1) -> list[float]:
    """The first `n` full-jitter waits the clients draw from `random.Random(seed)` with the default policy."""
    rng, policy = random.Random(seed), RetryPolicy()
    return [policy.backoff(attempt, rng) for attempt in range(1, n + 1)]


# ------------------------------------------------------------------ reads: wait hints


@pytest.mark.parametrize(
    ("rule", "expected_wait"),
    [
        (FaultRule(route=SSI, kind="429", retry_after=2, times=1), 2.0),
        (FaultRule(route=SSI, kind="429", reset_style="unix", times=1), 60.0),
        (FaultRule(route=SSI, kind="429", reset_style="iso", times=1), 60.0),
        (FaultRule(route=SSI, kind="429", hold_until=True, times=1), 60.0),
        (FaultRule(route=SSI, kind="429", retry_after=5, reset_style="unix", hold_until=True, times=1), 5.0),
    ],
    ids=["retry-after", "reset-unix", "reset-iso", "hold-until", "all-three"],
)
async def test_read_waits_exactly_as_upstream_says(upstream, clock, rule, expected_wait) -> None:
    settings = make_settings(None, CLIENT_SETTINGS, salesnav_retry_max_wait=120)
    async with upstream(faults=[rule], settings=settings) as up:
        ssi = await up.cs.get_ssi()
    assert ssi.member_score.overall is not None
    assert clock.slept == [expected_wait]
    assert [e.status for e in up.transport.exchanges] == [429, 200]


async def test_wait_beyond_the_bound_raises_instead_of_sleeping(upstream, clock) -> None:
    start = clock.now()
    async with upstream(faults=[FaultRule(route=SSI, kind="429", retry_after=120, times=1)]) as up:
        with pytest.raises(RateLimitedError) as info:
            await up.cs.get_ssi()
    assert info.value.retry_at == start + timedelta(seconds=120)
    assert clock.slept == [] and len(up.transport.exchanges) == 1


async def test_total_wait_is_bounded_across_attempts(upstream, clock) -> None:
    """Two 25 s waits fit in 60 s; a third would not, so the error comes with retry_at instead."""
    settings = make_settings(None, CLIENT_SETTINGS, salesnav_retry_max_wait=60, salesnav_retry_attempts=10)
    async with upstream(faults=[FaultRule(route=SSI, kind="429", retry_after=25)], settings=settings) as up:
        with pytest.raises(RateLimitedError) as info:
            await up.cs.get_ssi()
    assert clock.slept == [25.0, 25.0]
    assert len(up.transport.exchanges) == 3
    assert info.value.retry_at == clock.now() + timedelta(seconds=25)


async def test_unhinted_429s_back_off_with_full_jitter_until_attempts_run_out(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route=SSI, kind="429")]) as up:
        with pytest.raises(RateLimitedError) as info:
            await up.cs.get_ssi()
    assert clock.slept == jitter(3)
    assert all(0 <= wait <= cap for wait, cap in zip(clock.slept, [0.5, 1.0, 2.0], strict=True))
    assert len(up.transport.exchanges) == 4  # salesnav_retry_attempts
    assert info.value.retry_at is None


# ------------------------------------------------------------------ reads: transient failures


@pytest.mark.parametrize("kind", ["502", "503", "504", "connection_drop", "timeout"])
async def test_transient_failure_then_success_on_a_read(upstream, clock, kind) -> None:
    rule = FaultRule(route=SSI, kind=kind, times=1, delay=5)
    async with upstream(faults=[rule], settings=make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)) as up:
        ssi = await up.cs.get_ssi()
    assert ssi.account_id
    assert clock.slept == jitter(1)
    assert len(up.transport.exchanges) == 2


async def test_search_post_is_retried_like_a_read(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route="POST /linkedin/search/people", kind="503", times=2)]) as up:
        result = await up.cs.search_people(keywords="", count=3)
    assert len(result.people) == 3
    assert clock.slept == jitter(2)


async def test_read_that_keeps_timing_out_fails_after_its_attempts(upstream) -> None:
    settings = make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2, salesnav_retry_attempts=2)
    async with upstream(faults=[FaultRule(route=SSI, kind="timeout", delay=5)], settings=settings) as up:
        with pytest.raises(UpstreamFailure, match=r"no answer within 0.2 s.*Gave up after 2 attempts"):
            await up.cs.get_ssi()
    assert len(up.transport.exchanges) == 2


async def test_persistent_gateway_errors_give_up_as_upstream_failure(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route=SSI, kind="502")]) as up:
        with pytest.raises(UpstreamFailure, match="HTTP 502"):
            await up.cs.get_ssi()
    assert len(up.transport.exchanges) == 4 and clock.slept == jitter(3)


# ------------------------------------------------------------------ sends: never repeated once they may have landed


async def _send_to_fresh_connection(up) -> None:
    (person,) = await fresh_recipients(up.cs, 1, degrees=["F"])
    up.transport.exchanges.clear()
    await up.cs.send_message(recipient_profile_id=person.profile_id, message="Hello there")


async def test_timeout_after_commit_is_unknown_outcome_and_not_retried(upstream, clock) -> None:
    rule = FaultRule(route=SEND, kind="hang_after_commit", delay=60, times=1)
    async with upstream(faults=[rule], settings=make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)) as up:
        with pytest.raises(UnknownOutcomeError, match="no answer within 0.2 s after the request was sent"):
            await _send_to_fresh_connection(up)
    assert len(up.world.sent_messages) == 1  # it did happen upstream
    assert len(up.transport.to("/conversations/send")) == 1
    assert clock.slept == []


@pytest.mark.parametrize("kind", ["timeout", "connection_drop", "502", "503", "504", "malformed"])
async def test_send_failures_that_may_have_landed_are_unknown_outcomes(upstream, clock, kind) -> None:
    rule = FaultRule(route=SEND, kind=kind, delay=5, times=1)
    async with upstream(faults=[rule], settings=make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)) as up:
        with pytest.raises(UnknownOutcomeError):
            await _send_to_fresh_connection(up)
    assert len(up.transport.to("/conversations/send")) == 1
    assert clock.slept == []


async def test_send_500_is_a_failure_not_retried(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route=SEND, kind="500", times=1)]) as up:
        with pytest.raises(UpstreamFailure):
            await _send_to_fresh_connection(up)
    assert len(up.transport.to("/conversations/send")) == 1 and up.world.sent_messages == []


async def test_send_429_with_retry_after_was_not_processed_so_it_is_retried(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route=SEND, kind="429", retry_after=2, times=1)]) as up:
        await _send_to_fresh_connection(up)
    assert [e.status for e in up.transport.to("/conversations/send")] == [429, 200]
    assert clock.slept == [2.0]
    assert len(up.world.sent_messages) == 1


async def test_send_429_without_a_hint_is_not_retried(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route=SEND, kind="429", times=1)]) as up:
        with pytest.raises(RateLimitedError):
            await _send_to_fresh_connection(up)
    assert len(up.transport.to("/conversations/send")) == 1 and clock.slept == []


async def test_sales_nav_send_and_upload_follow_the_same_rule(upstream) -> None:
    faults = [
        FaultRule(route="POST /linkedin/sales-nav/send", kind="hang_after_commit", delay=60, times=1),
        FaultRule(route="POST /linkedin/conversations/upload-attachment", kind="hang_after_commit", delay=60, times=1),
    ]
    async with upstream(faults=faults, settings=make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)) as up:
        thread = next(c for c in (await up.cs.list_conversations(count=100)).conversations if c.is_sales_navigator)
        with pytest.raises(UnknownOutcomeError):
            await up.cs.send_sales_nav_message(body="hi", thread_id=thread.sales_nav_thread_id)
        with pytest.raises(UnknownOutcomeError):
            await up.cs.upload_attachment(b"data", filename="a.txt", media_type="text/plain")
    assert len(up.world.sent_messages) == 1 and len(up.world.attachments) == 1
    assert len(up.transport.to("/sales-nav/send")) == 1
    assert len(up.transport.to("/conversations/upload-attachment")) == 1


# ------------------------------------------------------------------ partner API


async def test_partner_throttle_on_a_read_backs_off(upstream, clock) -> None:
    async with upstream(faults=[FaultRule(route="GET /v2/salesContracts", kind="429", times=2)]) as up:
        contracts = await up.snap.list_contracts()
    assert len(contracts.elements) == 2
    assert clock.slept == jitter(2)


async def test_partner_export_create_is_not_repeated(upstream, clock) -> None:
    faults = [FaultRule(route="POST /v2/salesAnalyticsExportJobs", kind="429", times=1)]
    async with upstream(faults=faults) as up:
        with pytest.raises(RateLimitedError):
            await up.snap.create_analytics_export(
                "exportSeatData", contract="urn:li:salesContract:12345", start_at=0, end_at=86_400_000
            )
    assert len(up.transport.exchanges) == 1 and clock.slept == []


async def test_partner_export_create_timeout_after_commit_is_unknown(upstream) -> None:
    faults = [FaultRule(route="POST /v2/crmDataValidationExportJobs", kind="hang_after_commit", delay=60, times=1)]
    async with upstream(faults=faults, settings=make_settings(None, CLIENT_SETTINGS, salesnav_http_timeout=0.2)) as up:
        with pytest.raises(UnknownOutcomeError):
            await up.snap.create_crm_validation_export("sf-1", export_start_at=0)
    assert len(up.world.crm_jobs) == 1 and len(up.transport.exchanges) == 1

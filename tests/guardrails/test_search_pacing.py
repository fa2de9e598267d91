from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import PaceLimitReached, build_guardrails
from salesnav_mcp.guardrails.pacing import MARGIN
from salesnav_mcp.store import open_store
from tests.support.settings import make_settings
from tests.support.store import ACCOUNT, OTHER_ACCOUNT

pytestmark = pytest.mark.anyio


async def test_minute_window_waits_until_the_oldest_call_leaves(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    pacer = make_guardrails(salesnav_search_per_minute=3).pacer
    for _ in range(3):
        assert await pacer.acquire(ACCOUNT) == 0
        clock.advance(10)
    # Calls at t=0, 10, 20; now t=30: the t=0 call leaves the window (a minute plus the safety margin)
    # at t=60+MARGIN.
    waited = await pacer.acquire(ACCOUNT)
    assert waited == pytest.approx(30.0 + MARGIN)
    assert clock.slept == [pytest.approx(30.0 + MARGIN)]
    # The next slot frees when the t=10 call leaves, at t=70+MARGIN.
    assert await pacer.acquire(ACCOUNT) == pytest.approx(10.0)


async def test_the_minute_window_keeps_a_margin_for_upstream_latency(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    # Upstream counts a call when it arrives: a call granted exactly a minute after the previous one
    # could land inside that one's minute if it travels faster, so the pacer waits the margin too.
    pacer = make_guardrails(salesnav_search_per_minute=1).pacer
    await pacer.acquire(ACCOUNT)
    clock.advance(60)
    assert await pacer.acquire(ACCOUNT) == pytest.approx(MARGIN)
    assert 1.0 <= MARGIN <= 5.0  # enough for network spread, small against a minute


async def test_accounts_are_paced_separately(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    pacer = make_guardrails(salesnav_search_per_minute=1).pacer
    await pacer.acquire(ACCOUNT)
    assert await pacer.acquire(OTHER_ACCOUNT) == 0
    assert clock.slept == []


async def test_pacing_survives_a_restart(tmp_path: Path, store_url: str | None, clock: ManualClock) -> None:
    settings = make_settings(tmp_path, salesnav_store_url=store_url, salesnav_search_per_minute=2)
    async with await open_store(settings) as first:
        pacer = build_guardrails(first, settings, clock).pacer
        await pacer.acquire(ACCOUNT)
        clock.advance(5)
        await pacer.acquire(ACCOUNT)

    clock.advance(5)
    async with await open_store(settings) as second:
        pacer = build_guardrails(second, settings, clock).pacer
        assert await pacer.acquire(ACCOUNT) == pytest.approx(50.0 + MARGIN)


async def test_day_limit_refuses_with_the_time_it_frees(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_search_per_minute=30, salesnav_search_per_day=5)
    first_call = clock.now()
    for _ in range(5):
        await guards.pacer.acquire(ACCOUNT)
        clock.advance(timedelta(minutes=30))

    with pytest.raises(PaceLimitReached) as refused:
        await guards.pacer.acquire(ACCOUNT)
    assert refused.value.retry_at == first_call + timedelta(days=1)
    assert "5 search calls per day" in str(refused.value) and "2026-11-03 09:00:00 UTC" in str(refused.value)
    assert clock.slept == []  # refused at once, not after hours of waiting
    assert [e.kind for e in await guards.audit.entries()] == ["pace.refused"]

    clock.advance(refused.value.retry_at - clock.now())
    assert await guards.pacer.acquire(ACCOUNT) == 0

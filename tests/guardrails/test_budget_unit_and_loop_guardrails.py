"""Guardrails of the prospecting loop, on both stores: the budget's unit (a search, or each page walked), plain
searches that never spend it, the daily quota of profile views, and replies recorded once with their audit."""

from __future__ import annotations

from datetime import timedelta

import anyio
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import BudgetExhausted, Guardrails, PaceLimitReached
from salesnav_mcp.store import InboundMessage
from tests.support.store import ACCOUNT

pytestmark = pytest.mark.anyio


def people(*ids: str) -> list[dict[str, str]]:
    return [{"profileUrn": f"urn:li:fsd_profile:{i}"} for i in ids]


def by_urn(item: dict[str, str]) -> str:
    return item["profileUrn"]


async def walk(guards: Guardrails, key: str, pages: int) -> tuple[int, bool]:
    """A search walking up to `pages` pages, one at a time; (pages fetched, stopped by the budget)."""
    fetched = 0
    async with guards.budget.search(ACCOUNT, key) as lease:
        for page in range(pages):
            if await lease.take_pages(1) == 0:
                break
            await lease.record_page(people(f"{key}{page}"), key=by_urn, next_offset=(page + 1) * 100)
            fetched += 1
    return fetched, lease.budget_stopped


async def test_in_the_search_unit_pages_are_free(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=3)
    assert await walk(guards, "people|a", 8) == (8, False)
    status = await guards.budget.status(ACCOUNT)
    assert (status.unit, status.used, status.remaining) == ("search", 1, 2)


async def test_in_the_page_unit_every_page_walked_costs_one(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=5, salesnav_search_budget_unit="page")
    assert await walk(guards, "people|a", 3) == (3, False)
    status = await guards.budget.status(ACCOUNT)
    assert (status.unit, status.used, status.remaining, status.as_dict()["unit"]) == ("page", 3, 2, "page")
    assert await walk(guards, "people|b", 4) == (2, True)  # stops when the month's pages run out
    assert (await guards.budget.status(ACCOUNT)).remaining == 0
    with pytest.raises(BudgetExhausted):
        await walk(guards, "people|c", 1)
    charged = [e.details["pages"] for e in await guards.audit.entries(kinds=["search.pages_charged"])]
    assert charged == [1, 1, 1]  # the pages past each search's first


async def test_concurrent_searches_never_overspend_pages(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=10, salesnav_search_budget_unit="page",
                             salesnav_budget_warn_ratio=1.0)
    walked: list[int] = []

    async def one(i: int) -> None:
        try:
            walked.append((await walk(guards, f"people|q{i}", 5))[0])
        except BudgetExhausted:
            walked.append(0)

    async with anyio.create_task_group() as tg:
        for i in range(6):
            tg.start_soon(one, i)
    status = await guards.budget.status(ACCOUNT)
    assert sum(walked) == status.used == 10 and status.pending == 0


async def test_pages_of_a_failed_wave_are_given_back(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_search_budget_unit="page")
    async with guards.budget.search(ACCOUNT, "people|a") as lease:
        assert await lease.take_pages(1) == 1  # held by the reservation
        await lease.record_page(people("x"), key=by_urn, next_offset=100)
        assert await lease.take_pages(3) == 3
        await lease.refund_pages(3)
    assert (await guards.budget.status(ACCOUNT)).used == 1
    assert [e.kind for e in await guards.audit.entries(kinds=["search.pages_charged", "search.pages_refunded"])] == [
        "search.pages_charged",
        "search.pages_refunded",
    ]


async def test_plain_searches_are_stored_but_never_charged(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=1, salesnav_search_budget_unit="page")
    for round_ in range(2):
        async with guards.budget.search(ACCOUNT, "people|linkedin:{}", engine="linkedin") as lease:
            assert lease.cached == (round_ == 1)
            assert await lease.take_pages(4) == 4
            if not lease.cached:
                await lease.record_page(people("p"), key=by_urn, next_offset=100, complete=True)
        assert lease.search.engine == "linkedin"
    status = await guards.budget.status(ACCOUNT)
    assert (status.used, status.pending, status.remaining) == (0, 0, 1)
    assert await walk(guards, "people|sn", 1) == (1, False)  # the one Sales Navigator page is still there


async def test_profile_views_are_paced_under_the_daily_quota(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_profile_views_per_day=2)
    views = guards.profile_views
    assert (await views.take(ACCOUNT, "a")).used == 1
    clock.advance(timedelta(hours=1))
    assert (await views.take(ACCOUNT, "b")).remaining == 0
    assert (await views.take(ACCOUNT, "a")).used == 2  # the same profile again: no new slot
    with pytest.raises(PaceLimitReached) as refused:
        await views.take(ACCOUNT, "c")
    assert "2 distinct profile views per 24 hours" in str(refused.value)
    # Both profiles were last fetched an hour in: the first slot frees a day after that.
    assert refused.value.retry_at == clock.now() + timedelta(hours=24)
    [entry] = await guards.audit.entries(kinds=["pace.refused"])
    assert entry.details["kind"] == "profile_view"
    clock.advance(timedelta(hours=24, seconds=1))
    assert (await views.take(ACCOUNT, "c")).used == 1  # a and b left the window


async def test_a_reply_is_recorded_once_and_audited_once(guards: Guardrails, clock: ManualClock) -> None:
    message = InboundMessage(
        message_urn="urn:li:msg:1", account_id=ACCOUNT, conversation_urn="urn:li:c:1", sender_urn=None,
        sender_public_id=None, sender_name="x", text="hi", sent_at=clock.now(), via="webhook", recorded_at=clock.now(),
    )
    first = await guards.replies.record([message])
    second = await guards.replies.record([message])
    assert [o.new for o in first + second] == [True, False]
    assert await guards.audit.entries(kinds=["reply.received"]) == []  # it answered no draft
    await guards.replies.refused_delivery("missing or invalid X-Webhook-Signature", remote="203.0.113.9", folded=4)
    [refusal] = await guards.audit.entries(kinds=["webhook.refused"])
    assert refusal.details == {"reason": "missing or invalid X-Webhook-Signature", "remote": "203.0.113.9", "folded": 4}

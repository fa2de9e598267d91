from __future__ import annotations

from datetime import UTC, datetime, timedelta

import anyio
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import (
    BudgetConfirmationRequired,
    BudgetExhausted,
    Guardrails,
    ReservationLapsed,
    SearchLease,
)
from salesnav_mcp.guardrails.budget import BudgetRule, month_key, next_month_start
from tests.support.store import ACCOUNT, OTHER_ACCOUNT

pytestmark = pytest.mark.anyio

URL = "https://www.linkedin.com/sales/search/people?query=(keywords:cto)"


def people(*ids: str) -> list[dict[str, str]]:
    return [{"profileUrn": f"urn:li:fsd_profile:{i}", "firstName": i} for i in ids]


def by_urn(item: dict[str, str]) -> str:
    return item["profileUrn"]


async def run_search(guards: Guardrails, key: str, *, account: str = ACCOUNT, confirmed: bool = False) -> SearchLease:
    async with guards.budget.search(account, key, confirmed=confirmed) as lease:
        if not lease.cached:
            await lease.record_page(people(key[-8:]), key=by_urn, next_offset=25, total=1, complete=True)
    return lease


async def test_reserve_then_commit_charges_one_search(guards: Guardrails) -> None:
    before = await guards.budget.status(ACCOUNT)
    assert (before.used, before.pending, before.remaining, before.limit) == (0, 0, 300, 300)

    async with guards.budget.search(ACCOUNT, URL) as lease:
        assert not lease.cached
        inside = await guards.budget.status(ACCOUNT)
        assert (inside.used, inside.pending, inside.remaining) == (0, 1, 299)
        search = await lease.record_page(people("a", "b"), key=by_urn, next_offset=25, total=40, complete=False)
        assert search.status == "committed"

    after = await guards.budget.status(ACCOUNT)
    assert (after.used, after.pending, after.remaining) == (1, 0, 299)
    kinds = [e.kind for e in await guards.audit.entries()]
    assert kinds == ["search.reserved", "search.committed"]


async def test_failure_inside_the_block_releases_without_charge(guards: Guardrails) -> None:
    with pytest.raises(RuntimeError):
        async with guards.budget.search(ACCOUNT, URL) as lease:
            raise RuntimeError("upstream failed")
    assert (await guards.store.get_search(lease.search_id)).status == "released"  # type: ignore[union-attr]
    status = await guards.budget.status(ACCOUNT)
    assert (status.used, status.pending) == (0, 0)
    released = [e for e in await guards.audit.entries() if e.kind == "search.released"]
    assert released[0].details["reason"] == "failed: RuntimeError"


async def test_leaving_the_block_without_a_result_is_free(guards: Guardrails) -> None:
    async with guards.budget.search(ACCOUNT, URL) as lease:
        pass
    assert (await guards.store.get_search(lease.search_id)).status == "released"  # type: ignore[union-attr]
    assert (await guards.budget.status(ACCOUNT)).used == 0


async def test_cancellation_releases_the_reservation(guards: Guardrails) -> None:
    entered = anyio.Event()
    leases: list[SearchLease] = []

    async def searching() -> None:
        async with guards.budget.search(ACCOUNT, URL) as lease:
            leases.append(lease)
            entered.set()
            await anyio.sleep_forever()

    async with anyio.create_task_group() as tg:
        tg.start_soon(searching)
        await entered.wait()
        tg.cancel_scope.cancel()

    assert (await guards.store.get_search(leases[0].search_id)).status == "released"  # type: ignore[union-attr]
    status = await guards.budget.status(ACCOUNT)
    assert (status.used, status.pending) == (0, 0)
    released = [e for e in await guards.audit.entries() if e.kind == "search.released"]
    assert released[0].details["reason"] == "cancelled"


async def test_error_after_a_recorded_page_stays_charged(guards: Guardrails) -> None:
    # The upstream call happened: the search is spent even if later processing fails.
    with pytest.raises(ValueError):
        async with guards.budget.search(ACCOUNT, URL) as lease:
            await lease.record_page(people("a"), key=by_urn, next_offset=25, total=1, complete=True)
            raise ValueError("shaping the result failed")
    assert (await guards.budget.status(ACCOUNT)).used == 1


async def test_identical_query_in_cache_window_is_free_and_served_from_store(
    guards: Guardrails, clock: ManualClock
) -> None:
    async with guards.budget.search(ACCOUNT, URL) as first:
        await first.record_page(people("a", "b", "c"), key=by_urn, next_offset=3, total=5, complete=False)

    clock.advance(timedelta(hours=23))
    async with guards.budget.search(ACCOUNT, URL) as again:
        assert again.cached and again.search_id == first.search_id
        page = await guards.budget.page(again.search_id, 1, 10)
        assert page is not None and [p["firstName"] for p in page.items] == ["b", "c"]
        # The next upstream page of a cached search is appended for free; duplicates are dropped.
        await again.record_page(people("c", "d", "e"), key=by_urn, next_offset=6, total=5, complete=True)

    stored = await guards.budget.page(first.search_id, 0, 100)
    assert stored is not None
    assert [p["firstName"] for p in stored.items] == ["a", "b", "c", "d", "e"]
    assert stored.search.item_count == 5 and stored.search.complete and stored.search.next_offset == 6
    assert (await guards.budget.status(ACCOUNT)).used == 1

    # Past the cache window the same query is a new, charged search.
    clock.advance(timedelta(hours=2))
    fresh = await run_search(guards, URL)
    assert not fresh.cached and fresh.search_id != first.search_id
    assert (await guards.budget.status(ACCOUNT)).used == 2


async def test_cache_is_per_account(guards: Guardrails) -> None:
    await run_search(guards, URL, account=ACCOUNT)
    other = await run_search(guards, URL, account=OTHER_ACCOUNT)
    assert not other.cached
    assert (await guards.budget.status(OTHER_ACCOUNT)).used == 1


async def test_warning_threshold_requires_confirmation(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=10, salesnav_budget_warn_ratio=0.8)
    for i in range(8):
        await run_search(guards, f"q{i}")
    status = await guards.budget.status(ACCOUNT)
    assert status.needs_confirmation and status.used == 8 and status.confirm_from == 8

    with pytest.raises(BudgetConfirmationRequired) as refused:
        await run_search(guards, "q8")
    assert refused.value.status.used == 8 and refused.value.status.remaining == 2
    assert "search 9 of 10" in str(refused.value) and "confirmed=true" in str(refused.value)
    assert (await guards.budget.status(ACCOUNT)).pending == 0  # the refusal reserved nothing

    await run_search(guards, "q8", confirmed=True)
    assert (await guards.budget.status(ACCOUNT)).used == 9


async def test_threshold_is_exact_despite_float_rounding(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    # 25 * 0.28 is 7.000000000000001 in floating point: the threshold must still be 7, not 8.
    guards = make_guardrails(salesnav_monthly_search_budget=25, salesnav_budget_warn_ratio=0.28)
    for i in range(6):
        await run_search(guards, f"k{i}")
    status = await guards.budget.status(ACCOUNT)
    assert status.used == 6 and not status.needs_confirmation and status.confirm_from == 7
    await run_search(guards, "the-7th")  # search 7 itself needs no confirmation
    assert (await guards.budget.status(ACCOUNT)).needs_confirmation
    with pytest.raises(BudgetConfirmationRequired):
        await run_search(guards, "the-8th")


async def test_exhausted_budget_refuses_with_reset_date_but_cache_still_serves(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=2, salesnav_budget_warn_ratio=1.0)
    await run_search(guards, "a")
    await run_search(guards, "b")
    with pytest.raises(BudgetExhausted) as exhausted:
        await run_search(guards, "c")
    message = str(exhausted.value)
    assert "2 of 2" in message and "resets on 2026-12-01 00:00 UTC" in message
    assert exhausted.value.status.remaining == 0
    cached = await run_search(guards, "a")
    assert cached.cached
    refused = [e for e in await guards.audit.entries() if e.kind == "search.refused"]
    assert refused[0].details["reason"] == "exhausted"


async def test_month_rollover_resets_the_budget(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(datetime(2026, 11, 30, 23, 58, tzinfo=UTC) - clock.now())
    guards = make_guardrails(salesnav_monthly_search_budget=1, salesnav_budget_warn_ratio=1.0)
    await run_search(guards, "a")
    with pytest.raises(BudgetExhausted):
        await run_search(guards, "b")

    clock.advance(timedelta(minutes=3))  # 2026-12-01 00:01 UTC
    status = await guards.budget.status(ACCOUNT)
    assert (status.month, status.used, status.remaining) == ("2026-12", 0, 1)
    assert status.resets_at == datetime(2027, 1, 1, tzinfo=UTC)
    await run_search(guards, "b")
    assert (await guards.budget.status(ACCOUNT)).used == 1


def test_month_helpers_roll_over_the_year() -> None:
    assert next_month_start(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)) == datetime(2027, 1, 1, tzinfo=UTC)
    assert next_month_start(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(2026, 2, 1, tzinfo=UTC)
    assert month_key(datetime(2026, 3, 31, 23, 0, tzinfo=UTC)) == "2026-03"


async def test_stale_reservation_of_a_dead_process_expires(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=1, salesnav_budget_warn_ratio=1.0)
    # A process reserved and died: the reservation row is all that is left of it.
    dead = await guards.store.reserve_search(
        account_id=ACCOUNT,
        query_key="lost",
        month=month_key(clock.now()),
        now=clock.now(),
        cache_since=clock.now() - timedelta(days=1),
        stale_before=clock.now() - timedelta(minutes=10),
        decide=BudgetRule(limit=1, confirm_from=None).decide,
    )
    assert dead.outcome == "reserved"
    with pytest.raises(BudgetExhausted, match="1 in flight"):
        await run_search(guards, "next")

    clock.advance(guards.budget.reservation_timeout + timedelta(seconds=1))
    status = await guards.budget.status(ACCOUNT)
    assert (status.used, status.pending, status.remaining) == (0, 0, 1)
    await run_search(guards, "next")
    assert (await guards.store.get_search(dead.search.id)).status == "expired"  # type: ignore[union-attr]
    expired = [e for e in await guards.audit.entries() if e.kind == "search.expired"]
    assert expired[0].details["search_ids"] == [dead.search.id]  # type: ignore[union-attr]


async def test_a_search_that_waited_past_its_reservation_is_never_charged_on_top(  # type: ignore[no-untyped-def]
    make_guardrails, clock: ManualClock
) -> None:
    guards = make_guardrails(salesnav_monthly_search_budget=1, salesnav_budget_warn_ratio=1.0)
    timeout = guards.budget.reservation_timeout
    async with guards.budget.search(ACCOUNT, "patient") as patient:
        clock.advance(timeout - timedelta(minutes=1))
        await patient.renew()  # still holds: it counts again from now
        clock.advance(timeout - timedelta(minutes=1))
        assert (await guards.budget.status(ACCOUNT)).pending == 1
        await patient.record_page(people("p"), key=by_urn, next_offset=25, total=1, complete=True)
    guards = make_guardrails(salesnav_monthly_search_budget=1, salesnav_budget_warn_ratio=1.0)
    other = OTHER_ACCOUNT
    async with guards.budget.search(other, "slow") as slow:
        clock.advance(timeout + timedelta(seconds=1))  # it waited (for a pacing slot, say) past the timeout
        await run_search(guards, "quick", account=other)  # its lapsed unit went to another search
        with pytest.raises(ReservationLapsed, match="nothing was searched and nothing was charged"):
            await slow.renew()
    status = await guards.budget.status(other)
    assert (status.used, status.pending, status.limit) == (1, 0, 1)

async def test_status_reads_never_spend(guards: Guardrails) -> None:
    for _ in range(5):
        status = await guards.budget.status(ACCOUNT)
    assert (status.used, status.pending) == (0, 0)
    assert await guards.audit.entries() == []
    assert status.as_dict() == {
        "unit": "search",
        "used": 0,
        "limit": 300,
        "remaining": 300,
        "resets_at": "2026-12-01T00:00:00+00:00",
        "warn": False,
        "pending": 0,
    }


async def test_concurrent_tasks_never_overspend(make_guardrails) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(salesnav_monthly_search_budget=5, salesnav_budget_warn_ratio=1.0)
    outcomes: list[str] = []

    async def one(i: int) -> None:
        try:
            async with guards.budget.search(ACCOUNT, f"q{i}") as lease:
                await anyio.sleep(0.01)
                await lease.record_page(people(str(i)), key=by_urn, next_offset=25, complete=True)
            outcomes.append("ok")
        except BudgetExhausted:
            outcomes.append("refused")

    async with anyio.create_task_group() as tg:
        for i in range(30):
            tg.start_soon(one, i)
    assert outcomes.count("ok") == 5 and outcomes.count("refused") == 25
    assert (await guards.budget.status(ACCOUNT)).used == 5


async def test_old_result_items_are_purged_but_budget_history_stays(guards: Guardrails, clock: ManualClock) -> None:
    async with guards.budget.search(ACCOUNT, URL) as old:
        await old.record_page(people("a", "b"), key=by_urn, next_offset=2, total=2, complete=True)
    clock.advance(timedelta(days=6))
    await run_search(guards, "recent")
    assert len((await guards.budget.page(old.search_id, 0, 10)).items) == 2  # type: ignore[union-attr]

    clock.advance(timedelta(days=1, seconds=1))
    await run_search(guards, "newer")  # a new reservation purges at most hourly
    page = await guards.budget.page(old.search_id, 0, 10)
    assert page is not None and page.items == [] and page.search.status == "committed"
    assert (page.search.item_count, page.search.next_offset, page.search.complete) == (0, 0, False)
    assert (await guards.budget.status(ACCOUNT)).used == 3

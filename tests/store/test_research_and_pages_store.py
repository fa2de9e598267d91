"""The store's research and page-budget operations on both databases: the profile cache, distinct profile views
under the daily quota, and pages charged to searches (the page unit; plain searches never count)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salesnav_mcp.store import Store, StoredProfile, open_store
from salesnav_mcp.store.schema import LATEST_VERSION
from tests.support.settings import make_settings
from tests.support.store import sqlite_at_version

pytestmark = pytest.mark.anyio

ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)


async def test_profiles_are_kept_per_account_and_found_while_fresh(store: Store) -> None:
    profile = StoredProfile(ACCOUNT, "jane-doe", "urn:li:fsd_profile:ACoAAJane", {"profile": {"firstName": "Jane"}}, T0)
    await store.save_profile(profile)
    fresh = await store.cached_profile(account_id=ACCOUNT, public_id="jane-doe", fetched_since=T0 - timedelta(hours=6))
    assert fresh == profile
    assert await store.cached_profile(account_id=ACCOUNT, public_id="jane-doe", fetched_since=T0 + timedelta(seconds=1)) is None
    assert await store.cached_profile(account_id="x" * 24, public_id="jane-doe", fetched_since=T0 - DAY) is None
    later = StoredProfile(ACCOUNT, "jane-doe", "urn:li:fsd_profile:ACoAAJane", {"profile": {"firstName": "J"}}, T0 + DAY)
    await store.save_profile(later)
    assert await store.cached_profile(account_id=ACCOUNT, public_id="jane-doe", fetched_since=T0) == later


async def test_profile_views_count_distinct_profiles_in_a_rolling_day(store: Store) -> None:
    async def take(public_id: str, at: datetime) -> tuple[bool, int, bool, datetime | None]:
        d = await store.take_profile_view(account_id=ACCOUNT, public_id=public_id, now=at, limit=3, window=DAY)
        return d.granted, d.used, d.new, d.retry_at

    assert await take("a", T0) == (True, 1, True, None)
    assert await take("b", T0 + timedelta(hours=1)) == (True, 2, True, None)
    assert await take("a", T0 + timedelta(hours=2)) == (True, 2, False, None)  # counted already: no new slot
    assert await take("c", T0 + timedelta(hours=3)) == (True, 3, True, None)
    # Full: a new profile waits until the first slot frees, which is b's (a was fetched again later).
    assert await take("d", T0 + timedelta(hours=4)) == (False, 3, False, T0 + timedelta(hours=1) + DAY)
    assert await take("c", T0 + timedelta(hours=5)) == (True, 3, False, None)  # a counted one still may
    used, frees = await store.profile_views_used(account_id=ACCOUNT, since=T0 + timedelta(hours=5) - DAY)
    assert (used, frees) == (3, T0 + timedelta(hours=1))
    assert await take("d", T0 + timedelta(hours=1) + DAY + timedelta(seconds=1)) == (True, 3, True, None)


async def reserve(store: Store, key: str, *, engine: str = "sales_navigator", unit: str = "search") -> str:
    result = await store.reserve_search(
        account_id=ACCOUNT,
        query_key=key,
        month="2026-11",
        now=T0,
        cache_since=T0 - DAY,
        stale_before=T0 - timedelta(minutes=10),
        decide=lambda counts, cached: "reserved",
        engine=engine,  # type: ignore[arg-type]
        unit=unit,  # type: ignore[arg-type]
    )
    assert result.search is not None
    await store.record_search_page(result.search.id, [], next_offset=100, total=None, complete=False, now=T0, commit=True)
    return result.search.id


async def counts(store: Store, unit: str) -> tuple[int, int]:
    c = await store.budget_counts(account_id=ACCOUNT, month="2026-11", stale_before=T0 - timedelta(minutes=10), unit=unit)  # type: ignore[arg-type]
    return c.used, c.pending


async def test_pages_are_charged_up_to_the_limit_and_refunded(store: Store) -> None:
    first = await reserve(store, "people|a")
    second = await reserve(store, "people|b")
    plain = await reserve(store, "people|linkedin:{}", engine="linkedin")
    assert await counts(store, "search") == (2, 0)
    assert await counts(store, "page") == (2, 0)  # each charged search holds its first page
    granted, before = await store.charge_search_pages(first, pages=3, limit=6, stale_before=T0, now=T0)
    assert (granted, before.used) == (3, 2)
    granted, _ = await store.charge_search_pages(second, pages=3, limit=6, stale_before=T0, now=T0)
    assert granted == 1  # only one page left in the month
    assert await counts(store, "page") == (6, 0) and await counts(store, "search") == (2, 0)
    await store.refund_search_pages(first, pages=2, now=T0)
    assert await counts(store, "page") == (4, 0)
    await store.refund_search_pages(first, pages=10, now=T0)  # never below the first page
    assert (await store.get_search(first)).pages == 1  # type: ignore[union-attr]
    record = await store.get_search(plain)
    assert record is not None and record.engine == "linkedin" and record.status == "committed"


async def test_migration_4_charges_every_earlier_search_its_first_page(tmp_path: Path) -> None:
    """On a SQLite file made by version 3 (PostgreSQL runs the same statements: store/schema.py)."""
    data = tmp_path / "data"
    conn = sqlite_at_version(data, 3)
    for i, status in enumerate(("committed", "released", "committed")):
        conn.execute(
            "INSERT INTO searches (id, account_id, query_key, month, status, created_at, updated_at) "
            "VALUES (?, ?, 'people|x', '2026-11', ?, 0, 0)",
            (f"s_{i}", ACCOUNT, status),
        )
    conn.commit()
    conn.close()
    async with await open_store(make_settings(data)) as store:
        assert await store.schema_version() == LATEST_VERSION
        records = [await store.get_search(f"s_{i}") for i in range(3)]
        assert [(r.engine, r.pages) for r in records if r] == [("sales_navigator", 1), ("sales_navigator", 0),
                                                              ("sales_navigator", 1)]
        c = await store.budget_counts(account_id=ACCOUNT, month="2026-11", stale_before=T0, unit="page")
        assert c.used == 2

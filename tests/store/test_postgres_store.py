"""What only the PostgreSQL store has: URLs, its migrations, connection errors, cancellation.

Everything the two stores share runs on both through the parametrized `store` fixture.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import psycopg
import pytest

from salesnav_mcp.guardrails.budget import BudgetRule
from salesnav_mcp.store import StoreError, open_store
from salesnav_mcp.store.postgres import PostgresStore, _lock_key
from salesnav_mcp.store.schema import LATEST_VERSION
from tests.support.settings import make_settings
from tests.support.store import ACCOUNT, PG_URL, temporary_schema

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]


async def test_open_migrates_the_schema_in_the_search_path(tmp_path: Path) -> None:
    with temporary_schema() as url:
        async with await open_store(make_settings(tmp_path, salesnav_store_url=url)) as store:
            assert isinstance(store, PostgresStore)
            assert await store.schema_version() == LATEST_VERSION
            await store.kv_setdefault("k", "v")
        assert versions(url) == list(range(1, LATEST_VERSION + 1))
        assert not (tmp_path / "salesnav.db").exists()  # nothing written to the data dir


async def test_replicas_starting_together_migrate_once() -> None:
    with temporary_schema() as url:
        stores: list[PostgresStore] = []

        async def opener() -> None:
            stores.append(await PostgresStore.open(url, pool_size=1))

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(opener)
        assert await stores[0].kv_setdefault("k", "first") == "first"
        for store in stores:
            assert await store.kv_get("k") == "first"
            await store.close()
        assert versions(url) == list(range(1, LATEST_VERSION + 1))


async def test_a_newer_schema_is_refused() -> None:
    with temporary_schema() as url:
        await (await PostgresStore.open(url)).close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (%s, now())", (LATEST_VERSION + 1,))
        with pytest.raises(StoreError, match="newer than this program knows"):
            await PostgresStore.open(url)


@pytest.mark.parametrize("scheme", ["postgres", "postgresql+psycopg", "POSTGRESQL"])
async def test_url_spellings(tmp_path: Path, scheme: str) -> None:
    with temporary_schema() as url:
        spelled = scheme + url[len("postgresql") :]
        settings = make_settings(tmp_path, salesnav_store_url=spelled, salesnav_store_pool_size=2)
        async with await open_store(settings) as store:
            assert isinstance(store, PostgresStore)
            assert await store.kv_setdefault("k", "v") == "v"


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("postgresql://salesnav:hunter2-very-secret@127.0.0.1:1/team", "at salesnav@127.0.0.1:1/team"),
        ("host=127.0.0.1 port=1 user=salesnav password=hunter2-very-secret dbname=team", "at salesnav@127.0.0.1:1"),
        # libpq quotes an unparsable URL in its error message
        ("postgresql://salesnav:hunter2-very-secret@[::1/team", "at an unparsable URL"),
    ],
)
async def test_unreachable_or_malformed_is_a_clear_error_without_the_password(url: str, where: str) -> None:
    with pytest.raises(StoreError) as refused:
        await PostgresStore.open(url)
    message = str(refused.value)
    assert f"Cannot open the PostgreSQL store {where}" in message and "(SALESNAV_STORE_URL)" in message
    assert "hunter2" not in message and "hunter2" not in repr(refused.value)
    assert refused.value.__suppress_context__  # a traceback does not show libpq's original message either


async def test_a_missing_schema_says_what_to_do() -> None:
    url = PG_URL + ("&" if "?" in PG_URL else "?") + "options=-c%20search_path%3Dsalesnav_no_such_schema"
    with pytest.raises(StoreError, match=r"the schema named first in the search_path does not exist"):
        await PostgresStore.open(url)


async def test_the_factory_opens_the_url_from_the_settings(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="Cannot open the PostgreSQL store at salesnav@127.0.0.1:1/team"):
        await open_store(make_settings(tmp_path, salesnav_store_url="postgresql://salesnav:pw@127.0.0.1:1/team"))


async def test_repr_names_the_server_never_the_password() -> None:
    with temporary_schema() as url:
        with_password = url.replace("postgresql://postgres@", "postgresql://postgres:not-checked-by-trust@")
        if with_password == url:
            pytest.skip("SALESNAV_TEST_PG_URL has no user@ part to add a password to")
        async with await PostgresStore.open(with_password) as store:
            assert "not-checked-by-trust" not in repr(store)
            assert "127.0.0.1:5432/test" in repr(store)


async def test_closed_store_refuses_calls() -> None:
    with temporary_schema() as url:
        store = await PostgresStore.open(url)
        await store.close()
        await store.close()
        with pytest.raises(StoreError, match="closed"):
            await store.kv_get("k")


async def test_a_cancelled_caller_still_completes_the_operation_it_started() -> None:
    """Like the SQLite store's worker threads: a started operation is never left half-known."""
    key = _lock_key("budget", ACCOUNT)
    with temporary_schema() as url, psycopg.connect(PG_URL, autocommit=True) as other_replica:
        async with await PostgresStore.open(url) as store:
            # Another replica holds this account's budget lock, so the reservation waits inside the database.
            other_replica.execute("SELECT pg_advisory_lock(%s)", (key,))
            caller_scope = anyio.CancelScope()
            finished: list[str] = []

            async def caller() -> None:
                with caller_scope:
                    await store.reserve_search(
                        account_id=ACCOUNT,
                        query_key="q",
                        month="2026-11",
                        now=NOW,
                        cache_since=NOW - timedelta(days=1),
                        stale_before=NOW - timedelta(minutes=10),
                        decide=BudgetRule(limit=5, confirm_from=None).decide,
                    )
                    finished.append("returned")

            async with anyio.create_task_group() as tg:
                tg.start_soon(caller)
                await anyio.sleep(0.1)
                caller_scope.cancel()
                await anyio.sleep(0.1)
                assert finished == []  # still inside the database, not abandoned halfway
                other_replica.execute("SELECT pg_advisory_unlock(%s)", (key,))
            assert caller_scope.cancel_called and finished == ["returned"]  # completed, and said so
            counts = await store.budget_counts(
                account_id=ACCOUNT, month="2026-11", stale_before=NOW - timedelta(minutes=10)
            )
            assert (counts.used, counts.pending) == (0, 1)

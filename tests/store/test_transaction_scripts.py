"""How both engines run transaction scripts: steps answered in order, final steps committed with the
transaction, a failure anywhere undoing all of it, and operations that append their audit entries in
the transaction of what they record."""

from __future__ import annotations

import sqlite3
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import anyio.lowlevel
import psycopg
import pytest

from salesnav_mcp.store import AuditNote, Store, StoreError
from salesnav_mcp.store.script import ROWS_PER_INSERT, ScriptError, Sql, finish, one, run, steps
from tests.support.store import ACCOUNT

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
DUPLICATE = (sqlite3.IntegrityError, psycopg.errors.UniqueViolation)


def note(kind: str, **details: Any) -> AuditNote:
    return AuditNote(NOW, ACCOUNT, "tester", kind, details)


async def test_steps_are_answered_in_order_and_final_steps_commit_with_the_transaction(store: Store) -> None:
    def script() -> Generator[Any, Any, tuple[Any, ...]]:
        yield Sql("INSERT INTO kv (key, value) VALUES (?, ?)", ("a", "1"))  # needs no answer
        first, count = yield steps(one("SELECT value FROM kv WHERE key = ?", "a"), one("SELECT COUNT(*) AS n FROM kv"))
        changed, final = yield finish(run("UPDATE kv SET value = ? WHERE key = ?", "2", "a"), one("SELECT 7 AS seven"))
        return first["value"], count["n"], changed, final["seven"]

    assert await store._run(script(), write=True) == ("1", 1, 1, 7)
    assert await store.kv_get("a") == "2"


async def test_a_failing_statement_that_needed_no_answer_undoes_the_whole_transaction(store: Store) -> None:
    await store.kv_setdefault("taken", "x")

    def script() -> Generator[Any, Any, None]:
        yield Sql("INSERT INTO kv (key, value) VALUES (?, ?)", ("fresh", "1"))
        yield Sql("INSERT INTO kv (key, value) VALUES (?, ?)", ("taken", "2"))  # fails; nothing waits for it
        yield finish(one("SELECT 1 AS one"))

    with pytest.raises(DUPLICATE):
        await store._run(script(), write=True)
    assert await store.kv_get("fresh") is None and await store.kv_get("taken") == "x"
    assert await store.kv_setdefault("after", "ok") == "ok"  # the connection is usable again


async def test_asking_for_more_after_the_final_steps_is_refused(store: Store) -> None:
    def script() -> Generator[Any, Any, None]:
        yield finish(Sql("INSERT INTO kv (key, value) VALUES (?, ?)", ("k", "v")))
        yield one("SELECT 1 AS one")

    with pytest.raises(ScriptError):
        await store._run(script(), write=True)


async def test_a_reservation_and_its_audit_entries_are_stored_together_or_not_at_all(store: Store) -> None:
    def reserve(audit: Any) -> Any:
        return store.reserve_search(
            account_id=ACCOUNT, query_key="q", month="2026-11", now=NOW, cache_since=NOW - timedelta(hours=1),
            stale_before=NOW - timedelta(minutes=10), decide=lambda counts, cached: "reserved", audit=audit,
        )

    def broken(result: Any) -> list[AuditNote]:
        raise RuntimeError("no entry could be made")

    with pytest.raises(RuntimeError):
        await reserve(broken)
    counts = await store.budget_counts(account_id=ACCOUNT, month="2026-11", stale_before=NOW - timedelta(minutes=10))
    assert counts.pending == 0 and await store.list_audit() == []

    result = await reserve(lambda r: [note("search.reserved", search_id=r.search.id), note("extra")])
    entries = await store.list_audit()
    assert [e.kind for e in entries] == ["search.reserved", "extra"]
    assert entries[0].details == {"search_id": result.search.id} and entries[0].actor == "tester"


async def test_a_page_of_an_unknown_search_stores_neither_items_nor_audit_entries(store: Store) -> None:
    with pytest.raises(StoreError):
        await store.record_search_page(
            "s_unknown", [("k", {})], next_offset=1, total=1, complete=True, now=NOW, commit=True,
            audit=[note("search.committed")],
        )
    assert await store.list_audit() == []


async def test_a_large_page_is_stored_whole_and_in_order(store: Store) -> None:
    result = await store.reserve_search(
        account_id=ACCOUNT, query_key="big", month="2026-11", now=NOW, cache_since=NOW, stale_before=NOW,
        decide=lambda counts, cached: "reserved",
    )
    assert result.search is not None
    size = 2 * ROWS_PER_INSERT + 7
    items = [(f"k{i}", {"n": i}) for i in range(size)] + [("k0", {"n": -1})]  # a repeated key is skipped
    search = await store.record_search_page(
        result.search.id, items, next_offset=size, total=size, complete=True, now=NOW, commit=True,
        audit=[note("search.committed")],
    )
    assert search.item_count == size and search.status == "committed"
    page = await store.get_search_page(result.search.id, 0, size + 5)
    assert page is not None and [item["n"] for item in page.items] == list(range(size))
    assert [e.kind for e in await store.list_audit()] == ["search.committed"]


async def test_concurrent_appends_never_hide_an_entry_from_a_reader_paging_by_id(store: Store) -> None:
    seen: list[int] = []
    written = 60

    async def writer(n: int) -> None:
        for i in range(written // 6):
            await store.append_audit(at=NOW, account_id=ACCOUNT, actor=None, kind=f"w{n}", details={"i": i})

    async def reader() -> None:
        after = 0
        while len(seen) < written:
            page = await store.list_audit(after_id=after, limit=7)
            seen.extend(e.id for e in page)
            after = page[-1].id if page else after
            await anyio.lowlevel.checkpoint()

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            tg.start_soon(reader)
            for n in range(6):
                tg.start_soon(writer, n)
    assert sorted(seen) == seen and len(seen) == written == len(set(seen))
    assert seen == [e.id for e in await store.list_audit()]

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import anyio
import pytest

from salesnav_mcp.store import DB_FILENAME, SQLiteStore, Store, StoreError, open_store
from salesnav_mcp.store import sqlite as sqlite_engine
from salesnav_mcp.store.schema import LATEST_VERSION
from tests.support.settings import make_settings
from tests.support.store import ACCOUNT

pytestmark = pytest.mark.anyio
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def test_open_creates_the_file_in_the_data_dir_with_wal_and_schema(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "dir"
    async with await open_store(make_settings(data_dir)) as store:
        assert isinstance(store, SQLiteStore) and store.path == data_dir / DB_FILENAME
        assert await store.schema_version() == LATEST_VERSION
    raw = sqlite3.connect(data_dir / DB_FILENAME)
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [r[0] for r in raw.execute("SELECT version FROM schema_version")]
    finally:
        raw.close()
    assert versions == list(range(1, LATEST_VERSION + 1))


async def test_only_the_owner_can_read_the_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "private"
    old_umask = os.umask(0o022)  # the usual umask: files readable by everyone unless made otherwise
    try:
        async with await open_store(make_settings(data_dir)) as store:
            await store.kv_setdefault("k", "v")
            files = [data_dir / name for name in (DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm")]
            assert {f: oct(f.stat().st_mode & 0o777) for f in files} == {f: "0o600" for f in files}
        assert data_dir.stat().st_mode & 0o777 == 0o700
        # A database an older version left readable by others is made private when opened.
        (data_dir / DB_FILENAME).chmod(0o644)
        async with await open_store(make_settings(data_dir)):
            assert (data_dir / DB_FILENAME).stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)

async def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    for _ in range(3):
        async with await open_store(settings) as store:
            await store.kv_setdefault("k", "v")
    raw = sqlite3.connect(tmp_path / DB_FILENAME)
    try:
        assert raw.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST_VERSION
    finally:
        raw.close()


async def test_concurrent_first_opens_migrate_once(tmp_path: Path) -> None:
    stores: list[Store] = []

    async def opener() -> None:
        stores.append(await SQLiteStore.open(tmp_path / DB_FILENAME))

    async with anyio.create_task_group() as tg:
        for _ in range(4):
            tg.start_soon(opener)
    for store in stores:
        await store.close()
    raw = sqlite3.connect(tmp_path / DB_FILENAME)
    try:
        assert raw.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == LATEST_VERSION
    finally:
        raw.close()


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    async with await open_store(make_settings(tmp_path)):
        pass
    raw = sqlite3.connect(tmp_path / DB_FILENAME)
    raw.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)", (LATEST_VERSION + 1,))
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="newer than this program knows"):
        await open_store(make_settings(tmp_path))


async def test_store_url_selection(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unsupported scheme 'mysql'"):
        await open_store(make_settings(tmp_path, salesnav_store_url="mysql://x/y"))
    explicit = tmp_path / "elsewhere" / "team.db"
    async with await open_store(make_settings(tmp_path, salesnav_store_url=f"sqlite:///{explicit}")) as store:
        await store.kv_setdefault("k", "v")
    assert explicit.exists() and not (tmp_path / DB_FILENAME).exists()


async def test_closed_store_refuses_calls(store: Store) -> None:
    await store.close()
    await store.close()  # twice is fine
    with pytest.raises(StoreError, match="closed"):
        await store.kv_get("k")


async def test_key_value_first_writer_wins(store: Store) -> None:
    assert await store.kv_get("confirm_key") is None
    assert await store.kv_setdefault("confirm_key", "first") == "first"
    assert await store.kv_setdefault("confirm_key", "second") == "first"
    assert await store.kv_get("confirm_key") == "first"


async def test_ssi_snapshots_one_per_account_and_day(store: Store) -> None:
    day = date(2026, 11, 2)
    await store.upsert_ssi_snapshot(account_id=ACCOUNT, day=day, payload={"overall": 61.5}, now=NOW)
    await store.upsert_ssi_snapshot(
        account_id=ACCOUNT, day=day, payload={"overall": 62.0}, now=NOW + timedelta(hours=2)
    )
    await store.upsert_ssi_snapshot(
        account_id=ACCOUNT, day=date(2026, 11, 3), payload={"overall": 63.0}, now=NOW + timedelta(days=1)
    )
    await store.upsert_ssi_snapshot(account_id="other", day=day, payload={"overall": 10.0}, now=NOW)
    snapshots = await store.list_ssi_snapshots(ACCOUNT)
    assert [(s.day, s.payload["overall"]) for s in snapshots] == [(day, 62.0), (date(2026, 11, 3), 63.0)]
    assert snapshots[0].recorded_at == NOW + timedelta(hours=2)
    assert [s.day for s in await store.list_ssi_snapshots(ACCOUNT, since=date(2026, 11, 3))] == [date(2026, 11, 3)]


async def test_inmail_credit_snapshots(store: Store) -> None:
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=date(2026, 11, 1), value=50, now=NOW)
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=date(2026, 11, 2), value=49, now=NOW)
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=date(2026, 11, 2), value=47, now=NOW)
    credits = await store.list_inmail_credits(ACCOUNT)
    assert [(c.day.day, c.value) for c in credits] == [(1, 50), (2, 47)]


async def test_an_unchanged_snapshot_keeps_when_it_was_first_recorded(store: Store) -> None:
    day = date(2026, 11, 2)
    await store.upsert_ssi_snapshot(account_id=ACCOUNT, day=day, payload={"overall": 61.5}, now=NOW)
    await store.upsert_ssi_snapshot(account_id=ACCOUNT, day=day, payload={"overall": 61.5}, now=NOW + timedelta(hours=1))
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=day, value=47, now=NOW)
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=day, value=47, now=NOW + timedelta(hours=1))
    [ssi] = await store.list_ssi_snapshots(ACCOUNT)
    [credits] = await store.list_inmail_credits(ACCOUNT)
    assert (ssi.payload, ssi.recorded_at) == ({"overall": 61.5}, NOW)
    assert (credits.value, credits.recorded_at) == (47, NOW)
    # A changed value replaces the day's snapshot and its time.
    await store.upsert_inmail_credits(account_id=ACCOUNT, day=day, value=46, now=NOW + timedelta(hours=2))
    [credits] = await store.list_inmail_credits(ACCOUNT)
    assert (credits.value, credits.recorded_at) == (46, NOW + timedelta(hours=2))


async def test_naive_datetimes_are_rejected(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.append_audit(at=datetime(2026, 1, 1), account_id=None, actor=None, kind="x", details={})


async def test_rate_slot_reports_the_longest_full_window(store: Store) -> None:
    windows = [(60.0, 2), (3600.0, 3)]
    for seconds in (0, 100, 200):
        assert (
            await store.take_rate_slot(
                account_id=ACCOUNT, kind="search", now=NOW + timedelta(seconds=seconds), windows=windows
            )
        ).granted
    refused = await store.take_rate_slot(
        account_id=ACCOUNT, kind="search", now=NOW + timedelta(seconds=210), windows=windows
    )
    assert not refused.granted and refused.window_seconds == 3600.0 and refused.retry_at == NOW + timedelta(hours=1)


# ----------------------------------------------------------------------- small reads on the event loop

sqlite_engine_reader = sqlite_engine._connect_reader


async def test_small_reads_stay_on_the_event_loop_and_see_other_processes_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / DB_FILENAME
    async with await SQLiteStore.open(path) as ours, await SQLiteStore.open(path) as theirs:
        assert await ours.kv_get("k") is None
        hops: list[object] = []
        real = anyio.to_thread.run_sync

        async def counted(*args: object, **kwargs: object) -> object:
            hops.append(args[0])
            return await real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
        await theirs.kv_setdefault("k", "theirs")  # another connection to the file, as another process has
        assert await ours.kv_get("k") == "theirs"
        counts = await ours.budget_counts(account_id=ACCOUNT, month="2026-11", stale_before=NOW)
        assert (counts.used, counts.pending) == (0, 0)
        assert await ours.get_search("s_unknown") is None
        assert len(hops) == 1  # only the write went to a worker thread
        assert await ours.list_ssi_snapshots(ACCOUNT) == []  # a read not declared small still does
        assert len(hops) == 2


async def test_a_small_read_that_would_wait_goes_the_worker_thread_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / DB_FILENAME
    async with await SQLiteStore.open(path) as store:
        await store.kv_setdefault("k", "v")
        # The reader connection is in use (e.g. by a thread of another event loop): no waiting for it.
        with store._reading:
            assert await store.kv_get("k") == "v"
        # SQLite answers busy: here the reader is pointed at a file another connection holds exclusively.
        locked = tmp_path / "locked.db"
        holder = sqlite3.connect(locked, isolation_level=None)
        holder.execute("CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT)")
        holder.execute("BEGIN EXCLUSIVE")
        if store._reader is not None:
            store._reader.close()
            store._reader = None
        monkeypatch.setattr(sqlite_engine, "_connect_reader", lambda _path: sqlite_engine_reader(locked))
        try:
            assert await store.kv_get("k") == "v"
        finally:
            holder.close()


async def test_small_reads_on_a_closed_store_are_refused(tmp_path: Path) -> None:
    store = await SQLiteStore.open(tmp_path / DB_FILENAME)
    await store.kv_get("k")
    await store.close()
    with pytest.raises(StoreError):
        await store.kv_get("k")

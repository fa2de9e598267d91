"""The SQLite engine of the store, safe for several processes sharing one file.

- stdlib sqlite3, run in worker threads (anyio.to_thread) so the event loop never blocks.
- One connection per store, guarded by a lock: calls within a process are serialized
  (no busy-waiting between our own threads); other processes are coordinated by
  SQLite's locks with a busy timeout.
- WAL journal (readers never block the writer), synchronous=FULL (a recorded
  "sending" must survive a power cut, or a draft could be sent twice).
- Every writing operation runs inside `BEGIN IMMEDIATE`, which takes the write lock up
  front, so its checks and its writes are one atomic step across processes; that also
  makes the scripts' `Lock` requests unnecessary here.
- Small reads (`small_reads`: a few rows by index, e.g. the budget's counts) run on the
  event loop itself, on a second, read-only connection: a worker-thread hop costs more than
  such a read. WAL lets that reader proceed while any process writes; it never waits: when
  the connection is in use or SQLite says busy, the read goes the worker-thread way instead.
  It sees every transaction committed before it starts, in this process or another.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread

from salesnav_mcp.store.api import Store
from salesnav_mcp.store.base import StoreError
from salesnav_mcp.store.schema import ColumnTypes, migrate
from salesnav_mcp.store.script import Batch, Dialect, Lock, Request, Script, ScriptError, Sql, Steps, aware

DB_FILENAME = "salesnav.db"
TYPES = ColumnTypes(
    time="REAL", flag="INTEGER", false="0", day="TEXT", serial_key="INTEGER PRIMARY KEY AUTOINCREMENT"
)
# Append-only is enforced by the database too, not just by the absence of an API.
OWN_STATEMENTS = {
    1: [
        """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
           BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    ]
}


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


# Times are REAL unix seconds, days ISO text.
SQLITE = Dialect(dt=_dt, day=date.fromisoformat)


def _param(value: Any) -> Any:
    if isinstance(value, datetime):
        return aware(value).timestamp()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _answer(conn: sqlite3.Connection, request: Request) -> Any:
    """Do what one script request asks and return what the script gets back."""
    if isinstance(request, Steps):
        return tuple(_answer(conn, step) for step in request.requests)
    if isinstance(request, Sql):
        cursor = conn.execute(request.text, [_param(a) for a in request.args])
        if request.fetch == "one":
            return cursor.fetchone()
        if request.fetch == "all":
            return cursor.fetchall()
        return cursor.rowcount if request.fetch == "rowcount" else None
    if isinstance(request, Batch):
        conn.executemany(request.text, [[_param(a) for a in row] for row in request.rows])
    elif not isinstance(request, Lock):  # SQLite's write transactions are serialized already
        raise TypeError(f"unknown store request {request!r}")
    return None


def _drive(conn: sqlite3.Connection, script: Script[Any]) -> Any:
    """Run every request of `script` on `conn` (the caller owns the transaction)."""
    answer: Any = None
    try:
        while True:
            request = script.send(answer)
            answer = _answer(conn, request)
            if isinstance(request, Steps) and request.last:
                script.send(answer)
                raise ScriptError(f"{script.__name__} asked for more after its final steps")
    except StopIteration as done:
        return done.value
    finally:
        script.close()


def _transaction(conn: sqlite3.Connection, script: Script[Any], begin: str) -> Any:
    conn.execute(begin)
    try:
        out = _drive(conn, script)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return out


def _owner_only(path: Path) -> None:
    """The database holds messages, people, the audit trail and the confirmation key: only its owner reads it.

    SQLite creates the `-wal` and `-shm` files with the database file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o077:  # e.g. created by an older version
            file.chmod(0o600)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    _owner_only(path)
    conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _enable_wal(conn, busy_timeout)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # IMMEDIATE: two processes starting at once must not both apply a migration.
        remedy = "Upgrade salesnav-mcp or point SALESNAV_DATA_DIR at another directory."
        _transaction(conn, migrate(TYPES, OWN_STATEMENTS, remedy=remedy), "BEGIN IMMEDIATE")
    except BaseException:
        conn.close()
        raise
    return conn


def _enable_wal(conn: sqlite3.Connection, busy_timeout: float) -> None:
    """Switch to WAL, retrying while another process opening the file at the same moment holds the lock.

    Changing the journal mode needs an exclusive lock and can fail with "database is locked" at once,
    without waiting for the busy timeout, when several processes open a new file together.
    """
    deadline = time.monotonic() + busy_timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _connect_reader(path: Path) -> sqlite3.Connection:
    """A connection for small reads on the event loop: read-only, never waiting for a lock."""
    conn = sqlite3.connect(str(path), timeout=0, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = ON")
    return conn


class SQLiteStore(Store):
    """Open with `await SQLiteStore.open(path)` (or `open_store(settings)`)."""

    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None  # opened on the first small read
        self._reading = threading.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path, *, busy_timeout: float = 30.0) -> SQLiteStore:
        conn = await anyio.to_thread.run_sync(_connect, path, busy_timeout)
        return cls(conn, path)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    async def close(self) -> None:
        def op() -> None:
            with self._lock, self._reading:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None

        await anyio.to_thread.run_sync(op)

    async def _run(self, script: Script[Any], *, write: bool) -> Any:
        return await anyio.to_thread.run_sync(self._locked, script, "BEGIN IMMEDIATE" if write else "BEGIN")

    def _locked(self, script: Script[Any], begin: str) -> Any:
        with self._lock:
            if self._conn is None:
                script.close()
                raise StoreError("The store is closed.")
            return _transaction(self._conn, script, begin)

    async def _run_small(self, make: Callable[[], Script[Any]]) -> Any:
        if self._reading.acquire(blocking=False):
            try:
                if self._conn is not None:
                    if self._reader is None:
                        self._reader = _connect_reader(self.path)
                    return _transaction(self._reader, make(), "BEGIN")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            finally:
                self._reading.release()
        return await self._run(make(), write=False)

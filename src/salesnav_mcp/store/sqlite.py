"""SQLite implementation of the store, safe for several processes sharing one file.

- stdlib sqlite3, run in worker threads (anyio.to_thread) so the event loop never blocks.
- One connection per store, guarded by a lock: calls within a process are serialized
  (no busy-waiting between our own threads); other processes are coordinated by
  SQLite's locks with a busy timeout.
- WAL journal (readers never block the writer), synchronous=FULL (a recorded
  "sending" must survive a power cut, or a draft could be sent twice).
- Every read-modify-write runs inside `BEGIN IMMEDIATE`, which takes the write lock
  up front, so the check and the write are one atomic step across processes.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread

from salesnav_mcp.store import queries
from salesnav_mcp.store.base import Store, StoreError
from salesnav_mcp.store.migrations import MIGRATIONS
from salesnav_mcp.store.queries import CREDIT_SNAPSHOTS, SSI_SNAPSHOTS, Dialect, dump_json
from salesnav_mcp.store.records import (
    MAYBE_SENT_STATES,
    AuditEntry,
    BeginSendResult,
    BudgetCounts,
    CreditSnapshot,
    DncEntry,
    Draft,
    DraftState,
    PolicyFacts,
    RateDecision,
    ReserveResult,
    SearchPage,
    SearchRecord,
    SsiSnapshot,
)
from salesnav_mcp.store.rows import (
    audit_entry,
    credit_snapshot,
    dnc_entry,
    draft_record,
    search_record,
    ssi_snapshot,
)
from salesnav_mcp.store.schema import pending_migrations

T = TypeVar("T")
DB_FILENAME = "salesnav.db"


def _ts(value: datetime) -> float:
    if value.tzinfo is None:
        raise ValueError("store times must be timezone-aware (UTC)")
    return value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" for _ in values)


# Times are REAL unix seconds, days ISO text.
SQLITE = Dialect(mark="?", array_params=False, ts=_ts, dt=_dt, day=date.fromisoformat)


def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        _enable_wal(conn, busy_timeout)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
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


def _migrate(conn: sqlite3.Connection) -> None:
    # IMMEDIATE: two processes starting at once must not both apply a migration.
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)"
        )
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        remedy = "Upgrade salesnav-mcp or point SALESNAV_DATA_DIR at another directory."
        for version, statements in pending_migrations(MIGRATIONS, current, remedy=remedy):
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (version, datetime.now(UTC).timestamp()),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class SQLiteStore(Store):
    """Open with `await SQLiteStore.open(path)` (or `open_store(settings)`)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: Path, *, busy_timeout: float = 30.0) -> SQLiteStore:
        conn = await anyio.to_thread.run_sync(_connect, path, busy_timeout)
        return cls(conn, path)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    async def close(self) -> None:
        def op() -> None:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        await anyio.to_thread.run_sync(op)

    async def schema_version(self) -> int:
        return await self._read(lambda c: c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0])

    # ---- plumbing -------------------------------------------------------------------------------
    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await anyio.to_thread.run_sync(self._run, fn, "BEGIN")

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await anyio.to_thread.run_sync(self._run, fn, "BEGIN IMMEDIATE")

    def _run(self, fn: Callable[[sqlite3.Connection], T], begin: str) -> T:
        with self._lock:
            conn = self._conn
            if conn is None:
                raise StoreError("The store is closed.")
            conn.execute(begin)
            try:
                out = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            return out

    # ---- key-value --------------------------------------------------------------------------------
    async def kv_get(self, key: str) -> str | None:
        def op(c: sqlite3.Connection) -> str | None:
            row = c.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
            return None if row is None else row[0]

        return await self._read(op)

    async def kv_setdefault(self, key: str, value: str) -> str:
        def op(c: sqlite3.Connection) -> str:
            c.execute("INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)", (key, value))
            return c.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()[0]

        return await self._write(op)

    # ---- searches -----------------------------------------------------------------------------------
    @staticmethod
    def _get_search(c: sqlite3.Connection, search_id: str) -> SearchRecord | None:
        row = c.execute("SELECT * FROM searches WHERE id = ?", (search_id,)).fetchone()
        return None if row is None else search_record(row, SQLITE)

    @staticmethod
    def _counts(c: sqlite3.Connection, account_id: str, month: str, stale_before: float) -> BudgetCounts:
        row = c.execute(
            """SELECT
                 COALESCE(SUM(status = 'committed'), 0),
                 COALESCE(SUM(status = 'reserved' AND created_at >= ?), 0)
               FROM searches WHERE account_id = ? AND month = ?""",
            (stale_before, account_id, month),
        ).fetchone()
        return BudgetCounts(used=row[0], pending=row[1])

    async def reserve_search(
        self,
        *,
        account_id: str,
        query_key: str,
        month: str,
        now: datetime,
        limit: int,
        confirm_from: int | None,
        cache_since: datetime,
        stale_before: datetime,
    ) -> ReserveResult:
        now_ts, stale_ts = _ts(now), _ts(stale_before)

        def op(c: sqlite3.Connection) -> ReserveResult:
            expired = tuple(
                r[0]
                for r in c.execute(
                    "SELECT id FROM searches WHERE account_id = ? AND status = 'reserved' AND created_at < ?",
                    (account_id, stale_ts),
                )
            )
            if expired:
                c.execute(
                    f"UPDATE searches SET status = 'expired', updated_at = ? WHERE id IN ({_placeholders(expired)})",
                    (now_ts, *expired),
                )
            counts = self._counts(c, account_id, month, stale_ts)
            hit = c.execute(
                """SELECT * FROM searches
                   WHERE account_id = ? AND query_key = ? AND status = 'committed' AND committed_at >= ?
                   ORDER BY committed_at DESC LIMIT 1""",
                (account_id, query_key, _ts(cache_since)),
            ).fetchone()
            if hit is not None:
                return ReserveResult("cached", search_record(hit, SQLITE), counts.used, counts.pending, expired)
            taken = counts.used + counts.pending
            if taken >= limit:
                return ReserveResult("exhausted", None, counts.used, counts.pending, expired)
            if confirm_from is not None and taken >= confirm_from:
                return ReserveResult("needs_confirmation", None, counts.used, counts.pending, expired)
            search_id = "s_" + secrets.token_hex(8)
            c.execute(
                """INSERT INTO searches (id, account_id, query_key, month, status, created_at, updated_at)
                   VALUES (?, ?, ?, ?, 'reserved', ?, ?)""",
                (search_id, account_id, query_key, month, now_ts, now_ts),
            )
            return ReserveResult("reserved", self._get_search(c, search_id), counts.used, counts.pending, expired)

        return await self._write(op)

    async def record_search_page(
        self,
        search_id: str,
        items: Sequence[tuple[str, dict[str, Any]]],
        *,
        next_offset: int,
        total: int | None,
        complete: bool,
        now: datetime,
        commit: bool,
    ) -> SearchRecord:
        now_ts = _ts(now)
        rows = [(key, dump_json(item)) for key, item in items]

        def op(c: sqlite3.Connection) -> SearchRecord:
            if self._get_search(c, search_id) is None:
                raise StoreError(f"Unknown search id {search_id!r}.")
            position = c.execute(
                "SELECT COALESCE(MAX(position), -1) + 1 FROM search_items WHERE search_id = ?", (search_id,)
            ).fetchone()[0]
            added = 0
            for key, item in rows:
                cur = c.execute(
                    "INSERT OR IGNORE INTO search_items (search_id, position, item_key, item) VALUES (?, ?, ?, ?)",
                    (search_id, position + added, key, item),
                )
                added += cur.rowcount
            c.execute(
                """UPDATE searches SET
                     item_count = item_count + ?,
                     next_offset = MAX(next_offset, ?),
                     total = COALESCE(?, total),
                     complete = (complete OR ?),
                     updated_at = ?
                   WHERE id = ?""",
                (added, next_offset, total, int(complete), now_ts, search_id),
            )
            if commit:
                c.execute(
                    """UPDATE searches SET status = 'committed', committed_at = ?
                       WHERE id = ? AND status != 'committed'""",
                    (now_ts, search_id),
                )
            return self._get_search(c, search_id)  # type: ignore[return-value]

        return await self._write(op)

    async def release_search(self, search_id: str, *, now: datetime) -> SearchRecord | None:
        def op(c: sqlite3.Connection) -> SearchRecord | None:
            c.execute(
                """UPDATE searches SET status = 'released', updated_at = ?
                   WHERE id = ? AND status IN ('reserved', 'expired')""",
                (_ts(now), search_id),
            )
            return self._get_search(c, search_id)

        return await self._write(op)

    async def get_search(self, search_id: str) -> SearchRecord | None:
        return await self._read(lambda c: self._get_search(c, search_id))

    async def get_search_page(self, search_id: str, offset: int, limit: int) -> SearchPage | None:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")

        def op(c: sqlite3.Connection) -> SearchPage | None:
            search = self._get_search(c, search_id)
            if search is None:
                return None
            rows = c.execute(
                "SELECT item FROM search_items WHERE search_id = ? ORDER BY position LIMIT ? OFFSET ?",
                (search_id, limit, offset),
            ).fetchall()
            return SearchPage(search=search, offset=offset, items=[json.loads(r[0]) for r in rows])

        return await self._read(op)

    async def purge_search_results(self, *, before: datetime) -> int:
        def op(c: sqlite3.Connection) -> int:
            deleted = c.execute(
                "DELETE FROM search_items WHERE search_id IN (SELECT id FROM searches WHERE updated_at < ?)",
                (_ts(before),),
            ).rowcount
            # Keep each record truthful: nothing is stored any more, nothing was read upstream for it.
            c.execute(
                """UPDATE searches SET item_count = 0, next_offset = 0, complete = 0
                   WHERE updated_at < ? AND item_count > 0""",
                (_ts(before),),
            )
            return deleted

        return await self._write(op)

    async def budget_counts(self, *, account_id: str, month: str, stale_before: datetime) -> BudgetCounts:
        return await self._read(lambda c: self._counts(c, account_id, month, _ts(stale_before)))

    # ---- pacing ----------------------------------------------------------------------------------------
    async def take_rate_slot(
        self, *, account_id: str, kind: str, now: datetime, windows: Sequence[tuple[float, int]]
    ) -> RateDecision:
        if not windows:
            raise ValueError("at least one rate window is needed")
        now_ts = _ts(now)
        # Longest first, so a full day window is reported rather than a full minute inside it.
        ordered = sorted(windows, key=lambda w: w[0], reverse=True)

        def op(c: sqlite3.Connection) -> RateDecision:
            c.execute(
                "DELETE FROM rate_events WHERE account_id = ? AND kind = ? AND at <= ?",
                (account_id, kind, now_ts - ordered[0][0]),
            )
            for seconds, max_calls in ordered:
                since = now_ts - seconds
                count = c.execute(
                    "SELECT COUNT(*) FROM rate_events WHERE account_id = ? AND kind = ? AND at > ?",
                    (account_id, kind, since),
                ).fetchone()[0]
                if count >= max_calls:
                    # The window has room again once the call that makes it full gets `seconds` old.
                    oldest_needed = c.execute(
                        """SELECT at FROM rate_events WHERE account_id = ? AND kind = ? AND at > ?
                           ORDER BY at LIMIT 1 OFFSET ?""",
                        (account_id, kind, since, count - max_calls),
                    ).fetchone()[0]
                    return RateDecision(False, seconds, _dt(oldest_needed + seconds))
            c.execute("INSERT INTO rate_events (account_id, kind, at) VALUES (?, ?, ?)", (account_id, kind, now_ts))
            return RateDecision(True)

        return await self._write(op)

    # ---- drafts -------------------------------------------------------------------------------------------
    @staticmethod
    def _get_draft(c: sqlite3.Connection, draft_id: str) -> Draft | None:
        row = c.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return None if row is None else draft_record(row, SQLITE)

    async def insert_draft(self, draft: Draft) -> None:
        statement, values = queries.insert_draft(SQLITE, draft)
        await self._write(lambda c: c.execute(statement, values))

    async def get_draft(self, draft_id: str) -> Draft | None:
        return await self._read(lambda c: self._get_draft(c, draft_id))

    async def list_drafts(
        self, *, account_id: str | None = None, states: Sequence[DraftState] | None = None, limit: int = 50
    ) -> list[Draft]:
        statement, args = queries.list_drafts(SQLITE, account_id=account_id, states=states, limit=limit)
        return await self._read(lambda c: [draft_record(r, SQLITE) for r in c.execute(statement, args)])

    async def update_draft_content(
        self,
        draft_id: str,
        *,
        subject: str | None,
        text: str,
        attachments: list[dict[str, Any]],
        content_hash: str,
        text_hash: str,
        now: datetime,
    ) -> Draft | None:
        def op(c: sqlite3.Connection) -> Draft | None:
            cur = c.execute(
                """UPDATE drafts SET subject = ?, text = ?, attachments = ?, content_hash = ?, text_hash = ?,
                     updated_at = ?
                   WHERE id = ? AND state = 'draft'""",
                (subject, text, dump_json(attachments), content_hash, text_hash, _ts(now), draft_id),
            )
            return self._get_draft(c, draft_id) if cur.rowcount else None

        return await self._write(op)

    async def begin_send(
        self,
        *,
        draft_id: str,
        from_states: Sequence[DraftState],
        content_hash: str,
        token_digest: str | None,
        token_expires_at: datetime | None,
        attempt_id: str,
        now: datetime,
        new_conversation_cap: int,
        day_start: datetime,
        duplicate_since: datetime,
    ) -> BeginSendResult:
        now_ts = _ts(now)
        maybe_sent = _placeholders(MAYBE_SENT_STATES)

        def op(c: sqlite3.Connection) -> BeginSendResult:
            draft = self._get_draft(c, draft_id)
            if draft is None:
                return BeginSendResult("missing", None)
            if draft.state not in from_states:
                return BeginSendResult("state", draft)
            if draft.content_hash != content_hash:
                return BeginSendResult("changed", draft)
            c.execute("DELETE FROM used_tokens WHERE expires_at < ?", (now_ts,))
            if token_digest is not None:
                used = c.execute("SELECT 1 FROM used_tokens WHERE digest = ?", (token_digest,)).fetchone()
                if used is not None:
                    return BeginSendResult("token_used", draft)
            if draft.is_new_conversation:
                count = c.execute(
                    f"""SELECT COUNT(*) FROM drafts
                        WHERE account_id = ? AND is_new_conversation = 1 AND state IN ({maybe_sent})
                          AND send_started_at >= ? AND id != ?""",
                    (draft.account_id, *MAYBE_SENT_STATES, _ts(day_start), draft_id),
                ).fetchone()[0]
                if count >= new_conversation_cap:
                    return BeginSendResult("cap_reached", draft, count=count)
            other = c.execute(
                f"""SELECT id FROM drafts
                    WHERE recipient_key = ? AND text_hash = ? AND state IN ({maybe_sent})
                      AND send_started_at >= ? AND id != ? LIMIT 1""",
                (draft.recipient_key, draft.text_hash, *MAYBE_SENT_STATES, _ts(duplicate_since), draft_id),
            ).fetchone()
            if other is not None:
                return BeginSendResult("duplicate", draft, other_draft_id=other[0])
            if token_digest is not None:
                expires = now_ts if token_expires_at is None else _ts(token_expires_at)
                c.execute(
                    "INSERT INTO used_tokens (digest, draft_id, used_at, expires_at) VALUES (?, ?, ?, ?)",
                    (token_digest, draft_id, now_ts, expires),
                )
            c.execute(
                """UPDATE drafts SET state = 'sending', attempt_id = ?, send_started_at = ?, updated_at = ?,
                     result = NULL, error = NULL
                   WHERE id = ?""",
                (attempt_id, now_ts, now_ts, draft_id),
            )
            return BeginSendResult("started", self._get_draft(c, draft_id))

        return await self._write(op)

    async def transition_draft(
        self,
        draft_id: str,
        *,
        from_states: Sequence[DraftState],
        to_state: DraftState,
        now: datetime,
        attempt_id: str | None = None,
        started_before: datetime | None = None,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> Draft | None:
        statement, args = queries.transition_draft(
            SQLITE,
            draft_id,
            from_states=from_states,
            to_state=to_state,
            now=now,
            attempt_id=attempt_id,
            started_before=started_before,
            result=result,
            error=error,
        )

        def op(c: sqlite3.Connection) -> Draft | None:
            return self._get_draft(c, draft_id) if c.execute(statement, args).rowcount else None

        return await self._write(op)

    # ---- do-not-contact and policy facts --------------------------------------------------------------------
    async def add_dnc(self, entry: DncEntry) -> DncEntry:
        def op(c: sqlite3.Connection) -> DncEntry:
            c.execute(
                """INSERT OR IGNORE INTO dnc (recipient_key, recipient, reason, added_at, added_by)
                   VALUES (?, ?, ?, ?, ?)""",
                (entry.recipient_key, entry.recipient, entry.reason, _ts(entry.added_at), entry.added_by),
            )
            row = c.execute("SELECT * FROM dnc WHERE recipient_key = ?", (entry.recipient_key,)).fetchone()
            return dnc_entry(row, SQLITE)

        return await self._write(op)

    async def remove_dnc(self, recipient_key: str) -> bool:
        def op(c: sqlite3.Connection) -> bool:
            return c.execute("DELETE FROM dnc WHERE recipient_key = ?", (recipient_key,)).rowcount > 0

        return await self._write(op)

    async def list_dnc(self) -> list[DncEntry]:
        return await self._read(
            lambda c: [dnc_entry(r, SQLITE) for r in c.execute("SELECT * FROM dnc ORDER BY added_at, recipient_key")]
        )

    async def policy_facts(
        self,
        *,
        account_id: str,
        recipient_key: str,
        text_hash: str,
        exclude_draft_id: str | None,
        duplicate_since: datetime,
        day_start: datetime,
    ) -> PolicyFacts:
        maybe_sent = _placeholders(MAYBE_SENT_STATES)
        exclude = exclude_draft_id or ""

        def op(c: sqlite3.Connection) -> PolicyFacts:
            dnc_row = c.execute("SELECT * FROM dnc WHERE recipient_key = ?", (recipient_key,)).fetchone()
            dup = c.execute(
                f"""SELECT id, send_started_at FROM drafts
                    WHERE recipient_key = ? AND text_hash = ? AND state IN ({maybe_sent})
                      AND send_started_at >= ? AND id != ?
                    ORDER BY send_started_at DESC LIMIT 1""",
                (recipient_key, text_hash, *MAYBE_SENT_STATES, _ts(duplicate_since), exclude),
            ).fetchone()
            count = c.execute(
                f"""SELECT COUNT(*) FROM drafts
                    WHERE account_id = ? AND is_new_conversation = 1 AND state IN ({maybe_sent})
                      AND send_started_at >= ? AND id != ?""",
                (account_id, *MAYBE_SENT_STATES, _ts(day_start), exclude),
            ).fetchone()[0]
            return PolicyFacts(
                dnc=None if dnc_row is None else dnc_entry(dnc_row, SQLITE),
                duplicate_draft_id=None if dup is None else dup[0],
                duplicate_sent_at=None if dup is None else _dt(dup[1]),
                new_conversations_today=count,
            )

        return await self._read(op)

    # ---- audit -------------------------------------------------------------------------------------------
    async def append_audit(
        self, *, at: datetime, account_id: str | None, actor: str | None, kind: str, details: dict[str, Any]
    ) -> int:
        def op(c: sqlite3.Connection) -> int:
            cur = c.execute(
                "INSERT INTO audit (at, account_id, actor, kind, details) VALUES (?, ?, ?, ?, ?)",
                (_ts(at), account_id, actor, kind, dump_json(details)),
            )
            return int(cur.lastrowid or 0)

        return await self._write(op)

    async def list_audit(
        self,
        *,
        after_id: int = 0,
        limit: int = 1000,
        since: datetime | None = None,
        until: datetime | None = None,
        account_id: str | None = None,
        kinds: Sequence[str] | None = None,
    ) -> list[AuditEntry]:
        statement, args = queries.list_audit(
            SQLITE, after_id=after_id, limit=limit, since=since, until=until, account_id=account_id, kinds=kinds
        )
        return await self._read(lambda c: [audit_entry(r, SQLITE) for r in c.execute(statement, args)])

    # ---- snapshots ----------------------------------------------------------------------------------------
    async def upsert_ssi_snapshot(self, *, account_id: str, day: date, payload: dict[str, Any], now: datetime) -> None:
        await self._upsert_snapshot(SSI_SNAPSHOTS, (account_id, day.isoformat(), dump_json(payload), _ts(now)))

    async def list_ssi_snapshots(self, account_id: str, *, since: date | None = None) -> list[SsiSnapshot]:
        return await self._list_snapshots(SSI_SNAPSHOTS, ssi_snapshot, account_id, since)

    async def upsert_inmail_credits(self, *, account_id: str, day: date, value: int, now: datetime) -> None:
        await self._upsert_snapshot(CREDIT_SNAPSHOTS, (account_id, day.isoformat(), int(value), _ts(now)))

    async def list_inmail_credits(self, account_id: str, *, since: date | None = None) -> list[CreditSnapshot]:
        return await self._list_snapshots(CREDIT_SNAPSHOTS, credit_snapshot, account_id, since)

    async def _upsert_snapshot(self, snapshots: tuple[str, str], values: tuple[Any, ...]) -> None:
        await self._write(lambda c: c.execute(queries.upsert_snapshot(SQLITE, snapshots), values))

    async def _list_snapshots(
        self, snapshots: tuple[str, str], to_record: Callable[[Any, Dialect], T], account_id: str, since: date | None
    ) -> list[T]:
        statement, args = queries.list_snapshots(SQLITE, snapshots), (account_id, since.isoformat() if since else "")
        return await self._read(lambda c: [to_record(r, SQLITE) for r in c.execute(statement, args)])

"""PostgreSQL implementation of the store, for several server replicas sharing one database.

- psycopg 3, async, with a connection pool (psycopg_pool); connections run in autocommit
  and every operation is one explicit transaction.
- Transactions run at READ COMMITTED. Each read-modify-write first takes a transaction-level
  advisory lock on what it decides about (the account's budget, the account's pacing window,
  the account and recipient of a send), so the check and the write are one atomic step across
  replicas; statements after the lock see everything committed before it was granted.
  Single-statement compare-and-sets (`transition_draft`, `update_draft_content`) rely on
  the row lock PostgreSQL takes for UPDATE.
- Audit appends are serialized by a lock, so ids become visible in increasing order and
  paging with the last id seen never skips an entry.
- Operations are shielded from cancellation, as the SQLite store's worker threads are: an
  operation that reached the database completes and reports its result, so a caller never
  has to guess whether a send was started or a search charged.
- Migrations run under an advisory lock, so replicas starting at once apply each one once.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import anyio

from salesnav_mcp.store import queries
from salesnav_mcp.store.base import Store, StoreError
from salesnav_mcp.store.postgres_migrations import MIGRATIONS
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

try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool
except ImportError as exc:  # the `postgres` extra is optional
    raise StoreError(
        "SALESNAV_STORE_URL names a PostgreSQL store, but psycopg is not installed: "
        "install it with pip install 'salesnav-mcp[postgres]'."
    ) from exc

T = TypeVar("T")
Conn = psycopg.AsyncConnection[dict[str, Any]]
DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT = 30.0  # seconds to wait for a pooled connection (like SQLite's busy timeout)
CONNECT_TIMEOUT_SECONDS = 10  # libpq connect_timeout unless the URL sets one
_MIGRATION_LOCK = "salesnav-mcp/migrations"


def _ts(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("store times must be timezone-aware (UTC)")
    return value.astimezone(UTC)


def _dt(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _day(value: date) -> date:
    return value


# Times are TIMESTAMPTZ, days DATE; lists are bound as arrays.
POSTGRES = Dialect(mark="%s", array_params=True, ts=_ts, dt=_dt, day=_day)


def _lock_key(*parts: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name (collisions only cost extra waiting)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def _lock(conn: Conn, *parts: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_lock_key(*parts),))


_URL_PASSWORD = re.compile(r"(://[^/@:\s\"']*:)[^@\s\"']*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def scrub(text: str, url: str) -> str:
    """`text` (e.g. a libpq error, which may quote the connection string) without the URL's password."""
    text = text.replace(url, "[SALESNAV_STORE_URL]")
    text = _URL_PASSWORD.sub(r"\1[redacted]@", text)
    return _KEYWORD_PASSWORD.sub(r"\1[redacted]", text)


def describe(url: str) -> str:
    """user@host:port/dbname of a connection URL, for messages: never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unparsable URL"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{user}{parts.get('host') or 'localhost'}{port}/{parts.get('dbname') or ''}"


async def _migrate(conn: Conn) -> None:
    async with conn.transaction():
        # Replicas starting together wait here for each other; only the first applies anything.
        await _lock(conn, _MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
        )
        row = await (await conn.execute("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")).fetchone()
        current = row["v"] if row else 0
        remedy = "Upgrade salesnav-mcp on every replica, or point SALESNAV_STORE_URL at another database or schema."
        for version, statements in pending_migrations(MIGRATIONS, current, remedy=remedy):
            for statement in statements:
                await conn.execute(statement)  # type: ignore[arg-type]
            await conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (%s, %s)", (version, datetime.now(UTC))
            )


class PostgresStore(Store):
    """Open with `await PostgresStore.open(url)` (or `open_store(settings)`)."""

    def __init__(self, pool: AsyncConnectionPool[Conn], where: str, url: str) -> None:
        self._pool: AsyncConnectionPool[Conn] | None = pool
        self.where = where
        self._url = url  # only to scrub it from error messages

    @classmethod
    async def open(cls, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> PostgresStore:
        """Connect, migrate (once across replicas) and open a pool of up to `pool_size` connections."""
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        where = describe(url)
        try:
            # An unreachable host fails in seconds, not after the operating system's TCP timeout.
            timeout_given = "connect_timeout" in conninfo_to_dict(url)
            extra = {} if timeout_given else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
            async with await psycopg.AsyncConnection.connect(
                url, autocommit=True, row_factory=dict_row, **extra
            ) as conn:
                await _migrate(conn)
        except psycopg.errors.InvalidSchemaName:
            raise StoreError(
                f"Cannot open the PostgreSQL store at {where} (SALESNAV_STORE_URL): the schema named first in the "
                "search_path does not exist; create it (CREATE SCHEMA ...) or fix the URL's search_path option."
            ) from None
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot open the PostgreSQL store at {where} (SALESNAV_STORE_URL): {scrub(str(exc), url)}"
            ) from None
        pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "row_factory": dict_row, **extra},
            timeout=CONNECT_TIMEOUT,
            check=AsyncConnectionPool.check_connection,
            open=False,
            name="salesnav-store",
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, where, url)

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r})"

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            with anyio.CancelScope(shield=True):
                await pool.close()

    async def schema_version(self) -> int:
        async def op(c: Conn) -> int:
            return (await self._one(c, "SELECT MAX(version) AS v FROM schema_version"))["v"]

        return await self._tx(op)

    # ---- plumbing -------------------------------------------------------------------------------
    async def _tx(self, fn: Callable[[Conn], Awaitable[T]]) -> T:
        pool = self._pool
        if pool is None:
            raise StoreError("The store is closed.")
        with anyio.CancelScope(shield=True):
            try:
                async with pool.connection() as conn, conn.transaction():
                    return await fn(conn)
            except psycopg.OperationalError as exc:
                raise StoreError(f"The PostgreSQL store at {self.where} failed: {scrub(str(exc), self._url)}") from None

    @staticmethod
    async def _one(c: Conn, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any]:
        row = await (await c.execute(sql, args)).fetchone()  # type: ignore[arg-type]
        assert row is not None
        return row

    @staticmethod
    async def _maybe(c: Conn, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> dict[str, Any] | None:
        return await (await c.execute(sql, args)).fetchone()  # type: ignore[arg-type]

    @staticmethod
    async def _all(c: Conn, sql: str, args: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return await (await c.execute(sql, args)).fetchall()  # type: ignore[arg-type]

    # ---- key-value --------------------------------------------------------------------------------
    async def kv_get(self, key: str) -> str | None:
        async def op(c: Conn) -> str | None:
            row = await self._maybe(c, "SELECT value FROM kv WHERE key = %s", (key,))
            return None if row is None else row["value"]

        return await self._tx(op)

    async def kv_setdefault(self, key: str, value: str) -> str:
        async def op(c: Conn) -> str:
            await c.execute("INSERT INTO kv (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING", (key, value))
            return (await self._one(c, "SELECT value FROM kv WHERE key = %s", (key,)))["value"]

        return await self._tx(op)

    # ---- searches -----------------------------------------------------------------------------------
    async def _get_search(self, c: Conn, search_id: str, *, lock: bool = False) -> SearchRecord | None:
        sql = "SELECT * FROM searches WHERE id = %s" + (" FOR UPDATE" if lock else "")
        row = await self._maybe(c, sql, (search_id,))
        return None if row is None else search_record(row, POSTGRES)

    async def _counts(self, c: Conn, account_id: str, month: str, stale_before: datetime) -> BudgetCounts:
        row = await self._one(
            c,
            """SELECT
                 COUNT(*) FILTER (WHERE status = 'committed') AS used,
                 COUNT(*) FILTER (WHERE status = 'reserved' AND created_at >= %s) AS pending
               FROM searches WHERE account_id = %s AND month = %s""",
            (stale_before, account_id, month),
        )
        return BudgetCounts(used=row["used"], pending=row["pending"])

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
        now_ts, stale_ts, cache_ts = _ts(now), _ts(stale_before), _ts(cache_since)

        async def op(c: Conn) -> ReserveResult:
            await _lock(c, "budget", account_id)
            expired_rows = await self._all(
                c,
                """UPDATE searches SET status = 'expired', updated_at = %s
                   WHERE account_id = %s AND status = 'reserved' AND created_at < %s
                   RETURNING id, created_at""",
                (now_ts, account_id, stale_ts),
            )
            expired = tuple(r["id"] for r in sorted(expired_rows, key=lambda r: (r["created_at"], r["id"])))
            counts = await self._counts(c, account_id, month, stale_ts)
            hit = await self._maybe(
                c,
                """SELECT * FROM searches
                   WHERE account_id = %s AND query_key = %s AND status = 'committed' AND committed_at >= %s
                   ORDER BY committed_at DESC LIMIT 1""",
                (account_id, query_key, cache_ts),
            )
            if hit is not None:
                return ReserveResult("cached", search_record(hit, POSTGRES), counts.used, counts.pending, expired)
            taken = counts.used + counts.pending
            if taken >= limit:
                return ReserveResult("exhausted", None, counts.used, counts.pending, expired)
            if confirm_from is not None and taken >= confirm_from:
                return ReserveResult("needs_confirmation", None, counts.used, counts.pending, expired)
            row = await self._one(
                c,
                """INSERT INTO searches (id, account_id, query_key, month, status, created_at, updated_at)
                   VALUES (%s, %s, %s, %s, 'reserved', %s, %s) RETURNING *""",
                ("s_" + secrets.token_hex(8), account_id, query_key, month, now_ts, now_ts),
            )
            return ReserveResult("reserved", search_record(row, POSTGRES), counts.used, counts.pending, expired)

        return await self._tx(op)

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
        keys = [key for key, _ in items]
        dumped = [dump_json(item) for _, item in items]

        async def op(c: Conn) -> SearchRecord:
            # The row lock orders concurrent appends to one search; positions stay dense and ordered.
            if await self._get_search(c, search_id, lock=True) is None:
                raise StoreError(f"Unknown search id {search_id!r}.")
            base = (
                await self._one(
                    c,
                    "SELECT COALESCE(MAX(position), -1) + 1 AS p FROM search_items WHERE search_id = %s",
                    (search_id,),
                )
            )["p"]
            # New keys only, the first occurrence of a key within the page wins, stored in page order.
            cur = await c.execute(
                """INSERT INTO search_items (search_id, position, item_key, item)
                   SELECT %(id)s, %(base)s + ROW_NUMBER() OVER (ORDER BY fresh.ord) - 1, fresh.key, fresh.item
                   FROM (
                     SELECT DISTINCT ON (t.key) t.key, t.item, t.ord
                     FROM unnest(%(keys)s::text[], %(items)s::text[]) WITH ORDINALITY AS t (key, item, ord)
                     WHERE NOT EXISTS (
                       SELECT 1 FROM search_items s WHERE s.search_id = %(id)s AND s.item_key = t.key
                     )
                     ORDER BY t.key, t.ord
                   ) AS fresh""",
                {"id": search_id, "base": base, "keys": keys, "items": dumped},
            )
            added = max(cur.rowcount, 0)
            await c.execute(
                """UPDATE searches SET
                     item_count = item_count + %s,
                     next_offset = GREATEST(next_offset, %s),
                     total = COALESCE(%s::integer, total),
                     complete = (complete OR %s),
                     updated_at = %s
                   WHERE id = %s""",
                (added, next_offset, total, complete, now_ts, search_id),
            )
            if commit:
                await c.execute(
                    """UPDATE searches SET status = 'committed', committed_at = %s
                       WHERE id = %s AND status <> 'committed'""",
                    (now_ts, search_id),
                )
            return await self._get_search(c, search_id)  # type: ignore[return-value]

        return await self._tx(op)

    async def release_search(self, search_id: str, *, now: datetime) -> SearchRecord | None:
        now_ts = _ts(now)

        async def op(c: Conn) -> SearchRecord | None:
            await c.execute(
                """UPDATE searches SET status = 'released', updated_at = %s
                   WHERE id = %s AND status IN ('reserved', 'expired')""",
                (now_ts, search_id),
            )
            return await self._get_search(c, search_id)

        return await self._tx(op)

    async def get_search(self, search_id: str) -> SearchRecord | None:
        return await self._tx(lambda c: self._get_search(c, search_id))

    async def get_search_page(self, search_id: str, offset: int, limit: int) -> SearchPage | None:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")

        async def op(c: Conn) -> SearchPage | None:
            search = await self._get_search(c, search_id)
            if search is None:
                return None
            rows = await self._all(
                c,
                "SELECT item FROM search_items WHERE search_id = %s ORDER BY position LIMIT %s OFFSET %s",
                (search_id, limit, offset),
            )
            return SearchPage(search=search, offset=offset, items=[json.loads(r["item"]) for r in rows])

        return await self._tx(op)

    async def purge_search_results(self, *, before: datetime) -> int:
        before_ts = _ts(before)

        async def op(c: Conn) -> int:
            cur = await c.execute(
                """DELETE FROM search_items USING searches
                   WHERE search_items.search_id = searches.id AND searches.updated_at < %s""",
                (before_ts,),
            )
            deleted = max(cur.rowcount, 0)
            # Keep each record truthful: nothing is stored any more, nothing was read upstream for it.
            await c.execute(
                """UPDATE searches SET item_count = 0, next_offset = 0, complete = FALSE
                   WHERE updated_at < %s AND item_count > 0""",
                (before_ts,),
            )
            return deleted

        return await self._tx(op)

    async def budget_counts(self, *, account_id: str, month: str, stale_before: datetime) -> BudgetCounts:
        stale_ts = _ts(stale_before)
        return await self._tx(lambda c: self._counts(c, account_id, month, stale_ts))

    # ---- pacing ----------------------------------------------------------------------------------------
    async def take_rate_slot(
        self, *, account_id: str, kind: str, now: datetime, windows: Sequence[tuple[float, int]]
    ) -> RateDecision:
        if not windows:
            raise ValueError("at least one rate window is needed")
        now_ts = _ts(now)
        # Longest first, so a full day window is reported rather than a full minute inside it.
        ordered = sorted(windows, key=lambda w: w[0], reverse=True)

        async def op(c: Conn) -> RateDecision:
            await _lock(c, "pace", account_id, kind)
            await c.execute(
                "DELETE FROM rate_events WHERE account_id = %s AND kind = %s AND at <= %s",
                (account_id, kind, now_ts - timedelta(seconds=ordered[0][0])),
            )
            for seconds, max_calls in ordered:
                since = now_ts - timedelta(seconds=seconds)
                count = (
                    await self._one(
                        c,
                        "SELECT COUNT(*) AS n FROM rate_events WHERE account_id = %s AND kind = %s AND at > %s",
                        (account_id, kind, since),
                    )
                )["n"]
                if count >= max_calls:
                    # The window has room again once the call that makes it full gets `seconds` old.
                    oldest_needed = (
                        await self._one(
                            c,
                            """SELECT at FROM rate_events WHERE account_id = %s AND kind = %s AND at > %s
                               ORDER BY at LIMIT 1 OFFSET %s""",
                            (account_id, kind, since, count - max_calls),
                        )
                    )["at"]
                    return RateDecision(False, seconds, _dt(oldest_needed + timedelta(seconds=seconds)))
            await c.execute(
                "INSERT INTO rate_events (account_id, kind, at) VALUES (%s, %s, %s)", (account_id, kind, now_ts)
            )
            return RateDecision(True)

        return await self._tx(op)

    # ---- drafts -------------------------------------------------------------------------------------------
    async def _get_draft(self, c: Conn, draft_id: str, *, lock: bool = False) -> Draft | None:
        sql = "SELECT * FROM drafts WHERE id = %s" + (" FOR UPDATE" if lock else "")
        row = await self._maybe(c, sql, (draft_id,))
        return None if row is None else draft_record(row, POSTGRES)

    async def insert_draft(self, draft: Draft) -> None:
        statement, values = queries.insert_draft(POSTGRES, draft)

        async def op(c: Conn) -> None:
            await c.execute(statement, values)

        await self._tx(op)

    async def get_draft(self, draft_id: str) -> Draft | None:
        return await self._tx(lambda c: self._get_draft(c, draft_id))

    async def list_drafts(
        self, *, account_id: str | None = None, states: Sequence[DraftState] | None = None, limit: int = 50
    ) -> list[Draft]:
        statement, args = queries.list_drafts(POSTGRES, account_id=account_id, states=states, limit=limit)

        async def op(c: Conn) -> list[Draft]:
            return [draft_record(r, POSTGRES) for r in await self._all(c, statement, args)]

        return await self._tx(op)

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
        now_ts = _ts(now)

        async def op(c: Conn) -> Draft | None:
            row = await self._maybe(
                c,
                """UPDATE drafts SET subject = %s, text = %s, attachments = %s, content_hash = %s, text_hash = %s,
                     updated_at = %s
                   WHERE id = %s AND state = 'draft' RETURNING *""",
                (subject, text, dump_json(attachments), content_hash, text_hash, now_ts, draft_id),
            )
            return None if row is None else draft_record(row, POSTGRES)

        return await self._tx(op)

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
        now_ts, day_ts, dup_ts = _ts(now), _ts(day_start), _ts(duplicate_since)
        expires_ts = now_ts if token_expires_at is None else _ts(token_expires_at)
        maybe_sent = list(MAYBE_SENT_STATES)

        async def op(c: Conn) -> BeginSendResult:
            peek = await self._get_draft(c, draft_id)
            if peek is None:
                return BeginSendResult("missing", None)
            # Always account, then recipient, then the row: one order everywhere, so no deadlock.
            # The account lock covers the daily cap, the recipient lock the duplicate rule.
            await _lock(c, "send-account", peek.account_id)
            await _lock(c, "send-recipient", peek.recipient_key)
            draft = await self._get_draft(c, draft_id, lock=True)
            assert draft is not None  # drafts are never deleted
            if draft.state not in from_states:
                return BeginSendResult("state", draft)
            if draft.content_hash != content_hash:
                return BeginSendResult("changed", draft)
            await c.execute("DELETE FROM used_tokens WHERE expires_at < %s", (now_ts,))
            if token_digest is not None:
                used = await self._maybe(c, "SELECT 1 AS x FROM used_tokens WHERE digest = %s", (token_digest,))
                if used is not None:
                    return BeginSendResult("token_used", draft)
            if draft.is_new_conversation:
                count = (
                    await self._one(
                        c,
                        """SELECT COUNT(*) AS n FROM drafts
                           WHERE account_id = %s AND is_new_conversation AND state = ANY(%s)
                             AND send_started_at >= %s AND id <> %s""",
                        (draft.account_id, maybe_sent, day_ts, draft_id),
                    )
                )["n"]
                if count >= new_conversation_cap:
                    return BeginSendResult("cap_reached", draft, count=count)
            other = await self._maybe(
                c,
                """SELECT id FROM drafts
                   WHERE recipient_key = %s AND text_hash = %s AND state = ANY(%s)
                     AND send_started_at >= %s AND id <> %s LIMIT 1""",
                (draft.recipient_key, draft.text_hash, maybe_sent, dup_ts, draft_id),
            )
            if other is not None:
                return BeginSendResult("duplicate", draft, other_draft_id=other["id"])
            if token_digest is not None:
                await c.execute(
                    "INSERT INTO used_tokens (digest, draft_id, used_at, expires_at) VALUES (%s, %s, %s, %s)",
                    (token_digest, draft_id, now_ts, expires_ts),
                )
            row = await self._one(
                c,
                """UPDATE drafts SET state = 'sending', attempt_id = %s, send_started_at = %s, updated_at = %s,
                     result = NULL, error = NULL
                   WHERE id = %s RETURNING *""",
                (attempt_id, now_ts, now_ts, draft_id),
            )
            return BeginSendResult("started", draft_record(row, POSTGRES))

        return await self._tx(op)

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
            POSTGRES,
            draft_id,
            from_states=from_states,
            to_state=to_state,
            now=now,
            attempt_id=attempt_id,
            started_before=started_before,
            result=result,
            error=error,
        )

        async def op(c: Conn) -> Draft | None:
            # One UPDATE: PostgreSQL re-checks the WHERE clause on the locked row, so this is a true CAS.
            row = await self._maybe(c, statement + " RETURNING *", args)
            return None if row is None else draft_record(row, POSTGRES)

        return await self._tx(op)

    # ---- do-not-contact and policy facts --------------------------------------------------------------------
    async def add_dnc(self, entry: DncEntry) -> DncEntry:
        values = (entry.recipient_key, entry.recipient, entry.reason, _ts(entry.added_at), entry.added_by)

        async def op(c: Conn) -> DncEntry:
            await c.execute(
                """INSERT INTO dnc (recipient_key, recipient, reason, added_at, added_by)
                   VALUES (%s, %s, %s, %s, %s) ON CONFLICT (recipient_key) DO NOTHING""",
                values,
            )
            row = await self._one(c, "SELECT * FROM dnc WHERE recipient_key = %s", (entry.recipient_key,))
            return dnc_entry(row, POSTGRES)

        return await self._tx(op)

    async def remove_dnc(self, recipient_key: str) -> bool:
        async def op(c: Conn) -> bool:
            cur = await c.execute("DELETE FROM dnc WHERE recipient_key = %s", (recipient_key,))
            return cur.rowcount > 0

        return await self._tx(op)

    async def list_dnc(self) -> list[DncEntry]:
        async def op(c: Conn) -> list[DncEntry]:
            return [
                dnc_entry(r, POSTGRES) for r in await self._all(c, "SELECT * FROM dnc ORDER BY added_at, recipient_key")
            ]

        return await self._tx(op)

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
        maybe_sent = list(MAYBE_SENT_STATES)
        exclude = exclude_draft_id or ""
        dup_ts, day_ts = _ts(duplicate_since), _ts(day_start)

        async def op(c: Conn) -> PolicyFacts:
            dnc_row = await self._maybe(c, "SELECT * FROM dnc WHERE recipient_key = %s", (recipient_key,))
            dup = await self._maybe(
                c,
                """SELECT id, send_started_at FROM drafts
                   WHERE recipient_key = %s AND text_hash = %s AND state = ANY(%s)
                     AND send_started_at >= %s AND id <> %s
                   ORDER BY send_started_at DESC LIMIT 1""",
                (recipient_key, text_hash, maybe_sent, dup_ts, exclude),
            )
            count = (
                await self._one(
                    c,
                    """SELECT COUNT(*) AS n FROM drafts
                       WHERE account_id = %s AND is_new_conversation AND state = ANY(%s)
                         AND send_started_at >= %s AND id <> %s""",
                    (account_id, maybe_sent, day_ts, exclude),
                )
            )["n"]
            return PolicyFacts(
                dnc=None if dnc_row is None else dnc_entry(dnc_row, POSTGRES),
                duplicate_draft_id=None if dup is None else dup["id"],
                duplicate_sent_at=None if dup is None else _dt(dup["send_started_at"]),
                new_conversations_today=count,
            )

        return await self._tx(op)

    # ---- audit -------------------------------------------------------------------------------------------
    async def append_audit(
        self, *, at: datetime, account_id: str | None, actor: str | None, kind: str, details: dict[str, Any]
    ) -> int:
        values = (_ts(at), account_id, actor, kind, dump_json(details))

        async def op(c: Conn) -> int:
            # Identity values are handed out before commit; the lock makes commit order follow id order.
            await _lock(c, "audit")
            row = await self._one(
                c,
                "INSERT INTO audit (at, account_id, actor, kind, details) VALUES (%s, %s, %s, %s, %s) RETURNING id",
                values,
            )
            return int(row["id"])

        return await self._tx(op)

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
            POSTGRES, after_id=after_id, limit=limit, since=since, until=until, account_id=account_id, kinds=kinds
        )

        async def op(c: Conn) -> list[AuditEntry]:
            return [audit_entry(r, POSTGRES) for r in await self._all(c, statement, args)]

        return await self._tx(op)

    # ---- snapshots ----------------------------------------------------------------------------------------
    async def upsert_ssi_snapshot(self, *, account_id: str, day: date, payload: dict[str, Any], now: datetime) -> None:
        await self._upsert_snapshot(SSI_SNAPSHOTS, (account_id, day, dump_json(payload), _ts(now)))

    async def list_ssi_snapshots(self, account_id: str, *, since: date | None = None) -> list[SsiSnapshot]:
        return await self._list_snapshots(SSI_SNAPSHOTS, ssi_snapshot, account_id, since)

    async def upsert_inmail_credits(self, *, account_id: str, day: date, value: int, now: datetime) -> None:
        await self._upsert_snapshot(CREDIT_SNAPSHOTS, (account_id, day, int(value), _ts(now)))

    async def list_inmail_credits(self, account_id: str, *, since: date | None = None) -> list[CreditSnapshot]:
        return await self._list_snapshots(CREDIT_SNAPSHOTS, credit_snapshot, account_id, since)

    async def _upsert_snapshot(self, snapshots: tuple[str, str], values: tuple[Any, ...]) -> None:
        async def op(c: Conn) -> None:
            await c.execute(queries.upsert_snapshot(POSTGRES, snapshots), values)

        await self._tx(op)

    async def _list_snapshots(
        self, snapshots: tuple[str, str], to_record: Callable[[Any, Dialect], T], account_id: str, since: date | None
    ) -> list[T]:
        statement, args = queries.list_snapshots(POSTGRES, snapshots), (account_id, since or date.min)

        async def op(c: Conn) -> list[T]:
            return [to_record(r, POSTGRES) for r in await self._all(c, statement, args)]

        return await self._tx(op)

"""The search budget's reservations, the stored results of searches, and the pacing windows."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from salesnav_mcp.store.base import StoreBase, StoreError
from salesnav_mcp.store.history import appending
from salesnav_mcp.store.records import (
    AuditNote,
    BudgetCounts,
    BudgetUnit,
    RateDecision,
    ReserveOutcome,
    ReserveResult,
    SearchEngine,
    SearchPage,
    SearchRecord,
)
from salesnav_mcp.store.rows import dump_json
from salesnav_mcp.store.script import (
    Lock,
    Script,
    Sql,
    Where,
    all_rows,
    finish,
    insert_rows,
    one,
    reads,
    run,
    small_reads,
    steps,
    writes,
)

ReserveDecision = Callable[[BudgetCounts, SearchRecord | None], ReserveOutcome]
X = TypeVar("X")
AuditNotes = Callable[[X], Sequence[AuditNote]] | None  # the entries recording an operation's result


class Searches(StoreBase):
    def _search(self, search_id: str, *, lock: bool = False) -> Script[SearchRecord | None]:
        row = yield one("SELECT * FROM searches WHERE id = ?", search_id, lock_rows=lock)
        return None if row is None else self._record(SearchRecord, row)

    @staticmethod
    def _counts_sql(account_id: str, month: str, stale_before: datetime, unit: BudgetUnit = "search") -> Sql:
        """The month's Sales Navigator budget: units charged, and live reservations (each holds one unit).

        Unit `search`: one per charged search. Unit `page`: every page charged (a search's first page when
        it was charged, and each further page charged before it was fetched). Plain searches never count.
        """
        used = "COUNT(*)" if unit == "search" else "SUM(pages)"
        return one(
            f"""SELECT {used} FILTER (WHERE status = 'committed') AS used,
                      COUNT(*) FILTER (WHERE status = 'reserved' AND created_at >= ?) AS pending
               FROM searches WHERE account_id = ? AND month = ? AND engine = 'sales_navigator'""",
            stale_before,
            account_id,
            month,
        )

    @staticmethod
    def _counts_of(row: Any) -> BudgetCounts:
        return BudgetCounts(used=int(row["used"] or 0), pending=int(row["pending"] or 0))

    @writes
    def reserve_search(
        self,
        *,
        account_id: str,
        query_key: str,
        month: str,
        now: datetime,
        cache_since: datetime,
        stale_before: datetime,
        decide: ReserveDecision,
        engine: SearchEngine = "sales_navigator",
        unit: BudgetUnit = "search",
        audit: AuditNotes[ReserveResult] = None,
    ) -> Script[ReserveResult]:
        """Atomically: expire stale reservations, then do what `decide` says about this query.

        `decide` gets the month's counts in `unit` (stale reservations not counted) and the newest search
        of the same account and query key committed at or after `cache_since` (None without one). On
        "reserved" a reservation run by `engine` is created (a Sales Navigator one counts as pending).
        Reservations created before `stale_before` and still reserved are marked expired first (their
        process died). `audit(result)` gives the audit entries that record the result, appended in the
        same transaction.
        """
        yield Lock(("budget", account_id))
        expired_rows, counts_row, hit = yield steps(
            all_rows(
                """UPDATE searches SET status = 'expired', updated_at = ?
                   WHERE account_id = ? AND status = 'reserved' AND created_at < ? RETURNING id, created_at""",
                now,
                account_id,
                stale_before,
            ),
            self._counts_sql(account_id, month, stale_before, unit),
            one(
                """SELECT * FROM searches
                   WHERE account_id = ? AND query_key = ? AND status = 'committed' AND committed_at >= ?
                   ORDER BY committed_at DESC LIMIT 1""",
                account_id,
                query_key,
                cache_since,
            ),
        )
        expired = tuple(r["id"] for r in sorted(expired_rows, key=lambda r: (r["created_at"], r["id"])))
        counts = self._counts_of(counts_row)
        cached = None if hit is None else self._record(SearchRecord, hit)
        outcome = decide(counts, cached)
        search = cached if outcome == "cached" else None
        created: list[Sql] = []
        if outcome == "reserved":
            search = SearchRecord(
                id="s_" + secrets.token_hex(8), account_id=account_id, query_key=query_key, month=month,
                status="reserved", created_at=now, updated_at=now, committed_at=None, total=None, complete=False,
                item_count=0, next_offset=0, engine=engine, pages=0,
            )
            created.append(
                Sql(
                    """INSERT INTO searches (id, account_id, query_key, month, status, created_at, updated_at, engine)
                       VALUES (?, ?, ?, ?, 'reserved', ?, ?, ?)""",
                    (search.id, account_id, query_key, month, now, now, engine),
                )
            )
        result = ReserveResult(outcome, search, counts.used, counts.pending, expired)
        yield finish(*created, *appending(audit(result) if audit else ()))
        return result

    @writes
    def record_search_page(
        self,
        search_id: str,
        items: Sequence[tuple[str, dict[str, Any]]],
        *,
        next_offset: int,
        total: int | None,
        complete: bool,
        now: datetime,
        commit: bool,
        audit: Sequence[AuditNote] = (),
    ) -> Script[SearchRecord]:
        """Append (key, item) pairs in order, skipping keys already stored; update metadata.

        With `commit=True` the search is also charged (reserved/expired -> committed, its first page
        counted in `pages`) in the same transaction, so a crash after upstream answered can never leave
        it uncharged. `audit` entries are appended in the same transaction.
        `next_offset` only moves forward. Raises StoreError for an unknown id.
        """
        fresh: dict[str, dict[str, Any]] = {}
        for key, item in items:
            fresh.setdefault(key, item)  # the first occurrence of a key within the page wins
        where = Where().compare("search_id", "=", search_id).one_of("item_key", list(fresh) or [""])
        # The row lock orders concurrent appends to one search: positions stay dense and ordered (the
        # statements after it see every append committed before it was granted).
        found, stored, last = yield steps(
            one("SELECT id FROM searches WHERE id = ?", search_id, lock_rows=True),
            all_rows(f"SELECT item_key FROM search_items WHERE {where.sql}", *where.args),
            one("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM search_items WHERE search_id = ?", search_id),
        )
        if found is None:
            raise StoreError(f"Unknown search id {search_id!r}.")
        for row in stored:
            fresh.pop(row["item_key"], None)
        base = last["p"]
        appended = insert_rows(
            "INSERT INTO search_items (search_id, position, item_key, item)",
            [(search_id, base + i, key, dump_json(item)) for i, (key, item) in enumerate(fresh.items())],
        )
        answers = yield finish(
            *appended,
            one(
                """UPDATE searches SET
                     item_count = item_count + ?,
                     next_offset = CASE WHEN next_offset > ? THEN next_offset ELSE ? END,
                     total = COALESCE(CAST(? AS INTEGER), total),
                     complete = (complete OR ?),
                     updated_at = ?,
                     status = CASE WHEN ? THEN 'committed' ELSE status END,
                     committed_at = CASE WHEN ? AND status <> 'committed' THEN ? ELSE committed_at END,
                     pages = CASE WHEN ? AND status <> 'committed' THEN pages + 1 ELSE pages END
                   WHERE id = ? RETURNING *""",
                len(fresh),
                next_offset,
                next_offset,
                total,
                complete,
                now,
                commit,
                commit,
                now,
                commit,
                search_id,
            ),
            *appending(audit),
        )
        return self._record(SearchRecord, answers[len(appended)])

    @writes
    def renew_reservation(self, search_id: str, *, account_id: str, now: datetime, stale_before: datetime) -> Script[bool]:
        """A reservation that still holds (reserved, not stale) counts again from `now`; False once it lapsed.

        A search about to call upstream renews first: one that waited past the timeout (for a pacing slot,
        say) may already be expired, its unit reserved by another search, and must not be charged on top.
        """
        yield Lock(("budget", account_id))
        row = yield one(
            """UPDATE searches SET created_at = ?, updated_at = ?
               WHERE id = ? AND status = 'reserved' AND created_at >= ? RETURNING id""",
            now,
            now,
            search_id,
            stale_before,
        )
        return row is not None

    @writes
    def release_search(
        self, search_id: str, *, now: datetime, audit: AuditNotes[SearchRecord] = None
    ) -> Script[SearchRecord | None]:
        """reserved/expired -> released (never charged). No-op for committed. None if unknown id.

        `audit(search)` gives the audit entries that record the outcome, appended in the same transaction."""
        _, row = yield steps(
            run(
                "UPDATE searches SET status = 'released', updated_at = ? WHERE id = ? AND status IN ('reserved', 'expired')",
                now,
                search_id,
            ),
            one("SELECT * FROM searches WHERE id = ?", search_id),
        )
        search = None if row is None else self._record(SearchRecord, row)
        yield finish(*appending(audit(search) if audit and search else ()))
        return search

    @small_reads
    def get_search(self, search_id: str) -> Script[SearchRecord | None]:
        return (yield from self._search(search_id))

    @reads
    def get_search_page(self, search_id: str, offset: int, limit: int) -> Script[SearchPage | None]:
        """Stored items [offset, offset+limit) in stored order; None if unknown id."""
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")
        search = yield from self._search(search_id)
        if search is None:
            return None
        rows = yield all_rows(
            "SELECT item FROM search_items WHERE search_id = ? ORDER BY position LIMIT ? OFFSET ?",
            search_id,
            limit,
            offset,
        )
        return SearchPage(search=search, offset=offset, items=[json.loads(r["item"]) for r in rows])

    @writes
    def purge_search_results(self, *, before: datetime) -> Script[int]:
        """Delete stored items of searches last updated before `before` and zero their item_count,
        next_offset and complete; keep the searches themselves (the budget's history).
        Return how many items were deleted."""
        deleted = yield run(
            "DELETE FROM search_items WHERE search_id IN (SELECT id FROM searches WHERE updated_at < ?)", before
        )
        # Keep each record truthful: nothing is stored any more, nothing was read upstream for it.
        yield run(
            """UPDATE searches SET item_count = 0, next_offset = 0, complete = FALSE
               WHERE updated_at < ? AND item_count > 0""",
            before,
        )
        return deleted

    @small_reads
    def budget_counts(
        self, *, account_id: str, month: str, stale_before: datetime, unit: BudgetUnit = "search"
    ) -> Script[BudgetCounts]:
        """Read-only counts; stale reservations are not counted (and not modified)."""
        return self._counts_of((yield self._counts_sql(account_id, month, stale_before, unit)))

    @writes
    def charge_search_pages(
        self,
        search_id: str,
        *,
        pages: int,
        limit: int,
        stale_before: datetime,
        now: datetime,
        audit: AuditNotes[tuple[int, BudgetCounts]] = None,
    ) -> Script[tuple[int, BudgetCounts]]:
        """Charge up to `pages` more pages to a search, in the page unit, before they are fetched.

        A search's pages count in the month it was made (a search served from the cache and extended
        just after a month began still counts in the month before). Serialized with every reservation of
        the account: as many pages are granted as that month's budget (in pages) still holds, so
        concurrent searches never overspend it. Returns (pages granted, the month's counts before this
        charge). Raises StoreError for an unknown id. `audit((granted, counts))` gives the audit entries
        recording the charge, appended in the same transaction.
        """
        search = yield from self._search(search_id)
        if search is None:
            raise StoreError(f"Unknown search id {search_id!r}.")
        yield Lock(("budget", search.account_id))
        counts = self._counts_of((yield self._counts_sql(search.account_id, search.month, stale_before, "page")))
        granted = max(0, min(pages, limit - counts.used - counts.pending))
        charge = [run("UPDATE searches SET pages = pages + ?, updated_at = ? WHERE id = ?", granted, now, search_id)]
        yield finish(*(charge if granted else ()), *appending(audit((granted, counts)) if audit else ()))
        return granted, counts

    @writes
    def refund_search_pages(
        self, search_id: str, *, pages: int, now: datetime, audit: Sequence[AuditNote] = ()
    ) -> Script[None]:
        """Give back pages charged by `charge_search_pages` whose fetch failed (never below the first page)."""
        yield finish(
            run(
                """UPDATE searches SET pages = CASE WHEN pages - ? < 1 THEN 1 ELSE pages - ? END, updated_at = ?
                   WHERE id = ? AND status = 'committed'""",
                pages,
                pages,
                now,
                search_id,
            ),
            *appending(audit),
        )

    # ---- pacing --------------------------------------------------------------------------------
    @writes
    def take_rate_slot(
        self, *, account_id: str, kind: str, now: datetime, windows: Sequence[tuple[float, int]]
    ) -> Script[RateDecision]:
        """Atomically record a call at `now` if every (window_seconds, max_calls) sliding window has room.

        When refused, report the longest full window and the instant its oldest relevant call
        leaves it. Events older than the longest window are pruned.
        """
        if not windows:
            raise ValueError("at least one rate window is needed")
        # Longest first, so a full day window is reported rather than a full minute inside it.
        ordered = sorted(windows, key=lambda w: w[0], reverse=True)
        starts = [now - timedelta(seconds=seconds) for seconds, _ in ordered]
        yield Lock(("pace", account_id, kind))
        yield Sql("DELETE FROM rate_events WHERE account_id = ? AND kind = ? AND at <= ?", (account_id, kind, starts[0]))
        counted = ", ".join(f"COUNT(*) FILTER (WHERE at > ?) AS w{i}" for i in range(len(ordered)))
        counts = yield one(f"SELECT {counted} FROM rate_events WHERE account_id = ? AND kind = ?", *starts, account_id, kind)
        for i, ((seconds, max_calls), since) in enumerate(zip(ordered, starts, strict=True)):
            count = counts[f"w{i}"]
            if count >= max_calls:
                # The window has room again once the call that makes it full gets `seconds` old.
                oldest = yield one(
                    "SELECT at FROM rate_events WHERE account_id = ? AND kind = ? AND at > ? ORDER BY at LIMIT 1 OFFSET ?",
                    account_id,
                    kind,
                    since,
                    count - max_calls,
                )
                return RateDecision(False, seconds, self.dialect.dt(oldest["at"]) + timedelta(seconds=seconds))  # type: ignore[operator]
        yield finish(Sql("INSERT INTO rate_events (account_id, kind, at) VALUES (?, ?, ?)", (account_id, kind, now)))
        return RateDecision(True)

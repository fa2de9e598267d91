"""Monthly Sales Navigator search budget per LinkedIn account, with a result cache.

Rules:
- One distinct query (the caller's canonical `query_key`, e.g. a normalized
  search URL) is one search. All its pages belong to it and are free.
- The same query for the same account within `salesnav_search_cache_ttl` of its
  first successful page is served from the stored results (a "cached" lease)
  and costs nothing, even when the budget is used up.
- A search is reserved before the upstream call and charged ("committed") the
  moment its first page is recorded, in the same transaction as the page. A
  lease left without a recorded page (error, cancellation, nothing run) is
  released and costs nothing. A reservation whose process died expires after
  `reservation_timeout` and stops counting.
- Reservations count against the limit while in flight, so concurrent callers
  (tasks or processes) can never overspend.
- From `ceil(limit * salesnav_budget_warn_ratio)` searches on, reserving needs
  `confirmed=True` (else `BudgetConfirmationRequired`); at the limit,
  `BudgetExhausted` names the reset instant (first instant of next UTC month).

Usage:

    async with budget.search(account_id, query_key, confirmed=user_confirmed) as lease:
        if lease.cached:
            page = await budget.page(lease.search_id, offset, count)   # free
            ...                                                      # fetch more if not stored
        await pacer.acquire(account_id)
        result = await client.search(...)
        await lease.record_page(result.items, key=lambda p: p["profileUrn"],
                                next_offset=offset + count, total=result.total,
                                complete=not result.has_more)
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.errors import BudgetConfirmationRequired, BudgetExhausted
from salesnav_mcp.store import BudgetCounts, ReserveOutcome, ReserveResult, SearchPage, SearchRecord

DEFAULT_RESERVATION_TIMEOUT = timedelta(minutes=10)
# Stored result items are kept this long after a search last changed (at least the cache TTL).
DEFAULT_RESULT_RETENTION = timedelta(days=7)
_PURGE_EVERY = timedelta(hours=1)


def month_key(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m")


def next_month_start(now: datetime) -> datetime:
    now = now.astimezone(UTC)
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def confirmation_threshold(limit: int, ratio: float) -> int:
    """Number of searches from which a new one needs confirmation (rounding noise removed)."""
    return math.ceil(round(limit * ratio, 9))


@dataclass(frozen=True)
class BudgetRule:
    """The budget's decision about one new search, made inside the store's transaction on its counts.

    A committed identical search inside the cache window is served free, even when the budget is
    used up. Otherwise searches charged plus those in flight are compared with the limit (refused
    when reached) and with the confirmation threshold (refused until the user confirmed).
    """

    limit: int
    confirm_from: int | None  # None: the user confirmed this search

    def decide(self, counts: BudgetCounts, cached: SearchRecord | None) -> ReserveOutcome:
        if cached is not None:
            return "cached"
        taken = counts.used + counts.pending
        if taken >= self.limit:
            return "exhausted"
        if self.confirm_from is not None and taken >= self.confirm_from:
            return "needs_confirmation"
        return "reserved"


@dataclass(frozen=True)
class BudgetStatus:
    account_id: str
    month: str  # "YYYY-MM" (UTC)
    used: int  # searches charged this month
    pending: int  # searches reserved and in flight right now
    limit: int
    remaining: int  # limit - used - pending, never below 0
    resets_at: datetime  # first instant of the next UTC month
    warn: bool  # used + pending reached the confirmation threshold: new searches need confirmation
    confirm_from: int  # that threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "used": self.used,
            "limit": self.limit,
            "remaining": self.remaining,
            "resets_at": self.resets_at.isoformat(),
            "warn": self.warn,
            "pending": self.pending,
        }


class SearchLease:
    """One search inside `SearchBudget.search`: either cached (free) or a reservation."""

    def __init__(
        self, budget: SearchBudget, search: SearchRecord, *, cached: bool, status: BudgetStatus, actor: str | None
    ):
        self._budget = budget
        self.search, self.cached, self.status, self.actor = search, cached, status, actor
        self.charged = False

    @property
    def search_id(self) -> str:
        return self.search.id

    async def record_page(
        self,
        items: Sequence[dict[str, Any]],
        *,
        key: Callable[[dict[str, Any]], str],
        next_offset: int,
        total: int | None = None,
        complete: bool = False,
    ) -> SearchRecord:
        """Store one upstream page (items de-duplicated by `key(item)`); charges a fresh search once.

        `next_offset` is the upstream offset to continue from; `complete` says no further page exists.
        """
        pairs = [(str(key(item)), item) for item in items]
        charge = not self.cached and not self.charged
        self.search = await self._budget._store.record_search_page(
            self.search.id,
            pairs,
            next_offset=next_offset,
            total=total,
            complete=complete,
            now=self._budget._clock.now(),
            commit=charge,
        )
        if charge:
            self.charged = True
            await self._budget._audit.record(
                "search.committed",
                account_id=self.search.account_id,
                actor=self.actor,
                details={"search_id": self.search.id, "query_key": self.search.query_key, "total": total},
            )
        return self.search


class SearchBudget(Guardrail):
    def __init__(
        self,
        deps: Deps,
        *,
        reservation_timeout: timedelta = DEFAULT_RESERVATION_TIMEOUT,
        result_retention: timedelta = DEFAULT_RESULT_RETENTION,
    ) -> None:
        super().__init__(deps)
        self.reservation_timeout = reservation_timeout
        self.result_retention = max(result_retention, deps.settings.salesnav_search_cache_ttl)
        self._last_purge: datetime | None = None

    @property
    def limit(self) -> int:
        return self._settings.salesnav_monthly_search_budget

    def _status(self, account_id: str, now: datetime, used: int, pending: int) -> BudgetStatus:
        threshold = confirmation_threshold(self.limit, self._settings.salesnav_budget_warn_ratio)
        return BudgetStatus(
            account_id=account_id,
            month=month_key(now),
            used=used,
            pending=pending,
            limit=self.limit,
            remaining=max(0, self.limit - used - pending),
            resets_at=next_month_start(now),
            warn=used + pending >= threshold,
            confirm_from=threshold,
        )

    async def status(self, account_id: str) -> BudgetStatus:
        """Current month's numbers; never spends or changes anything."""
        now = self._clock.now()
        counts = await self._store.budget_counts(
            account_id=account_id, month=month_key(now), stale_before=now - self.reservation_timeout
        )
        return self._status(account_id, now, counts.used, counts.pending)

    async def page(self, search_id: str, offset: int, limit: int) -> SearchPage | None:
        """Stored results of a search, without any upstream call (None: unknown id)."""
        return await self._store.get_search_page(search_id, offset, limit)

    async def purge_old_results(self) -> int:
        """Drop stored items of searches untouched for `result_retention`; budget history stays."""
        now = self._clock.now()
        self._last_purge = now
        return await self._store.purge_search_results(before=now - self.result_retention)

    @asynccontextmanager
    async def search(
        self, account_id: str, query_key: str, *, confirmed: bool = False, actor: str | None = None
    ) -> AsyncIterator[SearchLease]:
        """Reserve (or serve from cache) one search; release it unless a page was recorded.

        Raises BudgetConfirmationRequired / BudgetExhausted before the body runs.
        """
        # Shielded: a cancellation landing mid-reserve must not leave a reservation nobody releases.
        with anyio.CancelScope(shield=True):
            lease = await self._reserve(account_id, query_key, confirmed=confirmed, actor=actor)
        try:
            yield lease
        except BaseException as exc:
            if not lease.cached and not lease.charged:
                with anyio.CancelScope(shield=True):
                    await self._release(lease, reason=_reason(exc))
            raise
        if not lease.cached and not lease.charged:
            await self._release(lease, reason="no result recorded")

    async def _reserve(self, account_id: str, query_key: str, *, confirmed: bool, actor: str | None) -> SearchLease:
        now = self._clock.now()
        threshold = confirmation_threshold(self.limit, self._settings.salesnav_budget_warn_ratio)
        result = await self._store.reserve_search(
            account_id=account_id,
            query_key=query_key,
            month=month_key(now),
            now=now,
            cache_since=now - self._settings.salesnav_search_cache_ttl,
            stale_before=now - self.reservation_timeout,
            decide=BudgetRule(self.limit, None if confirmed else threshold).decide,
        )
        await self._audit_expired(account_id, result)
        if result.outcome == "cached":
            assert result.search is not None
            status = self._status(account_id, now, result.used, result.pending)
            await self._audit.record(
                "search.cache_hit",
                account_id=account_id,
                actor=actor,
                details={"search_id": result.search.id, "query_key": query_key, **status.as_dict()},
            )
            return SearchLease(self, result.search, cached=True, status=status, actor=actor)
        if result.outcome == "reserved":
            assert result.search is not None
            if self._last_purge is None or now - self._last_purge >= _PURGE_EVERY:
                await self.purge_old_results()
            status = self._status(account_id, now, result.used, result.pending + 1)
            await self._audit.record(
                "search.reserved",
                account_id=account_id,
                actor=actor,
                details={
                    "search_id": result.search.id,
                    "query_key": query_key,
                    "confirmed": confirmed,
                    **status.as_dict(),
                },
            )
            return SearchLease(self, result.search, cached=False, status=status, actor=actor)
        status = self._status(account_id, now, result.used, result.pending)
        await self._audit.record(
            "search.refused",
            account_id=account_id,
            actor=actor,
            details={"reason": result.outcome, "query_key": query_key, **status.as_dict()},
        )
        if result.outcome == "exhausted":
            raise BudgetExhausted(status)
        raise BudgetConfirmationRequired(status)

    async def _release(self, lease: SearchLease, *, reason: str) -> None:
        released = await self._store.release_search(lease.search.id, now=self._clock.now())
        if released is not None:
            lease.search = released
        if lease.search.status == "committed":
            # A page was stored but the caller was interrupted before hearing so: it stays charged.
            lease.charged = True
            await self._audit.record(
                "search.committed",
                account_id=lease.search.account_id,
                actor=lease.actor,
                details={"search_id": lease.search.id, "query_key": lease.search.query_key, "note": reason},
            )
            return
        await self._audit.record(
            "search.released",
            account_id=lease.search.account_id,
            actor=lease.actor,
            details={"search_id": lease.search.id, "query_key": lease.search.query_key, "reason": reason},
        )

    async def _audit_expired(self, account_id: str, result: ReserveResult) -> None:
        if result.expired_ids:
            await self._audit.record(
                "search.expired",
                account_id=account_id,
                details={"search_ids": list(result.expired_ids), "reason": "reservation outlived its timeout"},
            )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, anyio.get_cancelled_exc_class()):
        return "cancelled"
    return f"failed: {type(exc).__name__}"

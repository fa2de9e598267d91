"""Monthly Sales Navigator search budget per LinkedIn account, with a result cache.

Rules:
- One distinct query (the caller's canonical `query_key`, e.g. a normalized
  search URL) is one search. In the `search` unit (the default) all its pages
  belong to it and are free; in the `page` unit (SALESNAV_SEARCH_BUDGET_UNIT)
  its first page is what the reservation holds and every further page walked
  costs one more, charged before it is fetched (`SearchLease.take_pages`).
- Plain LinkedIn searches (engine "linkedin", for accounts without a seat) are
  stored and cached the same way but never count against this budget.
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
from salesnav_mcp.guardrails.errors import BudgetConfirmationRequired, BudgetExhausted, ReservationLapsed
from salesnav_mcp.store import (
    AuditNote,
    BudgetCounts,
    BudgetUnit,
    ReserveOutcome,
    ReserveResult,
    SearchEngine,
    SearchPage,
    SearchRecord,
)

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


def plain_rule(counts: BudgetCounts, cached: SearchRecord | None) -> ReserveOutcome:
    """A plain LinkedIn search spends no Sales Navigator budget: served from the cache, or run."""
    return "cached" if cached is not None else "reserved"


@dataclass(frozen=True)
class BudgetStatus:
    account_id: str
    month: str  # "YYYY-MM" (UTC)
    used: int  # units charged this month
    pending: int  # searches reserved and in flight right now (one unit each)
    limit: int
    remaining: int  # limit - used - pending, never below 0
    resets_at: datetime  # first instant of the next UTC month
    needs_confirmation: bool  # used + pending reached the confirmation threshold
    confirm_from: int  # that threshold
    unit: BudgetUnit = "search"  # what one unit is: a distinct search, or a page walked

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "used": self.used,
            "limit": self.limit,
            "remaining": self.remaining,
            "resets_at": self.resets_at.isoformat(),
            "warn": self.needs_confirmation,
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
        self.pages_charged = 0  # pages charged beyond the first, in the page unit (this lease only)
        self.budget_stopped = False  # a page was not fetched because the budget had no page left
        # A fresh reservation holds the first page it fetches.
        self._held = 0 if cached else 1

    @property
    def search_id(self) -> str:
        return self.search.id

    @property
    def counts_pages(self) -> bool:
        """Each page walked costs one unit (page unit, Sales Navigator search)."""
        return self.search.engine == "sales_navigator" and self._budget.unit == "page"

    async def take_pages(self, wanted: int) -> int:
        """How many of the next `wanted` pages may be fetched; in the page unit they are charged now.

        The reservation holds a fresh search's first page; every other page is charged before it is
        fetched, as far as the month's budget holds (fewer granted: the budget ran out, `budget_stopped`).
        In the search unit, and for plain searches, every page is free.
        """
        if wanted <= 0 or not self.counts_pages:
            return max(0, wanted)
        held = min(wanted, self._held)
        self._held -= held
        rest = wanted - held
        if rest == 0:
            return wanted
        budget = self._budget
        now = budget._clock.now()

        def notes(charged: tuple[int, BudgetCounts]) -> list[AuditNote]:
            granted, counts = charged
            if not granted:
                return []
            details = {"search_id": self.search.id, "pages": granted, "asked": rest, "used_before": counts.used,
                       "pending": counts.pending, "limit": budget.limit, "unit": "page"}
            return [budget._audit.note("search.pages_charged", account_id=self.search.account_id, actor=self.actor,
                                       details=details)]

        granted, _ = await budget._store.charge_search_pages(
            self.search.id, pages=rest, limit=budget.limit, stale_before=now - budget.reservation_timeout, now=now,
            audit=notes,
        )
        self.pages_charged += granted
        if granted < rest:
            self.budget_stopped = True
        return held + granted

    async def renew(self) -> None:
        """Before calling upstream: a fresh reservation must still hold (ReservationLapsed when it lapsed while
        the search waited, e.g. for a pacing slot); it then counts again from now. Nothing to do once charged."""
        if self.cached or self.charged or self.search.engine != "sales_navigator":
            return
        budget = self._budget
        now = budget._clock.now()
        held = await budget._store.renew_reservation(
            self.search.id, account_id=self.search.account_id, now=now, stale_before=now - budget.reservation_timeout
        )
        if not held:
            raise ReservationLapsed(self.search.account_id, budget.reservation_timeout)

    async def refund_pages(self, pages: int) -> None:
        """Give back charged pages whose fetch failed before anything of them was stored."""
        pages = min(pages, self.pages_charged)
        if pages <= 0:
            return
        budget = self._budget
        details = {"search_id": self.search.id, "pages": pages, "unit": "page"}
        refunded = budget._audit.note("search.pages_refunded", account_id=self.search.account_id, actor=self.actor,
                                      details=details)
        await budget._store.refund_search_pages(self.search.id, pages=pages, now=budget._clock.now(), audit=[refunded])
        self.pages_charged -= pages

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
        details = {"search_id": self.search.id, "query_key": self.search.query_key, "total": total}
        committed = self._budget._audit.note("search.committed", account_id=self.search.account_id, actor=self.actor,
                                             details=details)
        self.search = await self._budget._store.record_search_page(
            self.search.id,
            pairs,
            next_offset=next_offset,
            total=total,
            complete=complete,
            now=self._budget._clock.now(),
            commit=charge,
            audit=[committed] if charge else (),
        )
        if charge:
            self.charged = True
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
        self.limit = deps.settings.salesnav_monthly_search_budget
        self.unit: BudgetUnit = deps.settings.salesnav_search_budget_unit
        self.reservation_timeout = reservation_timeout
        self.result_retention = max(result_retention, deps.settings.salesnav_search_cache_ttl)
        self._last_purge: datetime | None = None

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
            needs_confirmation=used + pending >= threshold,
            confirm_from=threshold,
            unit=self.unit,
        )

    async def status(self, account_id: str) -> BudgetStatus:
        """Current month's numbers; never spends or changes anything."""
        now = self._clock.now()
        counts = await self._store.budget_counts(
            account_id=account_id, month=month_key(now), stale_before=now - self.reservation_timeout, unit=self.unit
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
        self,
        account_id: str,
        query_key: str,
        *,
        confirmed: bool = False,
        actor: str | None = None,
        engine: SearchEngine = "sales_navigator",
    ) -> AsyncIterator[SearchLease]:
        """Reserve (or serve from cache) one search; release it unless a page was recorded.

        Raises BudgetConfirmationRequired / BudgetExhausted before the body runs. A plain LinkedIn search
        (`engine="linkedin"`) is stored and cached alike but never refused or charged.
        """
        # Shielded: a cancellation landing mid-reserve must not leave a reservation nobody releases.
        with anyio.CancelScope(shield=True):
            lease = await self._reserve(account_id, query_key, confirmed=confirmed, actor=actor, engine=engine)
        try:
            yield lease
        except BaseException as exc:
            if not lease.cached and not lease.charged:
                with anyio.CancelScope(shield=True):
                    await self._release(lease, reason=_reason(exc))
            raise
        if not lease.cached and not lease.charged:
            await self._release(lease, reason="no result recorded")

    async def _reserve(
        self, account_id: str, query_key: str, *, confirmed: bool, actor: str | None, engine: SearchEngine
    ) -> SearchLease:
        now = self._clock.now()
        threshold = confirmation_threshold(self.limit, self._settings.salesnav_budget_warn_ratio)
        rule = BudgetRule(self.limit, None if confirmed else threshold).decide if engine == "sales_navigator" else plain_rule

        def status_of(result: ReserveResult) -> BudgetStatus:
            # A fresh Sales Navigator reservation holds one unit from now on (a plain search holds none).
            held = 1 if result.outcome == "reserved" and engine == "sales_navigator" else 0
            return self._status(account_id, now, result.used, result.pending + held)

        def notes(result: ReserveResult) -> list[AuditNote]:
            out = []
            if result.expired_ids:
                out.append(
                    self._audit.note(
                        "search.expired",
                        account_id=account_id,
                        details={"search_ids": list(result.expired_ids), "reason": "reservation outlived its timeout"},
                    )
                )
            budget = status_of(result).as_dict()
            if result.outcome in ("cached", "reserved"):
                assert result.search is not None
                details = {"search_id": result.search.id, "query_key": query_key, "engine": engine}
                if result.outcome == "reserved":
                    details["confirmed"] = confirmed
                kind = "search.cache_hit" if result.outcome == "cached" else "search.reserved"
                out.append(self._audit.note(kind, account_id=account_id, actor=actor, details={**details, **budget}))
            else:
                details = {"reason": result.outcome, "query_key": query_key, **budget}
                out.append(self._audit.note("search.refused", account_id=account_id, actor=actor, details=details))
            return out

        result = await self._store.reserve_search(
            account_id=account_id,
            query_key=query_key,
            month=month_key(now),
            now=now,
            cache_since=now - self._settings.salesnav_search_cache_ttl,
            stale_before=now - self.reservation_timeout,
            decide=rule,
            engine=engine,
            unit=self.unit,
            audit=notes,
        )
        status = status_of(result)
        if result.outcome in ("cached", "reserved"):
            assert result.search is not None
            if result.outcome == "reserved" and (self._last_purge is None or now - self._last_purge >= _PURGE_EVERY):
                await self.purge_old_results()
            return SearchLease(self, result.search, cached=result.outcome == "cached", status=status, actor=actor)
        if result.outcome == "exhausted":
            raise BudgetExhausted(status)
        raise BudgetConfirmationRequired(status)

    async def _release(self, lease: SearchLease, *, reason: str) -> None:
        def notes(search: SearchRecord) -> list[AuditNote]:
            about = {"search_id": search.id, "query_key": search.query_key}
            if search.status == "committed":
                # A page was stored but the caller was interrupted before hearing so: it stays charged.
                details = {**about, "note": reason}
                return [self._audit.note("search.committed", account_id=search.account_id, actor=lease.actor, details=details)]
            details = {**about, "reason": reason}
            return [self._audit.note("search.released", account_id=search.account_id, actor=lease.actor, details=details)]

        released = await self._store.release_search(lease.search.id, now=self._clock.now(), audit=notes)
        if released is not None:
            lease.search = released
        if lease.search.status == "committed":
            lease.charged = True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, anyio.get_cancelled_exc_class()):
        return "cancelled"
    return f"failed: {type(exc).__name__}"

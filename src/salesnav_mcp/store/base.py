"""The persistence interface every store implements (SQLite: store/sqlite.py, PostgreSQL: store/postgres.py).

Methods are operations, not queries: anything that must be atomic (check a
count, then insert) is ONE method, so an implementation can run it in a single
transaction (SQLite `BEGIN IMMEDIATE`, PostgreSQL `SERIALIZABLE` or row locks).
The store never reads a clock: callers pass `now` and window boundaries, which
keeps time controllable in tests and identical across processes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from salesnav_mcp.store.records import (
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


class StoreError(Exception):
    """The store cannot do what was asked (bad configuration, unknown record)."""


class Store(ABC):
    # ---- lifecycle -------------------------------------------------------------------------
    @abstractmethod
    async def close(self) -> None:
        """Release connections. Safe to call twice."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # ---- key-value -------------------------------------------------------------------------
    @abstractmethod
    async def kv_get(self, key: str) -> str | None: ...

    @abstractmethod
    async def kv_setdefault(self, key: str, value: str) -> str:
        """Store `value` under `key` unless a value exists; return the stored one (first writer wins)."""

    # ---- search budget and stored results ------------------------------------------------------
    @abstractmethod
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
        """Atomically: expire stale reservations, serve a cache hit, or check the budget and reserve.

        A committed search of the same account and query key committed at or after `cache_since`
        is a cache hit (free, even when the budget is used up). Otherwise `used + pending` for
        `month` is compared to `limit` (refuse when reached) and to `confirm_from` (refuse with
        "needs_confirmation" when reached; None = caller confirmed). Reservations created before
        `stale_before` and still reserved are marked expired first.
        """

    @abstractmethod
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
        """Append (key, item) pairs in order, skipping keys already stored; update metadata.

        With `commit=True` the search is also charged (reserved/expired -> committed) in the same
        transaction, so a crash after upstream answered can never leave it uncharged.
        `next_offset` only moves forward. Raises StoreError for an unknown id.
        """

    @abstractmethod
    async def release_search(self, search_id: str, *, now: datetime) -> SearchRecord | None:
        """reserved/expired -> released (never charged). No-op for committed. None if unknown id."""

    @abstractmethod
    async def get_search(self, search_id: str) -> SearchRecord | None: ...

    @abstractmethod
    async def get_search_page(self, search_id: str, offset: int, limit: int) -> SearchPage | None:
        """Stored items [offset, offset+limit) in stored order; None if unknown id."""

    @abstractmethod
    async def purge_search_results(self, *, before: datetime) -> int:
        """Delete stored items of searches last updated before `before` and zero their item_count,
        next_offset and complete; keep the searches themselves (the budget's history).
        Return how many items were deleted."""

    @abstractmethod
    async def budget_counts(self, *, account_id: str, month: str, stale_before: datetime) -> BudgetCounts:
        """Read-only counts; stale reservations are not counted (and not modified)."""

    # ---- pacing --------------------------------------------------------------------------------
    @abstractmethod
    async def take_rate_slot(
        self, *, account_id: str, kind: str, now: datetime, windows: Sequence[tuple[float, int]]
    ) -> RateDecision:
        """Atomically record a call at `now` if every (window_seconds, max_calls) sliding window has room.

        When refused, report the longest full window and the instant its oldest relevant call
        leaves it. Events older than the longest window are pruned.
        """

    # ---- drafts and sends ----------------------------------------------------------------------
    @abstractmethod
    async def insert_draft(self, draft: Draft) -> None: ...

    @abstractmethod
    async def get_draft(self, draft_id: str) -> Draft | None: ...

    @abstractmethod
    async def list_drafts(
        self, *, account_id: str | None = None, states: Sequence[DraftState] | None = None, limit: int = 50
    ) -> list[Draft]:
        """Newest first."""

    @abstractmethod
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
        """Replace the content only while the draft is in state `draft`; None otherwise (or unknown id)."""

    @abstractmethod
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
        """The single compare-and-set that lets exactly one caller send a draft.

        In one transaction: the draft must be in `from_states` with `content_hash`; the token
        digest (if any) must be unused and is consumed; for a new conversation fewer than
        `new_conversation_cap` other new conversations of the account may have started since
        `day_start`; no other draft with the same recipient key and text hash may have started
        since `duplicate_since`. Then state -> sending with `attempt_id` and send_started_at=now.
        Used token digests whose expiry passed are pruned.
        """

    @abstractmethod
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
        """Compare-and-set the state; None when the conditions do not hold.

        Conditions: state in `from_states`; the draft's attempt id equals `attempt_id` (if given);
        send_started_at < `started_before` (if given). `result` and `error` are stored as given.
        """

    # ---- do-not-contact and policy facts ---------------------------------------------------------
    @abstractmethod
    async def add_dnc(self, entry: DncEntry) -> DncEntry:
        """Add unless present; return the stored entry (the existing one if it was there)."""

    @abstractmethod
    async def remove_dnc(self, recipient_key: str) -> bool: ...

    @abstractmethod
    async def list_dnc(self) -> list[DncEntry]: ...

    @abstractmethod
    async def policy_facts(
        self,
        *,
        account_id: str,
        recipient_key: str,
        text_hash: str,
        exclude_draft_id: str | None,
        duplicate_since: datetime,
        day_start: datetime,
    ) -> PolicyFacts: ...

    # ---- audit (append-only: there is deliberately no update or delete) ------------------------------
    @abstractmethod
    async def append_audit(
        self, *, at: datetime, account_id: str | None, actor: str | None, kind: str, details: dict[str, Any]
    ) -> int:
        """Append one entry; return its id (increasing)."""

    @abstractmethod
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
        """Entries with id > after_id in id order (page with the last id seen)."""

    # ---- snapshots --------------------------------------------------------------------------------
    @abstractmethod
    async def upsert_ssi_snapshot(self, *, account_id: str, day: date, payload: dict[str, Any], now: datetime) -> None:
        """One snapshot per account and UTC day; a later write the same day replaces it."""

    @abstractmethod
    async def list_ssi_snapshots(self, account_id: str, *, since: date | None = None) -> list[SsiSnapshot]:
        """Oldest first."""

    @abstractmethod
    async def upsert_inmail_credits(self, *, account_id: str, day: date, value: int, now: datetime) -> None:
        """One value per account and UTC day; a later write the same day replaces it."""

    @abstractmethod
    async def list_inmail_credits(self, account_id: str, *, since: date | None = None) -> list[CreditSnapshot]:
        """Oldest first."""

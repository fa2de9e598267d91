"""Persistence: one interface (`Store`), one implementation per database.

Use `await open_store(settings)`; everything else talks to the `Store` interface.
"""

from salesnav_mcp.store.base import Store, StoreError
from salesnav_mcp.store.factory import open_store
from salesnav_mcp.store.records import (
    CHANNELS,
    DRAFT_STATES,
    AuditEntry,
    BeginSendResult,
    BudgetCounts,
    Channel,
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
from salesnav_mcp.store.sqlite import DB_FILENAME, SQLiteStore

__all__ = [
    "CHANNELS",
    "DB_FILENAME",
    "DRAFT_STATES",
    "AuditEntry",
    "BeginSendResult",
    "BudgetCounts",
    "Channel",
    "CreditSnapshot",
    "DncEntry",
    "Draft",
    "DraftState",
    "PolicyFacts",
    "RateDecision",
    "ReserveResult",
    "SQLiteStore",
    "SearchPage",
    "SearchRecord",
    "SsiSnapshot",
    "Store",
    "StoreError",
    "open_store",
]

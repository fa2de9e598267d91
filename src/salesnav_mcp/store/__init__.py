"""Persistence: one `Store` whose every operation is written once, run by a SQLite or a PostgreSQL engine.

Use `await open_store(settings)`; everything else talks to the `Store` interface.
"""

from salesnav_mcp.store.api import Store
from salesnav_mcp.store.base import StoreError
from salesnav_mcp.store.factory import open_store
from salesnav_mcp.store.records import (
    CHANNELS,
    DRAFT_STATES,
    ORGANISATION,
    Approval,
    ApprovalKind,
    ApprovalState,
    AuditEntry,
    BeginSendResult,
    BudgetCounts,
    Channel,
    CreditSnapshot,
    DecideResult,
    DncEntry,
    Draft,
    DraftState,
    Person,
    PolicyFacts,
    RateDecision,
    ReserveOutcome,
    ReserveResult,
    SearchPage,
    SearchRecord,
    SendOutcome,
    SendStartFacts,
    SsiSnapshot,
)
from salesnav_mcp.store.sqlite import DB_FILENAME, SQLiteStore

__all__ = [
    "CHANNELS",
    "DB_FILENAME",
    "DRAFT_STATES",
    "Approval",
    "ApprovalKind",
    "ApprovalState",
    "AuditEntry",
    "BeginSendResult",
    "BudgetCounts",
    "Channel",
    "CreditSnapshot",
    "ORGANISATION",
    "DecideResult",
    "DncEntry",
    "Draft",
    "DraftState",
    "Person",
    "PolicyFacts",
    "RateDecision",
    "ReserveOutcome",
    "ReserveResult",
    "SQLiteStore",
    "SearchPage",
    "SearchRecord",
    "SendOutcome",
    "SendStartFacts",
    "SsiSnapshot",
    "Store",
    "StoreError",
    "open_store",
]

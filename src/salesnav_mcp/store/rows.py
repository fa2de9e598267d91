"""Database rows -> store records, for both stores.

A row is anything indexed by column name (sqlite3.Row or psycopg's dict rows). The
dialect says how each database hands back times and days; everything else is the same.
"""

from __future__ import annotations

import json
from typing import Any

from salesnav_mcp.store.queries import Dialect
from salesnav_mcp.store.records import AuditEntry, CreditSnapshot, DncEntry, Draft, SearchRecord, SsiSnapshot

Row = Any  # sqlite3.Row | dict[str, Any]


def search_record(row: Row, d: Dialect) -> SearchRecord:
    return SearchRecord(
        id=row["id"],
        account_id=row["account_id"],
        query_key=row["query_key"],
        month=row["month"],
        status=row["status"],
        created_at=d.dt(row["created_at"]),  # type: ignore[arg-type]
        updated_at=d.dt(row["updated_at"]),  # type: ignore[arg-type]
        committed_at=d.dt(row["committed_at"]),
        total=row["total"],
        complete=bool(row["complete"]),
        item_count=row["item_count"],
        next_offset=row["next_offset"],
    )


def draft_record(row: Row, d: Dialect) -> Draft:
    return Draft(
        id=row["id"],
        account_id=row["account_id"],
        recipient=row["recipient"],
        recipient_key=row["recipient_key"],
        channel=row["channel"],
        subject=row["subject"],
        text=row["text"],
        attachments=json.loads(row["attachments"]),
        conversation_urn=row["conversation_urn"],
        is_new_conversation=bool(row["is_new_conversation"]),
        state=row["state"],
        content_hash=row["content_hash"],
        text_hash=row["text_hash"],
        created_at=d.dt(row["created_at"]),  # type: ignore[arg-type]
        updated_at=d.dt(row["updated_at"]),  # type: ignore[arg-type]
        created_by=row["created_by"],
        send_started_at=d.dt(row["send_started_at"]),
        attempt_id=row["attempt_id"],
        result=None if row["result"] is None else json.loads(row["result"]),
        error=row["error"],
    )


def dnc_entry(row: Row, d: Dialect) -> DncEntry:
    return DncEntry(
        recipient_key=row["recipient_key"],
        recipient=row["recipient"],
        reason=row["reason"],
        added_at=d.dt(row["added_at"]),  # type: ignore[arg-type]
        added_by=row["added_by"],
    )


def audit_entry(row: Row, d: Dialect) -> AuditEntry:
    return AuditEntry(
        id=int(row["id"]),
        at=d.dt(row["at"]),  # type: ignore[arg-type]
        account_id=row["account_id"],
        actor=row["actor"],
        kind=row["kind"],
        details=json.loads(row["details"]),
    )


def ssi_snapshot(row: Row, d: Dialect) -> SsiSnapshot:
    return SsiSnapshot(
        account_id=row["account_id"],
        day=d.day(row["day"]),
        payload=json.loads(row["payload"]),
        recorded_at=d.dt(row["recorded_at"]),  # type: ignore[arg-type]
    )


def credit_snapshot(row: Row, d: Dialect) -> CreditSnapshot:
    return CreditSnapshot(
        account_id=row["account_id"],
        day=d.day(row["day"]),
        value=row["value"],
        recorded_at=d.dt(row["recorded_at"]),  # type: ignore[arg-type]
    )

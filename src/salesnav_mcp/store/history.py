"""What the store keeps as history: the append-only audit trail and the daily SSI and InMail snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import AuditEntry, AuditNote, CreditSnapshot, SsiSnapshot
from salesnav_mcp.store.rows import dump_json
from salesnav_mcp.store.script import Lock, Script, Sql, Where, all_rows, finish, reads, run, writes

AUDIT_TRAIL = ("audit",)  # the lock ordering appends and reads of the audit trail
# Daily snapshots: (table, value column).
_SSI = ("ssi_snapshots", "payload")
_CREDITS = ("inmail_credit_snapshots", "value")


def appending(notes: Sequence[AuditNote], *, returning: bool = False) -> list[Sql | Lock]:
    """The requests that append `notes` to the audit trail, in order: put them last in the final steps.

    Ids are handed out before commit, so an entry with a smaller id can commit after one with a larger id.
    Appends hold the trail's lock shared from before they take an id until they commit (appends do not
    wait for each other); a reader takes it exclusively (`list_audit`), so it reads only once every id
    handed out so far is committed, and paging with the last id seen never skips an entry. Taken last,
    the lock is never held while waiting for another.
    """
    if not notes:
        return []
    values = ", ".join("(?, ?, ?, ?, ?)" for _ in notes)
    args = [value for n in notes for value in (n.at, n.account_id, n.actor, n.kind, dump_json(n.details))]
    text = f"INSERT INTO audit (at, account_id, actor, kind, details) VALUES {values}"
    append = Sql(text + " RETURNING id", tuple(args), "all") if returning else Sql(text, tuple(args))
    return [Lock(AUDIT_TRAIL, shared=True), append]


class History(StoreBase):
    # The audit trail is append-only: there is deliberately no update or delete.
    @writes
    def append_audit(
        self, *, at: datetime, account_id: str | None, actor: str | None, kind: str, details: dict[str, Any]
    ) -> Script[int]:
        """Append one entry; return its id (increasing)."""
        _, rows = yield finish(*appending([AuditNote(at, account_id, actor, kind, details)], returning=True))
        return int(rows[0]["id"])

    @reads
    def list_audit(
        self,
        *,
        after_id: int = 0,
        limit: int = 1000,
        since: datetime | None = None,
        until: datetime | None = None,
        account_id: str | None = None,
        kinds: Sequence[str] | None = None,
    ) -> Script[list[AuditEntry]]:
        """Entries with id > after_id in id order (page with the last id seen)."""
        where = Where().compare("id", ">", after_id).given("at", ">=", since).given("at", "<", until)
        where.given("account_id", "=", account_id)
        if kinds:
            where.one_of("kind", kinds)
        yield Lock(AUDIT_TRAIL)  # every id handed out before this is committed: none can appear behind the page
        rows = yield all_rows(f"SELECT * FROM audit WHERE {where.sql} ORDER BY id LIMIT ?", *where.args, limit)
        return [self._record(AuditEntry, r) for r in rows]

    # ---- snapshots --------------------------------------------------------------------------------
    @staticmethod
    def _upsert_snapshot(snapshots: tuple[str, str], account_id: str, day: date, value: Any, now: datetime) -> Script[None]:
        # An unchanged value updates nothing, so the commit has nothing to write (and recorded_at
        # keeps when the value was first seen).
        table, column = snapshots
        yield run(
            f"""INSERT INTO {table} (account_id, day, {column}, recorded_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (account_id, day) DO UPDATE SET {column} = excluded.{column}, recorded_at = excluded.recorded_at
                WHERE {table}.{column} <> excluded.{column}""",
            account_id,
            day,
            value,
            now,
        )

    @staticmethod
    def _snapshots(snapshots: tuple[str, str], account_id: str, since: date | None) -> Script[list[Any]]:
        table, _ = snapshots
        return (yield all_rows(f"SELECT * FROM {table} WHERE account_id = ? AND day >= ? ORDER BY day", account_id, since or date.min))

    @writes
    def upsert_ssi_snapshot(self, *, account_id: str, day: date, payload: dict[str, Any], now: datetime) -> Script[None]:
        """One snapshot per account and UTC day; a later write the same day replaces it."""
        yield from self._upsert_snapshot(_SSI, account_id, day, dump_json(payload), now)

    @reads
    def list_ssi_snapshots(self, account_id: str, *, since: date | None = None) -> Script[list[SsiSnapshot]]:
        """Oldest first."""
        return [self._record(SsiSnapshot, r) for r in (yield from self._snapshots(_SSI, account_id, since))]

    @writes
    def upsert_inmail_credits(self, *, account_id: str, day: date, value: int, now: datetime) -> Script[None]:
        """One value per account and UTC day; a later write the same day replaces it."""
        yield from self._upsert_snapshot(_CREDITS, account_id, day, int(value), now)

    @reads
    def list_inmail_credits(self, account_id: str, *, since: date | None = None) -> Script[list[CreditSnapshot]]:
        """Oldest first."""
        return [self._record(CreditSnapshot, r) for r in (yield from self._snapshots(_CREDITS, account_id, since))]

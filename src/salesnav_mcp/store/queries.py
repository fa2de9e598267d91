"""SQL text the SQLite and PostgreSQL stores share.

Only statements that are the same on both databases live here; they differ just in how
parameters are written: `?` with one argument per list item for sqlite3, `%s` with a list
bound as one array for psycopg. Locking, transactions and the atomic read-modify-write
operations stay in each store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from salesnav_mcp.store.records import Draft, DraftState


def dump_json(value: Any) -> str:
    # Compact and stable: stored JSON round-trips byte for byte on both databases.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Dialect:
    """How one database driver takes parameters and hands back times and days."""

    mark: str  # one parameter: "?" (sqlite3) or "%s" (psycopg)
    array_params: bool  # a list is bound as one array (`col = ANY(%s)`) rather than item by item
    ts: Callable[[datetime], Any]  # an aware datetime -> the stored value
    dt: Callable[[Any], datetime | None]  # a stored time (or None) -> an aware UTC datetime
    day: Callable[[Any], date]  # a stored day -> a date

    def marks(self, count: int) -> str:
        return ", ".join(self.mark for _ in range(count))


@dataclass
class Where:
    """AND-ed conditions of a WHERE clause and their arguments, in order."""

    dialect: Dialect
    conditions: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def compare(self, column: str, op: str, value: Any) -> None:
        self.conditions.append(f"{column} {op} {self.dialect.mark}")
        self.args.append(value)

    def one_of(self, column: str, values: Sequence[Any]) -> None:
        if self.dialect.array_params:
            self.conditions.append(f"{column} = ANY({self.dialect.mark})")
            self.args.append(list(values))
        else:
            self.conditions.append(f"{column} IN ({self.dialect.marks(len(values))})")
            self.args.extend(values)

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions) or "1 = 1"


def list_audit(
    d: Dialect,
    *,
    after_id: int,
    limit: int,
    since: datetime | None,
    until: datetime | None,
    account_id: str | None,
    kinds: Sequence[str] | None,
) -> tuple[str, list[Any]]:
    where = Where(d)
    where.compare("id", ">", after_id)
    if since is not None:
        where.compare("at", ">=", d.ts(since))
    if until is not None:
        where.compare("at", "<", d.ts(until))
    if account_id is not None:
        where.compare("account_id", "=", account_id)
    if kinds:
        where.one_of("kind", kinds)
    return f"SELECT * FROM audit WHERE {where.sql} ORDER BY id LIMIT {d.mark}", [*where.args, limit]


def list_drafts(
    d: Dialect, *, account_id: str | None, states: Sequence[DraftState] | None, limit: int
) -> tuple[str, list[Any]]:
    where = Where(d)
    if account_id is not None:
        where.compare("account_id", "=", account_id)
    if states:
        where.one_of("state", states)
    return (
        f"SELECT * FROM drafts WHERE {where.sql} ORDER BY created_at DESC, id LIMIT {d.mark}",
        [*where.args, limit],
    )


def transition_draft(
    d: Dialect,
    draft_id: str,
    *,
    from_states: Sequence[DraftState],
    to_state: DraftState,
    now: datetime,
    attempt_id: str | None,
    started_before: datetime | None,
    result: dict[str, Any] | None,
    error: str | None,
) -> tuple[str, list[Any]]:
    """One compare-and-set UPDATE: it changes the draft only while every condition still holds."""
    where = Where(d)
    where.compare("id", "=", draft_id)
    where.one_of("state", from_states)
    if attempt_id is not None:
        where.compare("attempt_id", "=", attempt_id)
    if started_before is not None:
        where.compare("send_started_at", "<", d.ts(started_before))
    m = d.mark
    values = [to_state, d.ts(now), None if result is None else dump_json(result), error]
    sets = f"state = {m}, updated_at = {m}, result = {m}, error = {m}"
    return f"UPDATE drafts SET {sets} WHERE {where.sql}", [*values, *where.args]


_DRAFT_COLUMNS = (
    "id, account_id, recipient, recipient_key, channel, subject, text, attachments, conversation_urn, "
    "is_new_conversation, state, content_hash, text_hash, created_at, updated_at, created_by, send_started_at, "
    "attempt_id, result, error"
)


def insert_draft(d: Dialect, draft: Draft) -> tuple[str, tuple[Any, ...]]:
    values = (
        draft.id,
        draft.account_id,
        draft.recipient,
        draft.recipient_key,
        draft.channel,
        draft.subject,
        draft.text,
        dump_json(draft.attachments),
        draft.conversation_urn,
        draft.is_new_conversation,  # sqlite3 stores a bool as the integer 0 or 1
        draft.state,
        draft.content_hash,
        draft.text_hash,
        d.ts(draft.created_at),
        d.ts(draft.updated_at),
        draft.created_by,
        None if draft.send_started_at is None else d.ts(draft.send_started_at),
        draft.attempt_id,
        None if draft.result is None else dump_json(draft.result),
        draft.error,
    )
    return f"INSERT INTO drafts ({_DRAFT_COLUMNS}) VALUES ({d.marks(len(values))})", values


# Daily snapshots: (table, value column). An unchanged value updates nothing, so the commit has
# nothing to write (and recorded_at keeps when the value was first seen).
SSI_SNAPSHOTS = ("ssi_snapshots", "payload")
CREDIT_SNAPSHOTS = ("inmail_credit_snapshots", "value")


def upsert_snapshot(d: Dialect, snapshots: tuple[str, str]) -> str:
    table, column = snapshots
    return f"""INSERT INTO {table} (account_id, day, {column}, recorded_at) VALUES ({d.marks(4)})
               ON CONFLICT (account_id, day) DO UPDATE SET {column} = excluded.{column},
                 recorded_at = excluded.recorded_at
               WHERE {table}.{column} <> excluded.{column}"""


def list_snapshots(d: Dialect, snapshots: tuple[str, str]) -> str:
    table, _ = snapshots
    return f"SELECT * FROM {table} WHERE account_id = {d.mark} AND day >= {d.mark} ORDER BY day"

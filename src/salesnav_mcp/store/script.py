"""Transaction scripts: every store operation is written once and run by either database.

An operation is a generator that yields what it needs the database to do (a statement, a batch,
a lock) and receives the answer; the engine (store/sqlite.py, store/postgres.py) runs the whole
generator inside one transaction of its own. So the logic of each operation exists once, and each
engine keeps only what truly differs: connections, transactions, locking and parameter style.

Statements use `?` for parameters; engines adapt aware datetimes and dates to their column
types. Rows are read by column name.

Round trips: a script waits for the database only where it needs an answer. Requests whose answer
it does not need (a `Lock`, a `Batch`, a statement fetching nothing) are sent on with the next
request that needs one; independent statements are yielded together as `Steps` and answered
together; the script's final `Steps` (`finish`) travel with the commit. So on PostgreSQL a
transaction costs one round trip per `Steps` or answered statement, its commit included in the
last; SQLite simply runs every request in order.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")
S = TypeVar("S")

Fetch = Literal["none", "one", "all", "rowcount"]


@dataclass(frozen=True)
class Sql:
    """One statement and what to hand back: nothing, one row (or None), all rows, or the row count."""

    text: str
    args: tuple[Any, ...] = ()
    fetch: Fetch = "none"
    lock_rows: bool = False  # PostgreSQL: FOR UPDATE (SQLite's write transactions lock the whole file)


@dataclass(frozen=True)
class Batch:
    """One statement run for each argument tuple (executemany); hands back nothing."""

    text: str
    rows: Sequence[tuple[Any, ...]]


@dataclass(frozen=True)
class Lock:
    """Serialize, across processes, the transactions that decide about the same thing.

    PostgreSQL takes a transaction-level advisory lock on the name; SQLite's write transactions
    (`BEGIN IMMEDIATE`) are already serialized, so it has nothing to do. `shared` locks of one
    name do not exclude each other, only the (exclusive) lock of that name.
    """

    name: tuple[str, ...]
    shared: bool = False


@dataclass(frozen=True)
class Steps:
    """Requests sent together and answered together: a tuple of their answers, in order.

    `last`: they end the transaction. The engine commits with them and hands their answers back
    once committed; the script must return right after (nothing it could do then undoes them).
    """

    requests: tuple[Sql | Batch | Lock, ...]
    last: bool = False


Request = Sql | Batch | Lock | Steps
Script = Generator[Request, Any, T]


def steps(*requests: Sql | Batch | Lock) -> Steps:
    return Steps(requests)


def finish(*requests: Sql | Batch | Lock) -> Steps:
    """The script's final requests: they go to the database with the commit."""
    return Steps(requests, last=True)


ROWS_PER_INSERT = 200  # far below either database's limit on parameters


def insert_rows(head: str, rows: Sequence[tuple[Any, ...]]) -> list[Sql]:
    """`head` (`INSERT INTO t (a, b)`) with `rows` as its VALUES: one statement per ROWS_PER_INSERT rows.

    One statement instead of one per row (`Batch`): fewer messages and no per-row work in the engine.
    Only for rows that cannot conflict with each other (no ON CONFLICT ... DO UPDATE of the same key twice).
    """
    out = []
    for start in range(0, len(rows), ROWS_PER_INSERT):
        chunk = rows[start : start + ROWS_PER_INSERT]
        values = ", ".join("(" + ", ".join("?" for _ in row) + ")" for row in chunk)
        out.append(Sql(f"{head} VALUES {values}", tuple(value for row in chunk for value in row)))
    return out


class ScriptError(RuntimeError):
    """A script broke the protocol (e.g. asked for more after its final steps)."""


def one(text: str, *args: Any, lock_rows: bool = False) -> Sql:
    return Sql(text, args, "one", lock_rows)


def all_rows(text: str, *args: Any) -> Sql:
    return Sql(text, args, "all")


def run(text: str, *args: Any) -> Sql:
    """A statement whose answer is the number of rows it changed."""
    return Sql(text, args, "rowcount")


def aware(value: datetime) -> datetime:
    """`value` in UTC; a time without a zone is refused (every store time is an instant)."""
    if value.tzinfo is None:
        raise ValueError("store times must be timezone-aware (UTC)")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Dialect:
    """How a database hands back times and days (rows.py turns them into records)."""

    dt: Callable[[Any], datetime | None]  # a stored time (or None) -> an aware UTC datetime
    day: Callable[[Any], date]  # a stored day -> a date


def _transaction(
    write: bool, small: bool = False
) -> Callable[[Callable[Concatenate[S, P], Script[T]]], Callable[Concatenate[S, P], Awaitable[T]]]:
    def wrap(fn: Callable[Concatenate[S, P], Script[T]]) -> Callable[Concatenate[S, P], Awaitable[T]]:
        if small:

            @functools.wraps(fn)
            async def glance(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
                return await self._run_small(lambda: fn(self, *args, **kwargs))  # type: ignore[attr-defined]

            return glance

        @functools.wraps(fn)
        async def operation(self: S, *args: P.args, **kwargs: P.kwargs) -> T:
            return await self._run(fn(self, *args, **kwargs), write=write)  # type: ignore[attr-defined]

        return operation

    return wrap


reads = _transaction(write=False)
"""Declare a store operation that only reads: it runs as a read transaction."""

small_reads = _transaction(write=False, small=True)
"""Declare a read of a few rows found by an index: an engine may run it without leaving the event loop
(SQLite does, on a read-only connection of its own; it falls back to `reads` when that would wait)."""

writes = _transaction(write=True)
"""Declare a store operation that writes: it runs as a write transaction (locks taken up front on SQLite)."""


@dataclass
class Where:
    """AND-ed conditions of a WHERE clause and their arguments, in order."""

    conditions: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def compare(self, column: str, op: str, value: Any) -> Where:
        self.conditions.append(f"{column} {op} ?")
        self.args.append(value)
        return self

    def given(self, column: str, op: str, value: Any) -> Where:
        """`compare`, when a value is given: None is no filter (SQL's `= NULL` would match nothing anyway)."""
        return self if value is None else self.compare(column, op, value)

    def one_of(self, column: str, values: Sequence[Any]) -> Where:
        self.conditions.append(f"{column} IN ({', '.join('?' for _ in values)})")
        self.args.extend(values)
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions) or "1 = 1"

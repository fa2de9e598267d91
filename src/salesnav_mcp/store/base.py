"""What every store operation stands on: the engine's transaction, records from rows, key-value.

Engines (store/sqlite.py, store/postgres.py) supply `_run`, which runs one transaction script
(store/script.py) as one transaction. Anything that must be atomic (check a count, then insert)
is ONE operation, so its check and its write happen in a single transaction, serialized across
processes (SQLite `BEGIN IMMEDIATE`; PostgreSQL advisory locks named by `Lock` and row locks).
Where a guardrail decides (the budget, the start of a send), the caller passes the decision as a
pure function and the operation runs it inside the transaction on the rows it read. The store
never reads a clock: callers pass `now` and window boundaries, so time is controllable in tests
and the same in every process.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self, TypeVar

from salesnav_mcp.store.rows import Row, record
from salesnav_mcp.store.script import Dialect, Script, one, reads, run, small_reads, writes

R = TypeVar("R")


class StoreError(Exception):
    """The store cannot do what was asked (bad configuration, unknown record, closed)."""


class StoreBase(ABC):
    dialect: Dialect

    @abstractmethod
    async def _run(self, script: Script[Any], *, write: bool) -> Any:
        """Run `script` as one transaction and return its result."""

    async def _run_small(self, make: Callable[[], Script[Any]]) -> Any:
        """Run a small read (`small_reads`); `make()` builds a fresh script each time one is needed."""
        return await self._run(make(), write=False)

    @abstractmethod
    async def close(self) -> None:
        """Release connections. Safe to call twice."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def _record(self, cls: type[R], row: Row) -> R:
        return record(cls, row, self.dialect)

    @reads
    def schema_version(self) -> Script[int]:
        return (yield one("SELECT MAX(version) AS v FROM schema_version"))["v"]

    @small_reads
    def kv_get(self, key: str) -> Script[str | None]:
        row = yield one("SELECT value FROM kv WHERE key = ?", key)
        return None if row is None else row["value"]

    @writes
    def kv_setdefault(self, key: str, value: str) -> Script[str]:
        """Store `value` under `key` unless a value exists; return the stored one (first writer wins)."""
        yield run("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, value)
        return (yield one("SELECT value FROM kv WHERE key = ?", key))["value"]

"""The PostgreSQL engine of the store, for several server replicas sharing one database.

- psycopg 3, async, with a connection pool (psycopg_pool); connections run in autocommit
  and every operation is one explicit transaction.
- Transactions run at READ COMMITTED. Each read-modify-write first takes a transaction-level
  advisory lock on what it decides about (the scripts' `Lock`: the account's budget, the
  account's pacing window, the account and recipient of a send, the audit trail), so the check
  and the write are one atomic step across replicas; statements after the lock see everything
  committed before it was granted. Single-statement compare-and-sets (`transition_draft`,
  `update_draft_content`) rely on the row lock PostgreSQL takes for UPDATE.
- Operations are shielded from cancellation, as the SQLite store's worker threads are: an
  operation that reached the database completes and reports its result, so a caller never
  has to guess whether a send was started or a search charged.
- Migrations run under an advisory lock, so replicas starting at once apply each one once.
- Round trips are what an operation costs here: statements go to the server as one message of
  several statements (parameters bound by psycopg's client-side cursor), sent only when the
  script needs an answer. BEGIN, locks and statements whose answer it does not need travel with
  the next statement it does need, independent statements (`Steps`) share one message, and a
  script's final steps travel with the COMMIT (store/script.py). A pooled connection is checked
  before use only after it sat idle for a while.
"""

from __future__ import annotations

import hashlib
import re
import time
import weakref
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import anyio

from salesnav_mcp.store.api import Store
from salesnav_mcp.store.base import StoreError
from salesnav_mcp.store.schema import ColumnTypes, migrate
from salesnav_mcp.store.script import Batch, Dialect, Lock, Script, ScriptError, Sql, Steps, aware

try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict
    from psycopg.rows import dict_row
    from psycopg_pool import AsyncConnectionPool
except ImportError as exc:  # the `postgres` extra is optional
    raise StoreError(
        "SALESNAV_STORE_URL names a PostgreSQL store, but psycopg is not installed: "
        "install it with pip install 'salesnav-mcp[postgres]'."
    ) from exc

Conn = psycopg.AsyncConnection[dict[str, Any]]
DEFAULT_POOL_SIZE = 10
CONNECT_TIMEOUT = 30.0  # seconds to wait for a pooled connection (like SQLite's busy timeout)
CONNECT_TIMEOUT_SECONDS = 10  # libpq connect_timeout unless the URL sets one
TYPES = ColumnTypes(
    time="TIMESTAMPTZ",
    flag="BOOLEAN",
    false="FALSE",
    day="DATE",
    serial_key="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
)
OWN_STATEMENTS = {
    1: [
        "CREATE INDEX searches_updated ON searches (updated_at)",
        # Append-only is enforced by the database too, not just by the absence of an API.
        """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
        """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
           FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
        """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
           FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
    ]
}


def _dt(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _day(value: date) -> date:
    return value


# Times are TIMESTAMPTZ, days DATE.
POSTGRES = Dialect(dt=_dt, day=_day)


def _lock_key(*parts: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name (collisions only cost extra waiting)."""
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@lru_cache(maxsize=256)
def _statement(text: str, lock_rows: bool) -> str:
    """The script's `?` parameters in psycopg's `%s` style (our statements hold no literal `?` or `%`)."""
    return text.replace("?", "%s") + (" FOR UPDATE" if lock_rows else "")


def _param(value: Any) -> Any:
    return aware(value) if isinstance(value, datetime) else value


Step = Sql | Batch | Lock


def _bound(cursor: psycopg.AsyncClientCursor[Any], request: Step) -> list[str]:
    """The statements a request stands for, with their parameters bound (quoted by psycopg)."""
    if isinstance(request, Sql):
        text = _statement(request.text, request.lock_rows)
        return [cursor.mogrify(text, [_param(a) for a in request.args])]  # type: ignore[arg-type]
    if isinstance(request, Batch):
        text = _statement(request.text, False)
        return [cursor.mogrify(text, [_param(a) for a in row]) for row in request.rows]  # type: ignore[arg-type]
    if isinstance(request, Lock):
        function = "pg_advisory_xact_lock_shared" if request.shared else "pg_advisory_xact_lock"
        return [f"SELECT {function}({_lock_key(*request.name)})"]
    raise TypeError(f"unknown store request {request!r}")


def _needs_answer(request: Step) -> bool:
    return isinstance(request, Sql) and request.fetch != "none"


async def _answer(cursor: psycopg.AsyncClientCursor[Any], request: Step) -> Any:
    """What the script gets back for a request, from the result the cursor stands at."""
    if not isinstance(request, Sql) or request.fetch == "none":
        return None
    if request.fetch == "one":
        return await cursor.fetchone()
    if request.fetch == "all":
        return await cursor.fetchall()
    return max(cursor.rowcount, 0)


class _Exchange:
    """Statements go to the server together, as one message, only when the script needs an answer.

    What the script needs no answer for (BEGIN, a `Lock`, a `Batch`, a statement fetching nothing) waits
    and goes with the next request that needs one; a `Steps` goes whole; the final steps go with the
    COMMIT. One message is one round trip: the server runs its statements in order and answers each.
    """

    def __init__(self, conn: Conn) -> None:
        self.cursor = psycopg.AsyncClientCursor(conn)
        self.waiting = ["BEGIN"]

    def defer(self, group: tuple[Step, ...]) -> None:
        self.waiting += [text for step in group for text in _bound(self.cursor, step)]

    async def send(self, group: tuple[Step, ...], *, commit: bool = False) -> list[Any]:
        """Send what waits, then `group` (then COMMIT): the group's answers."""
        texts, at = list(self.waiting), []
        for step in group:
            bound = _bound(self.cursor, step)
            at.append(len(texts) + len(bound) - 1)  # a request's answer is its last statement's result
            texts += bound
        if commit:
            texts.append("COMMIT")
        self.waiting = []
        await self.cursor.execute(";\n".join(texts))  # type: ignore[arg-type]
        answers, index = [], 0
        for step, position in zip(group, at, strict=True):
            while index < position:
                self.cursor.nextset()
                index += 1
            answers.append(await _answer(self.cursor, step))
        return answers


async def _transaction(conn: Conn, script: Script[Any]) -> Any:
    """Run `script` as one transaction on `conn` (autocommit, so BEGIN and COMMIT are ours)."""
    exchange = _Exchange(conn)
    answer: Any = None
    try:
        while True:
            try:
                request = script.send(answer)
            except StopIteration as done:
                await exchange.send((), commit=True)
                return done.value
            group = request.requests if isinstance(request, Steps) else (request,)
            last = isinstance(request, Steps) and request.last
            if last or any(_needs_answer(step) for step in group):
                answers = await exchange.send(group, commit=last)
            else:
                exchange.defer(group)
                answers = [None] * len(group)
            answer = tuple(answers) if isinstance(request, Steps) else answers[0]
            if last:
                try:
                    script.send(answer)
                except StopIteration as done:
                    return done.value
                raise ScriptError(f"{script.__name__} asked for more after its final steps")
    except BaseException:
        if not conn.closed and conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            await conn.rollback()
        raise
    finally:
        script.close()


# When each pooled connection last finished a transaction. One used moments ago is handed out as it is;
# one idle for longer is checked first (a round trip), so a connection the server or the network dropped
# while it sat in the pool is replaced instead of failing an operation.
_last_used: weakref.WeakKeyDictionary[Conn, float] = weakref.WeakKeyDictionary()
CHECK_AFTER_IDLE = 2.0  # seconds


async def _check_idle(conn: Conn) -> None:
    if time.monotonic() - _last_used.get(conn, float("-inf")) > CHECK_AFTER_IDLE:
        await AsyncConnectionPool.check_connection(conn)


_URL_PASSWORD = re.compile(r"(://[^/@:\s\"']*:)[^@\s\"']*@")
_KEYWORD_PASSWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def scrub(text: str, url: str) -> str:
    """`text` (e.g. a libpq error, which may quote the connection string) without the URL's password."""
    text = text.replace(url, "[SALESNAV_STORE_URL]")
    text = _URL_PASSWORD.sub(r"\1[redacted]@", text)
    return _KEYWORD_PASSWORD.sub(r"\1[redacted]", text)


def describe(url: str) -> str:
    """user@host:port/dbname of a connection URL, for messages: never the password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "an unparsable URL"
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{user}{parts.get('host') or 'localhost'}{port}/{parts.get('dbname') or ''}"


class PostgresStore(Store):
    """Open with `await PostgresStore.open(url)` (or `open_store(settings)`)."""

    dialect = POSTGRES

    def __init__(self, pool: AsyncConnectionPool[Conn], where: str, url: str) -> None:
        self._pool: AsyncConnectionPool[Conn] | None = pool
        self.where = where
        self._url = url  # only to scrub it from error messages

    @classmethod
    async def open(cls, url: str, *, pool_size: int = DEFAULT_POOL_SIZE) -> PostgresStore:
        """Connect, migrate (once across replicas) and open a pool of up to `pool_size` connections."""
        if pool_size < 1:
            raise ValueError("pool_size must be at least 1")
        where = describe(url)
        try:
            # An unreachable host fails in seconds, not after the operating system's TCP timeout.
            timeout_given = "connect_timeout" in conninfo_to_dict(url)
            extra = {} if timeout_given else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
            async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row, **extra) as conn:
                remedy = (
                    "Upgrade salesnav-mcp on every replica, or point SALESNAV_STORE_URL at another database or schema."
                )
                await _transaction(conn, migrate(TYPES, OWN_STATEMENTS, remedy=remedy))
        except psycopg.errors.InvalidSchemaName:
            raise StoreError(
                f"Cannot open the PostgreSQL store at {where} (SALESNAV_STORE_URL): the schema named first in the "
                "search_path does not exist; create it (CREATE SCHEMA ...) or fix the URL's search_path option."
            ) from None
        except psycopg.Error as exc:
            raise StoreError(
                f"Cannot open the PostgreSQL store at {where} (SALESNAV_STORE_URL): {scrub(str(exc), url)}"
            ) from None
        pool: AsyncConnectionPool[Conn] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "row_factory": dict_row, **extra},
            timeout=CONNECT_TIMEOUT,
            check=_check_idle,
            open=False,
            name="salesnav-store",
        )
        try:
            await pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, where, url)

    def __repr__(self) -> str:
        return f"PostgresStore({self.where!r})"

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            with anyio.CancelScope(shield=True):
                await pool.close()

    async def _run(self, script: Script[Any], *, write: bool) -> Any:
        pool = self._pool
        if pool is None:
            script.close()
            raise StoreError("The store is closed.")
        with anyio.CancelScope(shield=True):
            try:
                async with pool.connection() as conn:
                    out = await _transaction(conn, script)
                    _last_used[conn] = time.monotonic()
                    return out
            except psycopg.OperationalError as exc:
                raise StoreError(f"The PostgreSQL store at {self.where} failed: {scrub(str(exc), self._url)}") from None

"""PostgreSQL store: search leases per second against SQLite, and what one lease costs in round trips.

A lease is what every fresh search does to the store through the budget guardrail: reserve (expire
stale reservations, count the month, look for a cached twin, insert the reservation, audit it), then
record its first page of 25 results (lock the search, skip stored keys, append the items, charge it,
audit it). Eight workers run leases on one account back to back, each with distinct queries, for a
fixed time; SQLite (a file in a temporary directory, WAL, synchronous=FULL) and PostgreSQL (a fresh
schema of the server at SALESNAV_BENCH_PG_URL, by default the test database on 127.0.0.1) alternate
round by round. Round trips are counted on the wire: a relay between the store and PostgreSQL counts
each time the client speaks again after the server answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio

from bench.harness import Figure, Section, median
from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import Guardrails, build_guardrails
from salesnav_mcp.store import Store, open_store

PG_URL = os.environ.get("SALESNAV_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
GOAL_RATIO = 0.9
GOAL_ROUND_TRIPS = 5
WORKERS = 8
ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"
ITEMS = [{"profileUrn": f"urn:li:fsd_profile:bench{i}", "name": f"Lead {i}", "title": "Engineer"} for i in range(25)]


# ------------------------------------------------------------------------------------------ PostgreSQL


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options={quote(f'-c search_path={schema}')}"


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh schema on the benchmark's PostgreSQL server: its store URL; dropped afterwards."""
    import psycopg

    schema = "salesnav_bench_" + secrets.token_hex(6)
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _schema_url(schema)
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


class RoundTrips:
    """A TCP relay in front of PostgreSQL counting turns: the client speaking again after the server spoke."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.turns = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self.target)
        last = ["server"]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, side: str) -> None:
            try:
                while data := await src.read(1 << 16):
                    if side == "client" and last[0] == "server":
                        self.turns += 1
                    last[0] = side
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                dst.close()

        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(pipe(client_r, server_w, "client"), pipe(server_r, client_w, "server"))


def _via(url: str, port: int) -> str:
    return url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{port}/", 1)


# ------------------------------------------------------------------------------------------ leases


def _settings(data_dir: Path, url: str | None) -> Settings:
    values: dict[str, Any] = {"salesnav_data_dir": data_dir, "salesnav_monthly_search_budget": 10**6}
    if url is not None:
        values["salesnav_store_url"] = url
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@contextlib.asynccontextmanager
async def guardrails(data_dir: Path, url: str | None) -> AsyncIterator[tuple[Store, Guardrails]]:
    settings = _settings(data_dir, url)
    store = await open_store(settings)
    try:
        guards = build_guardrails(store, settings, Clock())
        await guards.budget.purge_old_results()  # the hourly purge, out of the timed leases
        yield store, guards
    finally:
        await store.close()


async def lease(guards: Guardrails, query: str, account: str = ACCOUNT) -> None:
    async with guards.budget.search(account, query) as held:
        await held.record_page(ITEMS, key=lambda item: item["profileUrn"], next_offset=25, total=700)


async def leases_per_second(
    guards: Guardrails, seconds: float, workers: int = WORKERS, *, accounts: int = 1
) -> float:
    """Leases per second of `workers` back to back, spread over `accounts` accounts (each its own budget)."""
    done = 0
    deadline = time.perf_counter() + seconds
    tag = secrets.token_hex(4)

    async def worker(index: int) -> None:
        nonlocal done
        n = 0
        account = ACCOUNT if accounts == 1 else f"{ACCOUNT[:-2]}{index % accounts:02d}"
        while time.perf_counter() < deadline:
            n += 1
            await lease(guards, f"q-{tag}-{index}-{n}", account)
            done += 1

    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for index in range(workers):
            tg.start_soon(worker, index)
    return done / (time.perf_counter() - started)


async def cost_of_a_lease(data_dir: Path, url: str, leases: int) -> dict[str, float]:
    """Round trips, transactions and requests per lease on PostgreSQL, one lease at a time through the relay."""
    from salesnav_mcp.store import postgres

    relay = RoundTrips("127.0.0.1", 5432)
    port = await relay.start()
    counted = {"transactions": 0, "requests": 0}
    real_bound = postgres._bound

    def bound(cursor: Any, request: Any) -> list[str]:
        texts = real_bound(cursor, request)
        counted["requests"] += len(texts)
        return texts

    try:
        async with guardrails(data_dir, _via(url, port)) as (store, guards):
            real_run = store._run

            async def run(script: Any, *, write: bool) -> Any:
                counted["transactions"] += 1
                return await real_run(script, write=write)

            store._run = run  # type: ignore[method-assign]
            postgres._bound = bound  # type: ignore[assignment]
            for n in range(3):  # warm-up: pool connection, prepared statements
                await lease(guards, f"warm-{n}")
            relay.turns, counted["transactions"], counted["requests"] = 0, 0, 0
            for n in range(leases):
                await lease(guards, f"cost-{n}")
            return {
                "round_trips": relay.turns / leases,
                "transactions": counted["transactions"] / leases,
                "statements": counted["requests"] / leases,
            }
    finally:
        postgres._bound = real_bound  # type: ignore[assignment]
        await relay.stop()


async def measure(quick: bool, url: str) -> dict[str, Any]:
    rounds, seconds = (1, 0.5) if quick else (5, 2.0)
    rates: dict[str, list[float]] = {"sqlite": [], "postgres": []}
    single: dict[str, float] = {}
    spread: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="salesnav-bench-store-") as tmp:
        async with (
            guardrails(Path(tmp) / "sqlite", None) as (_, on_sqlite),
            guardrails(Path(tmp) / "pg", url) as (_, on_postgres),
        ):
            engines = {"sqlite": on_sqlite, "postgres": on_postgres}
            for guards in engines.values():  # warm-up
                await leases_per_second(guards, 0.2)
            names = list(engines)
            for r in range(rounds):
                for name in names[r % 2 :] + names[: r % 2]:
                    rates[name].append(await leases_per_second(engines[name], seconds))
            if not quick:
                for name, guards in engines.items():
                    single[name] = await leases_per_second(guards, 1.0, workers=1)
                    spread[name] = await leases_per_second(guards, 1.0, accounts=WORKERS)
        cost = await cost_of_a_lease(Path(tmp) / "cost", url, 5 if quick else 30)
    return {"rates": rates, "single": single, "spread": spread, "cost": cost, "rounds": rounds, "seconds": seconds}


def run(quick: bool) -> Section:
    with pg_schema() as url:
        data = anyio.run(measure, quick, url)
    rates, single, cost = data["rates"], data["single"], data["cost"]
    paired = median([pg / lite for pg, lite in zip(rates["postgres"], rates["sqlite"], strict=True) if lite])
    section = Section(
        key="store",
        title=f"PostgreSQL store ({WORKERS} concurrent distinct searches)",
        method=(
            __doc__.split("\n\n", 1)[1].replace("\n", " ").strip()
            + f" {data['rounds']} round(s) of {data['seconds']:g} s per store, order alternating; ratio = median of "
            "the per-round ratios. Round trips, transactions and statements per lease: PostgreSQL, leases one at a "
            "time after a warm-up (BEGIN and COMMIT are not counted as statements; they travel with the others)."
        ),
    )
    section.figures = [
        Figure(
            "leases/s, PostgreSQL vs SQLite",
            median(rates["postgres"]),
            "/s",
            baseline=median(rates["sqlite"]),
            goal=GOAL_RATIO,
            goal_op=">=",
            goal_text=f">= {GOAL_RATIO:g}x SQLite",
            digits=0,
            paired_ratio=paired,
        ),
        Figure(
            "round trips per lease (PostgreSQL)",
            cost["round_trips"],
            goal=GOAL_ROUND_TRIPS,
            goal_on="value",
            goal_text=f"<= {GOAL_ROUND_TRIPS}",
            digits=1,
        ),
        Figure("transactions per lease", cost["transactions"], digits=1),
        Figure("statements per lease", cost["statements"], digits=1),
    ]
    if data["spread"]:
        section.figures.append(
            Figure(
                f"leases/s, {WORKERS} workers on {WORKERS} accounts, PostgreSQL vs SQLite",
                data["spread"]["postgres"],
                "/s",
                baseline=data["spread"]["sqlite"],
                digits=0,
                goal_text="none (no budget lock shared between the workers)",
            )
        )
    if single:
        section.figures.append(
            Figure(
                "leases/s one at a time, PostgreSQL vs SQLite",
                single["postgres"],
                "/s",
                baseline=single["sqlite"],
                digits=0,
                goal_text="none (latency-bound: one lease waits for the last)",
            )
        )
    section.details.append(
        "Rounds, leases/s: "
        + "; ".join(f"{name}: " + ", ".join(f"{rate:.0f}" for rate in values) for name, values in rates.items())
        + "."
    )
    section.data = {"cost": cost, "rates": rates, "single": single}
    return section

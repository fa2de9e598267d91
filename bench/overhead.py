"""Tool-call overhead: a read-only tool (get_ssi) through the SDK's in-process client, ours vs bare.

Both servers run in this process on one embedded sandbox; calls alternate in blocks of 10 (the
order flipping every block) so drift on a noisy machine hits both alike.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from typing import Any

import anyio

from bench.harness import Figure, Section, median, percentile
from bench.inprocess import Pair, running

GOAL_RATIO = 1.15
BLOCK = 10


async def _timed(client, samples: list[float]) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = await client.call_tool("get_ssi", {})
    samples.append(time.perf_counter() - started)
    if result.is_error:
        raise RuntimeError(f"get_ssi failed: {result.content}")


async def measure(pair: Pair, calls: int) -> dict[str, list[float]]:
    """Latencies of `calls` calls per client: ours and bare."""
    clients = {"ours": pair.ours, "bare": pair.bare}
    samples: dict[str, list[float]] = {name: [] for name in clients}
    for _ in range(20):  # warm-up: default account lookup, caches, first SQLite write
        for client in clients.values():
            await _timed(client, [])
    names = list(clients)
    for block in range(calls // BLOCK):
        shift = block % len(names)
        for name in names[shift:] + names[:shift]:
            for _ in range(BLOCK):
                await _timed(clients[name], samples[name])
    return samples


# Where CPU time goes, by who owns the code: (label, path fragment), first match wins.
OWNERS = [
    ("salesnav-mcp: tools, guardrails, store, upstream client", "/salesnav_mcp/"),
    ("sandbox (shared upstream)", "/salesnav_mcp/sandbox/"),
    ("SDK client: output-schema validation (jsonschema)", "/jsonschema/"),
    ("SDK client: output-schema validation (jsonschema)", "/referencing/"),
    ("SDK client", "/mcp/client/"),
    ("SDK server", "/mcp/"),
    ("SDK types", "/mcp_types/"),
    ("pydantic (validation, serialization)", "/pydantic"),
    ("httpx2 (ASGI transport)", "/httpx2/"),
    ("starlette (sandbox routing)", "/starlette/"),
]


def _owner(filename: str, function: str) -> str:
    if filename == "~":  # C functions: name them by what they serve
        if "poll" in function:
            return "event loop idle: waiting for worker threads (SQLite)"
        if "pydantic_core" in function:
            return "pydantic (validation, serialization)"
        if "_thread.lock" in function or "of '_socket.socket'" in function:
            return "worker-thread hand-off (locks, event-loop wake-ups)"
    if "/salesnav_mcp/sandbox/" in filename:
        return "sandbox (shared upstream)"
    for label, fragment in OWNERS:
        if fragment in filename:
            return label
    if "/asyncio/" in filename or "/anyio/" in filename:
        return "asyncio, anyio"
    return "other (Python builtins, standard library)"


_OTHER = "other (Python builtins, standard library)"


def _owned_times(stats: dict[Any, Any]) -> dict[str, float]:
    """Own time by owner; a builtin no owner claims by name (isinstance, str.join...) counts for
    whoever called it, in proportion to the time each caller spent in it."""
    owned: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, tottime, _ct, callers) in stats.items():
        owner = _owner(filename, function)
        if owner == _OTHER and filename == "~" and callers:
            for (c_file, _c_line, c_function), caller_stats in callers.items():
                c_owner = _owner(c_file, c_function)
                owned[c_owner] = owned.get(c_owner, 0.0) + caller_stats[2]
            continue
        owned[owner] = owned.get(owner, 0.0) + tottime
    return owned


async def profile(targets: dict[str, tuple[Any, str]], calls: int) -> dict[str, dict[str, float]]:
    """Own time (cProfile tottime, wall clock) per call in ms, grouped by owner of the code, for each
    target (name -> client, tool called without arguments).

    cProfile sees this thread only: work in worker threads (SQLite) shows up as the event loop's poll."""
    table: dict[str, dict[str, float]] = {}
    for name, (client, tool) in targets.items():
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            await client.call_tool(tool, {})
        profiler.disable()
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        for owner, seconds in _owned_times(stats).items():
            table.setdefault(owner, {})[name] = seconds * 1000 / calls
    return table


def profile_markdown(table: dict[str, dict[str, float]], names: list[str]) -> str:
    rows = [f"| code | {' | '.join(names)} |", "|---|" + "---:|" * len(names)]
    ordered = sorted(table.items(), key=lambda item: -max(item[1].values()))
    for owner, per_client in ordered:
        rows.append(f"| {owner} | " + " | ".join(f"{per_client.get(n, 0.0):.2f}" for n in names) + " |")
    totals = [sum(per.get(n, 0.0) for per in table.values()) for n in names]
    rows.append("| **total (profiled)** | " + " | ".join(f"**{t:.2f}**" for t in totals) + " |")
    return "\n".join(rows)


async def _run(quick: bool) -> Section:
    calls = 40 if quick else 1500
    async with running() as pair:
        samples = await measure(pair, calls)
        targets = {"ours": (pair.ours, "get_ssi"), "bare": (pair.bare, "get_ssi")}
        profiled = None if quick else await profile(targets, 200)
    ours, bare = samples["ours"], samples["bare"]
    section = Section(
        key="overhead",
        title="Tool-call overhead (in-process)",
        method=(
            f"`get_ssi` through the SDK in-process client (`mcp.Client(server)`, default protocol), {calls} calls "
            "each after 20 warm-up calls, in rotating blocks of 10. Baseline: a bare `MCPServer` tool making the "
            "same upstream call (`GET /linkedin/ssi` on the same in-process sandbox) with plain httpx2 and returning "
            "its JSON: no guardrails, no store, no models. Logging at WARNING for both."
        ),
    )
    section.figures = [
        Figure(
            "p50 latency",
            median(ours) * 1000,
            "ms",
            baseline=median(bare) * 1000,
            goal=GOAL_RATIO,
            goal_text=f"<= {GOAL_RATIO:.2f}x bare",
            digits=2,
        ),
        Figure(
            "p99 latency",
            percentile(ours, 99) * 1000,
            "ms",
            baseline=percentile(bare, 99) * 1000,
            goal=GOAL_RATIO,
            goal_text=f"<= {GOAL_RATIO:.2f}x bare",
            digits=2,
        ),
    ]
    if profiled:
        section.data["profile"] = profiled
        section.details.append(
            "cProfile, 200 calls per client: own time per call (ms) by owner of the code. cProfile inflates every "
            "figure and sees only the event-loop thread: store work in a worker thread appears as the event "
            "loop waiting in poll.\n\n" + profile_markdown(profiled, list(targets))
        )
    return section


def run(quick: bool) -> Section:
    return anyio.run(_run, quick)

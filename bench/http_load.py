"""HTTP throughput: tool calls per second over stateless streamable HTTP, 16 concurrent clients.

`salesnav-mcp serve --http --stateless` (with the floor's echo tool added, bench/with_echo.py) and
the floor server (`bench/floor_server.py --http`, stateless, JSON responses) run side by side on
127.0.0.1; the load rotates between targets in short rounds. Each client is one keep-alive
connection posting JSON-RPC `tools/call` requests (protocol 2025-11-25, no session) back to back,
written with bare asyncio streams so the load generator leaves the CPU to the servers. A call
counts when its answer is HTTP 200 with a JSON-RPC result whose `isError` is false.

Besides calls/s, each server's CPU time per call is read from /proc: on a shared, noisy machine it
is the steadier figure (a single-threaded server saturates at about 1 / CPU-per-call). Where the
headline tool's extra CPU goes is profiled in-process: the same two calls on our server, under cProfile.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

import anyio

from bench.harness import (
    PROTOCOL_VERSION,
    Figure,
    HttpServer,
    Section,
    cpu_seconds,
    floor_command,
    free_port,
    http_servers,
    isolated_env,
    median,
    with_echo_command,
    with_repo,
    workdir,
)
from bench.inprocess import running
from bench.overhead import profile, profile_markdown
from bench.with_echo import echo

GOAL_RATIO = 0.95
CLIENTS = 16
ECHO_CALL = ("echo", {"text": "pong"})
BUDGET_CALL = ("get_search_budget", {})
HEADLINE = "get_search_budget"
STACK = "echo on our server"
# Target name -> (server, call). The headline is our cheapest read-only tool (a store read, no
# upstream call) against the floor's echo. Our servers also carry the floor's echo tool
# (bench/with_echo.py): the same call on both stacks tells our serving stack from our tools' work.
TARGETS: dict[str, tuple[str, tuple[str, dict[str, Any]]]] = {
    "floor echo": ("floor", ECHO_CALL),
    HEADLINE: ("ours", BUDGET_CALL),
    STACK: ("ours", ECHO_CALL),
}


def _request(port: int, call: tuple[str, dict[str, Any]], request_id: int) -> bytes:
    name, arguments = call
    body = json.dumps(
        {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    ).encode()
    head = (
        f"POST /mcp HTTP/1.1\r\nHost: {'127.0.0.1'}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {PROTOCOL_VERSION}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")), None)
    if length is None:
        raise RuntimeError(f"answer without Content-Length (HTTP {status}): {head!r}")
    return status, await reader.readexactly(length)


def _succeeded(status: int, body: bytes) -> bool:
    if status != 200:
        return False
    result = json.loads(body).get("result")
    return isinstance(result, dict) and result.get("isError") is False


@dataclass
class Round:
    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_call(self) -> float:
        return self.cpu / self.ok * 1000 if self.ok else float("nan")


async def load(server: HttpServer, call: tuple[str, dict[str, Any]], seconds: float, clients: int = CLIENTS) -> Round:
    out = Round()
    deadline = time.perf_counter() + seconds

    async def client(index: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                status, body = await _exchange(reader, writer, _request(server.port, call, index * 1_000_000 + n))
                if _succeeded(status, body):
                    out.ok += 1
                else:
                    out.failed += 1
                    if len(out.errors) < 3:
                        out.errors.append(f"HTTP {status}: {body[:200]!r}")
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    cpu_before = cpu_seconds(server.pid)
    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    out.seconds = time.perf_counter() - started
    out.cpu = cpu_seconds(server.pid) - cpu_before
    return out


async def tool_profile(calls: int) -> dict[str, dict[str, float]]:
    """cProfile of the headline tool and echo on our server (in-process client), ms per call by owner."""
    async with running(extra_tools=[echo]) as pair:
        targets = {HEADLINE: (pair.ours, BUDGET_CALL[0]), STACK: (pair.ours, ECHO_CALL[0])}
        for client, tool in targets.values():  # warm-up
            for _ in range(20):
                await client.call_tool(tool, {})
        return await profile(targets, calls)


def run(quick: bool) -> Section:
    rounds, seconds = (1, 0.5) if quick else (5, 1.0)
    # Quick mode only checks that the load reaches both servers: the floor and our headline tool.
    targets = {k: v for k, v in TARGETS.items() if not quick or k in ("floor echo", HEADLINE)}
    results: dict[str, list[Round]] = {name: [] for name in targets}
    with workdir("http") as wd:
        ports = {server: free_port() for server, _ in targets.values()}
        serve = ("serve", "--http", "--host", "127.0.0.1", "--stateless", "--port")
        commands = {
            "ours": with_echo_command(*serve, str(ports["ours"])),
            "floor": floor_command("--http", "--port", str(ports["floor"])),
        }
        specs = {
            name: (command, with_repo(isolated_env(wd / f"data-{name}")), ports[name])
            for name, command in commands.items()
        }
        with http_servers(specs, wd) as servers:
            for name, (server, call) in targets.items():  # warm-up, and a loud failure if a target cannot answer
                warm = asyncio.run(load(servers[server], call, 0.2, clients=1))
                if warm.failed or not warm.ok:
                    raise RuntimeError(f"{name}: no successful call: {warm.errors}")
            # One client alone: latency, not capacity, bounds it (1 s each, not in quick mode).
            single = {
                name: asyncio.run(load(servers[server], call, 1.0, clients=1))
                for name, (server, call) in targets.items()
                if not quick
            }
            names = list(targets)
            for r in range(rounds):
                for name in names[r % len(names) :] + names[: r % len(names)]:
                    server, call = targets[name]
                    results[name].append(asyncio.run(load(servers[server], call, seconds)))

    floor = results["floor echo"]
    failures = sum(rnd.failed for rounds_ in results.values() for rnd in rounds_)
    errors = [error for rounds_ in results.values() for rnd in rounds_ for error in rnd.errors]

    def paired(name: str) -> float | None:
        if not results.get(name):
            return None
        return median([ours.rate / base.rate for ours, base in zip(results[name], floor, strict=True) if base.rate])

    def rate(name: str) -> float:
        return median([rnd.rate for rnd in results[name]]) if results.get(name) else float("nan")

    def cpu(name: str) -> float:
        return median([rnd.cpu_ms_per_call for rnd in results[name]]) if results.get(name) else float("nan")

    section = Section(
        key="http",
        title=f"HTTP throughput (stateless, {CLIENTS} concurrent clients)",
        method=(
            f"{rounds} round(s) of {seconds:g} s per target, target order rotating every round; median calls/s; "
            "ratio = median of the per-round ratios to the floor round next to it. Floor: `bench/floor_server.py "
            "--http` (bare MCPServer, stateless, JSON responses; uvicorn binds the socket; no per-request logs). Ours: "
            "`salesnav-mcp serve --http --stateless` as shipped (default INFO logging to stderr, DNS-rebinding "
            "checks), plus the floor's echo tool (`bench/with_echo.py`) so that the same call measures our serving "
            "stack alone. Load: one process, bare asyncio HTTP/1.1 "
            f"keep-alive connections. Failed calls: {failures}{' (' + '; '.join(errors) + ')' if errors else ''}."
        ),
    )
    section.figures = [
        Figure(
            f"calls/s, {name} vs floor echo",
            rate(name),
            "/s",
            baseline=rate("floor echo"),
            goal=GOAL_RATIO,
            goal_op=">=",
            goal_text=f">= {GOAL_RATIO:g}x floor",
            digits=0,
            paired_ratio=paired(name),
            summary=name == HEADLINE,
        )
        for name in (HEADLINE, STACK)
    ]
    for name in (HEADLINE, STACK):
        section.figures.append(
            Figure(
                f"server CPU per call, {name} (floor echo as baseline)",
                cpu(name),
                "ms",
                baseline=cpu("floor echo"),
                digits=2,
                goal_text="none (capacity: ratio > 1 means fewer calls/s at saturation)",
            )
        )
    for name, rnd in single.items():
        if name != "floor echo":
            section.figures.append(
                Figure(
                    f"calls/s with 1 client, {name} vs floor echo",
                    rnd.rate,
                    "/s",
                    baseline=single["floor echo"].rate,
                    digits=0,
                    goal_text="none (one connection: latency-bound)",
                )
            )
    section.figures = [f for f in section.figures if not math.isnan(f.value)]  # quick mode: targets not run
    section.details.append(
        "Rounds, calls/s (server CPU ms per call): "
        + "; ".join(
            f"{name}: " + ", ".join(f"{rnd.rate:.0f} ({rnd.cpu_ms_per_call:.1f})" for rnd in rounds_)
            for name, rounds_ in results.items()
        )
        + "."
    )
    if not quick:
        profiled = anyio.run(tool_profile, 300)
        section.data["tool_profile"] = profiled
        section.details.append(
            f"Where `{HEADLINE}` spends more than echo: cProfile of 300 calls each on our server through the SDK "
            "in-process client (no HTTP), own time per call (ms) by owner of the code. The client's rows are not "
            "the server's (the HTTP load sends raw requests and validates nothing); cProfile inflates every "
            "figure, and store work in a worker thread shows as the event loop waiting in poll.\n\n"
            + profile_markdown(profiled, [HEADLINE, STACK])
        )
    return section

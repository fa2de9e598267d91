"""Memory: peak RSS of `salesnav-mcp serve` (stdio) after a 1,000-result lead search.

The server process's own high-water mark (VmHWM in /proc/<pid>/status), read while it is still
running; the floor server after one call of its tool is shown for reference. On the sandbox the
process also holds the embedded simulator's synthetic world, which a live server does not.

A diagnostic run keeps the cyclic garbage collector on during start-up (`salesnav-mcp` pauses it
until the server is built, then freezes what start-up made): the difference is that choice's price
in memory.
"""

from __future__ import annotations

import contextlib
import sys

from bench.harness import (
    BROAD_LEAD_FILTERS,
    Figure,
    Section,
    StdioSession,
    floor_command,
    isolated_env,
    peak_rss_mb,
    salesnav_command,
    workdir,
)

GOAL_MB = 120.0
# `salesnav-mcp serve` with start-up's gc.disable() made a no-op: the collector runs all along.
GC_ON_COMMAND = [
    sys.executable,
    "-c",
    "import gc, sys; gc.disable = lambda: None; from salesnav_mcp import cli; sys.exit(cli.main(['serve']))",
]


def _search_peak(session: StdioSession) -> tuple[float, float, float]:
    """(peak RSS after start-up, peak after a 1,000-result search, RSS now) of a fresh stdio server."""
    session.handshake()
    started_peak, _ = peak_rss_mb(session.process.pid)
    result = session.call_tool("search_leads", {"filters": BROAD_LEAD_FILTERS, "max_results": 1000})
    fetched = result["structuredContent"]["fetched"]
    if fetched != 1000:
        raise RuntimeError(f"expected 1,000 results stored, got {fetched}")
    peak, current = peak_rss_mb(session.process.pid)
    return started_peak, peak, current


def run(quick: bool) -> Section:
    with contextlib.ExitStack() as stack:
        wd = stack.enter_context(workdir("memory"))
        # Both start at once (memory does not care, the run time does); quick mode skips the reference.
        ours = stack.enter_context(
            StdioSession(salesnav_command("serve"), isolated_env(wd / "data"), wd, wd / "serve.log")
        )
        floor_peak = gc_on = None
        if not quick:
            floor = stack.enter_context(StdioSession(floor_command(), isolated_env(wd / "data"), wd, wd / "floor.log"))
            floor.handshake()
            floor.call_tool("echo", {"text": "pong"})
            floor_peak, _ = peak_rss_mb(floor.process.pid)
            gc_on = _search_peak(
                stack.enter_context(StdioSession(GC_ON_COMMAND, isolated_env(wd / "data-gc"), wd, wd / "gc-on.log"))
            )
        started_peak, peak, current = _search_peak(ours)
    section = Section(
        key="memory",
        title="Memory (peak RSS)",
        method=(
            "VmHWM of the `salesnav-mcp serve` process (stdio, sandbox) after `initialize`, `tools/list` and a "
            f"`search_leads` storing 1,000 results (`filters={BROAD_LEAD_FILTERS}`, 10 upstream pages); the floor "
            "server after one call, for reference. MB = 10^6 bytes."
        ),
    )
    section.figures = [
        Figure(
            "peak RSS after a 1,000-result search",
            peak,
            "MB",
            baseline=floor_peak,
            goal=GOAL_MB,
            goal_on="value",
            goal_text=f"<= {GOAL_MB:.0f} MB",
            digits=1,
        ),
        Figure("peak RSS after start-up (before the search)", started_peak, "MB", baseline=floor_peak, digits=1),
        Figure("RSS now (after the search)", current, "MB", digits=1),
    ]
    if gc_on is not None:
        section.figures += [
            Figure(
                "diagnostic: peak RSS after the search, collector on during start-up",
                gc_on[1],
                "MB",
                digits=1,
                goal_text="none (what pausing the collector at start-up costs in memory)",
            ),
            Figure("diagnostic: peak RSS after start-up, collector on during start-up", gc_on[0], "MB", digits=1),
        ]
    return section

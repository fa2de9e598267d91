"""Exports end to end: a 90-day analytics export on the in-process sandbox, created, polled, downloaded, stored.

The export runs through the operations layer (`operations.partner.analytics.run_export`, what the export
tools call) on the real clock, so the poll schedule's waits are real. Baseline: the same export under the
schedule this project had before (first check after 2 s, then 4 s), measured in the same run; the
goal applies to the wall time itself (<= 1 s). The sandbox advances a job one step per status check
(ENQUEUED -> PROCESSING -> COMPLETED), so a fresh job needs two checks.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import timedelta

import anyio

from bench.harness import Figure, Section, median
from bench.inprocess import running
from salesnav_mcp.clock import Clock
from salesnav_mcp.operations.partner import analytics, contracts, jobs

GOAL_SECONDS = 1.0
OLD_SCHEDULE = (2.0, 2.0, 30.0)  # first wait, growth, cap: before issue 15
DAYS = 90


class TimedClock(Clock):
    """The real clock, adding up what the poll loop slept."""

    def __init__(self) -> None:
        self.slept = 0.0

    async def sleep(self, seconds: float) -> None:
        self.slept += seconds
        await super().sleep(seconds)


@contextlib.contextmanager
def schedule(first: float, growth: float, cap: float) -> Iterator[None]:
    saved = jobs.FIRST_POLL, jobs.POLL_GROWTH, jobs.MAX_POLL
    jobs.FIRST_POLL, jobs.POLL_GROWTH, jobs.MAX_POLL = first, growth, cap
    try:
        yield
    finally:
        jobs.FIRST_POLL, jobs.POLL_GROWTH, jobs.MAX_POLL = saved


async def _nothing(value: float, total: float, message: str) -> None:
    return None


async def one_export(clock: TimedClock) -> tuple[float, float, int]:
    """(wall seconds, seconds slept polling, rows stored) of one 90-day activity export."""
    async with running(clock=clock) as pair:
        svc = pair.services
        end = clock.now().date() - timedelta(days=1)
        start = end - timedelta(days=DAYS - 1)
        await contracts.reporting_contract(svc, None)  # warm-up: contracts read, sandbox world built
        clock.slept = 0.0
        started = time.perf_counter()
        view = await analytics.run_export(svc, "activity", start, end, None, max_wait_seconds=600, report=_nothing)
        wall = time.perf_counter() - started
        if view.stored is None:
            raise RuntimeError(f"export did not finish: {view.note}")
        return wall, clock.slept, view.stored.rows


def run(quick: bool) -> Section:
    rounds = 1 if quick else 3
    ours: list[tuple[float, float, int]] = []
    old: list[tuple[float, float, int]] = []
    for _ in range(rounds):
        ours.append(anyio.run(one_export, TimedClock()))
        if not quick:
            with schedule(*OLD_SCHEDULE):
                old.append(anyio.run(one_export, TimedClock()))
    wall = median([w for w, _, _ in ours])
    slept = median([s for _, s, _ in ours])
    section = Section(
        key="exports",
        title="Exports end to end (90-day analytics export)",
        method=(
            f"`run_export` (activity, the last {DAYS} full days) through the operations layer on the in-process "
            f"sandbox and the real clock, {rounds} run(s), median; each run in a fresh server and data directory after "
            "an untimed read of the contracts (which also builds the sandbox world). Baseline: the previous poll "
            "schedule (first check after 2 s, then 4 s, ...), same export, interleaved"
            + (" (not run in quick mode)." if quick else ".")
            + f" Schedule now: first check after {jobs.backoff(0):g} s, each wait x{jobs.POLL_GROWTH:g}, at most "
            f"{jobs.MAX_POLL:g} s."
        ),
    )
    section.figures = [
        Figure(
            "wall time, create -> file stored",
            wall,
            "s",
            baseline=median([w for w, _, _ in old]) if old else None,
            goal=GOAL_SECONDS,
            goal_on="value",
            goal_text=f"<= {GOAL_SECONDS:g} s",
            digits=2,
        ),
        Figure("of which poll waits", slept, "s", baseline=median([s for _, s, _ in old]) if old else None, digits=2),
        Figure("of which work (requests, download, summary, storing)", wall - slept, "s", digits=2),
        Figure("rows stored", float(ours[0][2]), digits=0),
    ]
    section.data = {"wall": wall, "slept": slept}
    return section

"""Run the salesnav-mcp CLI on a clock that starts at a fixed instant and flows at the real rate from there.

`python -m tests.e2e.fixed_clock ISO-INSTANT serve --http ...`: every date the server (or the sandbox) works
with comes from `salesnav_mcp.clock.Clock`, so the days, budget months and reset dates a browser test
screenshots are the same whichever day it runs. `launcher(instant)` makes the command line for
tests.support.processes (the repository must be on PYTHONPATH; `fixed_clock_env` sees to it).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from salesnav_mcp import clock
from tests.support.processes import Launcher

REPO = str(Path(__file__).resolve().parents[2])


def fix_clock(start: datetime) -> None:
    origin = time.monotonic()

    def now(self: clock.Clock) -> datetime:
        return start + timedelta(seconds=time.monotonic() - origin)

    clock.Clock.now = now  # type: ignore[method-assign]


def _command(start: datetime, *args: str) -> list[str]:
    return [sys.executable, "-m", "tests.e2e.fixed_clock", start.isoformat(), *args]


def launcher(start: datetime) -> Launcher:
    """The command line of a CLI run whose clock starts at `start` (aware UTC)."""
    return partial(_command, start)


def fixed_clock_env(env: dict[str, str]) -> dict[str, str]:
    """`env` with this repository importable (the launcher is a module of its tests)."""
    paths = [REPO, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


if __name__ == "__main__":
    fix_clock(datetime.fromisoformat(sys.argv[1]))
    from salesnav_mcp.cli import main

    raise SystemExit(main(sys.argv[2:]))

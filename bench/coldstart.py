"""Cold start over stdio: spawn -> `initialize` answered -> `tools/list` answered.

`salesnav-mcp serve` (the console script Claude Desktop starts) against the floor server, runs
interleaved (the order alternates every round) on one data directory that the untimed warm-up
run created, as on a user's machine where the store already exists.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bench.harness import (
    REPO,
    Figure,
    Section,
    StdioSession,
    floor_command,
    isolated_env,
    median,
    salesnav_command,
    workdir,
)

GOAL_RATIO = 1.10


def _one(command: list[str], env: dict[str, str], cwd: Path, name: str) -> tuple[float, float]:
    with StdioSession(command, env, cwd, cwd / f"{name}.log") as session:
        t_init, t_list, _ = session.handshake()
    return t_init, t_list


def measure(runs: int, warm_up: bool = True) -> dict[str, dict[str, list[float]]]:
    commands = {"salesnav": salesnav_command("serve"), "floor": floor_command()}
    samples: dict[str, dict[str, list[float]]] = {name: {"init": [], "list": []} for name in commands}
    with workdir("coldstart") as wd:
        env = isolated_env(wd / "data")
        for name, command in commands.items():  # warm-up: .pyc files, page cache, the store's first migration
            if warm_up:
                _one(command, env, wd, name)
        names = list(commands)
        for i in range(runs):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                t_init, t_list = _one(commands[name], env, wd, name)
                samples[name]["init"].append(t_init)
                samples[name]["list"].append(t_list)
    return samples


def startup_breakdown(runs: int) -> dict[str, dict[str, float]]:
    """Median seconds per start-up phase over `runs` fresh interpreters (see bench/startup_profile.py)."""
    collected: dict[str, dict[str, list[float]]] = {}
    with workdir("startup-profile") as wd:
        env = isolated_env(wd / "data")
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-m", "bench.startup_profile"],
                capture_output=True,
                text=True,
                env={**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))},
                cwd=wd,
                timeout=120,
                check=True,
            )
            report = json.loads(out.stdout.strip().splitlines()[-1])
            for group, values in report.items():
                if isinstance(values, dict):
                    for key, seconds in values.items():
                        collected.setdefault(group, {}).setdefault(key, []).append(seconds)
                else:
                    collected.setdefault("scalars", {}).setdefault(group, []).append(values)
    return {group: {k: median(v) for k, v in items.items()} for group, items in collected.items()}


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)$")


def _import_self_times(argv: list[str], env: dict[str, str], cwd: Path) -> dict[str, int]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    times: dict[str, int] = {}
    for line in out.stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        if match:
            times[match.group(4)] = int(match.group(1))
    return times


def extra_imports() -> tuple[int, list[tuple[str, int]], int]:
    """`python -X importtime`: modules serve imports that the floor does not, grouped by top-level package.

    Returns (total self-time µs of those modules, [(package, µs)] largest first, module count).
    """
    with workdir("importtime") as wd:
        env = isolated_env(wd / "data")
        probe = (  # what `serve` imports before it answers tools/list (the rest loads on first use)
            "import salesnav_mcp.cli, salesnav_mcp.server.transports, salesnav_mcp.server.app"
        )
        ours = _import_self_times(["-c", probe], env, wd)
        floor = _import_self_times(["-c", "import argparse, mcp.server.mcpserver"], env, wd)
    extra = {name: us for name, us in ours.items() if name not in floor}
    by_package: dict[str, int] = {}
    for name, us in extra.items():
        top = name.split(".")[0]
        key = ".".join(name.split(".")[:2]) if top == "salesnav_mcp" else top
        by_package[key] = by_package.get(key, 0) + us
    ranked = sorted(by_package.items(), key=lambda item: -item[1])
    return sum(extra.values()), ranked, len(extra)


def run(quick: bool) -> Section:
    runs = 1 if quick else 11
    samples = measure(runs, warm_up=not quick)
    ours, floor = samples["salesnav"], samples["floor"]
    section = Section(
        key="coldstart",
        title="Cold start (stdio)",
        method=(
            f"Spawn -> `initialize` answered -> `tools/list` answered, raw JSON-RPC over stdio, protocol "
            f"2025-11-25. Median of {runs} runs each, salesnav and floor interleaved (order alternating), after "
            "one untimed warm-up run each; one data directory (store already migrated, as on a user's machine); "
            "ratio = median of the per-round ratios. "
            "`salesnav-mcp serve` is the installed console script; the floor is `bench/floor_server.py`."
        ),
    )
    section.figures = [
        Figure(
            "spawn -> tools/list answered",
            median(ours["list"]) * 1000,
            "ms",
            baseline=median(floor["list"]) * 1000,
            goal=GOAL_RATIO,
            goal_text=f"<= {GOAL_RATIO:.2f}x floor",
            digits=0,
            paired_ratio=median([a / b for a, b in zip(ours["list"], floor["list"], strict=True)]),
        ),
        Figure(
            "spawn -> initialize answered",
            median(ours["init"]) * 1000,
            "ms",
            baseline=median(floor["init"]) * 1000,
            digits=0,
        ),
    ]
    section.details.append(
        "Runs (ms, spawn -> tools/list): salesnav "
        + ", ".join(f"{t * 1000:.0f}" for t in ours["list"])
        + "; floor "
        + ", ".join(f"{t * 1000:.0f}" for t in floor["list"])
        + "."
    )
    if quick:
        return section  # the profiles below take longer than the quick mode allows
    breakdown = startup_breakdown(5)
    section.data["breakdown"] = breakdown
    rows = ["| phase | ms |", "|---|---:|"]
    rows += [f"| {name} | {seconds * 1000:.0f} |" for name, seconds in breakdown["phases"].items()]
    rows += [
        f"| later: {name} (not in the cold-start figures) | {seconds * 1000:.0f} |"
        for name, seconds in breakdown.get("after_initialize", {}).items()
    ]
    section.details.append(
        "Start-up profile of `serve` (median of 5 fresh interpreters, `bench/startup_profile.py`; "
        "everything after the SDK import is ours; the cyclic garbage collector is off from the CLI import until "
        "the server is built, as in `salesnav-mcp`; `tools/list` is served from the catalog generated at build "
        "time, `src/salesnav_mcp/server/catalog.json`; the rows marked later load on first use):\n\n"
        + "\n".join(rows)
    )
    total_us, ranked, count = extra_imports()
    section.data["extra_imports"] = {"total_ms": total_us / 1000, "ranked": ranked, "count": count}
    section.details.append(
        f"`python -X importtime`: {count} modules the floor does not import, {total_us / 1000:.0f} ms self time "
        "(importtime inflates absolute times; the ranking is what counts): "
        + ", ".join(f"{name} {us / 1000:.0f}" for name, us in ranked[:12])
        + "."
    )
    return section

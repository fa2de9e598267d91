"""`python -m bench [--quick] [--output PATH] [--only a,b]`: run the benchmarks, write the results file.

Full mode (~3 minutes) writes bench/RESULTS.md; quick mode (~20 s) only checks that every benchmark
still runs, with too few samples to mean anything, and writes bench/RESULTS-quick.md unless told.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import coldstart, context, exports, http_load, memory, overhead, pacing, store_lease
from bench.findings import findings
from bench.harness import BENCH_DIR, Section, machine
from bench.report import render

BENCHMARKS: dict[str, tuple[str, Callable[[bool], Section]]] = {
    "coldstart": ("Cold start (stdio)", coldstart.run),
    "overhead": ("Tool-call overhead (in-process)", overhead.run),
    "context": ("Context cost", context.run),
    "pacing": ("Pacing (1,000-result lead search)", pacing.run),
    "http": ("HTTP throughput", http_load.run),
    "memory": ("Memory (peak RSS)", memory.run),
    "store": ("PostgreSQL store", store_lease.run),
    "exports": ("Exports end to end", exports.run),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few samples: check that every benchmark still runs")
    parser.add_argument("--output", type=Path, help="results file (default bench/RESULTS.md, quick: RESULTS-quick.md)")
    parser.add_argument("--only", metavar="A,B", help=f"run only these benchmarks: {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    if args.only:
        args.only = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in args.only if name not in BENCHMARKS]
        if unknown:
            parser.error(f"--only: unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    mode = "quick" if args.quick else "full"
    output = args.output or BENCH_DIR / ("RESULTS-quick.md" if args.quick else "RESULTS.md")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    started = time.perf_counter()
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    sections: list[Section] = []
    for key, (title, run) in BENCHMARKS.items():
        if args.only and key not in args.only:
            continue
        print(f"bench: {key} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            section = run(args.quick)
        except Exception:
            section = Section(key=key, title=title, method="", error=traceback.format_exc())
        print(f"bench: {key} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
        sections.append(section)
    text = render(
        sections,
        machine=machine(),
        date=date,
        mode=mode,
        seconds=time.perf_counter() - started,
        load=load,
        findings=findings(sections),
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    failed = [s.key for s in sections if s.error]
    print(f"bench: wrote {output}" + (f"; failed: {', '.join(failed)}" if failed else ""), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

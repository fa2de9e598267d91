"""The benchmarks still run: `python -m bench --quick` completes and writes its results file.

No figure is asserted: benchmarks are not tests, and quick mode takes too few samples to mean anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
SECTIONS = (
    "Cold start",
    "Tool-call overhead",
    "Context cost",
    "Pacing",
    "HTTP throughput",
    "Memory",
    "PostgreSQL store",
    "Exports end to end",
)


def test_quick_mode_runs_every_benchmark_and_writes_the_report(tmp_path: Path) -> None:
    output = tmp_path / "RESULTS.md"
    env = {
        k: v for k, v in os.environ.items() if not k.upper().startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_"))
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    report = output.read_text(encoding="utf-8")
    for title in SECTIONS:
        assert f"## {title}" in report, title
    assert "**error**" not in report
    assert "quick mode" in report and "| cores |" in report and "## Findings" in report

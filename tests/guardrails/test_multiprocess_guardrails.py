"""Two real OS processes share one store (a SQLite file, or a PostgreSQL schema): the budget and the
send lock must hold across them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from salesnav_mcp.clock import Clock
from salesnav_mcp.guardrails import build_guardrails
from salesnav_mcp.store import open_store
from tests.guardrails.helpers import new_draft
from tests.support.settings import make_settings
from tests.support.store import ACCOUNT

pytestmark = [pytest.mark.anyio, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
WORKER = "tests.guardrails.mp_worker"


def run_workers(store_url: str | None, *arg_lists: list[str]) -> list[dict[str, int]]:
    env = {**os.environ, "SALESNAV_TEST_STORE_URL": store_url or ""}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", WORKER, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for args in arg_lists
    ]
    try:
        for proc in procs:  # every process has the store open before any starts
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


async def test_budget_holds_across_two_processes(tmp_path: Path, store_url: str | None) -> None:
    data_dir = tmp_path / "data"
    results = run_workers(
        store_url,
        ["budget", str(data_dir), "100", "p1"],
        ["budget", str(data_dir), "100", "p2"],
    )
    total = sum((Counter(r) for r in results), Counter())
    assert total == Counter({"committed": 25, "refused": 175})
    # Every attempt ended one way or the other; the limit held whichever process won the reservations.
    assert [sum(r.values()) for r in results] == [100, 100]

    settings = make_settings(data_dir, salesnav_store_url=store_url, salesnav_monthly_search_budget=25)
    async with await open_store(settings) as store:
        status = await build_guardrails(store, settings, Clock()).budget.status(ACCOUNT)
    assert (status.used, status.pending, status.remaining) == (25, 0, 0)


async def test_one_send_across_two_processes(tmp_path: Path, store_url: str | None) -> None:
    data_dir = tmp_path / "data"
    settings = make_settings(data_dir, salesnav_store_url=store_url)
    async with await open_store(settings) as store:
        draft = (await new_draft(build_guardrails(store, settings, Clock()))).draft
    log = tmp_path / "sends.log"
    args = ["send", str(data_dir), "20", draft.id, draft.content_hash, str(log)]
    results = run_workers(store_url, args, list(args))

    assert len(log.read_text().splitlines()) == 1  # send_fn ran exactly once in all 40 attempts
    total = sum((Counter(r) for r in results), Counter())
    assert total["sent"] == 1 and sum(total.values()) == 40
    assert set(total) <= {"sent", "already_sent", "SendRefused"}
    async with await open_store(settings) as store:
        stored = await store.get_draft(draft.id)
    assert stored is not None and stored.state == "sent"

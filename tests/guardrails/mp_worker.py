"""A separate server process for the cross-process tests (run as a module from the repository root, not collected).

usage: python -m tests.guardrails.mp_worker budget <data_dir> <tasks> <tag>
       python -m tests.guardrails.mp_worker send   <data_dir> <tasks> <draft_id> <content_hash> <send_log>

Opens the shared store (the SQLite file in <data_dir>, or SALESNAV_TEST_STORE_URL when set),
prints "ready", waits for a line on stdin (so all
processes start together), runs <tasks> concurrent attempts in one anyio task
group and prints a JSON summary of the outcomes.
"""

from __future__ import annotations

import json
import os
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import anyio

from salesnav_mcp.clock import Clock
from salesnav_mcp.guardrails import (
    BudgetExhausted,
    ElicitedApproval,
    GuardrailError,
    Guardrails,
    build_guardrails,
)
from salesnav_mcp.store import Draft, open_store
from tests.support.settings import make_settings
from tests.support.store import ACCOUNT


def _append(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line)


async def budget_attempt(guards: Guardrails, key: str, outcomes: Counter[str]) -> None:
    # Spread the starts so the two processes' attempts interleave.
    await anyio.sleep(random.uniform(0, 0.3))
    try:
        async with guards.budget.search(ACCOUNT, key, confirmed=True) as lease:
            await anyio.sleep(0.02)  # the upstream call, while other attempts see this one pending
            await lease.record_page([{"id": key}], key=lambda p: p["id"], next_offset=25, total=1, complete=True)
        outcomes["committed"] += 1
    except BudgetExhausted:
        outcomes["refused"] += 1


async def send_attempt(guards: Guardrails, draft_id: str, content_hash: str, log: Path, outcomes: Counter[str]) -> None:
    async def send_fn(draft: Draft) -> dict[str, Any]:
        await anyio.to_thread.run_sync(_append, log, f"{os.getpid()} {draft.id}\n")
        await anyio.sleep(0.05)
        return {"success": True, "messageId": f"msg-{os.getpid()}"}

    await anyio.sleep(random.uniform(0, 0.02))
    try:
        result = await guards.sender.send(draft_id, ElicitedApproval(True, content_hash), send_fn)
        outcomes[result.outcome] += 1
    except GuardrailError as exc:
        outcomes[type(exc).__name__] += 1


async def main(argv: list[str]) -> None:
    mode, data_dir, tasks = argv[0], Path(argv[1]), int(argv[2])
    store_url = os.environ.get("SALESNAV_TEST_STORE_URL") or None
    settings = make_settings(data_dir, salesnav_store_url=store_url, salesnav_monthly_search_budget=25)
    outcomes: Counter[str] = Counter()
    async with await open_store(settings) as store:
        guards = build_guardrails(store, settings, Clock())
        print("ready", flush=True)
        await anyio.to_thread.run_sync(sys.stdin.readline)
        async with anyio.create_task_group() as tg:
            for i in range(tasks):
                if mode == "budget":
                    tg.start_soon(budget_attempt, guards, f"{argv[3]}-{i}", outcomes)
                else:
                    tg.start_soon(send_attempt, guards, argv[3], argv[4], Path(argv[5]), outcomes)
    print(json.dumps(dict(outcomes)), flush=True)


if __name__ == "__main__":
    anyio.run(main, sys.argv[1:])

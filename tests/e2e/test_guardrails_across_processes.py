"""Guardrails hold across server processes sharing one SQLite store (and one upstream).

Two `salesnav-mcp serve --http --stateless` processes share a data dir; a standalone sandbox
plays upstream for both (they run "live" against it, so what it received is what LinkedIn
would have received).
"""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.processes import isolated_env, mcp_http_server, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

BUDGET = 25


def upstream_env(workdir: Path, sandbox_url: str, **extra: str) -> dict[str, str]:
    return isolated_env(
        workdir,
        CONNECTSAFELY_API_KEY="fake-key",
        CONNECTSAFELY_BASE_URL=f"{sandbox_url}/linkedin",
        LINKEDIN_ACCESS_TOKEN="fake-token",
        LINKEDIN_API_BASE_URL=f"{sandbox_url}/v2",
        SALESNAV_ACCOUNT_ID=DEFAULT_ACCOUNT_ID,
        **extra,
    )


def sandbox_state(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/_sandbox/state", timeout=10) as response:
        return json.loads(response.read())


def set_faults(base_url: str, rules: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"{base_url}/_sandbox/faults", data=json.dumps(rules).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


async def test_two_processes_never_overspend_the_budget(workdir: Path) -> None:
    with sandbox_server(workdir / "sandbox", isolated_env(workdir)) as sandbox:
        env = upstream_env(
            workdir, sandbox.base_url, SALESNAV_MONTHLY_SEARCH_BUDGET=str(BUDGET), SALESNAV_BUDGET_WARN_RATIO="1.0"
        )
        with (
            mcp_http_server(workdir / "a", env, "--stateless") as a,
            mcp_http_server(workdir / "b", env, "--stateless") as b,
        ):
            outcomes: list[tuple[bool, str]] = []

            async def searches(url: str, keywords: list[str]) -> None:
                async with Client(url) as client:

                    async def one(word: str) -> None:
                        result = await client.call_tool(
                            "search_leads", {"filters": {"keywords": word}, "max_results": 5, "page_size": 5}
                        )
                        outcomes.append((result.is_error, result.content[0].text))

                    async with anyio.create_task_group() as tg:
                        for word in keywords:
                            tg.start_soon(one, word)

            words = [f"term{i:03d}" for i in range(200)]
            async with anyio.create_task_group() as tg:
                for i, server in enumerate([a, b] * 5):
                    tg.start_soon(searches, server.mcp_url, words[i::10])

            charged = [text for failed, text in outcomes if not failed]
            refused = [text for failed, text in outcomes if failed]
            assert len(outcomes) == 200
            assert len(charged) == BUDGET, refused[:3]
            assert all("used up" in text and "resets on" in text for text in refused), refused[:3]
            calls = sandbox_state(sandbox.base_url)["searchCalls"][DEFAULT_ACCOUNT_ID]["total"]
            assert calls == BUDGET  # one upstream page per charged search, none for refused ones


async def test_killed_mid_send_is_unknown_and_never_sent_twice(workdir: Path) -> None:
    with sandbox_server(workdir / "sandbox", isolated_env(workdir)) as sandbox:
        # Client mode: the send is confirmed by token, so the test can kill the process while it is on the wire.
        env = upstream_env(
            workdir,
            sandbox.base_url,
            SALESNAV_SENDING_TIMEOUT="2",
            SALESNAV_HTTP_TIMEOUT="60",
            SALESNAV_CONFIRM_MODE="client",
        )
        with mcp_http_server(workdir / "b", env, "--stateless") as survivor:
            with mcp_http_server(workdir / "a", env, "--stateless") as doomed:
                async with Client(doomed.mcp_url) as client:
                    found = await client.call_tool(
                        "search_leads", {"filters": {"seniority": ["CXO"]}, "max_results": 1}
                    )
                    recipient = found.structured_content["leads"][0]["profile_id"]
                    draft = (
                        await client.call_tool("draft_message", {"recipient": recipient, "text": "Hello once"})
                    ).structured_content
                if draft is None or "draft_id" not in draft:
                    pytest.fail(f"draft failed: {draft}")
                set_faults(
                    sandbox.base_url,
                    [{"route": "POST /linkedin/conversations/send", "kind": "hang_after_commit", "delay": 120}],
                )
                arguments = {
                    "draft_id": draft["draft_id"],
                    "confirmation_token": draft["confirmation_token"],
                    "recipient": recipient,
                    "text": "Hello once",
                }

                async def send_then_die() -> None:
                    async with Client(doomed.mcp_url) as client:
                        await client.call_tool("send_message", arguments)

                async with anyio.create_task_group() as tg:
                    tg.start_soon(send_then_die)
                    deadline = time.monotonic() + 30
                    while not sandbox_state(sandbox.base_url)["sentMessages"]:
                        assert time.monotonic() < deadline, "the send never reached upstream"
                        await anyio.sleep(0.1)
                    doomed.stop(signal.SIGKILL)
                    tg.cancel_scope.cancel()

            set_faults(sandbox.base_url, [])
            await anyio.sleep(2.5)  # past SALESNAV_SENDING_TIMEOUT: the stuck send is reported as unknown
            async with Client(survivor.mcp_url) as client:
                listed = await client.call_tool("list_drafts", {"state": "unknown"})
                assert draft["draft_id"] in {d["draft_id"] for d in listed.structured_content["drafts"]}
                again = await client.call_tool("send_message", arguments)
                assert again.is_error and "unknown" in again.content[0].text
            sent = [m for m in sandbox_state(sandbox.base_url)["sentMessages"] if m["text"] == "Hello once"]
            assert len(sent) == 1

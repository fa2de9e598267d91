"""A model cannot approve its own outbound actions, over every transport and both protocol versions.

The server runs as a subprocess in the default configuration, "live" against the standalone
sandbox, and its client declares neither elicitation nor MCP Apps: the approval page is the only
surface, and nobody opens it. The attacker replays every value it saw; the simulator must receive no
message and no search past the warning line, and the do-not-contact entry must stay.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.attacker import attack
from tests.support.processes import Running, cli, isolated_env, mcp_http_server, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("sandbox")
    with sandbox_server(workdir, isolated_env(workdir)) as running:
        yield running


def server_env(workdir: Path, sandbox: Running) -> dict[str, str]:
    return isolated_env(
        workdir,
        CONNECTSAFELY_API_KEY="fake-key",
        CONNECTSAFELY_BASE_URL=f"{sandbox.base_url}/linkedin",
        LINKEDIN_ACCESS_TOKEN="fake-token",
        LINKEDIN_API_BASE_URL=f"{sandbox.base_url}/v2",
        SALESNAV_MONTHLY_SEARCH_BUDGET="10",
        SALESNAV_BUDGET_WARN_RATIO="0.1",  # past the first search, every new one asks the human
        SALESNAV_APPROVAL_BROWSER="false",
        SALESNAV_APPROVAL_WAIT="0",
    )


@asynccontextmanager
async def connected(transport: str, mode: str, workdir: Path, env: dict[str, str]) -> AsyncIterator[Client]:
    if transport == "stdio":
        command, *args = cli("serve")
        params = StdioServerParameters(command=command, args=args, env=env, cwd=str(workdir))
        async with Client(params, mode=mode) as client:
            yield client
        return
    extra = ("--stateless",) if transport == "http-stateless" else ()
    with mcp_http_server(workdir, env, *extra) as running:
        async with (
            httpx2.AsyncClient(timeout=httpx2.Timeout(60.0)) as http,
            Client(streamable_http_client(running.mcp_url, http_client=http), mode=mode) as client,
        ):
            yield client


def sandbox_state(sandbox: Running) -> dict[str, Any]:
    return httpx2.get(f"{sandbox.base_url}/_sandbox/state", timeout=10).json()


@pytest.mark.parametrize("mode", ["auto", "legacy"])
@pytest.mark.parametrize("transport", ["stdio", "http-stateful", "http-stateless"])
async def test_replaying_everything_it_saw_approves_nothing(
    sandbox: Running, tmp_path: Path, transport: str, mode: str
) -> None:
    text = f"A note the model wants out without asking ({transport}, {mode})"
    before = sandbox_state(sandbox)["searchCalls"].get(DEFAULT_ACCOUNT_ID, {}).get("total", 0)
    async with connected(transport, mode, tmp_path, server_env(tmp_path, sandbox)) as client:
        me = await attack(client, account_id=DEFAULT_ACCOUNT_ID, word="sales", text=text)
        listed = await client.call_tool("list_do_not_contact", {})
        budget = await client.call_tool("get_search_budget", {"account_id": DEFAULT_ACCOUNT_ID})
        links = [p.read_text().strip() for p in (tmp_path / "data" / "approvals").glob("*.url")]
    state = sandbox_state(sandbox)
    assert [m for m in state["sentMessages"] if m["text"] == text] == []
    assert state["searchCalls"][DEFAULT_ACCOUNT_ID]["total"] - before == 1  # the one search below the line
    assert budget.structured_content["budget"]["used"] == 1
    assert [e["recipient"] for e in listed.structured_content["entries"]] == [me.blocked]
    # The approval page exists, and its address never reached the model.
    assert links, "the approval page was never offered"
    for url in links:
        capability = url.rstrip("/").rsplit("/", 1)[-1]
        assert len(capability) >= 32 and not any(capability in shown for shown in me.texts)

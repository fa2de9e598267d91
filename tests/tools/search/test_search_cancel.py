"""A cancelled search keeps what it fetched, is charged once, and a repeat continues it for free."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from tests.support.world import world

pytestmark = pytest.mark.anyio

EUROPE = {"filters": {"regions": ["Europe"]}, "max_results": 1000, "page_size": 10}


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(
        seed=7, search_per_minute=10_000, search_per_day=100_000, route_latency={"POST /linkedin/search/people": 0.15}
    )


def upstream_calls(services: Services) -> int:
    return sum(counter["total"] for counter in world(services).state()["searchCalls"].values())


async def test_cancelled_search_keeps_pages_and_is_charged_once(mcp_client: Client, services: Services) -> None:
    progressed = anyio.Event()

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        if value >= 100:
            progressed.set()

    async with anyio.create_task_group() as tg:

        async def search() -> None:
            await mcp_client.call_tool("search_leads", EUROPE, progress_callback=on_progress)

        tg.start_soon(search)
        with anyio.fail_after(30):
            await progressed.wait()
        tg.cancel_scope.cancel()

    await anyio.sleep(0.5)  # let the server-side task unwind
    account = (await services.connectsafely.list_accounts())[0].id
    status = await services.guardrails.budget.status(account)
    assert status.used == 1 and status.pending == 0
    calls_after_cancel = upstream_calls(services)
    assert 1 <= calls_after_cancel < 10

    again = await mcp_client.call_tool("search_leads", EUROPE)
    assert not again.is_error, again.content
    data = again.structured_content
    assert data["cached"] is True and data["charged"] is False
    assert data["fetched"] == 1000 and data["budget"]["used"] == 1
    assert upstream_calls(services) == 10  # the repeat fetched only the pages the cancelled run had not

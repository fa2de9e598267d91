"""The views' app-only tools read what is stored and nothing else: no upstream call (every upstream request fails
while they run, and none is made), no budget spent; and they answer what the views draw.

- search_rows: one page of a stored search, filtered (any shown column) and sorted, as the results view pages it;
- search_csv: the stored search as CSV text, the same as the salesnav://searches/{id}/csv resource;
- ssi_dashboard_data: the latest stored SSI reading with its group averages, the series, the weakest pillar's hint.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations.coaching import WEEKLY_ACTIONS
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import FaultRule
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.world import world
from tests.tools.insights.helpers import read_ssi_daily

pytestmark = pytest.mark.anyio

APPS = advertise("io.modelcontextprotocol/ui", {"mimeTypes": ["text/html;profile=mcp-app"]})
CXO = {"filters": {"seniority": ["CXO"]}, "max_results": 60, "page_size": 10}


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    return manual_clock


@pytest.fixture
async def mcp_client(server: MCPServer, mode: str) -> AsyncIterator[Client]:
    """A client that negotiated MCP Apps, as the host of a view is."""
    async with Client(server, mode=mode, extensions=[APPS]) as client:
        yield client


class Offline:
    """Upstream fails every request while inside (a 500 each), and counts what reached it."""

    def __init__(self, services: Services) -> None:
        self.faults = services.sandbox_app.state.faults

    def __enter__(self) -> Offline:
        self.faults.replace([FaultRule(route="*", kind="500")])
        return self

    def __exit__(self, *exc: object) -> None:
        self.fired = list(self.faults.fired)
        self.faults.replace([])


async def test_search_rows_pages_filters_and_sorts_the_stored_search_without_upstream_or_budget(
    mcp_client: Client, services: Services
) -> None:
    found = await mcp_client.call_tool("search_leads", CXO)
    assert not found.is_error, found.content
    search_id, budget = found.structured_content["search_id"], found.structured_content["budget"]
    stored = json.loads((await mcp_client.read_resource(f"salesnav://searches/{search_id}")).contents[0].text)["results"]
    assert len(stored) == 60
    calls_before = world(services).search_calls[DEFAULT_ACCOUNT_ID].total

    with Offline(services) as offline:
        page = await mcp_client.call_tool("search_rows", {"search_id": search_id, "offset": 20, "limit": 10})
        assert not page.is_error, page.content
        data = page.structured_content
        assert data["leads"] == stored[20:30] and data["offset"] == 20 and data["matched"] == 60
        assert (data["kind"], data["fetched"], data["budget"]) == ("people", 60, budget)

        company = stored[7]["company"]
        needle = company.split()[0].upper()
        wanted = [r for r in stored if any(needle.casefold() in str(r.get(c) or "").casefold() for c in
                                           ("name", "title", "company", "location", "degree"))]
        filtered = await mcp_client.call_tool("search_rows", {"search_id": search_id, "contains": needle, "limit": 100})
        assert filtered.structured_content["leads"] == wanted and filtered.structured_content["matched"] == len(wanted)

        by_name = await mcp_client.call_tool(
            "search_rows", {"search_id": search_id, "sort": "name", "descending": True, "limit": 100}
        )
        names = [r["name"] for r in by_name.structured_content["leads"]]
        assert names == sorted((r["name"] for r in stored), key=str.casefold, reverse=True)

        wrong = await mcp_client.call_tool("search_rows", {"search_id": search_id, "sort": "industry"})
        assert wrong.is_error and "sorts by name, title, company, location, degree" in wrong.content[0].text

        csv = await mcp_client.call_tool("search_csv", {"search_id": search_id})
        assert not csv.is_error, csv.content
        resource = (await mcp_client.read_resource(f"salesnav://searches/{search_id}/csv")).contents[0].text
        assert csv.structured_content["csv"] == resource
        assert (csv.structured_content["rows"], csv.structured_content["filename"]) == (60, f"salesnav-{search_id}.csv")
        assert resource.count("\r\n") == 61

    assert offline.fired == []  # nothing reached upstream
    assert world(services).search_calls[DEFAULT_ACCOUNT_ID].total == calls_before
    after = await mcp_client.call_tool("get_search_budget", {})
    assert after.structured_content["budget"] == budget and budget["used"] == 1


async def test_search_rows_of_an_account_search_sort_by_followers(mcp_client: Client, services: Services) -> None:
    found = await mcp_client.call_tool("search_accounts", {"filters": {"keywords": "software"}, "max_results": 30})
    assert not found.is_error, found.content
    search_id = found.structured_content["search_id"]
    with Offline(services):
        rows = await mcp_client.call_tool("search_rows", {"search_id": search_id, "sort": "followers", "limit": 100})
    companies = rows.structured_content["companies"]
    followers = [c["followers"] for c in companies if c["followers"] is not None]
    assert len(companies) == 30 and followers == sorted(followers)
    assert rows.structured_content["leads"] is None


async def test_ssi_dashboard_data_is_the_stored_series_with_the_averages_and_a_hint(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    await read_ssi_daily(mcp_client, manual_clock, 6)
    latest = await mcp_client.call_tool("get_ssi", {})  # today's reading again: the one the dashboard shows
    with Offline(services) as offline:
        result = await mcp_client.call_tool("ssi_dashboard_data", {"account_id": DEFAULT_ACCOUNT_ID, "days": 30})
    assert offline.fired == []
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["latest"] == latest.structured_content
    assert data["latest_day"] == manual_clock.now().date().isoformat()
    assert data["latest"]["ranks"][0]["pillar_averages"]  # the bars' industry and network averages
    history = data["history"]
    assert history["readings"] == 7 and len(history["points"]) == 7 and history["refreshed"] is False
    assert history["points"][-1]["overall"] == latest.structured_content["overall"]
    weakest = latest.structured_content["weakest_pillar"]
    assert data["hint"]["pillar"] == weakest and data["hint"]["actions"] == list(WEEKLY_ACTIONS[weakest])


async def test_ssi_dashboard_data_of_an_account_without_readings_is_an_empty_series(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("ssi_dashboard_data", {"account_id": "5f0c0a1b2c3d4e5f6a7b8c93"})
    assert not result.is_error, result.content
    data = result.structured_content
    assert (data["latest"], data["hint"], data["history"]["readings"]) == (None, None, 0)

"""The budget unit seen through the search tools (every budget line names it), and a stored search exported as CSV
(a resource and a file)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.tool_calls import call, refused
from tests.support.world import world

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Parametrize to change this module's server settings."""
    return {}


@pytest.fixture
def settings(tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(tmp_path, SANDBOX_SERVER, **settings_overrides)

EUROPE = {"filters": {"regions": ["Europe"]}, "max_results": 250, "page_size": 10}


def upstream_search_calls(services: Services) -> int:
    return sum(counter["total"] for counter in world(services).state()["searchCalls"].values())


async def test_in_the_search_unit_a_search_costs_one_whatever_its_pages(mcp_client: Client, services: Services) -> None:
    result = await mcp_client.call_tool("search_leads", EUROPE)
    out = result.structured_content
    assert out is not None and out["fetched"] == 250 and upstream_search_calls(services) == 3
    assert out["budget"]["unit"] == "search" and out["budget"]["used"] == 1 and out["pages_charged"] == 0
    assert "Budget: 1/300 Sales Navigator searches used this month" in result.content[0].text  # type: ignore[union-attr]


@pytest.mark.parametrize("settings_overrides", [{"salesnav_search_budget_unit": "page"}])
async def test_in_the_page_unit_each_page_walked_costs_one(mcp_client: Client, services: Services) -> None:
    result = await mcp_client.call_tool("search_leads", EUROPE)
    out = result.structured_content
    assert out is not None and out["fetched"] == 250
    assert (out["budget"]["unit"], out["budget"]["used"], out["charged"], out["pages_charged"]) == ("page", 3, True, 2)
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Spent 3 page(s)." in text and "Budget: 3/300 Sales Navigator pages walked (page unit) used" in text
    more = await call(mcp_client, "search_leads", {**EUROPE, "max_results": 450})  # the cached search walks on
    assert (more["cached"], more["charged"], more["pages_charged"], more["budget"]["used"]) == (True, False, 2, 5)
    budget = await mcp_client.call_tool("get_search_budget", {})
    assert "pages walked (page unit)" in budget.content[0].text  # type: ignore[union-attr]
    overview = await mcp_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
    assert "search pages 5/300 this month" in overview.content[0].text  # type: ignore[union-attr]
    plain = await call(mcp_client, "search_leads", {"plain_filters": {"location": "Europe"}, "max_results": 250})
    assert plain["pages_charged"] == 0 and plain["budget"]["used"] == 5  # plain pages are free in any unit


@pytest.mark.parametrize(
    "settings_overrides", [{"salesnav_search_budget_unit": "page", "salesnav_monthly_search_budget": 2}]
)
async def test_a_search_stops_where_the_pages_run_out(mcp_client: Client) -> None:
    out = await call(mcp_client, "search_leads", {**EUROPE, "confirm_spend": True})
    assert (out["fetched"], out["complete"], out["budget"]["remaining"]) == (200, False, 0)
    assert "Stopped at the monthly budget" in out["note"]
    text = await refused(mcp_client, "search_leads", {"filters": {"regions": ["Germany"]}, "confirm_spend": True})
    assert "budget" in text.lower()


async def test_a_stored_search_exports_as_csv(mcp_client: Client, settings: Any) -> None:
    leads = await call(mcp_client, "search_leads", {**EUROPE, "max_results": 120})
    resource = await mcp_client.read_resource(f"salesnav://searches/{leads['search_id']}/csv")
    rows = list(csv.DictReader(io.StringIO(resource.contents[0].text)))  # type: ignore[union-attr]
    assert len(rows) == 120 and rows[0]["profile_urn"].startswith("urn:li:fsd_profile:")
    assert set(rows[0]) == {
        "name", "title", "company", "company_id", "location", "degree", "profile_id", "profile_urn", "profile_url",
        "open_to_work",
    }
    result = await mcp_client.call_tool("export_search", {"search_id": leads["search_id"]})
    assert not result.is_error, result.content
    out = result.structured_content
    assert out is not None and out["rows"] == 120
    path = anyio.Path(out["path"])
    assert Path(path.parent) == Path(settings.salesnav_data_dir) / "exports"
    assert (await path.stat()).st_mode & 0o077 == 0  # member data: readable by the owner only
    assert (await path.read_bytes()).decode("utf-8") == resource.contents[0].text  # type: ignore[union-attr]
    link = result.content[1]
    assert link.type == "resource_link" and link.uri == f"salesnav://searches/{leads['search_id']}/csv"  # type: ignore[union-attr]
    listed = await call(mcp_client, "list_exports", {"kind": "search"})
    assert [e["export_id"] for e in listed["exports"]] == [out["export_id"]]

    companies = await call(mcp_client, "search_accounts", {"plain_filters": {"location": "Germany"}, "account_id": BUSINESS_ACCOUNT_ID})
    text = (await mcp_client.read_resource(f"salesnav://searches/{companies['search_id']}/csv")).contents[0].text  # type: ignore[union-attr]
    header = next(csv.reader(io.StringIO(text)))
    assert "description" in header and "logo_url" in header
    stored = json.loads((await mcp_client.read_resource(f"salesnav://searches/{companies['search_id']}")).contents[0].text)  # type: ignore[union-attr]
    assert stored["engine"] == "linkedin" and stored["sales_navigator_url"] is None


async def test_exporting_an_unknown_search_is_refused(mcp_client: Client) -> None:
    text = await refused(mcp_client, "export_search", {"search_id": "s_0000000000000000"})
    assert "No stored search 's_0000000000000000'" in text
    bad = await refused(mcp_client, "export_search", {"search_id": "../../etc/passwd"})
    assert "search_id" in bad

"""Plain LinkedIn search for every account, through a real MCP client: the seat (or `engine`) chooses the engine,
typed plain filters reach upstream, plain searches spend no Sales Navigator budget but are paced under the search
limits, and every result says which engine ran."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID, FREE_ACCOUNT_ID
from salesnav_mcp.sandbox.gazetteer import fold, gazetteer
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

GERMANY = "101282230"


def in_germany(lead: Any) -> bool:
    return GERMANY in gazetteer().within(lead.geo_id)


async def budget_used(client: Client, account: str) -> int:
    return (await call(client, "get_search_budget", {"account_id": account}))["budget"]["used"]


async def test_a_seatless_account_searches_plainly_and_spends_no_budget(mcp_client: Client, services: Services) -> None:
    expected = {
        lead.profile_id
        for lead in world(services).leads
        if "director" in fold(lead.title) and in_germany(lead)
    }
    assert 1 <= len(expected) <= 100
    filters = {"current_titles": ["Director"], "regions": ["Germany"]}
    for account in (BUSINESS_ACCOUNT_ID, FREE_ACCOUNT_ID):
        out = await call(
            mcp_client, "search_leads", {"filters": filters, "account_id": account, "max_results": 100, "page_size": 100}
        )
        assert out["engine"] == "linkedin" and out["sales_navigator_url"] is None
        assert out["plain_query"] == {"keywords": "", "filters": {"title": "Director", "locationId": GERMANY}}
        assert {lead["profile_id"] for lead in out["leads"]} == expected
        assert out["charged"] is False and out["total"] is None
        assert "no Sales Navigator seat" in out["note"]
        assert await budget_used(mcp_client, account) == 0
    result = await mcp_client.call_tool("search_leads", {"filters": filters, "account_id": BUSINESS_ACCOUNT_ID})
    assert "[plain LinkedIn search, no budget spent]" in result.content[0].text  # type: ignore[union-attr]
    assert "Budget: 0/300" in result.content[0].text  # type: ignore[union-attr]


async def test_plain_filters_reach_upstream_typed(mcp_client: Client, services: Services) -> None:
    leads = world(services).leads
    target = next(lead for lead in leads if lead.open_to_work and lead.service_categories)
    out = await call(
        mcp_client,
        "search_leads",
        {
            "plain_filters": {
                "first_name": target.first_name,
                "last_name": target.last_name,
                "open_to_work": True,
                "service_categories": [target.service_categories[0]],
                "profile_languages": [target.profile_language.upper()],
                "connection_degree": [{"F": "1st", "S": "2nd", "O": "3rd+"}[target.degree(DEFAULT_ACCOUNT_ID)]],
            }
        },
    )
    assert out["engine"] == "linkedin" and out["note"] is None  # asked for, not chosen by the seat
    assert target.profile_id in {lead["profile_id"] for lead in out["leads"]}
    sent = out["plain_query"]["filters"]
    assert sent["openToWork"] is True and sent["profileLanguage"] == [target.profile_language]
    assert await budget_used(mcp_client, DEFAULT_ACCOUNT_ID) == 0  # an account with a seat may search plainly too


async def test_an_identical_plain_search_is_served_from_storage(mcp_client: Client) -> None:
    ask = {"plain_filters": {"title": "CTO OR CFO", "location": "Germany"}, "page_size": 5, "max_results": 60}
    first = await call(mcp_client, "search_leads", ask)
    second = await call(mcp_client, "search_leads", ask)
    assert second["search_id"] == first["search_id"] and second["cached"] is True
    page = await call(mcp_client, "get_search_page", {"cursor": first["next_cursor"]})
    assert page["engine"] == "linkedin" and page["offset"] == 5


async def test_plain_company_search_keeps_description_and_logo(mcp_client: Client, services: Services) -> None:
    out = await call(
        mcp_client,
        "search_accounts",
        {"plain_filters": {"location": "Germany", "headcount": ["201-500"], "industries": ["Software Development"]}},
    )
    assert out["engine"] == "linkedin" and out["companies"]
    companies = {str(c.company_id): c for c in world(services).companies}
    for item in out["companies"]:
        company = companies[item["company_id"]]
        assert (item["description"], item["logo_url"]) == (company.description, company.logo_url)
        assert company.headcount == "E" and GERMANY in gazetteer().within(company.hq_geo_id)
    assert out["plain_query"]["filters"] == {"locationId": GERMANY, "industry": ["4"], "companySize": ["E"]}
    sales_nav = await call(mcp_client, "search_accounts", {"filters": {"headcount": ["201-500"]}})
    assert sales_nav["engine"] == "sales_navigator" and sales_nav["companies"][0]["description"]


async def test_the_engine_can_be_chosen_and_bad_combinations_are_refused(mcp_client: Client) -> None:
    forced = await refused(
        mcp_client, "search_leads", {"filters": {"seniority": ["VP"]}, "account_id": FREE_ACCOUNT_ID, "engine": "sales_navigator"}
    )
    assert "seat" in forced.lower()
    cannot = await refused(mcp_client, "search_leads", {"filters": {"seniority": ["VP"]}, "account_id": FREE_ACCOUNT_ID})
    assert "cannot express: seniority" in cannot
    mixed = await refused(mcp_client, "search_leads", {"filters": {"keywords": "cto"}, "plain_filters": {"title": "CTO"}})
    assert "exactly one of 'filters', 'plain_filters' or 'url'" in mixed
    plain_on_sn = await refused(
        mcp_client, "search_leads", {"plain_filters": {"title": "CTO"}, "engine": "sales_navigator"}
    )
    assert "plain_filters describe a plain LinkedIn search" in plain_on_sn
    empty = await refused(mcp_client, "search_accounts", {"plain_filters": {}})
    assert "'plain_filters' is empty" in empty
    unknown = await refused(mcp_client, "search_leads", {"plain_filters": {"location": "Atlantis"}})
    assert "unknown region 'Atlantis'" in unknown
    typo = await refused(mcp_client, "search_leads", {"plain_filters": {"seniority": ["VP"]}})
    assert "seniority" in typo  # plain filters forbid unknown keys (upstream would silently ignore them)


async def test_forcing_plain_search_on_a_seat_account(mcp_client: Client) -> None:
    out = await call(
        mcp_client, "search_leads", {"filters": {"current_titles": ["CTO"], "connection_degree": ["1st"]}, "engine": "linkedin"}
    )
    assert out["engine"] == "linkedin" and out["charged"] is False
    assert out["plain_query"]["filters"] == {"title": "CTO", "connectionDegree": ["F"]}


@pytest.mark.parametrize("settings_overrides", [{"salesnav_search_per_day": 3}])
async def test_plain_searches_are_paced_under_the_daily_search_limit(mcp_client: Client) -> None:
    for title in ("CTO", "CFO", "COO"):
        await call(mcp_client, "search_leads", {"plain_filters": {"title": title}, "account_id": BUSINESS_ACCOUNT_ID})
    text = await refused(mcp_client, "search_leads", {"plain_filters": {"title": "CEO"}, "account_id": BUSINESS_ACCOUNT_ID})
    assert "reached the upstream limit of 3 search calls per day" in text


async def test_a_pasted_sales_navigator_url_runs_plainly_without_a_seat(mcp_client: Client) -> None:
    built = await call(mcp_client, "build_search_url", {"filters": {"current_titles": ["CFO"], "regions": ["Germany"]}})
    url = built["sales_navigator_url"]
    out = await call(mcp_client, "search_leads", {"url": url, "account_id": FREE_ACCOUNT_ID})
    assert out["engine"] == "linkedin" and out["plain_query"]["filters"] == {"title": "CFO", "locationId": GERMANY}
    with_seat = await call(mcp_client, "search_leads", {"url": url})
    assert with_seat["engine"] == "sales_navigator" and with_seat["sales_navigator_url"] == url

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID
from salesnav_mcp.sandbox.gazetteer import gazetteer
from tests.support.world import world

pytestmark = pytest.mark.anyio

GERMANY = "101282230"
FINTECH_VPS = {
    "seniority": ["VP"],
    "function": ["Sales"],
    "company_headcount": ["201-500"],
    "regions": ["Germany"],
    "industries": ["Financial Services"],
}


def expected_fintech_vps(services: Services) -> set[str]:
    geo = gazetteer()
    return {
        lead.profile_id
        for lead in world(services).leads
        if lead.seniority == "300"
        and lead.function == "25"
        and lead.headcount == "E"
        and lead.industry_id == "43"
        and GERMANY in geo.within(lead.geo_id)
    }


async def test_search_leads_returns_exactly_matching_sandbox_leads(mcp_client: Client, services: Services) -> None:
    expected = expected_fintech_vps(services)
    assert 1 <= len(expected) <= 100
    result = await mcp_client.call_tool("search_leads", {"filters": FINTECH_VPS, "max_results": 100, "page_size": 100})
    assert not result.is_error, result.content
    data = result.structured_content
    assert {lead["profile_id"] for lead in data["leads"]} == expected
    assert data["total"] == len(expected)
    assert data["charged"] is True and data["cached"] is False
    assert data["budget"]["used"] == 1
    assert data["sales_navigator_url"].startswith("https://www.linkedin.com/sales/search/people?query=")
    text = result.content[0].text
    assert "Spent 1 search" in text and "Budget: 1/300" in text


async def test_identical_search_is_free_and_filter_order_does_not_matter(mcp_client: Client) -> None:
    first = await mcp_client.call_tool("search_leads", {"filters": FINTECH_VPS})
    reordered = {key: FINTECH_VPS[key] for key in reversed(list(FINTECH_VPS))}
    second = await mcp_client.call_tool("search_leads", {"filters": reordered})
    assert not second.is_error
    assert second.structured_content["cached"] is True
    assert second.structured_content["charged"] is False
    assert second.structured_content["budget"]["used"] == 1
    assert second.structured_content["search_id"] == first.structured_content["search_id"]


async def test_an_account_id_in_capitals_is_the_same_account_and_budget(mcp_client: Client, services: Services) -> None:
    first = await mcp_client.call_tool("search_leads", {"filters": FINTECH_VPS, "account_id": DEFAULT_ACCOUNT_ID})
    shouting = await mcp_client.call_tool("search_leads", {"filters": FINTECH_VPS, "account_id": DEFAULT_ACCOUNT_ID.upper()})
    other = await mcp_client.call_tool(
        "search_leads", {"filters": {"seniority": ["CXO"]}, "account_id": DEFAULT_ACCOUNT_ID[:12].upper() + DEFAULT_ACCOUNT_ID[12:]}
    )
    assert not shouting.is_error and not other.is_error, (shouting.content, other.content)
    assert shouting.structured_content["cached"] is True  # the same search of the same account, free
    assert shouting.structured_content["search_id"] == first.structured_content["search_id"]
    assert other.structured_content["budget"]["account_id"] == DEFAULT_ACCOUNT_ID
    assert (await services.guardrails.budget.status(DEFAULT_ACCOUNT_ID)).used == 2

async def test_pasted_url_is_the_same_search_as_its_filters(mcp_client: Client) -> None:
    built = await mcp_client.call_tool("build_search_url", {"filters": FINTECH_VPS})
    assert not built.is_error
    url = built.structured_content["sales_navigator_url"]
    by_filters = await mcp_client.call_tool("search_leads", {"filters": FINTECH_VPS})
    by_url = await mcp_client.call_tool("search_leads", {"url": url + "&sessionId=abc123"})
    assert by_url.structured_content["search_id"] == by_filters.structured_content["search_id"]
    assert by_url.structured_content["cached"] is True


async def test_large_search_pages_through_cursor_without_upstream_calls(mcp_client: Client, services: Services) -> None:
    progress: list[tuple[float, float | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total))

    result = await mcp_client.call_tool(
        "search_leads",
        {"filters": {"regions": ["Europe"]}, "max_results": 1000, "page_size": 20},
        progress_callback=on_progress,
    )
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["total"] > 1000  # upstream reports every match, though it serves only the first 1,000
    assert data["fetched"] == 1000 and len(data["leads"]) == 20
    assert progress and progress[-1][0] == 1000

    def upstream_calls() -> int:
        return sum(counter["total"] for counter in world(services).state()["searchCalls"].values())

    assert upstream_calls() == 10  # 1,000 results in pages of 100
    seen: set[str] = {lead["profile_urn"] for lead in data["leads"]}
    cursor = data["next_cursor"]
    pages = 1
    while cursor:
        page = await mcp_client.call_tool("get_search_page", {"cursor": cursor, "page_size": 100})
        assert not page.is_error
        for lead in page.structured_content["leads"]:
            assert lead["profile_urn"] not in seen
            seen.add(lead["profile_urn"])
        cursor = page.structured_content["next_cursor"]
        pages += 1
    assert len(seen) == 1000 and pages == 11
    assert upstream_calls() == 10
    budget = await mcp_client.call_tool("get_search_budget", {})
    assert budget.structured_content["budget"]["used"] == 1


@pytest.mark.parametrize(
    ("arguments", "needle"),
    [
        ({"filters": {"seniority": ["Viceroy"]}}, "seniority"),
        ({"url": "http://www.linkedin.com/sales/search/people?query=()"}, "https"),
        ({"url": "https://www.linkedin.com.evil.com/sales/search/people?query=()"}, "linkedin.com"),
        ({"url": "https://www.linkedin.com/sales/search/company?query=()"}, "people"),
        ({}, "exactly one"),
        ({"filters": {}}, "empty"),
    ],
)
async def test_bad_search_input_is_refused_before_any_call(
    mcp_client: Client, services: Services, arguments: dict[str, Any], needle: str
) -> None:
    result = await mcp_client.call_tool("search_leads", arguments)
    assert result.is_error
    assert needle.lower() in result.content[0].text.lower()
    budget = await services.guardrails.budget.status((await services.connectsafely.list_accounts())[0].id)
    assert budget.used == 0 and budget.pending == 0


async def test_account_search_and_no_seat(mcp_client: Client) -> None:
    result = await mcp_client.call_tool(
        "search_accounts", {"filters": {"industries": ["Financial Services"], "headcount": ["201-500"]}}
    )
    assert not result.is_error, result.content
    assert result.structured_content["companies"]
    assert all(c["industry"] for c in result.structured_content["companies"])
    refused = await mcp_client.call_tool(
        "search_accounts",
        {"filters": {"industries": ["Banking"]}, "account_id": BUSINESS_ACCOUNT_ID, "engine": "sales_navigator"},
    )
    assert refused.is_error and "seat" in refused.content[0].text
    # Without a seat the same search runs as a plain LinkedIn search (issue 17), spending no budget.
    plain = await mcp_client.call_tool(
        "search_accounts", {"filters": {"industries": ["Banking"]}, "account_id": BUSINESS_ACCOUNT_ID}
    )
    assert not plain.is_error and plain.structured_content["engine"] == "linkedin"
    budget = await mcp_client.call_tool("get_search_budget", {"account_id": BUSINESS_ACCOUNT_ID})
    assert budget.structured_content["budget"]["used"] == 0


async def test_lookup_geo_and_url_round_trip(mcp_client: Client) -> None:
    geo = await mcp_client.call_tool("lookup_geo", {"place": "Munich"})
    assert not geo.is_error, geo.content
    geo_id = geo.structured_content["geo_id"]
    built = await mcp_client.call_tool("build_search_url", {"filters": {"regions": [geo_id], "seniority": ["CXO"]}})
    back = await mcp_client.call_tool("build_search_url", {"url": built.structured_content["sales_navigator_url"]})
    assert back.structured_content["filters"]["seniority"] == ["CXO"]
    assert (
        back.structured_content["filters"]["regions"][0]["id"] == geo_id
        if isinstance(back.structured_content["filters"]["regions"][0], dict)
        else geo_id in str(back.structured_content["filters"]["regions"])
    )


async def test_build_search_url_names_the_bad_filter_field(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("build_search_url", {"kind": "company", "filters": {"seniority": ["VP"]}})
    assert result.is_error and "filters.seniority" in result.content[0].text
    account = await mcp_client.call_tool("build_search_url", {"kind": "company", "filters": {"headcount": ["51-200"]}})
    assert not account.is_error
    assert "/sales/search/company?" in account.structured_content["sales_navigator_url"]

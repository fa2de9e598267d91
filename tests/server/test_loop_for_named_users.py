"""The prospecting loop's new tools and resources respect named users' grants: another account's search cannot be
exported or read as CSV, its replies and follow-ups stay out of reach, research acts only on granted accounts."""

from __future__ import annotations

import pytest

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from tests.server.test_named_users import Connect, a_new_lead, connect, services  # noqa: F401 - fixtures

pytestmark = pytest.mark.anyio


async def test_another_users_search_replies_and_research_stay_out_of_reach(services: Services, connect: Connect) -> None:  # noqa: F811
    async with connect("dana") as dana:
        found = await dana.call_tool("search_leads", {"plain_filters": {"title": "CTO"}, "max_results": 5})
        assert not found.is_error, found.content
        search_id = found.structured_content["search_id"]
        exported = await dana.call_tool("export_search", {"search_id": search_id})
        assert not exported.is_error, exported.content
    async with connect("sam") as sam:
        refused = await sam.call_tool("export_search", {"search_id": search_id})
        assert refused.is_error and "User sam has no access" in refused.content[0].text
        with pytest.raises(Exception, match="no access"):
            await sam.read_resource(f"salesnav://searches/{search_id}/csv")
        listed = await sam.call_tool("list_exports", {"kind": "search"})
        assert listed.structured_content["exports"] == []
        for tool, arguments in (
            ("check_replies", {"account_id": DEFAULT_ACCOUNT_ID, "method": "store"}),
            ("draft_follow_ups", {"account_id": DEFAULT_ACCOUNT_ID}),
            ("research_lead", {"person": a_new_lead(services, DEFAULT_ACCOUNT_ID), "account_id": DEFAULT_ACCOUNT_ID}),
            ("research_company", {"company": "1", "account_id": DEFAULT_ACCOUNT_ID}),
        ):
            result = await sam.call_tool(tool, arguments)
            assert result.is_error and "no access" in result.content[0].text, tool
        own = await sam.call_tool("check_replies", {"method": "store"})
        assert not own.is_error and own.structured_content["account_id"] == SECOND_SALES_NAV_ACCOUNT_ID

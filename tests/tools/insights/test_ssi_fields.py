"""The SSI tool keeps what upstream sends: the group averages, group size and rank change of each comparison group
(the seed's fields), and the account holder's profile URN."""

from __future__ import annotations

import pytest
from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import ssi
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.tool_calls import call
from tests.support.world import world

pytestmark = pytest.mark.anyio


async def test_group_averages_size_and_change_and_the_profile_urn(mcp_client: Client, services: Services) -> None:
    out = await call(mcp_client, "get_ssi", {})
    sandbox = world(services)
    account = sandbox.accounts[DEFAULT_ACCOUNT_ID]
    day = sandbox.now().date()
    member = ssi.member_score(sandbox.seed, DEFAULT_ACCOUNT_ID, day)
    groups = {g["groupType"]: g for g in ssi.group_scores(sandbox.seed, DEFAULT_ACCOUNT_ID, day, account.seed.industry,
                                                           member["overall"])}
    assert out["profile_urn"] == account.profile_urn
    for rank in out["ranks"]:
        group = groups[rank["group"]]
        assert rank["average_overall"] == group["averageScore"]
        assert rank["group_size"] == group["groupSize"] and rank["rank_change"] == group["change"]
        assert rank["pillar_averages"] == [{"pillar": p["pillar"], "average": p["score"]} for p in group["pillars"]]
    text = (await mcp_client.call_tool("get_ssi", {})).content[0].text  # type: ignore[union-attr]
    industry = next(r for r in out["ranks"] if r["group"] == "INDUSTRY")
    assert f"({industry['group_size']:,} people, average {industry['average_overall']:.1f})" in text

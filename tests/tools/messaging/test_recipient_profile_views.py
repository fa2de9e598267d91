"""Naming a recipient the server has not seen fetches their profile from LinkedIn: that counts against the
account's daily profile views like research does, and past them the person is still found, by relationship."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world
from tests.tools.messaging.helpers import make_draft

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_profile_views_per_day=2)


async def test_naming_unseen_recipients_spends_profile_views(server: MCPServer, services: Services, connect: Any) -> None:
    threads = {c.lead.profile_id for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    unseen = [x for x in world(services).leads if x.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and x.profile_id not in threads]
    async with connect(server) as client:
        drafts = [await make_draft(client, lead.profile_id, text=f"Hello {lead.first_name}.") for lead in unseen[:3]]
        research = await client.call_tool("research_lead", {"person": unseen[3].profile_id})
    assert [d["recipient_name"] for d in drafts[:2]] == [lead.full_name for lead in unseen[:2]]
    assert drafts[2]["recipient"] == unseen[2].profile_urn  # past the quota: known by relationship, no profile
    quota = await services.guardrails.profile_views.quota(DEFAULT_ACCOUNT_ID)
    assert (quota.used, quota.limit) == (2, 2)
    assert research.is_error and "limit of 2 distinct profile views per 24 hours" in research.content[0].text

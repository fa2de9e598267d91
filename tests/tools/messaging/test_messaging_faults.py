"""Upstream faults during a send: a send that may have left is never sent twice."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import FaultRule, SandboxConfig
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.tools.messaging.helpers import a_lead, make_draft, sent_to

pytestmark = pytest.mark.anyio


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(
        seed=7,
        faults=[FaultRule(route="POST /linkedin/conversations/send", kind="hang_after_commit", delay=5, times=1)],
    )


@pytest.fixture
def settings(tmp_path: Any) -> Any:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_http_timeout=0.5)


async def test_timeout_after_upstream_sent_is_unknown_and_never_resent(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = a_lead(services)
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        draft = await make_draft(client, lead.profile_id)
        first = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert not first.is_error, first.content
        assert first.structured_content["outcome"] == "unknown"
        assert "will not be resent" in first.content[0].text
        again = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert again.is_error and "unknown" in again.content[0].text
    assert len(sent_to(services, lead.profile_id)) == 1

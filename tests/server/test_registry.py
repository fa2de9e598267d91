"""The registry: toolsets select their tools, resources and prompts; read-only drops write tools and the
prompts that steer to them."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.registry import UnknownToolsetError, select
from salesnav_mcp.tools import TOOLSETS

TOOLS_BY_NAME = {spec.name: spec for toolset in TOOLSETS.values() for spec in toolset.tools}

pytestmark = pytest.mark.anyio


def test_every_prompt_names_tools_that_exist() -> None:
    for toolset in TOOLSETS.values():
        for prompt in toolset.prompts:
            assert prompt.uses, prompt.name
            assert set(prompt.uses) <= set(TOOLS_BY_NAME), prompt.name


def test_names_are_unique_across_toolsets() -> None:
    everything = select()
    for kind in (everything.tools, everything.prompts):
        names = [spec.name for spec in kind]
        assert len(names) == len(set(names))
    uris = [spec.uri for spec in everything.resources]
    assert len(uris) == len(set(uris))


def test_read_only_keeps_read_tools_every_resource_and_prompts_that_only_read() -> None:
    everything, reading = select(), select(read_only=True)
    assert reading.tools == [spec for spec in everything.tools if spec.read_only]
    assert reading.resources == everything.resources
    assert [p.name for p in reading.prompts] == ["ssi_coaching"]
    assert all(TOOLS_BY_NAME[name].read_only for prompt in reading.prompts for name in prompt.uses)
    dropped = [p for p in everything.prompts if p not in reading.prompts]
    assert dropped and all(any(not TOOLS_BY_NAME[n].read_only for n in p.uses) for p in dropped)


def test_toolsets_bring_only_their_own_resources_and_prompts() -> None:
    for name, toolset in TOOLSETS.items():
        chosen = select([name])
        assert chosen.tools == list(toolset.tools)
        assert chosen.resources == list(toolset.resources)
        assert chosen.prompts == list(toolset.prompts)


def test_an_unknown_toolset_is_named() -> None:
    with pytest.raises(UnknownToolsetError, match="unknown toolset\\(s\\) nope"):
        select(["search", "nope"])


@pytest.fixture
def server(settings: Settings, services: Services) -> MCPServer:
    return build_server(settings, services=services, toolsets=["insights"], read_only=True)


async def test_a_selected_server_lists_only_what_was_selected(mcp_client: Client) -> None:
    tools = {t.name for t in (await mcp_client.list_tools()).tools}
    # A client without MCP Apps: the SSI dashboard's app-only tool is not listed to it.
    assert tools == {spec.name for spec in TOOLSETS["insights"].tools if not spec.app_only}
    templates = {t.uri_template for t in (await mcp_client.list_resource_templates()).resource_templates}
    assert templates == {"salesnav://ssi/{account_id}/history{?days}", "salesnav://inmail/{account_id}/history{?days}"}
    assert (await mcp_client.list_resources()).resources == []
    assert [p.name for p in (await mcp_client.list_prompts()).prompts] == ["ssi_coaching"]

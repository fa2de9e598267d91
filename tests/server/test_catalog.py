"""A server starts from the generated catalog (server/catalog.py) and builds what it lists on first use
(server/lazy.py): the catalog is current, every list equals what the toolsets built eagerly would list,
for each toolset, read-only or not, to clients with and without MCP Apps, and the first use of a tool,
a prompt or a resource works, on services opened by that first request."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.client.stdio import StdioServerParameters
from mcp.server.mcpserver import MCPServer
from pydantic import BaseModel

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.server import catalog
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.apps import AppsAudience, apps_extension
from salesnav_mcp.server.arguments import PromptForModels
from salesnav_mcp.server.lazy import LazyTool
from salesnav_mcp.server.registry import build_tools, select
from salesnav_mcp.tools import TOOLSETS
from tests.support.processes import cli

pytestmark = pytest.mark.anyio

WITH_APPS = [advertise("io.modelcontextprotocol/ui", {"mimeTypes": ["text/html;profile=mcp-app"]})]
REFUSED = (
    "Error executing tool get_ssi: Invalid input:\n- acount_id: unknown argument; did you mean account_id?\n"
    "Fix it and call get_ssi again (its input schema lists every argument)."
)
SELECTIONS = [None, *([name] for name in TOOLSETS), ["search", "messaging"]]


def test_the_catalog_is_current() -> None:
    assert catalog.CATALOG_PATH.read_text(encoding="utf-8") == catalog.render(catalog.generate()), (
        "src/salesnav_mcp/server/catalog.json is stale: run `make catalog`"
    )


def test_building_a_server_imports_no_toolset_store_or_upstream_client() -> None:
    probe = (
        "import sys; from salesnav_mcp.server.app import build_server; build_server(); "
        "print([m for m in sys.modules if m.startswith(('salesnav_mcp.tools', 'salesnav_mcp.operations', "
        "'salesnav_mcp.store', 'salesnav_mcp.upstream', 'salesnav_mcp.guardrails', 'salesnav_mcp.models'))])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def eager_tools() -> dict[str, Any]:
    specs = [spec for toolset in TOOLSETS.values() for spec in toolset.tools]
    return {tool.name: tool for tool in build_tools(specs)}


def eager_server(eager_tools: dict[str, Any], toolsets: list[str] | None, read_only: bool) -> MCPServer:
    """The server as the toolsets build it with every SDK object made up front (no catalog)."""
    selected = select(toolsets, read_only=read_only)
    apps = apps_extension(selected.tools)
    server = MCPServer(
        "eager",
        tools=[eager_tools[spec.name] for spec in selected.tools],
        extensions=[apps] if apps else None,
        middleware=[AppsAudience(selected.tools)],
    )
    for spec in selected.prompts:
        server.add_prompt(PromptForModels.from_function(spec.fn, name=spec.name, title=spec.title, description=spec.description))
    for spec in selected.resources:
        server.resource(spec.uri, name=spec.name, title=spec.title, description=spec.description, mime_type=spec.mime_type)(
            static_reader(spec) if spec.static else spec.fn
        )
    return server


def static_reader(spec: Any) -> Any:
    async def read_static() -> str:
        return await spec.fn(None)

    return read_static


def dumped(items: list[BaseModel]) -> list[dict[str, Any]]:
    return [item.model_dump(mode="json", by_alias=True, exclude_none=True) for item in items]


async def lists(client: Client) -> dict[str, Any]:
    return {
        "tools": dumped((await client.list_tools()).tools),
        "prompts": dumped((await client.list_prompts()).prompts),
        "resources": dumped((await client.list_resources()).resources),
        "templates": dumped((await client.list_resource_templates()).resource_templates),
    }


@pytest.mark.parametrize("toolsets", SELECTIONS, ids=lambda t: ",".join(t) if t else "all")
@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
async def test_every_list_equals_the_eagerly_built_one(
    settings: Settings, services: Services, eager_tools: dict[str, Any], toolsets: list[str] | None, read_only: bool
) -> None:
    lazy = build_server(settings, services=services, toolsets=toolsets, read_only=read_only)
    eager = eager_server(eager_tools, toolsets, read_only)
    for extensions in (None, WITH_APPS):
        async with Client(lazy, extensions=extensions) as ours, Client(eager, extensions=extensions) as reference:
            assert await lists(ours) == await lists(reference)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_first_uses_build_what_they_need_and_open_the_services(settings: Settings, mode: str) -> None:
    server = build_server(settings)  # no services given: the first request that needs them opens them
    get_ssi = server._tool_manager.get_tool("get_ssi")  # the SDK's own registry of this server's tools
    assert isinstance(get_ssi, LazyTool)
    async with Client(server, mode=mode) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        result = await client.call_tool("get_ssi", {})
        assert not result.is_error, result.content
        assert result.structured_content and result.structured_content["sandbox"] is True
        assert listed["get_ssi"].output_schema == get_ssi.output_schema

        refused = await client.call_tool("get_ssi", {"acount_id": "x"})
        assert refused.is_error and refused.content[0].text == REFUSED  # type: ignore[union-attr]

        prompt = await client.get_prompt("ssi_coaching", {})
        assert prompt.messages
        [content] = (await client.read_resource("salesnav://filters/function")).contents
        assert json.loads(content.text)  # type: ignore[union-attr]
        [content] = (await client.read_resource("salesnav://accounts")).contents
        assert json.loads(content.text)  # type: ignore[union-attr]


@pytest.mark.slow
async def test_first_uses_over_stdio(workdir: Any, env: dict[str, str]) -> None:
    command, *args = cli("serve", "--toolsets", "insights,search")
    async with Client(StdioServerParameters(command=command, args=args, env=env, cwd=workdir)) as client:
        names = [tool.name for tool in (await client.list_tools()).tools]
        assert names == [e.name for e in select(["insights", "search"], source=catalog.load()).tools if not e.app_only]
        result = await client.call_tool("get_ssi", {})
        assert not result.is_error and result.structured_content, result.content
        refused = await client.call_tool("get_ssi", {"acount_id": "x"})
        assert refused.is_error and refused.content[0].text == REFUSED  # type: ignore[union-attr]
        assert (await client.get_prompt("ssi_coaching", {})).messages
        [content] = (await client.read_resource("salesnav://filters/function")).contents
        assert json.loads(content.text)  # type: ignore[union-attr]


async def test_a_server_loaded_at_start_has_built_everything_before_its_first_request(settings: Settings) -> None:
    server = build_server(settings, load_at_start=True)  # what `serve --http` builds
    lazy = [tool for tool in server._tool_manager.list_tools() if isinstance(tool, LazyTool)]
    assert lazy and all(tool._tool is not None for tool in lazy)
    async with Client(server) as client:
        assert (await client.list_resource_templates()).resource_templates
        result = await client.call_tool("get_ssi", {})
        assert not result.is_error, result.content

"""What belongs to MCP Apps is shown only to clients that negotiated it (server/apps.py, `AppsAudience`).

A client without the Apps extension (or with it but without the MCP App MIME type) lists no app-only
tool, no `_meta.ui`, no `ui://` resource, and a call to an app-only tool answers as for a tool that does
not exist. A client with it sees the review card's view and its tools. Both protocol modes.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

pytestmark = pytest.mark.anyio

APPS = "io.modelcontextprotocol/ui"
MIME = "text/html;profile=mcp-app"
APP_ONLY = {"approval_items", "approval_decide"}
BOUND = {"draft_message", "review_drafts", "remove_do_not_contact"}
REVIEW_VIEW = "ui://salesnav/review.html"


async def seen(server: MCPServer, connect: Any, **kwargs: Any) -> tuple[dict[str, Any], list[str], list[Any]]:
    async with connect(server, **kwargs) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        resources = [str(r.uri) for r in (await client.list_resources()).resources]
        calls = [
            await client.call_tool("approval_items", {"approval_ids": ["ap_0123456789abcdef"]}),
            await client.call_tool(
                "approval_decide", {"approval_id": "ap_0123456789abcdef", "content_hash": "0" * 64, "decision": "approve"}
            ),
        ]
    return tools, resources, calls


@pytest.mark.parametrize(
    "extensions",
    [None, [advertise(APPS, {"mimeTypes": ["text/html"]})], [advertise(APPS)]],
    ids=["no-extension", "other-mime-type", "no-mime-types"],
)
async def test_a_client_without_apps_sees_nothing_of_them(
    server: MCPServer, connect: Any, extensions: list[Any] | None
) -> None:
    tools, resources, calls = await seen(server, connect, **({"extensions": extensions} if extensions else {}))
    assert set(tools) >= BOUND and not APP_ONLY & set(tools)
    assert [name for name, tool in tools.items() if "ui" in (tool.meta or {})] == []
    assert not [uri for uri in resources if uri.startswith("ui://")]
    for name, result in zip(["approval_items", "approval_decide"], calls, strict=True):
        assert result.is_error and result.content[0].text == f"Unknown tool: {name}"


async def test_a_client_with_apps_sees_the_card_and_its_tools(server: MCPServer, connect: Any) -> None:
    tools, resources, calls = await seen(server, connect, extensions=[advertise(APPS, {"mimeTypes": [MIME]})])
    for name in BOUND:
        assert tools[name].meta["ui"]["resourceUri"] == REVIEW_VIEW
    for name in APP_ONLY:
        assert tools[name].meta["ui"] == {"resourceUri": REVIEW_VIEW, "visibility": ["app"]}
    assert REVIEW_VIEW in resources
    items, decide = calls
    assert not items.is_error and items.structured_content["items"] == []
    assert decide.is_error and "no such request" in decide.content[0].text

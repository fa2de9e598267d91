"""What belongs to MCP Apps is shown only to clients that negotiated it (server/apps.py, `AppsAudience`).

A client without the Apps extension (or with it but without the MCP App MIME type) lists no app-only
tool, no `_meta.ui`, no `ui://` resource, and a call to an app-only tool answers as for a tool that does
not exist: it sees exactly the tools (the contracts in __toolsnaps__) and the texts it saw before the views.
A client with it sees every view, the tools bound to each and the views' app-only tools. Both protocol modes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.tools import TOOLSETS

pytestmark = pytest.mark.anyio

APPS = "io.modelcontextprotocol/ui"
MIME = "text/html;profile=mcp-app"
SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"
REVIEW_VIEW = "ui://salesnav/review.html"
SEARCH_VIEW = "ui://salesnav/search.html"
SSI_VIEW = "ui://salesnav/ssi.html"
OVERVIEW_VIEW = "ui://salesnav/overview.html"
EXPORT_VIEW = "ui://salesnav/export.html"
# The tools the model calls whose results a view shows, and the view.
BOUND = {
    "draft_message": REVIEW_VIEW,
    "review_drafts": REVIEW_VIEW,
    "update_do_not_contact": REVIEW_VIEW,
    "search_leads": SEARCH_VIEW,
    "search_accounts": SEARCH_VIEW,
    "get_search_page": SEARCH_VIEW,
    "get_ssi": SSI_VIEW,
    "get_ssi_history": SSI_VIEW,
    "get_account_overview": OVERVIEW_VIEW,
    "export_analytics": EXPORT_VIEW,
}
# The tools only a view calls, with arguments that pass validation.
APP_ONLY = {
    "approval_items": (REVIEW_VIEW, {"approval_ids": ["ap_0123456789abcdef"]}),
    "approval_decide": (
        REVIEW_VIEW,
        {"approval_id": "ap_0123456789abcdef", "content_hash": "0" * 64, "decision": "approve"},
    ),
    "search_rows": (SEARCH_VIEW, {"search_id": "s_0123456789abcdef"}),
    "search_csv": (SEARCH_VIEW, {"search_id": "s_0123456789abcdef"}),
    "ssi_dashboard_data": (SSI_VIEW, {"account_id": "5f0c0a1b2c3d4e5f6a7b8c90"}),
}
VIEWS = {REVIEW_VIEW, SEARCH_VIEW, SSI_VIEW, OVERVIEW_VIEW, EXPORT_VIEW}
WITH_APPS = {"extensions": [advertise(APPS, {"mimeTypes": [MIME]})]}
WITHOUT_APPS = [None, [advertise(APPS, {"mimeTypes": ["text/html"]})], [advertise(APPS)]]


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    """Time stands still, so two calls of a tool whose result carries the time answer alike."""
    return manual_clock


async def seen(server: MCPServer, connect: Any, **kwargs: Any) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    async with connect(server, **kwargs) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        resources = [str(r.uri) for r in (await client.list_resources()).resources]
        calls = {name: await client.call_tool(name, arguments) for name, (_view, arguments) in APP_ONLY.items()}
    return tools, resources, calls


def test_the_registry_declares_what_this_test_expects() -> None:
    specs = {spec.name: spec for toolset in TOOLSETS.values() for spec in toolset.tools}
    assert {name: spec.ui for name, spec in specs.items() if spec.ui and not spec.app_only} == BOUND
    assert {name: spec.ui for name, spec in specs.items() if spec.app_only} == {n: v for n, (v, _a) in APP_ONLY.items()}


@pytest.mark.parametrize("extensions", WITHOUT_APPS, ids=["no-extension", "other-mime-type", "no-mime-types"])
async def test_a_client_without_apps_sees_nothing_of_them(
    server: MCPServer, connect: Any, extensions: list[Any] | None
) -> None:
    tools, resources, calls = await seen(server, connect, **({"extensions": extensions} if extensions else {}))
    assert set(tools) >= set(BOUND) and not set(APP_ONLY) & set(tools)
    assert [name for name, tool in tools.items() if "ui" in (tool.meta or {})] == []
    assert not [uri for uri in resources if uri.startswith("ui://")]
    for name, result in calls.items():
        assert result.is_error and result.content[0].text == f"Unknown tool: {name}"


async def test_a_client_without_apps_sees_exactly_the_contracts_it_saw_before(server: MCPServer, connect: Any) -> None:
    """Every tool it lists is in __toolsnaps__ unchanged (the snapshots are taken as an Apps client, without _meta)."""
    async with connect(server) as client:
        listed = (await client.list_tools()).tools
    stored = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SNAPSHOTS.glob("*.json")}
    assert {t.name for t in listed} == set(stored) - set(APP_ONLY)
    for tool in listed:
        contract = tool.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"meta", "icons"})
        assert contract == stored[tool.name], tool.name
        assert "ui" not in (tool.meta or {}), tool.name


async def test_a_bound_tool_answers_both_kinds_of_client_alike(server: MCPServer, connect: Any) -> None:
    """The text and data of a tool bound to a view do not depend on the client rendering the view."""
    async with connect(server) as plain, connect(server, **WITH_APPS) as apps:
        found = await plain.call_tool("search_leads", {"filters": {"seniority": ["CXO"]}, "max_results": 30, "page_size": 5})
        cursor = found.structured_content["next_cursor"]
        for name, arguments in [
            ("get_search_page", {"cursor": cursor, "page_size": 5}),
            ("get_ssi", {}),
            ("get_ssi_history", {"days": 7}),
            ("get_account_overview", {}),
        ]:
            without, with_ = await plain.call_tool(name, arguments), await apps.call_tool(name, arguments)
            assert not without.is_error, (name, without.content)
            assert [c.model_dump() for c in without.content] == [c.model_dump() for c in with_.content], name
            assert without.structured_content == with_.structured_content, name


async def test_a_client_with_apps_sees_every_view_and_its_tools(server: MCPServer, connect: Any) -> None:
    tools, resources, calls = await seen(server, connect, **WITH_APPS)
    for name, view in BOUND.items():
        assert tools[name].meta["ui"] == {"resourceUri": view}, name
    for name, (view, _arguments) in APP_ONLY.items():
        assert tools[name].meta["ui"] == {"resourceUri": view, "visibility": ["app"]}, name
    assert set(resources) >= VIEWS
    assert not calls["approval_items"].is_error and calls["approval_items"].structured_content["items"] == []
    assert calls["approval_decide"].is_error and "no such request" in calls["approval_decide"].content[0].text
    for name in ("search_rows", "search_csv"):
        assert calls[name].is_error and "No stored search 's_0123456789abcdef'" in calls[name].content[0].text
    assert not calls["ssi_dashboard_data"].is_error  # nothing stored yet: an empty series, no upstream call
    assert calls["ssi_dashboard_data"].structured_content["history"]["readings"] == 0


async def test_each_view_is_one_self_contained_html_file_that_may_load_nothing(server: MCPServer, connect: Any) -> None:
    async with connect(server, **WITH_APPS) as client:
        for uri in sorted(VIEWS):
            [content] = (await client.read_resource(uri)).contents
            assert content.mime_type == MIME, uri
            assert content.meta["ui"]["csp"] == {}, uri  # no domain of any kind: nothing loads from a network
            html = content.text
            assert re.match(r"<!-- salesnav-mcp view, sources sha256:[0-9a-f]{64} -->\n<!doctype html>", html), uri
            # Every script and style inlined: no src= or href= to any other file.
            assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html, re.IGNORECASE), uri

"""MCP Apps: the server's views as `ui://` resources, offered only to clients that negotiated the extension.

The views are single HTML files built from `views/` and shipped in the package
(`salesnav_mcp/views/*.html.gz`, gzipped), every script and style inlined, so a host renders them with no
network access (their CSP declares no domains). A client that did not negotiate Apps sees exactly
the tools it always saw: no `_meta.ui`, no app-only tools (and a call to one is refused as an
unknown tool), no `ui://` resources in the list.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterable
from importlib import resources
from typing import TYPE_CHECKING, Any

from mcp.server.apps import Apps, ResourceCsp, client_supports_apps
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp_types import CallToolResult, ListResourcesResult, ListToolsResult, TextContent

if TYPE_CHECKING:
    from salesnav_mcp.server.catalog import ToolEntry
    from salesnav_mcp.tools.runtime import ToolSpec

VIEW_PACKAGE = "salesnav_mcp.views"


def view_html(uri: str) -> str:
    """The built HTML of a `ui://salesnav/<name>.html` view, from the package."""
    name = uri.rsplit("/", 1)[-1]
    return gzip.decompress(resources.files(VIEW_PACKAGE).joinpath(f"{name}.gz").read_bytes()).decode("utf-8")


def apps_extension(specs: Iterable[ToolSpec | ToolEntry]) -> Apps | None:
    """The Apps extension carrying the views the selected tools are bound to (None: no tool has a view)."""
    views = sorted({spec.ui for spec in specs if spec.ui})
    if not views:
        return None
    apps = Apps()
    for uri in views:
        # No domains: nothing in a view may load or connect to anything outside it.
        apps.add_html_resource(uri, view_html(uri), name=uri.rsplit("/", 1)[-1], csp=ResourceCsp(), prefers_border=True)
    return apps


class AppsAudience:
    """Shows what belongs to MCP Apps only to clients that negotiated it (a middleware of the low-level server)."""

    def __init__(self, specs: Iterable[ToolSpec | ToolEntry]) -> None:
        self._app_only = frozenset(spec.name for spec in specs if spec.app_only)

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if client_supports_apps(ctx):
            return await call_next(ctx)
        if ctx.method == "tools/call":
            name = (ctx.params or {}).get("name") if isinstance(ctx.params, dict) else None
            if name in self._app_only:  # answered exactly as the SDK answers a tool it does not have
                return CallToolResult(content=[TextContent(type="text", text=f"Unknown tool: {name}")], is_error=True)
        result = await call_next(ctx)
        # The handlers' results reach middleware in wire form (dicts); a model is filtered the same way.
        if ctx.method == "tools/list":
            return _filtered(result, "tools", lambda t: _field(t, "name") not in self._app_only, _without_ui)
        if ctx.method == "resources/list":
            return _filtered(result, "resources", lambda r: not str(_field(r, "uri")).startswith("ui://"))
        return result


def _field(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _filtered(result: Any, key: str, keep: Callable[[Any], bool], change: Callable[[Any], Any] = lambda i: i) -> Any:
    if isinstance(result, dict) and isinstance(result.get(key), list):
        return {**result, key: [change(i) for i in result[key] if keep(i)]}
    if isinstance(result, ListToolsResult | ListResourcesResult):
        return result.model_copy(update={key: [change(i) for i in getattr(result, key) if keep(i)]})
    return result


def _without_ui(tool: Any) -> Any:
    if isinstance(tool, dict):
        meta = {k: v for k, v in (tool.get("_meta") or {}).items() if k != "ui"}
        return {k: v for k, v in tool.items() if k != "_meta"} | ({"_meta": meta} if meta else {})
    meta = {k: v for k, v in (tool.meta or {}).items() if k != "ui"}
    return tool.model_copy(update={"meta": meta or None})

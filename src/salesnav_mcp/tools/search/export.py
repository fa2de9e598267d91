"""Exporting a stored search: every result as a CSV file, without an upstream call."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ResourceLink, TextContent
from pydantic import Field

from salesnav_mcp.operations import search
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.runtime import services, tool


class SearchExportOut(Result):
    search_id: str
    export_id: str
    rows: int
    columns: list[str]
    path: str = Field(description="The CSV file, on the machine the server runs on.")
    resource_uri: str = Field(description="The same rows as a resource (salesnav://searches/{id}/csv).")
    export_uri: str = Field(description="The stored file as a resource (salesnav://exports/{id}).")


@tool(title="Export a search as CSV", read_only=False, destructive=False, idempotent=False, open_world=False)
async def export_search(
    ctx: Context,
    search_id: Annotated[str, Field(pattern=r"^s_[0-9a-f]{16}$")],
) -> Annotated[CallToolResult, SearchExportOut]:
    """Write every stored result of a search to a CSV file on the server's machine (free)."""
    svc = services(ctx)
    stored, page, path = await search.export_search(svc, search_id)
    columns = list(search.LEAD_COLUMNS if page.kind == "people" else search.COMPANY_COLUMNS)
    uri = f"salesnav://searches/{search_id}/csv"
    out = SearchExportOut(
        search_id=search_id,
        export_id=stored.export_id,
        rows=stored.rows,
        columns=columns,
        path=path,
        resource_uri=uri,
        export_uri=stored.uri,
        sandbox=svc.connectsafely.sandbox,
    )
    noun = "leads" if page.kind == "people" else "companies"
    text = f"Wrote {stored.rows} {noun} of search {search_id} to {path} (columns: {', '.join(columns)})."
    link = ResourceLink(
        type="resource_link", uri=uri, name=f"{search_id}.csv", title=f"search {search_id} ({stored.rows} rows)",
        mime_type="text/csv", size=stored.size_bytes,
    )
    return CallToolResult(
        content=[TextContent(type="text", text=text), link],
        structured_content=out.model_dump(mode="json", by_alias=True),
    )

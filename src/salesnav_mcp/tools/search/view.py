"""The results view's own tools (MCP Apps, app-only): paging, filtering and sorting a stored search, and its CSV.

Both read what a search stored: no upstream call, no budget spent. The model is never offered them
(`_meta.ui.visibility: ["app"]`), clients without MCP Apps never see them, and a search of an account
the current user is not granted is refused (operations.search.stored_page).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations import search
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.search import (
    RESULT_CAP,
    BudgetOut,
    CompanyOut,
    LeadOut,
    SearchKind,
    SortColumn,
    budget_out,
)
from salesnav_mcp.tools.apps import SEARCH_VIEW
from salesnav_mcp.tools.runtime import reply, services, tool

SearchId = Annotated[str, Field(description="search_id of a search result.", pattern=r"^s_[0-9a-f]{16}$")]


class SearchRowsOut(Result):
    search_id: str
    kind: SearchKind
    engine: str
    total: int | None
    fetched: int
    complete: bool
    matched: int = Field(description="Stored results the filter kept.")
    offset: int
    leads: list[LeadOut] | None = None
    companies: list[CompanyOut] | None = None
    budget: BudgetOut


class SearchCsvOut(Result):
    search_id: str
    rows: int
    filename: str
    csv: str


async def _stored(ctx: Context, search_id: str) -> search.StoredPage:
    page = await search.stored_page(services(ctx), search_id, 0, RESULT_CAP)
    if page is None:
        raise ToolError(f"No stored search {search_id!r}: it expired or never existed.")
    return page


@tool(title="Rows of a stored search (results view)", read_only=True, open_world=False, ui=SEARCH_VIEW, app_only=True)
async def search_rows(
    ctx: Context,
    search_id: SearchId,
    offset: Annotated[int, Field(ge=0, le=RESULT_CAP)] = 0,
    limit: Annotated[int, Field(ge=1, le=100)] = 25,
    contains: Annotated[str, Field(max_length=100, description="Text one of the shown columns contains.")] = "",
    sort: SortColumn | None = None,
    descending: bool = False,
) -> Annotated[CallToolResult, SearchRowsOut]:
    """One page of a stored search, filtered and sorted, for the results view: no upstream call, no budget."""
    svc = services(ctx)
    page = await _stored(ctx, search_id)
    rows = search.view_rows(page, offset=offset, limit=limit, text=contains, sort=sort, descending=descending)
    record = page.search
    out = SearchRowsOut(
        search_id=search_id,
        kind=page.kind,
        engine=page.query.engine,
        total=record.total,
        fetched=record.item_count,
        complete=record.complete,
        matched=rows.matched,
        offset=offset,
        **search.result_rows(page.kind, rows.items),
        budget=budget_out(await svc.guardrails.budget.status(record.account_id)),
        sandbox=svc.connectsafely.sandbox,
    )
    return reply(f"Rows {offset + 1}-{offset + len(rows.items)} of {rows.matched} of search {search_id}.", out)


@tool(title="CSV of a stored search (results view)", read_only=True, open_world=False, ui=SEARCH_VIEW, app_only=True)
async def search_csv(ctx: Context, search_id: SearchId) -> Annotated[CallToolResult, SearchCsvOut]:
    """Every stored result of a search as CSV text, for the results view to save: no upstream call, no budget."""
    page = await _stored(ctx, search_id)
    out = SearchCsvOut(
        search_id=search_id,
        rows=len(page.items),
        filename=f"salesnav-{search_id}.csv",
        csv=search.search_csv(page),
        sandbox=services(ctx).connectsafely.sandbox,
    )
    return reply(f"CSV of search {search_id}: {out.rows} rows.", out)

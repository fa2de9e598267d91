"""Tools that help build a search without running one: Sales Navigator URLs and geo ids."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field, ValidationError, WithJsonSchema

from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.search import canonical_query
from salesnav_mcp.salesnav_url import AccountFilters, LeadFilters, build_search_url, parse_search_url
from salesnav_mcp.tools.invalid_input import invalid_input_message
from salesnav_mcp.tools.runtime import reply, services, tool
from salesnav_mcp.tools.search.searches import AccountSearchFilters, LeadSearchFilters, query_from

# Published as JSON text, not as an object: strict-mode clients refuse an open object, and the lead and
# account filter schemas spelt out here would double the size of this tool. The SDK parses the text into
# the dict (`pre_parse_json`) and leaves text that is not a JSON object as it is; an object sent as such is
# taken too.
FiltersText = Annotated[
    dict[str, Any] | str | None,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": 'JSON text of search_leads/search_accounts filters, e.g. {"seniority": ["VP"]}.',
        }
    ),
]


class GeoOut(Result):
    geo_id: str
    name: str | None


class SearchUrlOut(Result):
    kind: Literal["people", "company"]
    sales_navigator_url: str
    filters: dict[str, Any] = Field(description="The search's filters, as lead or account filters take them.")


@tool(title="Build a Sales Navigator URL", read_only=True, open_world=False, name="build_search_url")
async def build_search_url_tool(
    ctx: Context,
    kind: Annotated[Literal["people", "company"], Field(description="people: leads; company: accounts.")] = "people",
    filters: FiltersText = None,
    url: Annotated[str | None, Field(description="Or a Sales Navigator URL to read back.")] = None,
) -> Annotated[CallToolResult, SearchUrlOut]:
    """Turn filters into a Sales Navigator search URL, or a URL back into filters (free)."""
    if (filters is None) == (url is None):
        raise ToolError("Give exactly one of 'filters' or 'url'.")
    sandbox = services(ctx).connectsafely.sandbox
    if url is not None:
        query = parse_search_url(url)
        typed = LeadFilters.from_query(query) if query.kind == "people" else AccountFilters.from_query(query)
        shown = typed.model_dump(mode="json", exclude_defaults=True)
        out = SearchUrlOut(
            kind=query.kind,
            sales_navigator_url=build_search_url(canonical_query(query)),
            filters=shown,
            sandbox=sandbox,
        )
        return reply(f"{query.kind} search filters: {json.dumps(shown, ensure_ascii=False)}", out)
    if isinstance(filters, str):
        raise ToolError(
            f"filters: got {filters[:60]!r}, which is not JSON text of an object. Give the filters as JSON, "
            'e.g. {"seniority": ["VP"]}.'
        )
    model = LeadSearchFilters if kind == "people" else AccountSearchFilters
    try:
        typed_filters = model.model_validate(filters)
    except ValidationError as exc:
        raise ToolError(invalid_input_message("build_search_url", exc, model.model_json_schema(), at=["filters"])) from None
    link = build_search_url(query_from(kind, typed_filters, None))
    shown = typed_filters.model_dump(mode="json", exclude_defaults=True)
    out = SearchUrlOut(kind=kind, sales_navigator_url=link, filters=shown, sandbox=sandbox)
    return reply(link, out)


@tool(title="Look up a geo id", read_only=True)
async def lookup_geo(
    ctx: Context,
    place: Annotated[str, Field(description="e.g. Munich", min_length=2, max_length=100)],
) -> Annotated[CallToolResult, GeoOut]:
    """The geo id of a place that is not a listed region, for the regions filter."""
    svc = services(ctx)
    geo = await svc.connectsafely.lookup_geo(place.strip())
    return reply(
        f"{geo.name or place}: geo id {geo.geo_id}",
        GeoOut(geo_id=geo.geo_id, name=geo.name, sandbox=svc.connectsafely.sandbox),
    )

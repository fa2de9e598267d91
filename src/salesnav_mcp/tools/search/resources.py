"""Search resources: the budget of every account or one, a search's stored results (JSON or CSV), filter
vocabularies."""

from __future__ import annotations

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError

from salesnav_mcp import salesnav_ids
from salesnav_mcp.operations import search
from salesnav_mcp.operations.search import budget_out
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.runtime import json_text, resource, services

FILTERS_TEMPLATE = "salesnav://filters/{name}"
# Search filter vocabularies: id -> name, as the search tools accept them (names or ids).
VOCABULARIES: dict[str, dict[str, str]] = {
    "seniority": salesnav_ids.SENIORITY,
    "function": salesnav_ids.FUNCTION,
    "company_headcount": salesnav_ids.HEADCOUNT,
    "regions": salesnav_ids.REGION,
    "industries": salesnav_ids.INDUSTRY,
    "years": salesnav_ids.YEARS_BUCKET,
    "connection_degree": salesnav_ids.RELATIONSHIP,
    "company_type": salesnav_ids.COMPANY_TYPE,
}
# Filter fields named otherwise than their vocabulary (an exclude_<field> takes <field>'s values).
FIELD_VOCABULARY: dict[str, str] = {
    "headcount": "company_headcount",
    "years_in_role": "years",
    "years_at_company": "years",
    "years_of_experience": "years",
}


def vocabulary_of(field: str) -> str | None:
    """The vocabulary a search filter field takes its values from, if it has one."""
    name = field.strip().removeprefix("exclude_")
    name = FIELD_VOCABULARY.get(name, name)
    return name if name in VOCABULARIES else None


@resource("salesnav://budget", name="search-budget", title="Sales Navigator search budget, every account")
async def budget(svc: Services) -> str:
    """Searches used, remaining and the reset date per account this month. Reading it spends nothing."""
    listed = [a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
    statuses = [budget_out(await svc.guardrails.budget.status(a.id)).model_dump(mode="json") for a in listed]
    return json_text({"sandbox": svc.connectsafely.sandbox, "budgets": statuses})


@resource(
    "salesnav://budget/{account_id}",
    name="account-search-budget",
    title="Sales Navigator search budget of one account",
)
async def account_budget(account_id: str, ctx: Context) -> str:
    svc = services(ctx)
    status = await svc.guardrails.budget.status(svc.require_account(account_id))
    return json_text(budget_out(status).model_dump(mode="json"))


@resource("salesnav://searches/{search_id}", name="search-results", title="Every stored result of a search")
async def search_results(search_id: str, ctx: Context) -> str:
    """The results a search_leads/search_accounts call stored (up to 1,000); no upstream call."""
    page = await search.stored_page(services(ctx), search_id, 0, search.RESULT_CAP)
    if page is None:
        raise ResourceError(f"No stored search {search_id!r}: it expired or never existed.")
    record = page.search
    return json_text(
        {
            "search_id": search_id,
            "account_id": record.account_id,
            "engine": page.query.engine,
            "sales_navigator_url": page.query.url,
            "plain_query": page.query.plain,
            "total": record.total,
            "complete": record.complete,
            "results": page.items,
        }
    )


@resource(
    "salesnav://searches/{search_id}/csv",
    name="search-results-csv",
    title="Every stored result of a search, as CSV",
    mime_type="text/csv",
)
async def search_results_csv(search_id: str, ctx: Context) -> str:
    """The stored results of a search as CSV, one row per lead or company; no upstream call."""
    page = await search.stored_page(services(ctx), search_id, 0, search.RESULT_CAP)
    if page is None:
        raise ResourceError(f"No stored search {search_id!r}: it expired or never existed.")
    return search.search_csv(page)


@resource(FILTERS_TEMPLATE, name="filter-values", title="Values a search filter accepts")
async def filter_values(name: str) -> str:
    """Names and ids a search filter field takes (seniority, function, company_headcount or headcount, regions,
    industries, years_*, connection_degree, company_type; exclude_<field> as <field>). Regions beyond these:
    lookup_geo."""
    vocabulary = vocabulary_of(name)
    if vocabulary is None:
        raise ResourceError(f"Unknown filter {name!r}; one of: {', '.join(VOCABULARIES)}.")
    return json_text([{"id": key, "name": label} for key, label in VOCABULARIES[vocabulary].items()])

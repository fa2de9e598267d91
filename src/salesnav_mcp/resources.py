"""MCP resources: accounts, search budget, drafts, stored search results and filter vocabularies;
completions for account ids and filter names.

Static resources take no request context in the SDK, so they read the running services
through `get_services`, which the server's lifespan keeps current.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError
from mcp_types import Completion, CompletionArgument, PromptReference, ResourceTemplateReference

from salesnav_mcp import salesnav_ids
from salesnav_mcp.operations import search
from salesnav_mcp.operations.search import budget_out
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools._runtime import refusals_as_resource_errors

JSON = "application/json"
ACCOUNT_ARGUMENTS = {"account_id"}
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


def _dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def register_resources(server: MCPServer, get_services: Callable[[], Services]) -> None:
    @server.resource("salesnav://accounts", name="accounts", title="Connected LinkedIn accounts", mime_type=JSON)
    async def accounts() -> str:
        svc = get_services()
        listed = [a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
        return _dump({"sandbox": svc.connectsafely.sandbox, "accounts": [a.model_dump(mode="json") for a in listed]})

    @server.resource(
        "salesnav://budget",
        name="search-budget",
        title="Sales Navigator search budget, every account",
        description="Searches used, remaining and the reset date per account this month. Reading it spends nothing.",
        mime_type=JSON,
    )
    async def budget() -> str:
        svc = get_services()
        listed = [a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
        statuses = [budget_out(await svc.guardrails.budget.status(a.id)).model_dump() for a in listed]
        return _dump({"sandbox": svc.connectsafely.sandbox, "budgets": statuses})

    @server.resource(
        "salesnav://budget/{account_id}",
        name="account-search-budget",
        title="Sales Navigator search budget of one account",
        mime_type=JSON,
    )
    @refusals_as_resource_errors
    async def account_budget(account_id: str) -> str:
        svc = get_services()
        return _dump(budget_out(await svc.guardrails.budget.status(svc.require_account(account_id))).model_dump())

    @server.resource(
        "salesnav://drafts",
        name="drafts",
        title="Drafts awaiting confirmation, and sends whose outcome is unknown",
        mime_type=JSON,
    )
    async def drafts() -> str:
        svc = get_services()
        items = await svc.guardrails.drafts.list(states=["draft", "failed", "unknown", "sending"], limit=100)
        items = [d for d in items if svc.may_use(d.account_id)]  # a named user sees their accounts' drafts only
        return _dump(
            [
                {
                    "draft_id": d.id,
                    "state": d.state,
                    "account_id": d.account_id,
                    "recipient": d.recipient,
                    "channel": d.channel,
                    "subject": d.subject,
                    "text": d.text,
                    "updated_at": d.updated_at.isoformat(),
                    "error": d.error,
                }
                for d in items
            ]
        )

    @server.resource(
        "salesnav://searches/{search_id}",
        name="search-results",
        title="Every stored result of a search",
        description="The results a search_leads/search_accounts call stored (up to 1,000); no upstream call.",
        mime_type=JSON,
    )
    @refusals_as_resource_errors
    async def search_results(search_id: str, ctx: Context) -> str:
        page = await search.stored_page(ctx.request_context.lifespan_context, search_id, 0, search.RESULT_CAP)
        if page is None:
            raise ResourceError(f"No stored search {search_id!r}: it expired or never existed.")
        record = page.search
        return _dump(
            {
                "search_id": search_id,
                "account_id": record.account_id,
                "sales_navigator_url": page.url,
                "total": record.total,
                "complete": record.complete,
                "results": page.items,
            }
        )

    @server.resource(
        FILTERS_TEMPLATE,
        name="filter-values",
        title="Values a search filter accepts",
        description="Names and ids for seniority, function, company_headcount, regions, industries, years, "
        "connection_degree, company_type. Regions beyond these: lookup_geo.",
        mime_type=JSON,
    )
    async def filter_values(name: str) -> str:
        if name not in VOCABULARIES:
            raise ResourceError(f"Unknown filter {name!r}; one of: {', '.join(VOCABULARIES)}.")
        return _dump([{"id": key, "name": label} for key, label in VOCABULARIES[name].items()])

    @server.completion()
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: Any
    ) -> Completion | None:
        if isinstance(ref, ResourceTemplateReference) and ref.uri == FILTERS_TEMPLATE and argument.name == "name":
            names = [n for n in VOCABULARIES if n.startswith(argument.value or "")]
            return Completion(values=names, total=len(names), has_more=False)
        if argument.name not in ACCOUNT_ARGUMENTS:
            return None
        svc = get_services()
        ids = [a.id for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
        matching = [i for i in ids if i.startswith(argument.value or "")]
        return Completion(values=matching[:100], total=len(matching), has_more=len(matching) > 100)

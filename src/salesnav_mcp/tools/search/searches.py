"""Lead and account search tools: one search per distinct query, its pages served from storage.

The running of a search (engine, canonical query, paged waves, cursors) is operations.search; these
tools check the input, ask the user before spending past the budget warning, and shape the reply.
Accounts with a Sales Navigator seat run Sales Navigator searches (budgeted); accounts without one
run plain LinkedIn searches (free), chosen by the seat unless `engine` says otherwise.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from salesnav_mcp.guardrails import Approval, BudgetConfirmationRequired, BudgetStatus
from salesnav_mcp.guardrails.fields import one_line
from salesnav_mcp.operations import approvals, search
from salesnav_mcp.operations.plain_search import PlainAccountFilters, PlainFilters, PlainLeadFilters
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.search import (
    RESULT_CAP,
    BudgetOut,
    CompanyOut,
    EngineChoice,
    LeadOut,
    SearchKind,
    SearchRun,
    account_seat,
    budget_line,
    budget_out,
    canonical_query,
)
from salesnav_mcp.operations.services import Services
from salesnav_mcp.salesnav_url import (
    AccountFilters,
    LeadFilters,
    SearchQuery,
    UrlFilter,
    parse_search_url,
    validate_search_url,
)
from salesnav_mcp.tools.apps import SEARCH_VIEW
from salesnav_mcp.tools.elicit import NO_ELICITATION, NOT_NEEDED, no_dialog_reason, outcome_value
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool
from salesnav_mcp.tools.surfaces import await_decision, may_elicit, no_surface_reason, where_to_approve


class LeadSearchFilters(LeadFilters):
    # Raw URL filters stay usable (from_query fills them) but out of the published schema:
    # a model that needs them passes the Sales Navigator URL instead.
    other_filters: SkipJsonSchema[list[UrlFilter]] = Field(default_factory=list)


class AccountSearchFilters(AccountFilters):
    other_filters: SkipJsonSchema[list[UrlFilter]] = Field(default_factory=list)


class SearchOut(Result):
    search_id: str
    kind: SearchKind
    engine: Literal["sales_navigator", "linkedin"] = Field(
        description="Which search ran: sales_navigator (budgeted) or linkedin (plain LinkedIn search, no budget)."
    )
    sales_navigator_url: str | None = Field(
        description="Open this URL to see the same search in Sales Navigator (Sales Navigator searches only)."
    )
    plain_query: dict[str, Any] | None = Field(
        default=None, description="Keywords and filters a plain LinkedIn search sent."
    )
    total: int | None = Field(
        description="Matches upstream reported (Sales Navigator searches; capped at 1,000 served)."
    )
    fetched: int = Field(description="Results stored for this search so far.")
    complete: bool = Field(description="Every result upstream serves is stored.")
    offset: int
    leads: list[LeadOut] | None = None
    companies: list[CompanyOut] | None = None
    next_cursor: str | None = Field(description="Pass to get_search_page for the next page (no upstream call).")
    cached: bool = Field(description="Served from a search run in the cache window (free).")
    charged: bool = Field(
        description="This call spent one unit of the monthly budget (a search, or its first page in the page unit)."
    )
    pages_charged: int = Field(default=0, description="Further pages this call charged (page unit).")
    note: str | None = None
    budget: BudgetOut


def query_from(kind: SearchKind, filters: BaseModel | None, url: str | None) -> SearchQuery:
    if (filters is None) == (url is None):
        raise ToolError("Give exactly one of 'filters' or 'url' (a Sales Navigator search URL).")
    if url is not None:
        return canonical_query(parse_search_url(validate_search_url(url, kind)))
    query = filters.to_query()  # type: ignore[union-attr]
    if not query.keywords and not query.filters:
        raise ToolError("'filters' is empty: give at least keywords or one filter.")
    return canonical_query(query)


def search_input(
    kind: SearchKind, filters: BaseModel | None, plain: PlainFilters | None, url: str | None
) -> tuple[SearchQuery | None, PlainFilters | None]:
    """The Sales Navigator query, or the plain filters, the caller gave (exactly one of the three inputs)."""
    if sum(x is not None for x in (filters, plain, url)) != 1:
        raise ToolError("Give exactly one of 'filters', 'plain_filters' or 'url' (a Sales Navigator search URL).")
    if plain is None:
        return query_from(kind, filters, url), None
    if plain.is_empty():
        raise ToolError("'plain_filters' is empty: give at least keywords or one filter.")
    return None, plain


def lead_line(i: int, lead: dict[str, Any]) -> str:
    where = f" @ {lead['company']}" if lead.get("company") else ""
    parts = [f"{i}. {lead['name']} — {lead.get('title') or '?'}{where}"]
    if lead.get("location"):
        parts.append(lead["location"])
    if lead.get("degree"):
        parts.append(lead["degree"])
    parts.append(f"id:{lead.get('profile_id') or lead.get('profile_urn')}")
    return " · ".join(parts)


def company_line(i: int, company: dict[str, Any]) -> str:
    parts = [f"{i}. {company['name']}"]
    for key in ("industry", "location"):
        if company.get(key):
            parts.append(company[key])
    parts.append(f"id:{company.get('company_id')}")
    return " · ".join(parts)


class SpendSearch(BaseModel):
    spend: bool = Field(
        title="Spend one Sales Navigator search",
        description="Run this search and spend one from this month's budget.",
        strict=True,
    )


def _which_search(filters: Any, url: str | None) -> str:
    """The search a spend is for, on one line of the dialog (the filters or URL as given: data, not layout)."""
    if isinstance(filters, BaseModel):
        given = json.dumps(filters.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
        return f"Search: {one_line(given, 400)}"
    return f"Search: {one_line(url or '?', 400)}"


async def _spend_gate(
    ctx: Context,
    account_id: str | None,
    confirm_spend: bool,
    engine: str = "auto",
    plain_filters: Any = None,
    filters: Any = None,
    url: str | None = None,
) -> Any:
    """Ask the human before a Sales Navigator search once the budget's warning threshold is reached (a plain
    search spends no budget)."""
    svc = services(ctx)
    if (confirm_spend and svc.guardrails.confirmer.mode == "client") or plain_filters is not None or engine == "linkedin":
        return NOT_NEEDED
    account = await svc.account_id(account_id)
    if engine == "auto" and await account_seat(svc, account) is False:
        return NOT_NEEDED
    status = await svc.guardrails.budget.status(account)
    if not status.needs_confirmation or status.remaining == 0:
        return NOT_NEEDED  # below the threshold, or at the limit (the budget refuses by itself)
    if not may_elicit(ctx):
        return NO_ELICITATION
    return Elicit(
        f"Sales Navigator search budget for account {status.account_id} (counted in "
        f"{'searches' if status.unit == 'search' else 'pages walked'}): {status.used} of {status.limit} used this "
        f"month, {status.remaining} left (resets {status.resets_at:%Y-%m-%d}). Spend one more on this search?\n"
        + _which_search(filters, url),
        SpendSearch,
    )


SpendGate = Annotated[ElicitationResult[SpendSearch], Resolve(_spend_gate)]

ConfirmSpend = Annotated[bool, Field(description="Client confirmation mode: the user agreed to spend.")]


async def search_and_reply(
    ctx: Context,
    kind: SearchKind,
    query: SearchQuery | None,
    plain: PlainFilters | None,
    engine: EngineChoice,
    account_id: str | None,
    max_results: int,
    page_size: int,
    gate: Any,
    confirm_spend: bool,
) -> CallToolResult:
    svc = services(ctx)
    account = await svc.account_id(account_id)
    decision = outcome_value(gate)
    if decision is None or (isinstance(decision, SpendSearch) and not decision.spend):
        status = await svc.guardrails.budget.status(account)
        raise ToolError(f"Search not run: the user did not agree to spend a search. {budget_line(budget_out(status))}")
    mode = svc.guardrails.confirmer.mode
    confirmed = (confirm_spend and mode == "client") or isinstance(decision, SpendSearch)
    try:
        run = await search.find(
            svc,
            account,
            kind,
            query=query,
            plain=plain,
            engine=engine,
            max_results=max_results,
            confirmed=confirmed,
            progress=ctx.report_progress,
        )
    except BudgetConfirmationRequired as exc:
        status = exc.status
        ask = (
            f"Search not run: it would be {'search' if status.unit == 'search' else 'search page'} "
            f"{status.used + status.pending + 1} of {status.limit} this month for "
            f"account {status.account_id} ({status.remaining} left, resets {status.resets_at:%Y-%m-%d})."
        )
        if decision != NO_ELICITATION:
            raise ToolError(f"{ask} The user did not agree in the dialog.") from exc
        if mode == "client":
            raise ToolError(
                f"{ask} No dialog was shown: {no_dialog_reason(ctx)}. Ask the user; if they agree, call again with "
                "confirm_spend=true."
            ) from exc
        if mode == "strict":
            raise ToolError(f"{ask} {no_surface_reason()}.") from exc
        # Only a Sales Navigator search (run from a query, never from plain filters) asks for a spend.
        assert query is not None
        spec = search.sales_navigator_spec(query)
        approval = await approved_spend(ctx, svc, spec.query_key, account, status, ask)
        if not await approvals.claim_spend(svc, approval):  # one approval pays for one run, claimed first
            raise ToolError(
                "Search not run: the user's approval of this spend was just used by another run of this same search. "
                "Call again in a moment: once that run is stored, this search is served from it for free."
            ) from exc
        run = await search.run_search(
            svc, spec, account, max_results=max_results, confirmed=True, progress=ctx.report_progress
        )
    return await page_reply(svc, run.search_id, 0, page_size, run=run)


ENGINE_NAMES = {"sales_navigator": "Sales Navigator", "linkedin": "plain LinkedIn search, no budget spent"}


async def approved_spend(
    ctx: Context, svc: Services, key: str, account: str, status: BudgetStatus, ask: str
) -> Approval:
    """The human's approval of this spend (of the search `key`), asked for on the approval page (waits for it);
    ToolError otherwise."""
    approval = await approvals.approved_spend(svc, account, key)
    if approval is not None:
        return approval
    review = approvals.spend_review(account, key, status.used + status.pending, status.limit, f"{status.resets_at:%Y-%m-%d}")
    approval = await approvals.request_spend(svc, account, key, review)
    where = await where_to_approve(svc, "approval_page")
    decided = await await_decision(ctx, svc, approval, where)
    if decided is None:
        raise ToolError(
            f"{ask} It waits for the user's approval in {where}. Tell the user; call again once they approved it."
        )
    if decided.state != "approved":
        raise ToolError(f"Search not run: the user did not approve the spend in {where} ({decided.state}).")
    return decided


async def page_reply(
    svc: Services, search_id: str, offset: int, limit: int, *, run: SearchRun | None = None
) -> CallToolResult:
    page = await search.stored_page(svc, search_id, offset, limit)
    if page is None:
        raise ToolError(f"No stored search {search_id!r}: it expired or never existed. Run the search again.")
    record = page.search
    budget = budget_out(await svc.guardrails.budget.status(record.account_id))
    charged, cached = (run.charged, run.cached) if run else (False, False)
    note = run.note if run else None
    if run and run.budget_stopped:
        stop = "Stopped at the monthly budget: every further page would cost one (page unit)."
        note = f"{note} {stop}" if note else stop
    out = SearchOut(
        search_id=search_id,
        kind=page.kind,
        engine=page.query.engine,
        sales_navigator_url=page.query.url,
        plain_query=page.query.plain,
        total=record.total,
        fetched=record.item_count,
        complete=record.complete,
        offset=offset,
        **search.result_rows(page.kind, page.items),
        next_cursor=search.encode_cursor(search_id, page.next_offset) if page.more else None,
        cached=cached,
        charged=charged,
        pages_charged=run.pages_charged if run else 0,
        note=note,
        budget=budget,
        sandbox=svc.connectsafely.sandbox,
    )
    line = lead_line if page.kind == "people" else company_line
    noun = "leads" if page.kind == "people" else "accounts"
    total = f" of {record.total} matches" if record.total is not None else ""
    engine = f" [{ENGINE_NAMES[out.engine]}]"
    head = (
        f"{noun.capitalize()} {offset + 1}-{page.next_offset} ({record.item_count} stored{total}); "
        f"search {search_id}{engine}."
    )
    if not page.items:
        head = f"No {noun} {'found' if offset == 0 else 'on this page'}; search {search_id}{engine}."
    cost = " Served from cache (free)." if cached else (" Spent 1 search." if charged else "")
    if charged and budget.unit == "page":
        cost = f" Spent {1 + out.pages_charged} page(s)."
    elif out.pages_charged:
        cost += f" Spent {out.pages_charged} page(s)."
    lines = [head + cost] + [line(offset + i + 1, item) for i, item in enumerate(page.items)]
    if note:
        lines.append(note)
    if page.more:
        lines.append(f"More: get_search_page(cursor={out.next_cursor!r}).")
    lines.append(budget_line(budget) + (" [sandbox]" if out.sandbox else ""))
    return reply("\n".join(lines), out)


MaxResults = Annotated[int, Field(ge=1, le=RESULT_CAP, description="Results to fetch and store.")]

PageSize = Annotated[int, Field(ge=1, le=100, description="Results shown in this reply; the rest via cursor.")]

Engine = Annotated[
    EngineChoice, Field(description="auto: Sales Navigator if the account has a seat, else plain LinkedIn search.")
]

FILTERS_HELP = (
    "Sales Navigator filters (or plain_filters, or url): names or ids, listed in salesnav://filters/{field}."
)
ACCOUNT_FILTERS_HELP = "Filters (or url): names or ids, listed in salesnav://filters/{field}."


@tool(title="Search leads", read_only=False, destructive=False, idempotent=True, ui=SEARCH_VIEW)
async def search_leads(
    ctx: Context,
    gate: SpendGate,
    filters: Annotated[LeadSearchFilters | None, Field(description=FILTERS_HELP)] = None,
    plain_filters: PlainLeadFilters | None = None,
    url: Annotated[str | None, Field(description="Or a pasted Sales Navigator search URL.")] = None,
    engine: Engine = "auto",
    max_results: MaxResults = 25,
    page_size: PageSize = 25,
    account_id: AccountId = None,
    confirm_spend: ConfirmSpend = False,
) -> Annotated[CallToolResult, SearchOut]:
    """Find people, e.g. VPs of Sales at 201-500 person fintechs in Germany. A Sales Navigator search spends one
    of the monthly budget per new query; plain LinkedIn search spends none."""
    query, plain = search_input("people", filters, plain_filters, url)
    return await search_and_reply(
        ctx, "people", query, plain, engine, account_id, max_results, page_size, gate, confirm_spend
    )


@tool(title="Search accounts", read_only=False, destructive=False, idempotent=True, ui=SEARCH_VIEW)
async def search_accounts(
    ctx: Context,
    gate: SpendGate,
    filters: Annotated[AccountSearchFilters | None, Field(description=ACCOUNT_FILTERS_HELP)] = None,
    # Accepted but not published: every plain company filter has its Sales Navigator counterpart in `filters`,
    # which an account without a seat (or engine=linkedin) runs as a plain search.
    plain_filters: SkipJsonSchema[PlainAccountFilters | None] = None,
    url: Annotated[str | None, Field(description="Or a pasted Sales Navigator search URL.")] = None,
    engine: Engine = "auto",
    max_results: MaxResults = 25,
    page_size: PageSize = 25,
    account_id: AccountId = None,
    confirm_spend: ConfirmSpend = False,
) -> Annotated[CallToolResult, SearchOut]:
    """Find companies by headcount, revenue, industry or HQ; spends the search budget as search_leads does."""
    query, plain = search_input("company", filters, plain_filters, url)
    return await search_and_reply(
        ctx, "company", query, plain, engine, account_id, max_results, page_size, gate, confirm_spend
    )


@tool(title="Next page of a search", read_only=True, open_world=False, ui=SEARCH_VIEW)
async def get_search_page(
    ctx: Context,
    cursor: Annotated[str, Field(description="next_cursor of a search result.", min_length=4, max_length=200)],
    page_size: PageSize = 25,
) -> Annotated[CallToolResult, SearchOut]:
    """More results of a search already run, from storage (free)."""
    search_id, offset = search.decode_cursor(cursor)
    return await page_reply(services(ctx), search_id, offset, page_size)

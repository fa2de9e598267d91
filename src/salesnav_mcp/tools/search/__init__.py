"""Search toolset: lead and account search (Sales Navigator, or plain LinkedIn search for accounts without a seat),
paged, budgeted and paced; research of a lead or a company; stored searches as CSV."""

from salesnav_mcp.tools.runtime import Toolset
from salesnav_mcp.tools.search.budget import get_search_budget
from salesnav_mcp.tools.search.export import export_search
from salesnav_mcp.tools.search.filters import build_search_url_tool, lookup_geo
from salesnav_mcp.tools.search.prompts import account_research, prospecting
from salesnav_mcp.tools.search.research import research_company, research_lead
from salesnav_mcp.tools.search.resources import (
    account_budget,
    budget,
    filter_values,
    search_results,
    search_results_csv,
)
from salesnav_mcp.tools.search.searches import get_search_page, search_accounts, search_leads
from salesnav_mcp.tools.search.view import search_csv, search_rows

toolset = Toolset(
    "search",
    "Lead and account search (Sales Navigator with typed filters or a pasted URL; plain LinkedIn search without a "
    "seat), research of a lead or company, geo lookup, search budget, CSV export.",
    tools=[
        search_leads,
        search_accounts,
        get_search_page,
        research_lead,
        research_company,
        export_search,
        build_search_url_tool,
        lookup_geo,
        get_search_budget,
        search_rows,
        search_csv,
    ],
    resources=[budget, account_budget, search_results, search_results_csv, filter_values],
    prompts=[prospecting, account_research],
)

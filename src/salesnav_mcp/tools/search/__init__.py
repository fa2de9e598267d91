"""Search toolset: Sales Navigator lead and account search, paged, budgeted and paced."""

from salesnav_mcp.tools.runtime import Toolset
from salesnav_mcp.tools.search.budget import get_search_budget
from salesnav_mcp.tools.search.filters import build_search_url_tool, lookup_geo
from salesnav_mcp.tools.search.prompts import account_research, prospecting
from salesnav_mcp.tools.search.resources import account_budget, budget, filter_values, search_results
from salesnav_mcp.tools.search.searches import get_search_page, search_accounts, search_leads

toolset = Toolset(
    "search",
    "Sales Navigator lead and account search (typed filters or a pasted Sales Navigator URL), geo lookup, search budget.",
    tools=[search_leads, search_accounts, get_search_page, build_search_url_tool, lookup_geo, get_search_budget],
    resources=[budget, account_budget, search_results, filter_values],
    prompts=[prospecting, account_research],
)

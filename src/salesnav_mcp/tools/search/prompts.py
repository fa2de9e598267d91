"""Search prompts: prospecting from an ideal-customer profile, researching one account.

Both steer the model through the tools in a safe order and end, at most, in drafts a human confirms.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from salesnav_mcp.tools.params import UNTRUSTED_TEXT_RULE, PromptAccountId
from salesnav_mcp.tools.runtime import prompt


@prompt(
    title="Prospect from an ideal-customer profile",
    uses=(
        "get_search_budget",
        "lookup_geo",
        "build_search_url",
        "search_leads",
        "get_search_page",
        "research_lead",
        "draft_message",
    ),
)
def prospecting(
    ideal_customer_profile: Annotated[
        str, Field(description="Who to find, e.g. 'VPs of Sales at 200-500 person fintechs in Germany'.")
    ],
    account_id: PromptAccountId = None,
    max_leads: Annotated[str | None, Field(description="How many leads to bring back (default 25).")] = None,
) -> str:
    """Find leads for an ideal-customer profile: filters, budget check, search, a ranked shortlist."""
    account = f" on account {account_id}" if account_id else ""
    return f"""Find leads that match this ideal-customer profile{account}:

{ideal_customer_profile}

Work in this order:
1. Call get_search_budget to see how many Sales Navigator searches are left this month. Each distinct search
   spends one; repeating an identical search within 24 hours is free. An account without a Sales Navigator
   seat runs a plain LinkedIn search instead, which spends no budget (search_leads says which engine ran).
2. Translate the profile into lead filters (seniority, function, company headcount, industries, regions,
   titles). For a place not in the built-in list, call lookup_geo first and use its geo id.
3. Call build_search_url with those filters and show the filters you chose in one line, so the user can
   correct them before any budget is spent.
4. Call search_leads with the same filters and max_results={max_leads or 25}. Use get_search_page to read
   further pages; that costs nothing.
5. Present the leads as a short table (name, title, company, location, degree) and say which look strongest
   and why. For the few the user picks, research_lead gives experience, education and skills to personalise a
   message (each new profile uses one of the account's 120 profile views a day). Offer to draft messages with
   draft_message; never send without the user's explicit go-ahead.

{UNTRUSTED_TEXT_RULE}"""


@prompt(
    title="Research an account for account-based selling",
    uses=("get_search_budget", "search_accounts", "research_company", "search_leads", "draft_message"),
)
def account_research(
    company: Annotated[str, Field(description="Company name, or a Sales Navigator account search URL.")],
    account_id: PromptAccountId = None,
    roles: Annotated[
        str | None, Field(description="Roles to map in the buying committee, e.g. 'Sales, RevOps, Finance leaders'.")
    ] = None,
) -> str:
    """Map a target company and its buying committee for account-based selling."""
    return f"""Research {company} for account-based selling{f" (account {account_id})" if account_id else ""}.

1. Check get_search_budget; this plan uses about 2-3 searches.
2. search_accounts to confirm the company (headcount, industry, HQ) and note its company id; research_company
   with that id tells what the company does (description, size, specialities).
3. search_leads with current_companies set to that company and seniority Director, VP and CXO in the
   functions that matter ({roles or "Sales, Marketing, Operations, Finance, Information Technology"}).
4. Summarise: company snapshot, the buying committee (name, title, likely role in a purchase),
   warm paths (1st/2nd-degree connections), and recent signals (changed jobs, posted on LinkedIn).
5. Suggest a sequenced outreach plan. Offer drafts via draft_message; never send without confirmation.

{UNTRUSTED_TEXT_RULE}"""

"""Research tools: a lead's profile and a company's page, compact for the model, complete in structured content.

`POST /profile`'s `forceRefresh` is `refresh`; `includeContact` is deliberately not requested (see
operations.research).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations import research
from salesnav_mcp.operations.research import UNTRUSTED_PROFILE_NOTE, CompanyResearchOut, LeadResearchOut
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


@tool(title="Research a lead", read_only=False, destructive=False, idempotent=True, output_schema=False)
async def research_lead(
    ctx: Context,
    person: Annotated[
        str,
        Field(
            description="Public id (profile_id of a search result), linkedin.com/in/ URL or profile URN.",
            min_length=3,
            max_length=200,
        ),
    ],
    refresh: Annotated[bool, Field(description="Read LinkedIn again within the 6 h.")] = False,
    account_id: AccountId = None,
) -> Annotated[CallToolResult, LeadResearchOut]:
    """A person's profile (experience, education, skills) and a summary to cite in a draft; 120 new profiles a
    day per account."""
    svc = services(ctx)
    account = await svc.account_id(account_id)
    out = await research.research_lead(svc, account, person, refresh=refresh)
    q = out.quota
    source = "from the store (fetched within 6 h; no quota used)" if out.cached else "from LinkedIn"
    frees = f", next slot frees {q.frees_at:%Y-%m-%d %H:%M} UTC" if q.remaining == 0 and q.frees_at else ""
    lines = [
        f"Profile of {out.public_id} {source}. {UNTRUSTED_PROFILE_NOTE}",
        out.summary,
        f"Profile views: {q.used}/{q.limit} in the last 24 h, {q.remaining} left{frees}."
        + (" [sandbox]" if out.sandbox else ""),
    ]
    return reply("\n".join(lines), out)


@tool(title="Research a company", read_only=True, output_schema=False)
async def research_company(
    ctx: Context,
    company: Annotated[
        str,
        Field(
            description="company_id, urn:li:organization:N, universal name (acme-corp) or linkedin.com/company/ URL.",
            min_length=1,
            max_length=300,
        ),
    ],
    account_id: AccountId = None,
) -> Annotated[CallToolResult, CompanyResearchOut]:
    """What a company does: description, size, headquarters, specialities, website (free)."""
    svc = services(ctx)
    out = await research.research_company(svc, await svc.account_id(account_id), company)
    lines = [f"Company {out.company_id or out.universal_name}. {UNTRUSTED_PROFILE_NOTE}", out.summary]
    return reply("\n".join(lines) + (" [sandbox]" if out.sandbox else ""), out)

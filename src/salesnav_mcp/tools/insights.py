"""Insights toolset: Social Selling Index and InMail credits.

More insight tools register on this toolset from their own modules: SSI history (ssi_history),
the account overview (overview) and outreach capacity planning (capacity).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.models.connectsafely import SsiGroupScore, SsiResponse
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools._params import AccountId
from salesnav_mcp.tools._runtime import Toolset, reply, services

toolset = Toolset(
    "insights", "Social Selling Index and its history, InMail credits, account overview, outreach capacity."
)

PILLAR_NAMES = {
    "PROFESSIONAL_BRAND": "Establish your professional brand",
    "FIND_RIGHT_PEOPLE": "Find the right people",
    "INSIGHT_ENGAGEMENT": "Engage with insights",
    "STRONG_RELATIONSHIP": "Build relationships",
}


class PillarOut(BaseModel):
    pillar: str = Field(description="PROFESSIONAL_BRAND | FIND_RIGHT_PEOPLE | INSIGHT_ENGAGEMENT | STRONG_RELATIONSHIP")
    name: str
    score: float | None = Field(description="0-25")


class GroupRankOut(BaseModel):
    group: str = Field(description="INDUSTRY | NETWORK")
    rank_top_percent: float | None = Field(description="Top N percent of the group.")
    group_name: str | None = None
    average_overall: float | None = None


class SsiOut(Result):
    account_id: str
    overall: float | None = Field(description="0-100")
    pillars: list[PillarOut]
    weakest_pillar: str | None
    strongest_pillar: str | None
    ranks: list[GroupRankOut]
    active_seat: bool | None = None


class InMailCreditsOut(Result):
    account_id: str
    available: int
    total: int | None = None
    used: int | None = None
    premium_type: str | None = Field(description="SALES_NAVIGATOR | BUSINESS_PREMIUM | RECRUITER | FREE | UNKNOWN")


def _rank(group: SsiGroupScore | None, kind: str) -> GroupRankOut | None:
    if group is None:
        return None
    return GroupRankOut(
        group=group.group_type or kind,
        rank_top_percent=group.rank,
        group_name=group.industry_name,
        average_overall=group.score.overall if group.score else None,
    )


def ssi_output(account_id: str, ssi: SsiResponse, *, sandbox: bool) -> SsiOut:
    pillars = [
        PillarOut(pillar=s.pillar, name=PILLAR_NAMES.get(s.pillar, s.pillar), score=s.score)
        for s in ssi.member_score.sub_scores
    ]
    scored = [p for p in pillars if p.score is not None]
    ranks = [r for r in (_rank(ssi.industry, "INDUSTRY"), _rank(ssi.network, "NETWORK")) if r]
    return SsiOut(
        account_id=account_id,
        overall=ssi.member_score.overall,
        pillars=pillars,
        weakest_pillar=min(scored, key=lambda p: p.score).pillar if scored else None,  # type: ignore[arg-type,return-value]
        strongest_pillar=max(scored, key=lambda p: p.score).pillar if scored else None,  # type: ignore[arg-type,return-value]
        ranks=ranks,
        active_seat=ssi.active_seat,
        sandbox=sandbox,
    )


async def read_ssi(svc: Services, account_id: str) -> SsiOut:
    """Read the SSI upstream and keep today's snapshot (one per account per UTC day)."""
    ssi = await svc.connectsafely.get_ssi(account_id=account_id)
    out = ssi_output(account_id, ssi, sandbox=svc.connectsafely.sandbox)
    now = svc.clock.now()
    payload = out.model_dump(mode="json", exclude={"sandbox"})
    await svc.keep_snapshot(
        ("ssi", account_id, now.date()),
        payload,
        lambda: svc.guardrails.store.upsert_ssi_snapshot(
            account_id=account_id, day=now.date(), payload=payload, now=now
        ),
    )
    return out


def ssi_summary(out: SsiOut) -> str:
    pillars = ", ".join(f"{p.name} {p.score:.1f}/25" for p in out.pillars if p.score is not None)
    ranks = "; ".join(f"top {r.rank_top_percent:g}% of {r.group.lower()}" for r in out.ranks if r.rank_top_percent)
    weakest = PILLAR_NAMES.get(out.weakest_pillar or "", out.weakest_pillar)
    overall = f"{out.overall:.1f}" if out.overall is not None else "n/a"
    return f"SSI {overall}/100 ({pillars}). Weakest: {weakest}.{' ' + ranks + '.' if ranks else ''}"


@toolset.tool(title="Social Selling Index", read_only=True)
async def get_ssi(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, SsiOut]:
    """Read the Social Selling Index (0-100) with its four pillars (0-25 each), the weakest pillar, and the
    rank in industry and network. Needs a Sales Navigator seat."""
    svc = services(ctx)
    out = await read_ssi(svc, await svc.account_id(account_id))
    return reply(ssi_summary(out), out)


async def read_inmail_credits(svc: Services, account_id: str) -> InMailCreditsOut:
    """Read the InMail balance upstream and keep today's value."""
    credits = await svc.connectsafely.get_inmail_credits(account_id=account_id)
    now = svc.clock.now()
    value = credits.in_mail_credits
    await svc.keep_snapshot(
        ("inmail", account_id, now.date()),
        value,
        lambda: svc.guardrails.store.upsert_inmail_credits(account_id=account_id, day=now.date(), value=value, now=now),
    )
    return InMailCreditsOut(
        account_id=account_id,
        available=credits.in_mail_credits,
        total=credits.total_credits,
        used=credits.used_credits,
        premium_type=credits.premium_type,
        sandbox=svc.connectsafely.sandbox,
    )


@toolset.tool(title="InMail credits", read_only=True)
async def get_inmail_credits(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, InMailCreditsOut]:
    """Read the InMail credit balance (available, used, total) and the account's premium type. Check it before
    planning Sales Navigator outreach: each new InMail thread costs one credit."""
    svc = services(ctx)
    out = await read_inmail_credits(svc, await svc.account_id(account_id))
    total = f" of {out.total}" if out.total is not None else ""
    return reply(f"{out.available}{total} InMail credits available ({out.premium_type or 'UNKNOWN'}).", out)

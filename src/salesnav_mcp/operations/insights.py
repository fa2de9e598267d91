"""Reading the Social Selling Index and InMail credits, and keeping one snapshot of each per account and UTC day.

The snapshots are the history: SSI trends (ssi_history), credit history and the account overview
are built from them without further upstream calls.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from salesnav_mcp.models.connectsafely import SsiGroupScore, SsiResponse
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import CreditSnapshot

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


class GroupPillarOut(BaseModel):
    pillar: str | None = None
    average: float | None = Field(default=None, description="The group's average score in this pillar, 0-25")


class GroupRankOut(BaseModel):
    group: str = Field(description="INDUSTRY | NETWORK")
    rank_top_percent: float | None = Field(description="Top N percent of the group.")
    group_name: str | None = None
    average_overall: float | None = Field(default=None, description="The group's average SSI, 0-100")
    group_size: int | None = Field(default=None, description="Members in the group")
    rank_change: float | None = Field(
        default=None, description="Rank now minus yesterday's (negative: moved toward the top)"
    )
    pillar_averages: list[GroupPillarOut] = Field(default_factory=list)


class SsiOut(Result):
    account_id: str
    overall: float | None = Field(description="0-100")
    pillars: list[PillarOut]
    weakest_pillar: str | None
    strongest_pillar: str | None
    ranks: list[GroupRankOut]
    active_seat: bool | None = None
    profile_urn: str | None = Field(default=None, description="The account holder's LinkedIn profile URN")


class InMailCreditsOut(Result):
    account_id: str
    available: int
    total: int | None = None
    used: int | None = None
    premium_type: str | None = Field(description="SALES_NAVIGATOR | BUSINESS_PREMIUM | RECRUITER | FREE | UNKNOWN")


def _rank(group: SsiGroupScore | None, kind: str) -> GroupRankOut | None:
    if group is None:
        return None
    pillars = group.pillars or (group.score.sub_scores if group.score else [])
    average = group.score.overall if group.score and group.score.overall is not None else group.average_score
    return GroupRankOut(
        group=group.group_type or kind,
        rank_top_percent=group.rank,
        group_name=group.industry_name,
        average_overall=average,
        group_size=group.group_size,
        rank_change=group.change,
        pillar_averages=[GroupPillarOut(pillar=p.pillar, average=p.score) for p in pillars],
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
        profile_urn=ssi.profile_urn,
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


async def ssi_read_today(svc: Services, account_id: str) -> bool:
    """Whether today (UTC) already has a stored SSI reading."""
    return bool(await svc.guardrails.store.list_ssi_snapshots(account_id, since=svc.clock.now().date()))


async def stored_credits(svc: Services, account_id: str, *, since: date) -> list[CreditSnapshot]:
    """The stored InMail balances from `since` on, one per UTC day, oldest first."""
    return await svc.guardrails.store.list_inmail_credits(account_id, since=since)


async def credit_history(svc: Services, account_id: str, days: int) -> dict[str, object]:
    """The InMail balance per UTC day over the last `days` days; today's is read first when not stored yet."""
    today = svc.clock.now().date()
    since = today - timedelta(days=days)
    current = None
    if not await stored_credits(svc, account_id, since=today):
        current = await read_inmail_credits(svc, account_id)
    points = await stored_credits(svc, account_id, since=since)
    return {
        "account_id": account_id,
        "days": days,
        "since": since.isoformat(),
        "until": today.isoformat(),
        "premium_type": current.premium_type if current else None,
        "points": [{"day": p.day.isoformat(), "value": p.value} for p in points],
        "change": points[-1].value - points[0].value if len(points) > 1 else None,
        "sandbox": svc.connectsafely.sandbox,
    }

"""Account overview: where a rep stands on each LinkedIn account.

Upstream is asked for the InMail balance (every account) and today's SSI (accounts that may
have a seat); everything else comes from the server's own store: SSI and credit history,
the month's search budget, today's new conversations, this week's connection requests (upstream's quota
endpoint adds its own count), drafts and unknown sends, the reply
rate of the period's sent messages (as far as replies were recorded: check_replies or the
webhook records them) and the acceptance rate of its connection requests (as far as acceptances were
recorded: list_invitations records them). When upstream
fails for one account of an all-accounts overview, that account still shows the store's part.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import anyio
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from salesnav_mcp.models.connectsafely import Account
from salesnav_mcp.operations.insights import read_inmail_credits, stored_credits
from salesnav_mcp.operations.invitations import weekly_invitations
from salesnav_mcp.operations.outreach import (
    display_name,
    new_conversations_today,
    next_day_start,
    pending_work,
    roster,
    seat_from_premium,
)
from salesnav_mcp.operations.search import BudgetOut, budget_out
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.ssi_history import SsiHistoryOut, load_ssi_history
from salesnav_mcp.upstream.errors import UpstreamError

_LISTED_DRAFTS = 10  # draft references shown per kind; the counts are always complete


class SsiGlance(BaseModel):
    overall: float | None = Field(description="Latest overall SSI, 0-100")
    change: float | None = Field(description="Change over the period")
    readings: int
    weakest_pillar: str | None
    strongest_pillar: str | None
    industry_rank: float | None = Field(default=None, description="Top N % of the industry now")
    industry_movement: float | None = Field(default=None, description="Points climbed in the period")
    network_rank: float | None = None
    network_movement: float | None = None


class CreditPoint(BaseModel):
    day: date
    value: int


class InMailGlance(BaseModel):
    available: int
    total: int | None = None
    used: int | None = None
    change: int | None = Field(description="Change over the stored history of the period (None with one value)")
    history: list[CreditPoint] = Field(description="One stored balance per UTC day, oldest first")


class NewConversations(BaseModel):
    sent_today: int = Field(description="New conversations started today (UTC) through this server")
    daily_cap: int
    remaining: int
    resets_at: datetime = Field(description="Next UTC midnight")


class Invitations(BaseModel):
    used: int = Field(description="Connection requests this week: the higher of the server's and LinkedIn's count")
    limit: int = Field(description="The server's weekly cap (LinkedIn allows 90)")
    remaining: int
    linkedin_used: int | None = Field(description="LinkedIn's own count (None: its quota could not be read)")
    resets_at: datetime = Field(description="Next Monday 00:00 UTC")
    held_until: datetime | None = Field(description="LinkedIn holds connection requests until then")
    sent_in_period: int = Field(default=0, description="Connection requests sent through this server in the period")
    accepted_in_period: int = Field(
        default=0, description="Of those, seen accepted so far (list_invitations checks pending requests)"
    )
    acceptance_rate: float | None = Field(default=None, description="accepted / sent (None when none was sent)")


class ReplyRate(BaseModel):
    since: datetime = Field(description="Start of the period")
    sent: int = Field(description="Messages and connection requests sent through this server in the period")
    replied: int = Field(description="Of those, answered (replies recorded so far)")
    rate: float | None = Field(description="replied / sent (None when nothing was sent)")


class DraftRef(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from a stored draft, whose `id` it names draft_id

    draft_id: str = Field(validation_alias=AliasChoices("draft_id", "id"))
    recipient: str
    channel: str
    state: str
    updated_at: datetime


class AccountOverview(BaseModel):
    account_id: str
    name: str
    status: str | None = Field(default=None, description="AVAILABLE | WARMUP | ERROR | UNKNOWN")
    premium_type: str | None = None
    seat: bool | None = Field(default=None, description="Has an active Sales Navigator seat")
    ssi: SsiGlance | None = None
    ssi_note: str | None = None
    inmail: InMailGlance | None = None
    search_budget: BudgetOut
    new_conversations: NewConversations
    invitations: Invitations
    replies: ReplyRate
    drafts_awaiting_confirmation: int
    awaiting: list[DraftRef] = Field(description=f"Up to {_LISTED_DRAFTS} newest drafts awaiting confirmation")
    unknown_sends: int = Field(description="Sends whose outcome is unknown: check LinkedIn, then resolve them")
    unknown: list[DraftRef]
    error: str | None = Field(default=None, description="Why upstream facts are missing for this account")


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def ssi_glance(history: SsiHistoryOut) -> SsiGlance | None:
    if not history.points or history.overall is None:
        return None
    ranks = {r.group: r for r in history.ranks}
    industry, network = ranks.get("INDUSTRY"), ranks.get("NETWORK")
    return SsiGlance(
        overall=history.overall.last,
        change=history.overall.change,
        readings=history.readings,
        weakest_pillar=history.weakest_pillar,
        strongest_pillar=history.strongest_pillar,
        industry_rank=industry.last if industry else None,
        industry_movement=industry.movement if industry else None,
        network_rank=network.last if network else None,
        network_movement=network.movement if network else None,
    )


async def _upstream_part(svc: Services, account_id: str, days: int, out: dict[str, object]) -> None:
    credits = await read_inmail_credits(svc, account_id)
    seat = seat_from_premium(credits.premium_type)
    # A premium type without a seat makes the SSI call pointless: show stored readings only.
    try:
        history = await load_ssi_history(svc, account_id, days=days, refresh=seat is not False)
        ssi_failure = None
    except UpstreamError as exc:  # the credits already read are still worth showing
        history = await load_ssi_history(svc, account_id, days=days, refresh=False)
        ssi_failure = f"SSI could not be read: {exc}"
    if history.seat is not None:
        seat = history.seat
    since = svc.clock.now().date() - timedelta(days=days)
    stored = await stored_credits(svc, account_id, since=since)
    points = [CreditPoint(day=c.day, value=c.value) for c in stored]
    note = ssi_failure or history.note
    if seat is False:
        older = " Readings stored while it had one are shown." if history.points else ""
        note = f"No Sales Navigator seat ({credits.premium_type or 'UNKNOWN'}): LinkedIn computes no SSI for it.{older}"
    out.update(
        premium_type=credits.premium_type,
        seat=seat,
        ssi=ssi_glance(history),
        ssi_note=note,
        inmail=InMailGlance(
            available=credits.available,
            total=credits.total,
            used=credits.used,
            change=points[-1].value - points[0].value if len(points) > 1 else None,
            history=points,
        ),
    )


async def account_overview(
    svc: Services, account_id: str, account: Account | None, *, days: int, tolerate_upstream: bool
) -> AccountOverview:
    now = svc.clock.now()
    cap = svc.settings.salesnav_daily_new_conversations
    sent_today = await new_conversations_today(svc, account_id)
    pending = await pending_work(svc, account_id)
    period_start = now - timedelta(days=days)
    counts = await svc.guardrails.replies.counts(account_id, period_start)
    week = await weekly_invitations(svc, account_id)
    fields: dict[str, object] = {}
    error = None
    try:
        await _upstream_part(svc, account_id, days, fields)
    except UpstreamError as exc:
        if not tolerate_upstream:
            raise
        error = str(exc)
    return AccountOverview(
        account_id=account_id,
        name=display_name(account, account_id),
        status=account.status if account else None,
        search_budget=budget_out(await svc.guardrails.budget.status(account_id)),
        new_conversations=NewConversations(
            sent_today=sent_today, daily_cap=cap, remaining=max(0, cap - sent_today), resets_at=next_day_start(now)
        ),
        invitations=Invitations.model_validate(week, from_attributes=True).model_copy(
            update={
                "sent_in_period": counts.invitations,
                "accepted_in_period": counts.accepted,
                "acceptance_rate": _rate(counts.accepted, counts.invitations),
            }
        ),
        replies=ReplyRate(
            since=period_start,
            sent=counts.sent,
            replied=counts.replied,
            rate=_rate(counts.replied, counts.sent),
        ),
        drafts_awaiting_confirmation=len(pending.awaiting_confirmation),
        awaiting=pending.awaiting_confirmation[:_LISTED_DRAFTS],
        unknown_sends=len(pending.unknown),
        unknown=pending.unknown[:_LISTED_DRAFTS],
        error=error,
        **fields,  # type: ignore[arg-type]
    )


async def account_overviews(svc: Services, account_id: str | None, *, days: int) -> list[AccountOverview]:
    """One account's overview (its upstream errors raised), or every connected account's (each tolerated)."""
    accounts = await roster(svc)
    if account_id:
        wanted = svc.require_account(account_id)
        return [await account_overview(svc, wanted, accounts.get(wanted), days=days, tolerate_upstream=False)]
    results: dict[str, AccountOverview] = {}

    async def one(aid: str) -> None:
        results[aid] = await account_overview(svc, aid, accounts[aid], days=days, tolerate_upstream=True)

    async with anyio.create_task_group() as tg:
        for aid in accounts:
            tg.start_soon(one, aid)
    return [results[aid] for aid in accounts]

"""Outreach capacity planning: before a campaign, how many recipients each account can reach, and when.

Rules (also in the tool's description, which is what the model reads):
- Every recipient here is a NEW conversation (replies in existing threads are unlimited and not planned).
- Shared daily cap: SALESNAV_DAILY_NEW_CONVERSATIONS new conversations per account per UTC day, minus those
  already started today through this server; inbox and InMail recipients both count.
- InMail (Sales Navigator channel) needs a Sales Navigator seat and costs one credit per new thread; recipients
  beyond the current balance are refused. Credits renew on the seat's billing date, which upstream does not
  report, so the month view assumes no renewal.
- Do-not-contact entries, unreadable recipients and recipients listed twice are refused for every account.
- Inbox recipients are planned before InMail ones (they cost no credit); the order inside a list is kept.
- "This month" runs to the end of the UTC month: today's room plus the full cap on each remaining day.
- Connection requests do not count against the daily cap: SALESNAV_WEEKLY_INVITATIONS per account per week
  (Monday 00:00 UTC), counted as a draft and a send count them (the higher of the server's and LinkedIn's
  count; none while LinkedIn holds the account's requests). "This month" adds the full weekly cap for each
  Monday still to come in the month. Whether a person is already connected or invited is checked when the
  request is drafted, not here (that is one upstream call per person).
- A person is planned once, in the first list that names them (inbox, then InMail, then connection requests).
- The monthly Sales Navigator search budget does not limit sending; it is reported so a campaign that still
  needs prospecting knows what is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import ORGANISATION
from salesnav_mcp.guardrails.budget import next_month_start
from salesnav_mcp.guardrails.policy import WEEK, day_start, week_start
from salesnav_mcp.models.connectsafely import Account
from salesnav_mcp.operations.insights import read_inmail_credits
from salesnav_mcp.operations.invitations import weekly_invitations
from salesnav_mcp.operations.outreach import (
    display_name,
    new_conversations_today,
    pending_work,
    roster,
    seat_from_premium,
)
from salesnav_mcp.operations.people import keys_by_recipient
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import UpstreamError

# Where a recipient is planned: a new inbox conversation, a new InMail thread, or a connection request.
Channel = Literal["linkedin_inbox", "sales_navigator", "invitation"]
LIST_NAMES: dict[Channel, str] = {
    "linkedin_inbox": "the inbox list",
    "sales_navigator": "the InMail list",
    "invitation": "the connection request list",
}


class ChannelCounts(BaseModel):
    inbox: int
    inmail: int
    invitations: int = Field(description="Connection requests")
    total: int

    @classmethod
    def of(cls, inbox: int, inmail: int, invitations: int) -> ChannelCounts:
        return cls(inbox=inbox, inmail=inmail, invitations=invitations, total=inbox + inmail + invitations)


class Refusal(BaseModel):
    recipient: str
    channel: Channel
    code: str = Field(description="do_not_contact | invalid_recipient | listed_twice")
    reason: str


class RefusedGroup(BaseModel):
    code: str = Field(
        description="do_not_contact (this account's list) | no_seat | no_inmail_credits | over_monthly_cap | "
        "over_weekly_invitations | account_unavailable"
    )
    channel: Channel
    count: int
    reason: str
    recipients: list[str]


class AccountCapacity(BaseModel):
    account_id: str
    name: str
    status: str | None = None
    premium_type: str | None = None
    seat: bool | None = None
    inmail_credits: int | None = Field(
        default=None,
        description="Current balance (None when unknown). Credits renew on the seat's billing date, which is not "
        "reported, so no renewal is assumed.",
    )
    daily_cap: int = Field(description="SALESNAV_DAILY_NEW_CONVERSATIONS: new conversations per UTC day, all channels")
    sent_today: int = Field(description="New conversations already started today (UTC) through this server")
    cap_left_today: int
    days_left_in_month: int = Field(description="UTC days left in the month, today included")
    today: ChannelCounts = Field(description="Recipients that can go out today")
    this_month: ChannelCounts = Field(
        description="By the end of the UTC month, today included: today's room plus the daily cap on each later day"
    )
    deferred: int = Field(description="Fit this month but not today")
    refused: list[RefusedGroup] = Field(description="What this account cannot send, and why")
    searches_remaining: int | None = Field(
        default=None, description="Sales Navigator searches left this month (they do not limit sending)"
    )
    searches_reset_at: str | None = None
    drafts_awaiting_confirmation: int = Field(description="Not counted above: they use the same room once sent")
    invitations_left_this_week: int | None = Field(
        default=None,
        description="Connection requests left before Monday 00:00 UTC (None: none were planned); 0 while held",
    )
    weekly_invitation_cap: int | None = Field(default=None, description="SALESNAV_WEEKLY_INVITATIONS")
    invitations_held_until: datetime | None = Field(
        default=None, description="LinkedIn holds this account's connection requests until then"
    )
    notes: list[str] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Why this account could not be planned")


class CapacityOut(Result):
    requested: ChannelCounts
    refused_everywhere: list[Refusal]
    accounts: list[AccountCapacity]
    best_account_today: str | None = Field(description="Account that can send the most today")
    month_ends_at: datetime


# ----------------------------------------------------------------------------- rules


def screen(
    lists: dict[Channel, list[str]], keys: dict[str, list[str] | None], dnc: dict[str, str | None]
) -> tuple[dict[Channel, list[str]], list[Refusal]]:
    """Refusals that hold for every account; the rest of each list keeps its order.

    `lists` holds the recipients per channel in planning order; `keys` gives every key of the person each
    recipient names (None: not a recipient); `dnc` maps the keys of organisation-wide do-not-contact entries
    to their reasons.
    """
    seen: dict[str, Channel] = {}
    kept: dict[Channel, list[str]] = {channel: [] for channel in lists}
    refused: list[Refusal] = []
    for channel, items in lists.items():
        for recipient in items:
            person_keys = keys.get(recipient)
            refusal = _refusal(person_keys, seen, dnc)
            if person_keys is not None:
                seen.setdefault(person_keys[0], channel)
            if refusal is None:
                kept[channel].append(recipient)
            else:
                refused.append(Refusal(recipient=recipient, channel=channel, code=refusal[0], reason=refusal[1]))
    return kept, refused


def _refusal(
    person_keys: list[str] | None, seen: dict[str, Channel], dnc: dict[str, str | None]
) -> tuple[str, str] | None:
    """(code, reason) when a recipient is refused for every account, in the order the rules are checked."""
    if person_keys is None:
        return "invalid_recipient", "not a public id, urn:li:fsd_profile: URN or linkedin.com/in/ profile URL"
    if person_keys[0] in seen:
        where = LIST_NAMES[seen[person_keys[0]]]
        return "listed_twice", f"already planned in {where}; one new conversation or connection request per person"
    listed = next((k for k in person_keys if k in dnc), None)
    if listed is not None:
        return "do_not_contact", "on the do-not-contact list" + (f" ({dnc[listed]})" if dnc[listed] else "")
    return None


@dataclass(frozen=True)
class InvitationRoom:
    """An account's room for connection requests: what is left this week, and the weekly cap that each Monday
    still to come this month brings back."""

    left_this_week: int
    weekly_cap: int
    renewals: int

    @property
    def this_month(self) -> int:
        return self.left_this_week + self.weekly_cap * self.renewals


def week_renewals_in_month(now: datetime) -> int:
    """Mondays 00:00 UTC after `now` and before the next month starts."""
    month_end, monday, count = next_month_start(now), week_start(now) + WEEK, 0
    while monday < month_end:
        count, monday = count + 1, monday + WEEK
    return count


def days_left_in_month(now: datetime) -> int:
    return (next_month_start(now) - day_start(now)).days


def plan_account(
    base: dict[str, object],
    inbox: list[str],
    inmail: list[str],
    *,
    cap: int,
    sent_today: int,
    days_left: int,
    seat: bool | None,
    credits: int | None,
    unavailable: str | None = None,
    notes: list[str] | None = None,
    invitations: list[str] | None = None,
    room: InvitationRoom | None = None,
) -> AccountCapacity:
    """Apply the rules to one account (pure: every fact is passed in). `unavailable` says why it can send nothing;
    `room` is the account's room for connection requests (needed when `invitations` are planned)."""
    cap_left = max(0, cap - sent_today)
    month_slots = cap_left + cap * max(0, days_left - 1)
    refused: list[RefusedGroup] = []
    notes = list(notes or [])
    invitations = list(invitations or [])
    if unavailable:
        for channel, items in (("linkedin_inbox", inbox), ("sales_navigator", inmail), ("invitation", invitations)):
            if items:
                refused.append(
                    RefusedGroup(
                        code="account_unavailable",
                        channel=channel,
                        count=len(items),  # type: ignore[arg-type]
                        reason=unavailable,
                        recipients=items,
                    )
                )
        inbox, inmail, invitations, cap_left, month_slots = [], [], [], 0, 0
    if inmail and seat is False:
        refused.append(
            RefusedGroup(
                code="no_seat",
                channel="sales_navigator",
                count=len(inmail),
                reason="InMail needs a Sales Navigator seat",
                recipients=inmail,
            )
        )
        inmail = []
    if inmail and credits is not None and len(inmail) > credits:
        over = inmail[credits:]
        refused.append(
            RefusedGroup(
                code="no_inmail_credits",
                channel="sales_navigator",
                count=len(over),
                reason=f"only {credits} InMail credit(s) left; each new thread costs one",
                recipients=over,
            )
        )
        inmail = inmail[:credits]
    if inmail and seat is None:
        notes.append("Sales Navigator seat unknown: InMail assumed possible")
    if inmail and credits is None:
        notes.append("InMail balance unknown: credits not checked")
    inbox_today = min(len(inbox), cap_left)
    inmail_today = min(len(inmail), cap_left - inbox_today)
    inbox_month = min(len(inbox), month_slots)
    inmail_month = min(len(inmail), month_slots - inbox_month)
    for channel, items, fits in (("linkedin_inbox", inbox, inbox_month), ("sales_navigator", inmail, inmail_month)):
        if len(items) > fits:
            refused.append(
                RefusedGroup(
                    code="over_monthly_cap",
                    channel=channel,
                    count=len(items) - fits,  # type: ignore[arg-type]
                    reason=f"beyond {month_slots} new conversation(s) left this month at the daily cap of {cap}",
                    recipients=items[fits:],
                )
            )
    invitations_today, invitations_month = _plan_invitations(invitations, room, refused)
    today = ChannelCounts.of(inbox_today, inmail_today, invitations_today)
    month = ChannelCounts.of(inbox_month, inmail_month, invitations_month)
    return AccountCapacity(
        **base,  # type: ignore[arg-type]
        seat=seat,
        inmail_credits=credits,
        daily_cap=cap,
        sent_today=sent_today,
        cap_left_today=cap_left,
        days_left_in_month=days_left,
        today=today,
        this_month=month,
        deferred=month.total - today.total,
        refused=refused,
        notes=notes,
    )


def _plan_invitations(items: list[str], room: InvitationRoom | None, refused: list[RefusedGroup]) -> tuple[int, int]:
    """Connection requests that fit today and this month; those beyond the month's weekly room go to `refused`."""
    if not items:
        return 0, 0
    if room is None:
        raise ValueError("connection requests are planned against the account's weekly room")
    month = min(len(items), room.this_month)
    if len(items) > month:
        refused.append(
            RefusedGroup(
                code="over_weekly_invitations",
                channel="invitation",
                count=len(items) - month,
                reason=f"beyond {room.this_month} connection request(s) left this month at the weekly cap of "
                f"{room.weekly_cap}",
                recipients=items[month:],
            )
        )
    return min(len(items), room.left_this_week), month


# ----------------------------------------------------------------------------- facts per account


async def account_capacity(
    svc: Services,
    account_id: str,
    account: Account | None,
    lists: dict[Channel, list[str]],
    *,
    tolerate_upstream: bool,
    keys: dict[str, list[str] | None],
) -> AccountCapacity:
    """One account's plan for the recipients that passed `screen`, its own do-not-contact entries refused first."""
    listed = {e.recipient_key for e in await svc.guardrails.dnc.list(scopes=[account_id])}
    blocked = {r for items in lists.values() for r in items if listed.intersection(keys.get(r) or ())}
    planned = await _account_capacity(
        svc,
        account_id,
        account,
        {channel: [r for r in items if r not in blocked] for channel, items in lists.items()},
        tolerate_upstream=tolerate_upstream,
    )
    for channel, items in reversed(lists.items()):
        if mine := [r for r in items if r in blocked]:
            planned.refused.insert(
                0,
                RefusedGroup(
                    code="do_not_contact",
                    channel=channel,
                    count=len(mine),
                    reason="on this account's do-not-contact list",
                    recipients=mine,
                ),
            )
    return planned


async def _account_capacity(
    svc: Services, account_id: str, account: Account | None, lists: dict[Channel, list[str]], *, tolerate_upstream: bool
) -> AccountCapacity:
    now = svc.clock.now()
    budget = await svc.guardrails.budget.status(account_id)
    pending = await pending_work(svc, account_id)
    notes: list[str] = []
    if account is not None and account.status == "WARMUP":
        notes.append("account is warming up: LinkedIn may accept fewer new conversations than the cap")
    base: dict[str, object] = {
        "account_id": account_id,
        "name": display_name(account, account_id),
        "status": account.status if account else None,
        "searches_remaining": budget.remaining,
        "searches_reset_at": budget.resets_at.isoformat(),
        "drafts_awaiting_confirmation": len(pending.awaiting_confirmation),
    }
    facts: dict[str, Any] = {
        "cap": svc.settings.salesnav_daily_new_conversations,
        "sent_today": await new_conversations_today(svc, account_id),
        "days_left": days_left_in_month(now),
        "invitations": lists.get("invitation"),
        "notes": notes,
    }
    if lists.get("invitation"):
        week = await weekly_invitations(svc, account_id)
        facts["room"] = InvitationRoom(week.remaining, week.limit, week_renewals_in_month(now))
        base |= {
            "invitations_left_this_week": week.remaining,
            "weekly_invitation_cap": week.limit,
            "invitations_held_until": week.held_until,
        }
    inbox, inmail = lists.get("linkedin_inbox", []), lists.get("sales_navigator", [])
    unavailable = "the account is in ERROR state upstream" if account and account.status == "ERROR" else None
    try:
        credits = await read_inmail_credits(svc, account_id)
    except UpstreamError as exc:
        if not tolerate_upstream:
            raise
        base["error"] = str(exc)
        return plan_account(base, inbox, inmail, **facts, seat=None, credits=None, unavailable=f"upstream error: {exc}")
    base["premium_type"] = credits.premium_type
    return plan_account(
        base,
        inbox,
        inmail,
        **facts,
        seat=seat_from_premium(credits.premium_type),
        credits=credits.available,
        unavailable=unavailable,
    )


async def plan_capacity(
    svc: Services,
    inbox: list[str],
    inmail: list[str],
    account_ids: list[str] | None,
    invitations: list[str] | None = None,
) -> CapacityOut:
    """Plan new conversations and connection requests for these recipients on the named accounts, or on every
    enabled connected one.

    Named accounts must be granted and their upstream errors are raised; otherwise an account
    that upstream fails for is reported as not planned.
    """
    requested: dict[Channel, list[str]] = {
        "linkedin_inbox": inbox, "sales_navigator": inmail, "invitation": list(invitations or [])
    }
    dnc = {e.recipient_key: e.reason for e in await svc.guardrails.dnc.list(scopes=[ORGANISATION])}
    keys = await keys_by_recipient(svc, [r for items in requested.values() for r in items])
    lists, refused_everywhere = screen(requested, keys, dnc)
    accounts = await roster(svc)
    explicit = bool(account_ids)
    wanted = (
        list(dict.fromkeys(svc.require_account(a.strip()) for a in account_ids or []))
        if explicit
        else [a.id for a in accounts.values() if a.enabled is not False]
    )
    results: dict[str, AccountCapacity] = {}

    async def one(aid: str) -> None:
        results[aid] = await account_capacity(
            svc, aid, accounts.get(aid), lists, tolerate_upstream=not explicit, keys=keys
        )

    async with anyio.create_task_group() as tg:
        for aid in wanted:
            tg.start_soon(one, aid)
    planned = [results[aid] for aid in wanted]
    candidates = [c for c in planned if c.error is None and c.today.total > 0]
    best = max(candidates, key=lambda c: c.today.total).account_id if candidates else None
    return CapacityOut(
        requested=ChannelCounts.of(len(inbox), len(inmail), len(requested["invitation"])),
        refused_everywhere=refused_everywhere,
        accounts=planned,
        best_account_today=best,
        month_ends_at=next_month_start(svc.clock.now()),
        sandbox=svc.connectsafely.sandbox,
    )

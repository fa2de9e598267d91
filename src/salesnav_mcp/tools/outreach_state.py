"""What the server itself knows about an account's outreach: today's new conversations, drafts, unknown sends.

Counts come from the drafts the guardrails keep, with the same rules the send policy uses:
a new conversation counts toward today's cap (UTC day) once its send started and it may have
reached LinkedIn (states sending, sent, unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from salesnav_mcp.guardrails.policy import day_start
from salesnav_mcp.models.connectsafely import Account
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import Draft

# Premium types that never carry a Sales Navigator seat (UNKNOWN and new types stay undecided).
NO_SEAT_PREMIUM_TYPES = frozenset({"FREE", "BUSINESS_PREMIUM", "RECRUITER"})
_DRAFT_SCAN = 500  # drafts listed per state; more than this is reported as "at least"


def seat_from_premium(premium_type: str | None) -> bool | None:
    if premium_type == "SALES_NAVIGATOR":
        return True
    if premium_type in NO_SEAT_PREMIUM_TYPES:
        return False
    return None


def next_day_start(now: datetime) -> datetime:
    """When today's new-conversation count starts again from zero (next UTC midnight)."""
    return day_start(now) + timedelta(days=1)


async def new_conversations_today(svc: Services, account_id: str) -> int:
    """New conversations the account started this UTC day, counted exactly as the send policy counts them."""
    return await svc.guardrails.policy.new_conversations_today(account_id)


@dataclass(frozen=True)
class PendingWork:
    awaiting_confirmation: list[Draft]  # state draft: written, not yet confirmed and sent
    unknown: list[Draft]  # may or may not have reached LinkedIn; a human must check

    @property
    def capped(self) -> bool:
        return len(self.awaiting_confirmation) >= _DRAFT_SCAN or len(self.unknown) >= _DRAFT_SCAN


async def pending_work(svc: Services, account_id: str) -> PendingWork:
    drafts = svc.guardrails.drafts
    # Listing settles drafts stuck in `sending` into `unknown`, so they are read before the unknown ones.
    await drafts.list(account_id=account_id, states=("sending",), limit=_DRAFT_SCAN)
    return PendingWork(
        awaiting_confirmation=await drafts.list(account_id=account_id, states=("draft",), limit=_DRAFT_SCAN),
        unknown=await drafts.list(account_id=account_id, states=("unknown",), limit=_DRAFT_SCAN),
    )


def display_name(account: Account | None, account_id: str) -> str:
    if account is None:
        return account_id
    return " ".join(p for p in (account.first_name, account.last_name) if p) or account.public_id or account_id


async def roster(svc: Services) -> dict[str, Account]:
    """Connected accounts by id, in upstream's order (a named user: only the accounts granted to them)."""
    return {a.id: a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)}

"""Outreach: which thread and channel a message goes through, and what the server knows of an account's outreach.

Counts come from the drafts the guardrails keep, with the same rules the send policy uses:
a new conversation counts toward today's cap (UTC day) once its send started and it may have
reached LinkedIn (states sending, sent, unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from salesnav_mcp.guardrails import Draft, DraftResult, Person
from salesnav_mcp.guardrails.drafts import checked_fields
from salesnav_mcp.guardrails.policy import day_start
from salesnav_mcp.guardrails.review import PersonLabel, SendReview
from salesnav_mcp.models.connectsafely import Account, Participant
from salesnav_mcp.operations.attachments import as_uploaded
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.people import is_participant, participant_names, relationship_of, resolve_person
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import NoSeatError

Channel = Literal["linkedin_inbox", "sales_navigator"]
ChannelChoice = Literal["auto", "linkedin_inbox", "sales_navigator"]

THREAD_SCAN_PAGES = 3  # conversation pages scanned to find an existing thread with a recipient
# Premium types that never carry a Sales Navigator seat (UNKNOWN and new types stay undecided).
NO_SEAT_PREMIUM_TYPES = frozenset({"FREE", "BUSINESS_PREMIUM", "RECRUITER"})
_DRAFT_SCAN = 500  # drafts listed per state; more than this is reported as "at least"


# ----------------------------------------------------------------------------- channels and threads


def seat_from_premium(premium_type: str | None) -> bool | None:
    if premium_type == "SALES_NAVIGATOR":
        return True
    if premium_type in NO_SEAT_PREMIUM_TYPES:
        return False
    return None


def channel_of(urn: str | None, source: str | None = None) -> Channel:
    if source == "sales_navigator" or (urn or "").startswith("urn:li:salesNav_thread:"):
        return "sales_navigator"
    return "linkedin_inbox"


async def existing_thread(svc: Services, account_id: str, person: Person) -> tuple[str, Channel] | None:
    """(conversation urn, channel) of a thread the account already has with the person alone, if any."""
    cursor = None
    for _ in range(THREAD_SCAN_PAGES):
        page = await svc.connectsafely.list_conversations(account_id=account_id, count=100, next_cursor=cursor)
        for conversation in page.conversations:
            if any(is_participant(person, p) for p in conversation.participants) and not await _others_in(
                svc, account_id, person, conversation.participants
            ):
                return conversation.conversation_urn, channel_of(conversation.conversation_urn, conversation.source)
        if not page.has_more or not page.next_cursor:
            return None
        cursor = page.next_cursor
    return None


async def check_conversation(svc: Services, account_id: str, conversation_urn: str, person: Person) -> None:
    """Refuse a conversation the person is not in, or not alone in: the reply would reach others than the one
    person the review names."""
    page = await svc.connectsafely.get_messages(conversation_urn, account_id=account_id, count=1)
    if not any(is_participant(person, p) for p in page.participants):
        others = participant_names(page.participants)
        raise OperationError(
            f"conversation_urn {conversation_urn} is a conversation with {others}, not with {PersonLabel.of_person(person)}. "
            "Leave conversation_urn out to write to the person in their own thread, or draft to the person of "
            "that conversation."
        )
    if others_in := await _others_in(svc, account_id, person, page.participants):
        raise OperationError(
            f"conversation_urn {conversation_urn} is a group conversation: {participant_names(others_in)} would read "
            f"the message too, while it is reviewed and sent as a message to {PersonLabel.of_person(person)} alone. "
            "Leave conversation_urn out to write to the person in a conversation of their own."
        )


async def _others_in(
    svc: Services, account_id: str, person: Person, participants: list[Participant]
) -> list[Participant]:
    """The participants other than the person and the account itself (a group conversation has some)."""
    others = [p for p in participants if not is_participant(person, p)]
    if others:  # upstream may list the account among the participants: only then is its own id needed
        if account_id not in svc.account_public_ids:
            await _read_accounts(svc)
        own = svc.account_public_ids.get(account_id)
        others = [p for p in others if own is None or (p.profile_id or "").lower() != own]
    return others


@dataclass(frozen=True)
class Route:
    """Where a message goes: a reply in an existing thread, or a new conversation on a channel."""

    channel: Channel
    conversation_urn: str | None
    is_new_conversation: bool
    inmail_credits: int | None  # the balance, read when a new InMail thread would spend a credit


async def route_message(
    svc: Services, account_id: str, person: Person, channel: ChannelChoice, conversation_urn: str | None
) -> Route:
    """Reply in the given or an existing thread; else a new conversation: in the inbox to a connection (a message
    that spends no InMail credit) or from an account without a seat, by InMail otherwise."""
    if conversation_urn:
        await check_conversation(svc, account_id, conversation_urn, person)
        thread: tuple[str, Channel] | None = (conversation_urn, channel_of(conversation_urn))
    else:
        thread = await existing_thread(svc, account_id, person)
    if thread is not None:
        urn, chosen = thread
        if channel != "auto" and channel != chosen:
            raise OperationError(f"'channel' is {channel} but the existing conversation {urn} is on {chosen}.")
        return Route(chosen, urn, is_new_conversation=False, inmail_credits=None)
    if channel == "linkedin_inbox":
        return Route("linkedin_inbox", None, is_new_conversation=True, inmail_credits=None)
    # One read tells both whether the account can send InMail and how many credits it has.
    balance = await svc.connectsafely.get_inmail_credits(account_id=account_id)
    seat = bool(seat_from_premium(balance.premium_type))
    if channel == "sales_navigator" and not seat:
        raise NoSeatError(f"Account {account_id} cannot send InMail.", api="ConnectSafely")
    if not seat or (channel == "auto" and await _connected(svc, account_id, person)):
        return Route("linkedin_inbox", None, is_new_conversation=True, inmail_credits=None)
    return Route("sales_navigator", None, is_new_conversation=True, inmail_credits=balance.in_mail_credits)


async def _connected(svc: Services, account_id: str, person: Person) -> bool:
    relationship = await relationship_of(svc, account_id, person.public_id, person.urn)
    return relationship is not None and relationship.connected


async def create_draft(
    svc: Services,
    account_id: str,
    recipient: str,
    text: str,
    *,
    subject: str | None,
    channel: ChannelChoice,
    conversation_urn: str | None,
    attachments: Sequence[dict[str, Any]],
    copy_to_crm: bool = False,
    follow_up_of: str | None = None,
) -> DraftResult:
    """Store a draft to the one person `recipient` names, on its route, with every policy finding; nothing is sent.
    `follow_up_of` names the sent draft this one follows up."""
    checked_fields(text, subject, attachments)
    uploaded = await as_uploaded(svc, account_id, attachments)
    person = await resolve_person(svc, account_id, recipient)
    route = await route_message(svc, account_id, person, channel, conversation_urn)
    return await svc.guardrails.drafts.create(
        account_id=account_id,
        recipient=person,
        channel=route.channel,
        text=text,
        subject=subject,
        attachments=uploaded,
        conversation_urn=route.conversation_urn,
        is_new_conversation=route.is_new_conversation,
        copy_to_crm=copy_to_crm,
        inmail_credits=route.inmail_credits,
        actor=svc.actor(),
        follow_up_of=follow_up_of,
    )


async def inmail_preflight(svc: Services, draft: Draft) -> int | None:
    """Current InMail balance when the send opens a Sales Navigator thread (it costs a credit)."""
    if draft.channel != "sales_navigator" or not draft.is_new_conversation:
        return None
    credits = await svc.connectsafely.get_inmail_credits(account_id=draft.account_id)
    return credits.in_mail_credits


# ----------------------------------------------------------------------------- what the server knows of an account


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


async def _read_accounts(svc: Services) -> None:
    """The connected accounts' names and own public ids, read once per process (reviews, thread checks)."""
    for account in await svc.connectsafely.list_accounts():
        svc.account_names[account.id] = display_name(account, account.id)
        svc.account_public_ids[account.id] = account.public_id.lower() if account.public_id else None


async def account_label(svc: Services, account_id: str) -> str:
    """How a review names the account a message goes out from: "Name (id)" (names read once per process)."""
    if account_id not in svc.account_names:
        await _read_accounts(svc)
    name = svc.account_names.get(account_id, account_id)
    return account_id if name == account_id else f"{name} ({account_id})"


async def send_review(svc: Services, draft: Draft) -> SendReview:
    """What the human approves before this draft goes out (the same on every approval surface)."""
    return SendReview.of(draft, await account_label(svc, draft.account_id))


async def roster(svc: Services) -> dict[str, Account]:
    """Connected accounts by id, in upstream's order (a named user: only the accounts granted to them)."""
    return {a.id: a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)}

"""Seeded inboxes: classic LinkedIn threads and Sales Navigator threads per account.

Sales Navigator accounts get 36 threads (22 classic, 14 Sales Navigator), others
classic threads only. Some are unread, some labelled. The default account's inbox
also holds two inbound messages that try to instruct an AI assistant; they exist
so that untrusted-text handling can be tested end to end.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import TYPE_CHECKING

from .data import DEFAULT_ACCOUNT_ID
from .vocabulary import INBOUND_OPENERS, INBOUND_REPLIES, INJECTION_TEXTS, OUTBOUND_FOLLOWUPS, OUTBOUND_OPENERS
from .world import LABELS, Account, Conversation, Message, to_ms

if TYPE_CHECKING:
    from .population import Lead
    from .world import SandboxWorld

_THREADS = {"SALES_NAVIGATOR": (22, 14), "BUSINESS_PREMIUM": (12, 0), "FREE": (6, 0)}
CLASSIC_PREFIX = "urn:li:fsd_conversation:"
SALES_NAV_PREFIX = "urn:li:salesNav_thread:"


def conversation_urn(source: str, conversation_id: str) -> str:
    return (SALES_NAV_PREFIX if source == "sales_navigator" else CLASSIC_PREFIX) + conversation_id


def new_conversation(world: SandboxWorld, account_id: str, source: str, lead: Lead, messages: list[Message], *,
                     unread_count: int = 0, labels: list[str] | None = None, subject: str | None = None) -> Conversation:
    """A thread with a fresh id; its URN says which inbox (classic or Sales Navigator) holds it."""
    conversation_id = "2-" + world.token(24)
    return Conversation(urn=conversation_urn(source, conversation_id), conversation_id=conversation_id,
                        account_id=account_id, source=source, lead=lead, messages=messages, unread_count=unread_count,
                        labels=labels or [], subject=subject)


def message_urn(source: str, token: str) -> str:
    return f"urn:li:{'salesNav_message' if source == 'sales_navigator' else 'fsd_message'}:{token}"


def _fill(template: str, lead: Lead, account: Account) -> str:
    return template.format(first=lead.first_name, company=lead.company_name, me=account.seed.first_name)


def _thread(world: SandboxWorld, rng: random.Random, account: Account, lead: Lead, source: str, hours_ago: float,
            injection: str | None) -> Conversation:
    now = world.created_at
    outbound_first = injection is None and rng.random() < 0.7
    length = rng.randint(1, 6)
    texts: list[tuple[bool, str]] = []
    for i in range(length):
        by_owner = (i % 2 == 0) == outbound_first
        if i == 0:
            pool = OUTBOUND_OPENERS if by_owner else INBOUND_OPENERS
        else:
            pool = OUTBOUND_FOLLOWUPS if by_owner else INBOUND_REPLIES
        texts.append((by_owner, _fill(rng.choice(pool), lead, account)))
    if injection is not None:
        texts.append((False, injection))
    last = now - timedelta(hours=hours_ago)
    # Gaps between consecutive messages, summed back from the last one: every thread is in time order.
    gaps = [rng.uniform(2, 40) for _ in texts]
    messages = []
    for position, (by_owner, text) in enumerate(texts):
        sent_at = to_ms(last - timedelta(hours=sum(gaps[position + 1:])))
        messages.append(Message(
            urn=message_urn(source, world.token(20)),
            text=text,
            sent_at=sent_at,
            sender_profile_id=account.seed.public_id if by_owner else lead.profile_id,
            sender_name=account.name if by_owner else lead.full_name,
            by_owner=by_owner,
            subject="Quick question" if source == "sales_navigator" and position == 0 else None,
        ))
    trailing_inbound = 0
    for message in reversed(messages):
        if message.by_owner:
            break
        trailing_inbound += 1
    unread = trailing_inbound if trailing_inbound and (injection is not None or rng.random() < 0.45) else 0
    labels = [rng.choice(list(LABELS))] if rng.random() < 0.2 else []
    return new_conversation(world, account.id, source, lead, messages, unread_count=unread, labels=labels,
                            subject=messages[0].subject)


def seed_conversations(world: SandboxWorld) -> dict[str, Conversation]:
    rng = random.Random(f"salesnav-sandbox-inbox:{world.seed}")
    conversations: dict[str, Conversation] = {}
    for account in world.accounts.values():
        classic_count, sales_nav_count = _THREADS[account.premium_type]
        first_degree = [lead for lead in world.leads if lead.degree(account.id) == "F"]
        others = [lead for lead in world.leads if lead.degree(account.id) != "F"]
        plan = [("linkedin", lead) for lead in rng.sample(first_degree, classic_count)]
        plan += [("sales_navigator", lead) for lead in rng.sample(others, sales_nav_count)]
        rng.shuffle(plan)
        injections: dict[int, str] = {}
        if account.id == DEFAULT_ACCOUNT_ID:
            # Recent and unread, so an assistant summarising the inbox meets them first.
            sales_nav_slot = next(i for i, (source, _) in enumerate(plan) if source == "sales_navigator")
            classic_slot = next(i for i, (source, _) in enumerate(plan) if source == "linkedin")
            injections = {sales_nav_slot: INJECTION_TEXTS[0], classic_slot: INJECTION_TEXTS[1]}
        for i, (source, lead) in enumerate(plan):
            injection = injections.get(i)
            hours_ago = rng.uniform(1, 6) if injection else 6 + i * rng.uniform(5, 14)
            thread = _thread(world, rng, account, lead, source, hours_ago, injection)
            conversations[thread.urn] = thread
    return conversations

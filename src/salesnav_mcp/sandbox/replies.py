"""Replies arriving over time, on the sandbox clock.

After the account holder writes to someone (any send), that person replies with
probability 35% (`SandboxConfig.reply_share`), between 15 minutes and 48 hours after the
message (or exactly `SandboxConfig.reply_delay` seconds after it, when set); after someone
accepts an invitation, they write first with probability 30% (50% when the invitation
carried a note), 10 minutes to 24 hours after accepting, in a classic thread (the note
opens it when there was one). Each draw is keyed by account, person and thread length,
so the same sends give the same replies whatever else happens. A person has at most one
reply pending per account.

Nothing moves by itself: `deliver_due` (run at the start of every ConnectSafely request and
by the control routes) accepts due invitations and appends due replies, at their due time,
so threads stay in time order and `since` polling sees them. Each arrival raises the
thread's unread count and records a `message.received` webhook event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .draws import unit
from .inbox import message_urn, new_conversation
from .network import Invitation
from .population import Lead
from .vocabulary import ACCEPTANCE_REPLIES, INBOUND_REPLIES
from .webhooks import record_message_received
from .world import Conversation, Message, SandboxWorld, iso, to_ms

REPLY_SHARE = 0.35  # the default of SandboxConfig.reply_share
ACCEPTED_WRITES_SHARE = 0.3
ACCEPTED_WITH_NOTE_WRITES_SHARE = 0.5


@dataclass(frozen=True)
class PendingReply:
    due_at: datetime
    account_id: str
    lead: Lead
    text: str
    conversation_urn: str | None  # None: opens (or joins) the classic thread with the person
    invitation: Invitation | None = None  # the accepted invitation this follows, if any

    def json(self) -> dict[str, Any]:
        return {"dueAt": iso(self.due_at), "accountId": self.account_id, "profileId": self.lead.profile_id,
                "text": self.text, "conversationUrn": self.conversation_urn}


def _fill(world: SandboxWorld, account_id: str, lead: Lead, pool: tuple[str, ...], draw: float) -> str:
    template = pool[int(draw * len(pool))]
    return template.format(first=lead.first_name, company=lead.company_name,
                           me=world.accounts[account_id].seed.first_name)


def _pending_for(world: SandboxWorld, account_id: str, lead: Lead) -> PendingReply | None:
    return next((r for r in world.pending_replies if r.account_id == account_id and r.lead is lead), None)


def after_send(world: SandboxWorld, conversation: Conversation) -> None:
    """Maybe schedule the recipient's answer to the message just sent into `conversation`."""
    account_id, lead = conversation.account_id, conversation.lead
    if _pending_for(world, account_id, lead):
        return
    key = (world.seed, account_id, lead.profile_id, len(conversation.messages))
    if unit("reply", *key) >= world.config.reply_share:
        return
    fixed = world.config.reply_delay
    delay = (timedelta(seconds=fixed) if fixed is not None
             else timedelta(minutes=15 + (48 * 60 - 15) * unit("reply-delay", *key)))
    text = _fill(world, account_id, lead, INBOUND_REPLIES, unit("reply-text", *key))
    world.pending_replies.append(
        PendingReply(to_ms(conversation.last_activity + delay), account_id, lead, text, conversation.urn))


def after_acceptance(world: SandboxWorld, invitation: Invitation) -> None:
    account_id, lead = invitation.account_id, invitation.lead
    key = (world.seed, account_id, lead.profile_id, invitation.invitation_id)
    share = ACCEPTED_WITH_NOTE_WRITES_SHARE if invitation.note else ACCEPTED_WRITES_SHARE
    if _pending_for(world, account_id, lead) or unit("accepted-writes", *key) >= share:
        return
    accepted_at = invitation.accepts_at or world.now()
    delay = timedelta(minutes=10 + (24 * 60 - 10) * unit("accepted-delay", *key))
    text = _fill(world, account_id, lead, ACCEPTANCE_REPLIES, unit("accepted-text", *key))
    world.pending_replies.append(PendingReply(to_ms(accepted_at + delay), account_id, lead, text, None, invitation))


def deliver_due(world: SandboxWorld) -> None:
    now = world.now()
    for invitation in world.network.accept_due(now):
        after_acceptance(world, invitation)
    due = sorted((r for r in world.pending_replies if r.due_at <= now), key=lambda r: r.due_at)
    if not due:
        return
    world.pending_replies = [r for r in world.pending_replies if r.due_at > now]
    for reply in due:
        arrive(world, reply)


def reply_now(world: SandboxWorld, account_id: str, lead: Lead, text: str | None = None) -> Message:
    """The person answers now: their pending reply if any (with its text unless `text` is given), else `text`."""
    pending = _pending_for(world, account_id, lead)
    if pending is not None:
        world.pending_replies.remove(pending)
    thread = _latest_thread(world, account_id, lead)
    reply = PendingReply(world.now(), account_id, lead,
                         text or (pending.text if pending else _fill(world, account_id, lead, INBOUND_REPLIES, 0.0)),
                         pending.conversation_urn if pending else (thread.urn if thread else None),
                         pending.invitation if pending else None)
    return arrive(world, reply)


def _latest_thread(world: SandboxWorld, account_id: str, lead: Lead) -> Conversation | None:
    threads = [c for c in world.conversations_of(account_id) if c.lead is lead and not c.others]
    return threads[0] if threads else None


def arrive(world: SandboxWorld, reply: PendingReply) -> Message:
    conversation = (world.conversations.get(reply.conversation_urn) if reply.conversation_urn
                    else world.thread_with(reply.account_id, reply.lead, "linkedin"))
    if conversation is None:
        conversation = _open_classic_thread(world, reply)
    sent_at = reply.due_at
    if conversation.messages and sent_at <= conversation.messages[-1].sent_at:
        sent_at = conversation.messages[-1].sent_at + timedelta(milliseconds=1)  # keep threads strictly ordered
    source = conversation.source
    message = Message(urn=message_urn(source, world.token(20)), text=reply.text, sent_at=sent_at,
                      sender_profile_id=reply.lead.profile_id, sender_name=reply.lead.full_name, by_owner=False)
    conversation.messages.append(message)
    conversation.unread_count += 1
    record_message_received(world, conversation, message)
    return message


def _open_classic_thread(world: SandboxWorld, reply: PendingReply) -> Conversation:
    account = world.accounts[reply.account_id]
    conversation = new_conversation(world, account.id, "linkedin", reply.lead, [])
    note = reply.invitation
    if note is not None and note.note:
        conversation.messages.append(Message(
            urn=message_urn("linkedin", world.token(20)), text=note.note, sent_at=note.sent_at,
            sender_profile_id=account.seed.public_id, sender_name=account.name, by_owner=True))
    world.conversations[conversation.urn] = conversation
    return conversation

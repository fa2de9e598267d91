"""Sending: channel choice, new-thread rules, InMail credits and the daily new-conversation cap.

Everything from the checks to the commit runs without awaiting, so concurrent
sends can never both pass a check that only one of them should.
"""

from __future__ import annotations

import math
from datetime import timedelta

from .errors import ApiError, cs_error, cs_no_seat
from .inbox import message_urn, new_conversation
from .population import Lead
from .replies import after_send
from .world import Account, Attachment, Conversation, Message, SandboxWorld, SentMessage, iso, next_midnight
from .zod import Validator

CHANNELS = ("auto", "sales_navigator", "linkedin_inbox")
MAX_TEXT = 8000
MAX_INMAIL_TEXT = 1900
MAX_SUBJECT = 200


def choose_channel(account: Account, lead: Lead, preference: str) -> str:
    if preference == "sales_navigator":
        if not account.has_seat:
            raise cs_no_seat(account.premium_type)
        return "sales_navigator"
    if preference == "linkedin_inbox":
        return "linkedin_inbox"
    return "sales_navigator" if account.has_seat and lead.degree(account.id) != "F" else "linkedin_inbox"


def resolve_attachments(world: SandboxWorld, account: Account, urns: list[str]) -> list[Attachment]:
    found = []
    for urn in urns:
        attachment = world.attachments.get(urn)
        if attachment is None or attachment.account_id != account.id:
            raise cs_error(400, f"Attachment {urn} was not uploaded for this account; upload it first",
                           "ATTACHMENT_NOT_FOUND")
        found.append(attachment)
    return found


def deliver(
    world: SandboxWorld,
    account: Account,
    *,
    text: str,
    subject: str | None,
    lead: Lead | None = None,
    conversation: Conversation | None = None,
    preference: str = "auto",
    attachments: list[Attachment] | None = None,
    copy_to_crm: bool = False,
    endpoint: str = "/conversations/send",
    text_field: str = "message",
) -> tuple[SentMessage, Conversation]:
    """Send one message into an existing thread or a new one; raises ApiError when a rule refuses it."""
    if conversation is not None:
        if conversation.source == "sales_navigator" and not account.has_seat:
            raise cs_no_seat(account.premium_type)
        lead, channel = conversation.lead, conversation.channel
    else:
        assert lead is not None
        channel = choose_channel(account, lead, preference)
        source = "sales_navigator" if channel == "sales_navigator" else "linkedin"
        conversation = world.thread_with(account.id, lead, source)
    if channel == "sales_navigator" and len(text) > MAX_INMAIL_TEXT:
        check = Validator()
        check.issue("too_big", [text_field], f"String must contain at most {MAX_INMAIL_TEXT} character(s)",
                    maximum=MAX_INMAIL_TEXT, type="string", inclusive=True)
        check.check()
    is_new = conversation is None
    now = world.now()
    if is_new:
        used = world.new_conversations_today(account.id)
        limit = world.config.new_conversations_per_day
        if used >= limit:
            reset = next_midnight(now)
            raise ApiError(
                429,
                {"success": False, "error": f"Daily limit of {limit} new conversations reached. Resets at {iso(reset)}",
                 "holdUntil": iso(reset)},
                {"X-RateLimit-Action": "new_conversations", "X-RateLimit-Limit": str(limit),
                 "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(math.ceil(reset.timestamp()))},
            )
        if channel == "sales_navigator" and account.inmail_credits <= 0:
            raise cs_error(400, "No InMail credits left", "INSUFFICIENT_INMAIL_CREDITS")

    # Commit.
    source = "sales_navigator" if channel == "sales_navigator" else "linkedin"
    if conversation is None:
        conversation = new_conversation(world, account.id, source, lead, [],
                                        subject=subject if source == "sales_navigator" else None)
        world.conversations[conversation.urn] = conversation
        world.new_conversations[account.id][now.date()] += 1
        if channel == "sales_navigator":
            account.inmail_credits -= 1
    if conversation.messages and now <= conversation.messages[-1].sent_at:
        now = conversation.messages[-1].sent_at + timedelta(milliseconds=1)  # keep threads strictly ordered
    message = Message(urn=message_urn(source, world.token(20)), text=text, sent_at=now,
                      sender_profile_id=account.seed.public_id, sender_name=account.name, by_owner=True,
                      attachments=list(attachments or []), subject=subject)
    conversation.messages.append(message)
    conversation.unread_count = 0  # answering a thread reads it
    sent = SentMessage(
        account_id=account.id, recipient=lead.profile_id, recipient_urn=lead.profile_urn,
        conversation_urn=conversation.urn, channel=channel, text=text, subject=subject, sent_at=now,
        message_urn=message.urn, thread_id=conversation.conversation_id if source == "sales_navigator" else None,
        new_conversation=is_new, copy_to_crm=copy_to_crm, attachments=tuple(a.asset_urn for a in message.attachments),
        endpoint=endpoint,
    )
    world.sent_messages.append(sent)
    after_send(world, conversation)
    return sent, conversation

"""Replies and follow-ups: who answered, who stayed silent, and follow-up drafts for the silent ones.

Every message sent through the server is tracked: a sent draft names the conversation it went
to (from the send's answer; for a send a human resolved, from the account's threads with the
person, `track_sent`). Replies are learnt three ways, all recorded once by message URN by the
`Replies` guardrail, which marks the sent draft each one answers:

- the account's recent messages (`GET /messaging/recent-messages?since=`), one call for many
  threads (the endpoint's fields are undocumented: when upstream refuses it, polling falls back
  to the threads);
- each tracked conversation's messages since its draft went out (`GET .../messages?since=`);
- ConnectSafely's `message.received` webhook (`server.webhooks`), which needs no polling at all.

Follow-ups are drafts, never sends: `draft_follow_ups` writes them through `outreach.create_draft`
(so every policy finding applies) in the thread of the silent message, and each one goes out only
after a human approved it, like any draft. Nobody who answered (checked again against LinkedIn
right before drafting) and nobody on the do-not-contact list gets one.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import ORGANISATION, Draft, DraftResult, Person
from salesnav_mcp.guardrails.recipients import PROFILE_URN_PREFIX, draft_keys
from salesnav_mcp.guardrails.send import sent_conversation
from salesnav_mcp.models.connectsafely import Message, MessageReceivedEvent
from salesnav_mcp.operations import outreach
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.people import is_participant
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import InboundMessage, InboundOutcome
from salesnav_mcp.upstream.errors import NotFoundError, UpstreamFailure, ValidationError

PollMethod = Literal["auto", "recent_messages", "threads"]
RECENT_PAGES = 10  # pages of 100 recent messages read per check (the rest waits for the next one)
THREADS_PER_CHECK = 100  # tracked conversations polled per check
AWAITING_LOOKBACK = timedelta(days=90)  # sent drafts older than this are no longer polled for answers
_TEXT_LIMIT = 2000  # characters of an inbound message kept in the store
TEMPLATE_FIELDS = ("first_name", "name")


# ----------------------------------------------------------------------------- inbound messages


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _sender(svc: Services, sender_id: str | None) -> tuple[str | None, str | None]:
    """(URN, public id) of a message's sender, as far as the server knows them."""
    raw = (sender_id or "").strip()
    if not raw:
        return None, None
    if raw.startswith(PROFILE_URN_PREFIX):
        person = await svc.store.person_by_urn(raw)
        return raw, person.public_id if person else None
    person = await svc.store.person_by_public_id(raw.lower())
    return (person.urn, person.public_id) if person else (None, raw.lower())


async def inbound_of(
    svc: Services, account_id: str, messages: Iterable[tuple[str | None, Message]]
) -> list[InboundMessage]:
    """The messages (with their conversation) that someone else sent to the account, ready to record."""
    now = svc.clock.now()
    out = []
    for conversation_urn, m in messages:
        if m.is_sent_by_owner or not m.message_urn or m.sent_at is None:
            continue
        urn, public_id = await _sender(svc, m.sender_profile_id)
        out.append(
            InboundMessage(
                message_urn=m.message_urn,
                account_id=account_id,
                conversation_urn=conversation_urn,
                sender_urn=urn,
                sender_public_id=public_id,
                sender_name=m.sender_name,
                text=_clip(m.text, _TEXT_LIMIT),
                sent_at=m.sent_at,
                via="poll",
                recorded_at=now,
            )
        )
    return out


def inbound_of_event(event: MessageReceivedEvent, *, now: datetime, default_account: str | None) -> InboundMessage:
    """A `message.received` webhook as an inbound message (its sender's id is their profile URN)."""
    data = event.data
    sender = data.sender
    sender_urn = sender.id if sender and (sender.id or "").startswith(PROFILE_URN_PREFIX) else None
    public_id = None
    if sender and sender.profile_url and "/in/" in sender.profile_url:
        public_id = sender.profile_url.split("/in/", 1)[1].strip("/").split("/")[0].split("?")[0].lower() or None
    return InboundMessage(
        message_urn=data.message_urn,
        account_id=data.account_id or default_account or "",
        conversation_urn=data.conversation_id if (data.conversation_id or "").startswith("urn:li:") else None,
        sender_urn=sender_urn,
        sender_public_id=public_id,
        sender_name=sender.name if sender else None,
        text=_clip(data.body, _TEXT_LIMIT),
        sent_at=data.timestamp or now,
        via="webhook",
        recorded_at=now,
    )


# ----------------------------------------------------------------------------- tracking sent messages


async def track_sent(svc: Services, account_id: str) -> int:
    """Name the conversation of each sent draft that names none: from its send's answer, else the account's
    thread with the person (one listing of recent threads for all of them). Returns how many were named."""
    untracked = await svc.guardrails.replies.untracked(account_id)
    if not untracked:
        return 0
    named = 0
    threads: list[Any] | None = None
    for draft in untracked:
        urn = sent_conversation(draft.result)
        if urn is None:
            if threads is None:
                threads = await _recent_threads(svc, account_id)
            person = Person(
                draft.recipient_key, draft.recipient_public_id, draft.recipient_name, draft.recipient_headline,
                draft.updated_at,
            )
            urn = next(
                (c.conversation_urn for c in threads if any(is_participant(person, p) for p in c.participants)), None
            )
        if urn is not None:
            await svc.guardrails.replies.track(draft, urn)
            named += 1
    return named


async def _recent_threads(svc: Services, account_id: str) -> list[Any]:
    found: list[Any] = []
    cursor = None
    for _ in range(outreach.THREAD_SCAN_PAGES):
        page = await svc.connectsafely.list_conversations(account_id=account_id, count=100, next_cursor=cursor)
        found += page.conversations
        if not page.has_more or not page.next_cursor:
            break
        cursor = page.next_cursor
    return found


# ----------------------------------------------------------------------------- polling


async def _poll_recent(svc: Services, account_id: str, since: datetime) -> list[tuple[str | None, Message]]:
    messages: list[tuple[str | None, Message]] = []
    cursor = None
    for _ in range(RECENT_PAGES):
        page = await svc.connectsafely.get_recent_messages(account_id=account_id, since=since, count=100, cursor=cursor)
        if "messages" not in page.model_fields_set:
            # The endpoint's fields are undocumented: an answer without `messages` is a shape we cannot read,
            # not "nobody wrote".
            raise UpstreamFailure(
                "ConnectSafely GET /messaging/recent-messages answered without a messages list.", api="ConnectSafely"
            )
        messages += [(m.conversation_urn, m) for m in page.messages]
        if not page.has_more or not page.cursor:
            break
        cursor = page.cursor
    return messages


async def _poll_threads(
    svc: Services, account_id: str, since: datetime, drafts: Sequence[Draft]
) -> list[tuple[str | None, Message]]:
    """Each tracked conversation's messages since its draft went out (or `since`, when later)."""
    start: dict[str, datetime] = {}
    for d in drafts:
        if d.conversation_urn and d.send_started_at:
            moment = max(since, d.send_started_at)
            start[d.conversation_urn] = min(moment, start.get(d.conversation_urn, moment))
    messages: list[tuple[str | None, Message]] = []
    for urn, moment in list(start.items())[:THREADS_PER_CHECK]:
        try:
            page = await svc.connectsafely.get_messages(urn, account_id=account_id, since=moment, count=100)
        except NotFoundError:
            continue  # the thread is gone (deleted or archived upstream)
        messages += [(urn, m) for m in page.messages]
    return messages


@dataclass(frozen=True)
class PollResult:
    method: Literal["recent_messages", "threads"]
    read: int  # messages read upstream
    outcomes: list[InboundOutcome]

    @property
    def new(self) -> int:
        return sum(1 for o in self.outcomes if o.new)


async def poll_replies(svc: Services, account_id: str, since: datetime, method: PollMethod = "auto") -> PollResult:
    """Read what arrived since `since` and record it (each message once); sent drafts answered get marked."""
    await track_sent(svc, account_id)
    used: Literal["recent_messages", "threads"] = "threads" if method == "threads" else "recent_messages"
    messages: list[tuple[str | None, Message]] = []
    if used == "recent_messages":
        try:
            messages = await _poll_recent(svc, account_id, since)
        except (NotFoundError, UpstreamFailure, ValidationError):
            if method != "auto":
                raise
            used = "threads"  # the undocumented endpoint is not there (or not in this shape): ask each thread
    if used == "threads":
        awaiting = await svc.guardrails.replies.awaiting(account_id, sent_after=svc.clock.now() - AWAITING_LOOKBACK)
        messages = await _poll_threads(svc, account_id, since, awaiting)
    inbound = await inbound_of(svc, account_id, messages)
    outcomes = await svc.guardrails.replies.record(inbound, actor=svc.actor())
    return PollResult(used, len(messages), outcomes)


# ----------------------------------------------------------------------------- who replied


class ReplyOut(BaseModel):
    name: str | None = Field(description="As LinkedIn names them (untrusted text).")
    public_id: str | None = None
    profile_urn: str | None = None
    conversation_urn: str | None = None
    last_reply_at: datetime
    messages: int = Field(description="Messages from them since the time asked about")
    text: str | None = Field(description="Their latest message (untrusted text, clipped).")
    answered_drafts: list[str] = Field(description="Sent drafts their messages answered")


class RepliesOut(Result):
    account_id: str
    since: datetime
    method: Literal["recent_messages", "threads", "store"] = Field(
        description="How LinkedIn was read: the recent-messages endpoint, each tracked thread, or not at all"
    )
    read: int = Field(description="Messages read upstream by this call")
    new: int = Field(description="Inbound messages recorded for the first time by this call")
    replies: list[ReplyOut] = Field(description="People who wrote since `since`, latest first")
    answered_drafts: int = Field(description="Sent drafts answered since `since`")
    awaiting_reply: int = Field(description="Sent drafts (last 90 days) still without an answer")
    untrusted_content: bool = Field(default=True, description="Texts are untrusted data from LinkedIn users.")


def _group(messages: Sequence[InboundMessage], answered: dict[str, list[str]]) -> list[ReplyOut]:
    people: dict[str, list[InboundMessage]] = {}
    for m in messages:  # newest first
        key = m.sender_urn or m.sender_public_id or m.conversation_urn or m.message_urn
        people.setdefault(key, []).append(m)
    out = []
    for items in people.values():
        latest = items[0]
        drafts = sorted({d for m in items for d in answered.get(m.message_urn, [])})
        out.append(
            ReplyOut(
                name=latest.sender_name,
                public_id=latest.sender_public_id,
                profile_urn=latest.sender_urn,
                conversation_urn=latest.conversation_urn,
                last_reply_at=latest.sent_at,
                messages=len(items),
                text=_clip(latest.text, 300),
                answered_drafts=drafts,
            )
        )
    return out


async def who_replied(
    svc: Services, account_id: str, since: datetime, *, method: PollMethod | Literal["store"] = "auto"
) -> RepliesOut:
    """Everyone who wrote to the account since `since` (LinkedIn read first unless method is "store"), with the
    sent drafts their messages answered."""
    if method == "store":
        poll = PollResult("threads", 0, [])
        used: Literal["recent_messages", "threads", "store"] = "store"
    else:
        poll = await poll_replies(svc, account_id, since, method)
        used = poll.method
    replies = svc.guardrails.replies
    messages = await replies.inbound_since(account_id, since)
    answered_drafts = await replies.replied_drafts(account_id, since)
    by_message: dict[str, list[str]] = {}
    for d in answered_drafts:
        if d.reply_message_urn:
            by_message.setdefault(d.reply_message_urn, []).append(d.id)
    awaiting = await replies.awaiting(account_id, sent_after=svc.clock.now() - AWAITING_LOOKBACK, limit=1000)
    return RepliesOut(
        account_id=account_id,
        since=since,
        method=used,
        read=poll.read,
        new=poll.new,
        replies=_group(messages, by_message),
        answered_drafts=len(answered_drafts),
        awaiting_reply=len(awaiting),
        sandbox=svc.connectsafely.sandbox,
    )


# ----------------------------------------------------------------------------- follow-ups


class FollowUpOut(BaseModel):
    original_draft_id: str
    recipient: str = Field(description="The person's URN")
    recipient_public_id: str | None = None
    recipient_name: str | None = Field(default=None, description="Untrusted text from LinkedIn.")
    sent_at: datetime
    days_silent: float
    conversation_urn: str | None = None
    follow_up_number: int = Field(description="1 for the first follow-up of a message, 2 for the next...")
    draft_id: str | None = Field(default=None, description="The follow-up draft written (None: listed only)")
    text: str | None = None
    sendable: bool | None = Field(default=None, description="No blocking policy finding")
    findings: list[str] = Field(default_factory=list)


class SkippedOut(BaseModel):
    original_draft_id: str
    recipient_public_id: str | None = None
    reason: str


class FollowUpsOut(Result):
    account_id: str
    after_days: int
    drafted: int = Field(description="Follow-up drafts written by this call (none are sent)")
    due: list[FollowUpOut]
    skipped: list[SkippedOut]


class PersonalText(BaseModel):
    # The exact follow-up text for one silent message.

    draft_id: str = Field(min_length=3, max_length=64)
    text: str = Field(min_length=1, max_length=8000)


def check_template(template: str) -> None:
    """Refuse a template with placeholders other than {first_name} and {name} (or broken braces)."""
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise OperationError(f"text: {exc}; write literal braces as {{{{ and }}}}.") from None
    unknown = sorted(fields - set(TEMPLATE_FIELDS))
    if unknown:
        raise OperationError(f"text: unknown placeholder(s) {unknown}; only {{first_name}} and {{name}} are filled in.")


def render(template: str, draft: Draft) -> str:
    """The template with {first_name} / {name} filled from the person's name ("there" / their public id unknown)."""
    check_template(template)
    name = (draft.recipient_name or "").strip()
    return template.format(
        first_name=name.split()[0] if name else "there", name=name or draft.recipient_public_id or "there"
    )


async def _chain(svc: Services, draft: Draft) -> int:
    """How many follow-ups lead to this draft (0: it is an original message)."""
    depth, current, seen = 0, draft, {draft.id}
    while current.follow_up_of and current.follow_up_of not in seen and depth < 10:
        seen.add(current.follow_up_of)
        previous = await svc.store.get_draft(current.follow_up_of)
        if previous is None:
            break
        depth, current = depth + 1, previous
    return depth


async def draft_follow_ups(
    svc: Services,
    account_id: str,
    *,
    after_days: int,
    text: str | None,
    texts: Sequence[PersonalText] = (),
    limit: int = 25,
    max_follow_ups: int = 1,
) -> FollowUpsOut:
    """Follow-up drafts for the people who have not answered a message sent `after_days` or more days ago.

    Without `text` and `texts` nothing is written: the people due are listed. `texts` gives the exact text
    for particular messages (only those are drafted unless `text` is given for the rest). LinkedIn is read for
    answers first (`poll_replies` since the oldest of the messages); anyone who answered, is on the
    do-not-contact list, or already got `max_follow_ups` follow-ups to the message is skipped, with the reason.
    """
    now = svc.clock.now()
    personal = {t.draft_id.strip(): t.text for t in texts}
    if len(personal) != len(texts):
        raise OperationError("texts: each draft_id may appear once.")
    if text is not None:
        check_template(text)  # refused before anything is looked up
    window = {"sent_before": now - timedelta(days=after_days), "limit": max(limit, len(personal)) * 2}
    await track_sent(svc, account_id)
    candidates = await svc.guardrails.replies.follow_up_candidates(account_id, **window)
    silent: set[str] = set()
    if candidates:
        # Read LinkedIn for answers since the oldest of these messages first: nobody who answered gets one.
        oldest = min(d.send_started_at or d.created_at for d in candidates)
        await poll_replies(svc, account_id, oldest)
        silent = {d.id for d in await svc.guardrails.replies.follow_up_candidates(account_id, **window)}
    by_id = {d.id: d for d in candidates}
    skipped = [
        SkippedOut(original_draft_id=i, reason="not due: not a sent, unanswered message of this account without a "
                   f"later draft to the person, sent {after_days}+ days ago")
        for i in personal
        if i not in by_id
    ]
    wanted = [d for d in candidates if d.id in personal] if personal and text is None else candidates
    due: list[FollowUpOut] = []
    for draft in wanted:
        if len(due) >= limit:
            break
        reason = "answered (just found on LinkedIn)" if draft.id not in silent else None
        reason = reason or await _skip_reason(svc, draft, max_follow_ups)
        if reason is not None:
            skipped.append(SkippedOut(original_draft_id=draft.id, recipient_public_id=draft.recipient_public_id, reason=reason))
            continue
        item = _due(draft, now, await _chain(svc, draft) + 1)
        body = personal.get(draft.id) or (render(text, draft) if text is not None else None)
        if body is not None:
            item = await _write(svc, account_id, draft, item, body)
        due.append(item)
    return FollowUpsOut(
        account_id=account_id,
        after_days=after_days,
        drafted=sum(1 for d in due if d.draft_id),
        due=due,
        skipped=skipped,
        sandbox=svc.connectsafely.sandbox,
    )


async def _skip_reason(svc: Services, draft: Draft, max_follow_ups: int) -> str | None:
    listed = await svc.guardrails.dnc.entries_for(draft_keys(draft), scopes=(ORGANISATION, draft.account_id))
    if listed:
        return "on the do-not-contact list"
    if await _chain(svc, draft) >= max_follow_ups:
        return f"already followed up {max_follow_ups} time(s) without an answer"
    return None


def _due(draft: Draft, now: datetime, number: int) -> FollowUpOut:
    sent = draft.send_started_at or draft.created_at
    return FollowUpOut(
        original_draft_id=draft.id,
        recipient=draft.recipient_key,
        recipient_public_id=draft.recipient_public_id,
        recipient_name=draft.recipient_name,
        sent_at=sent,
        days_silent=round((now - sent).total_seconds() / 86_400, 1),
        conversation_urn=draft.conversation_urn,
        follow_up_number=number,
    )


async def _write(svc: Services, account_id: str, original: Draft, item: FollowUpOut, text: str) -> FollowUpOut:
    result: DraftResult = await outreach.create_draft(
        svc,
        account_id,
        original.recipient_public_id or original.recipient_key,
        text,
        subject=None,
        channel="auto",
        conversation_urn=original.conversation_urn,
        attachments=[],
        follow_up_of=original.id,
    )
    return item.model_copy(
        update={
            "draft_id": result.draft.id,
            "text": result.draft.text,
            "sendable": not result.blocked,
            "findings": [f"{f.severity}: {f.message}" for f in result.findings],
        }
    )

"""Replies: every inbound message recorded once, sent drafts marked when their person answers, follow-up facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import Draft, InboundMessage, InboundOutcome, ReplyCounts
from salesnav_mcp.store.script import Script, Where, all_rows, one, reads, run, writes

_INBOUND_COLUMNS = (
    "message_urn, account_id, conversation_urn, sender_urn, sender_public_id, sender_name, text, sent_at, via, "
    "recorded_at"
)
# A draft waits for a reply from its person: sent, not yet answered.
_AWAITING = "state = 'sent' AND replied_at IS NULL AND send_started_at IS NOT NULL"


def _answers(message: InboundMessage) -> Where:
    """The sent drafts `message` answers: to its sender (by URN or public id) or in its conversation, sent
    before it, on its account (any account when the delivery did not say which)."""
    who = []
    args: list[object] = []
    for column, value in (
        ("recipient_key", message.sender_urn),
        ("recipient_public_id", message.sender_public_id),
        ("conversation_urn", message.conversation_urn),
    ):
        if value:
            who.append(f"{column} = ?")
            args.append(value)
    where = Where([_AWAITING, f"({' OR '.join(who) or '1 = 0'})"], args)
    where.compare("send_started_at", "<", message.sent_at)
    if message.account_id:
        where.compare("account_id", "=", message.account_id)
    return where


class Replies(StoreBase):
    @writes
    def record_inbound(self, messages: Sequence[InboundMessage]) -> Script[list[InboundOutcome]]:
        """Record each message unless its URN is already recorded; a new one marks the sent drafts it answers.

        A draft is marked once, by the first answer recorded (its time and URN), whichever way it came.
        The whole batch is one transaction: a webhook delivered twice or a poll overlapping it records once.
        """
        outcomes: list[InboundOutcome] = []
        for m in messages:
            inserted = yield one(
                f"""INSERT INTO inbound_messages ({_INBOUND_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (message_urn) DO NOTHING RETURNING message_urn""",
                m.message_urn,
                m.account_id,
                m.conversation_urn,
                m.sender_urn,
                m.sender_public_id,
                m.sender_name,
                m.text,
                m.sent_at,
                m.via,
                m.recorded_at,
            )
            if inserted is None:
                outcomes.append(InboundOutcome(m, new=False))
                continue
            where = _answers(m)
            rows = yield all_rows(
                f"UPDATE drafts SET replied_at = ?, reply_message_urn = ?, updated_at = ? WHERE {where.sql} RETURNING id",
                m.sent_at,
                m.message_urn,
                m.recorded_at,
                *where.args,
            )
            outcomes.append(InboundOutcome(m, new=True, replied_draft_ids=tuple(sorted(r["id"] for r in rows))))
        return outcomes

    @reads
    def inbound_since(self, *, account_id: str, since: datetime, limit: int = 500) -> Script[list[InboundMessage]]:
        """Inbound messages of the account sent after `since`, newest first (one whose account is unknown is
        listed for nobody: in a team it could be anyone's; it still marks drafts and holds back follow-ups)."""
        rows = yield all_rows(
            f"""SELECT {_INBOUND_COLUMNS} FROM inbound_messages WHERE account_id = ? AND sent_at > ?
                ORDER BY sent_at DESC, message_urn LIMIT ?""",
            account_id,
            since,
            limit,
        )
        return [self._record(InboundMessage, r) for r in rows]

    @reads
    def replied_drafts(self, *, account_id: str, since: datetime, limit: int = 500) -> Script[list[Draft]]:
        """Sent drafts of the account answered after `since`, newest answer first."""
        rows = yield all_rows(
            """SELECT * FROM drafts WHERE account_id = ? AND replied_at > ? ORDER BY replied_at DESC, id LIMIT ?""",
            account_id,
            since,
            limit,
        )
        return [self._record(Draft, r) for r in rows]

    @reads
    def reply_counts(self, *, account_id: str, since: datetime) -> Script[ReplyCounts]:
        """Drafts sent since `since` (state sent) and how many of them were answered; of them, the connection
        requests and how many were seen accepted."""
        row = yield one(
            """SELECT COUNT(*) AS sent, COUNT(replied_at) AS replied,
                      COUNT(CASE WHEN channel = 'invitation' THEN 1 END) AS invitations, COUNT(accepted_at) AS accepted
                 FROM drafts WHERE account_id = ? AND state = 'sent' AND send_started_at >= ?""",
            account_id,
            since,
        )
        return ReplyCounts(
            sent=int(row["sent"]),
            replied=int(row["replied"]),
            invitations=int(row["invitations"]),
            accepted=int(row["accepted"]),
        )

    @reads
    def sent_awaiting_reply(self, *, account_id: str, sent_after: datetime, limit: int = 200) -> Script[list[Draft]]:
        """Sent, unanswered drafts of the account whose send started after `sent_after`, oldest first."""
        rows = yield all_rows(
            f"""SELECT * FROM drafts WHERE account_id = ? AND {_AWAITING} AND send_started_at > ?
                ORDER BY send_started_at, id LIMIT ?""",
            account_id,
            sent_after,
            limit,
        )
        return [self._record(Draft, r) for r in rows]

    @reads
    def follow_up_candidates(self, *, account_id: str, sent_before: datetime, limit: int) -> Script[list[Draft]]:
        """The account's latest sent draft to each person who has not answered it, sent before `sent_before`,
        oldest first.

        Left out: connection requests (a follow-up follows up a message), a person with a later draft on the
        account (a follow-up already drafted, or newer outreach; failed drafts do not count), and a person with
        any recorded inbound message since the draft went out (by sender or in its conversation).
        """
        rows = yield all_rows(
            """SELECT * FROM drafts d
                WHERE d.account_id = ? AND d.state = 'sent' AND d.replied_at IS NULL AND d.send_started_at < ?
                  AND d.channel <> 'invitation'
                  AND NOT EXISTS (
                    SELECT 1 FROM drafts later
                    WHERE later.account_id = d.account_id AND later.recipient_key = d.recipient_key
                      AND later.id <> d.id AND later.state <> 'failed' AND later.created_at > d.send_started_at)
                  AND NOT EXISTS (
                    SELECT 1 FROM inbound_messages m
                    WHERE m.account_id IN (d.account_id, '') AND m.sent_at > d.send_started_at
                      AND (m.sender_urn = d.recipient_key OR m.sender_public_id = d.recipient_public_id
                           OR m.conversation_urn = d.conversation_urn))
                ORDER BY d.send_started_at, d.id LIMIT ?""",
            account_id,
            sent_before,
            limit,
        )
        return [self._record(Draft, r) for r in rows]

    @reads
    def sent_without_conversation(self, *, account_id: str, limit: int = 200) -> Script[list[Draft]]:
        """Sent messages of the account that do not name their conversation yet, oldest first. Connection requests
        are left out: they open no conversation, and an answer after one is matched by its sender."""
        rows = yield all_rows(
            """SELECT * FROM drafts
                WHERE account_id = ? AND state = 'sent' AND conversation_urn IS NULL AND channel <> 'invitation'
                ORDER BY send_started_at, id LIMIT ?""",
            account_id,
            limit,
        )
        return [self._record(Draft, r) for r in rows]

    @writes
    def mark_invitation_accepted(self, draft_id: str, *, now: datetime) -> Script[bool]:
        """Record when a sent connection request was first seen accepted (once)."""
        changed = yield run(
            """UPDATE drafts SET accepted_at = ?
                WHERE id = ? AND channel = 'invitation' AND state = 'sent' AND accepted_at IS NULL""",
            now,
            draft_id,
        )
        return bool(changed)

    @writes
    def set_draft_conversation(self, draft_id: str, conversation_urn: str, *, now: datetime) -> Script[bool]:
        """Name the conversation a sent draft went to, unless it already names one."""
        changed = yield run(
            "UPDATE drafts SET conversation_urn = ?, updated_at = ? WHERE id = ? AND conversation_urn IS NULL",
            conversation_urn,
            now,
            draft_id,
        )
        return bool(changed)

"""Replies: who answered the messages sent through the server, recorded once however they were learnt.

Inbound messages come from polling (a conversation's messages since a time, or the account's
recent messages) or from ConnectSafely's `message.received` webhook. Each is recorded once by its
message URN, so a webhook delivered three times, or a poll that sees what a webhook already
brought, changes nothing twice. The first answer after a sent draft marks that draft replied (its
time and message), which is what the reply rate counts and what keeps a follow-up from ever
going to someone who answered. Messages the account itself sent are not inbound and are never
recorded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from salesnav_mcp.guardrails.base import Guardrail
from salesnav_mcp.store import INVITATION, Draft, InboundMessage, InboundOutcome, ReplyCounts


class Replies(Guardrail):
    async def record(self, messages: Sequence[InboundMessage], *, actor: str | None = None) -> list[InboundOutcome]:
        """Record inbound messages (duplicates by URN are ignored); audit each one that answered a sent draft."""
        if not messages:
            return []
        outcomes = await self._store.record_inbound(list(messages))
        for outcome in outcomes:
            if outcome.new and outcome.replied_draft_ids:
                m = outcome.message
                await self._audit.record(
                    "reply.received",
                    account_id=m.account_id or None,
                    actor=actor,
                    details={
                        "message_urn": m.message_urn,
                        "draft_ids": list(outcome.replied_draft_ids),
                        "sender": m.sender_urn or m.sender_public_id,
                        "conversation_urn": m.conversation_urn,
                        "sent_at": m.sent_at,
                        "via": m.via,
                    },
                )
        return outcomes

    async def refused_delivery(self, reason: str, *, remote: str | None = None, folded: int = 0) -> None:
        """A webhook delivery that was not accepted (bad signature, not JSON, unexpected shape); `folded` counts
        the refusals for the same reason that got no entry of their own since the last one."""
        await self._audit.record("webhook.refused", details={"reason": reason, "remote": remote, "folded": folded})

    async def inbound_since(self, account_id: str, since: datetime, *, limit: int = 500) -> list[InboundMessage]:
        return await self._store.inbound_since(account_id=account_id, since=since, limit=limit)

    async def replied_drafts(self, account_id: str, since: datetime, *, limit: int = 500) -> list[Draft]:
        return await self._store.replied_drafts(account_id=account_id, since=since, limit=limit)

    async def counts(self, account_id: str, since: datetime) -> ReplyCounts:
        """Drafts sent since `since` and how many of them were answered (as far as replies were recorded)."""
        return await self._store.reply_counts(account_id=account_id, since=since)

    async def awaiting(self, account_id: str, *, sent_after: datetime, limit: int = 200) -> list[Draft]:
        """Sent drafts still waiting for an answer, sent after `sent_after`, oldest first."""
        return await self._store.sent_awaiting_reply(account_id=account_id, sent_after=sent_after, limit=limit)

    async def follow_up_candidates(self, account_id: str, *, sent_before: datetime, limit: int) -> list[Draft]:
        """Each silent person's latest sent draft sent before `sent_before` (see Store.follow_up_candidates)."""
        return await self._store.follow_up_candidates(account_id=account_id, sent_before=sent_before, limit=limit)

    async def untracked(self, account_id: str, *, limit: int = 200) -> list[Draft]:
        """Sent messages that do not name their conversation yet (connection requests open none)."""
        return await self._store.sent_without_conversation(account_id=account_id, limit=limit)

    async def sent_invitations(self, account_id: str, *, sent_after: datetime) -> list[Draft]:
        """Connection requests the account sent after `sent_after`, newest first."""
        return await self._store.list_drafts(
            account_id=account_id, states=["sent"], channel=INVITATION, sent_after=sent_after, limit=500
        )

    async def accepted(self, draft: Draft, *, actor: str | None = None) -> Draft | None:
        """Record that the person accepted a sent connection request (once, audited): the draft as recorded, or
        None when it was known already."""
        now = self._clock.now()
        if not await self._store.mark_invitation_accepted(draft.id, now=now):
            return None
        await self._audit.record_draft("invitation.accepted", draft, actor=actor, recipient=draft.recipient)
        return replace(draft, accepted_at=now)

    async def track(self, draft: Draft, conversation_urn: str) -> None:
        """Name the conversation a sent draft went to (kept when it already names one)."""
        await self._store.set_draft_conversation(draft.id, conversation_urn, now=self._clock.now())

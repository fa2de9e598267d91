"""Drafts and the start of their sends, the do-not-contact list, and the facts the send policy reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import (
    INVITATION,
    MAYBE_SENT_STATES,
    ORGANISATION,
    BeginSendResult,
    Channel,
    DncEntry,
    Draft,
    DraftState,
    PolicyFacts,
    SendOutcome,
    SendStartFacts,
)
from salesnav_mcp.store.rows import dump_json
from salesnav_mcp.store.script import Lock, Script, Where, all_rows, one, reads, run, writes

SendStartDecision = Callable[[SendStartFacts], SendOutcome]
_DRAFT_COLUMNS = (
    "id, account_id, recipient, recipient_key, channel, subject, text, attachments, conversation_urn, "
    "is_new_conversation, state, content_hash, text_hash, created_at, updated_at, created_by, send_started_at, "
    "attempt_id, result, error, recipient_public_id, recipient_name, recipient_headline, copy_to_crm, follow_up_of"
)


def _maybe_sent(since: datetime, exclude: str) -> Where:
    """Other drafts whose send started since `since` and may have reached LinkedIn (they count for caps and duplicates)."""
    return Where().one_of("state", MAYBE_SENT_STATES).compare("send_started_at", ">=", since).compare("id", "<>", exclude)


class Outreach(StoreBase):
    def _draft(self, draft_id: str, *, lock: bool = False) -> Script[Draft | None]:
        row = yield one("SELECT * FROM drafts WHERE id = ?", draft_id, lock_rows=lock)
        return None if row is None else self._record(Draft, row)

    @writes
    def insert_draft(self, draft: Draft) -> Script[None]:
        values = (
            draft.id,
            draft.account_id,
            draft.recipient,
            draft.recipient_key,
            draft.channel,
            draft.subject,
            draft.text,
            dump_json(draft.attachments),
            draft.conversation_urn,
            draft.is_new_conversation,
            draft.state,
            draft.content_hash,
            draft.text_hash,
            draft.created_at,
            draft.updated_at,
            draft.created_by,
            draft.send_started_at,
            draft.attempt_id,
            None if draft.result is None else dump_json(draft.result),
            draft.error,
            draft.recipient_public_id,
            draft.recipient_name,
            draft.recipient_headline,
            draft.copy_to_crm,
            draft.follow_up_of,
        )
        marks = ", ".join("?" for _ in values)
        yield run(f"INSERT INTO drafts ({_DRAFT_COLUMNS}) VALUES ({marks})", *values)

    @reads
    def get_draft(self, draft_id: str) -> Script[Draft | None]:
        return (yield from self._draft(draft_id))

    @reads
    def list_drafts(
        self,
        *,
        account_id: str | None = None,
        states: Sequence[DraftState] | None = None,
        channel: Channel | None = None,
        sent_after: datetime | None = None,
        limit: int = 50,
    ) -> Script[list[Draft]]:
        """Newest first."""
        where = Where().given("account_id", "=", account_id).given("channel", "=", channel)
        where.given("send_started_at", ">", sent_after)
        if states:
            where.one_of("state", states)
        rows = yield all_rows(
            f"SELECT * FROM drafts WHERE {where.sql} ORDER BY created_at DESC, id LIMIT ?", *where.args, limit
        )
        return [self._record(Draft, r) for r in rows]

    @writes
    def update_draft_content(
        self,
        draft_id: str,
        *,
        subject: str | None,
        text: str,
        attachments: list[dict[str, Any]],
        content_hash: str,
        text_hash: str,
        now: datetime,
    ) -> Script[Draft | None]:
        """Replace the content only while the draft is in state `draft`; None otherwise (or unknown id)."""
        row = yield one(
            """UPDATE drafts SET subject = ?, text = ?, attachments = ?, content_hash = ?, text_hash = ?, updated_at = ?
               WHERE id = ? AND state = 'draft' RETURNING *""",
            subject,
            text,
            dump_json(attachments),
            content_hash,
            text_hash,
            now,
            draft_id,
        )
        return None if row is None else self._record(Draft, row)

    @staticmethod
    def _new_conversations(account_id: str, *, since: datetime, exclude: str) -> Script[int]:
        """New conversations of the account whose send started since `since` and may have reached LinkedIn."""
        where = _maybe_sent(since, exclude).compare("account_id", "=", account_id)
        where.compare("is_new_conversation", "=", True)
        return (yield one(f"SELECT COUNT(*) AS n FROM drafts WHERE {where.sql}", *where.args))["n"]

    @staticmethod
    def _invitations(account_id: str, *, since: datetime, exclude: str) -> Script[int]:
        """Invitations of the account whose send started since `since` and may have reached LinkedIn."""
        where = _maybe_sent(since, exclude).compare("account_id", "=", account_id)
        where.compare("channel", "=", INVITATION)
        return (yield one(f"SELECT COUNT(*) AS n FROM drafts WHERE {where.sql}", *where.args))["n"]

    def _hold(self, account_id: str, action: str, now: datetime) -> Script[datetime | None]:
        """When the account's hold on `action` ends, if one is on at `now`."""
        row = yield one(
            "SELECT until FROM holds WHERE account_id = ? AND action = ? AND until > ?", account_id, action, now
        )
        return None if row is None else self.dialect.dt(row["until"])

    @writes
    def set_hold(self, *, account_id: str, action: str, until: datetime, reason: str | None, now: datetime) -> Script[datetime]:
        """Hold the account's `action` until `until` (a later hold already recorded stands); the hold's end."""
        current = yield from self._hold(account_id, action, now)
        if current is not None and current >= until:
            return current
        yield run("DELETE FROM holds WHERE account_id = ? AND action = ?", account_id, action)
        yield run(
            "INSERT INTO holds (account_id, action, until, reason, recorded_at) VALUES (?, ?, ?, ?, ?)",
            account_id,
            action,
            until,
            reason,
            now,
        )
        return until

    @reads
    def hold_until(self, *, account_id: str, action: str, now: datetime) -> Script[datetime | None]:
        return (yield from self._hold(account_id, action, now))

    @staticmethod
    def _duplicate(recipient_key: str, text_hash: str, *, since: datetime, exclude: str) -> Script[Any]:
        """The newest other draft with the same text to the same person that may have reached LinkedIn."""
        where = _maybe_sent(since, exclude).compare("recipient_key", "=", recipient_key)
        where.compare("text_hash", "=", text_hash)
        return (
            yield one(
                f"SELECT id, send_started_at FROM drafts WHERE {where.sql} ORDER BY send_started_at DESC LIMIT 1",
                *where.args,
            )
        )

    @writes
    def begin_send(
        self,
        *,
        draft_id: str,
        token_digest: str | None,
        token_expires_at: datetime | None,
        attempt_id: str,
        now: datetime,
        day_start: datetime,
        duplicate_since: datetime,
        decide: SendStartDecision,
        week_start: datetime | None = None,
    ) -> Script[BeginSendResult]:
        """The single compare-and-set that lets exactly one caller send a draft.

        In one transaction, serialized per account (the daily cap) and per recipient (the duplicate
        rule): read the draft, whether the token digest (if any) was used, the account's new
        conversations since `day_start` (for a new conversation) and any duplicate since
        `duplicate_since`, and for an invitation the account's invitations since `week_start` and its hold
        on invitations; `decide` says whether the send starts. If it does, the token digest is
        consumed and the draft moves to `sending` with `attempt_id` and send_started_at=now.
        Used token digests whose expiry passed are pruned.
        """
        peek = yield from self._draft(draft_id)
        if peek is None:
            return BeginSendResult("missing", None)
        # Always account, then recipient, then the row: one order everywhere, so no deadlock.
        yield Lock(("send-account", peek.account_id))
        yield Lock(("send-recipient", peek.recipient_key))
        draft = yield from self._draft(draft_id, lock=True)
        assert draft is not None  # drafts are never deleted
        yield run("DELETE FROM used_tokens WHERE expires_at < ?", now)
        used = token_digest is not None and (yield one("SELECT 1 AS x FROM used_tokens WHERE digest = ?", token_digest)) is not None
        count = (yield from self._new_conversations(draft.account_id, since=day_start, exclude=draft.id)) if draft.is_new_conversation else None
        duplicate = yield from self._duplicate(draft.recipient_key, draft.text_hash, since=duplicate_since, exclude=draft.id)
        invitations = held = None
        if draft.channel == INVITATION:
            since = week_start or day_start
            invitations = yield from self._invitations(draft.account_id, since=since, exclude=draft.id)
            held = yield from self._hold(draft.account_id, INVITATION, now)
        facts = SendStartFacts(draft, used, count, None if duplicate is None else duplicate["id"], invitations, held)
        outcome = decide(facts)
        if outcome != "started":
            return BeginSendResult(
                outcome,
                draft,
                count=invitations if outcome == "weekly_cap" else count,
                other_draft_id=facts.duplicate_of,
                held_until=held,
            )
        if token_digest is not None:
            yield run(
                "INSERT INTO used_tokens (digest, draft_id, used_at, expires_at) VALUES (?, ?, ?, ?)",
                token_digest,
                draft_id,
                now,
                token_expires_at or now,
            )
        row = yield one(
            """UPDATE drafts SET state = 'sending', attempt_id = ?, send_started_at = ?, updated_at = ?,
                 result = NULL, error = NULL
               WHERE id = ? RETURNING *""",
            attempt_id,
            now,
            now,
            draft_id,
        )
        return BeginSendResult("started", self._record(Draft, row))

    @writes
    def transition_draft(
        self,
        draft_id: str,
        *,
        from_states: Sequence[DraftState],
        to_state: DraftState,
        now: datetime,
        attempt_id: str | None = None,
        started_before: datetime | None = None,
        result: dict[str, Any] | None = None,
        error: str | None = None,
        conversation_urn: str | None = None,
    ) -> Script[Draft | None]:
        """Compare-and-set the state; None when the conditions do not hold.

        Conditions: state in `from_states`; the draft's attempt id equals `attempt_id` (if given);
        send_started_at < `started_before` (if given). `result` and `error` are stored as given;
        `conversation_urn` (the thread a send went to) fills the draft's conversation when it had none.
        One UPDATE: the database re-checks its WHERE clause on the locked row, so this is a true CAS.
        """
        where = Where().compare("id", "=", draft_id).one_of("state", from_states)
        where.given("attempt_id", "=", attempt_id).given("send_started_at", "<", started_before)
        row = yield one(
            f"""UPDATE drafts SET state = ?, updated_at = ?, result = ?, error = ?,
                  conversation_urn = COALESCE(conversation_urn, ?)
                WHERE {where.sql} RETURNING *""",
            to_state,
            now,
            None if result is None else dump_json(result),
            error,
            conversation_urn,
            *where.args,
        )
        return None if row is None else self._record(Draft, row)

    # ---- do-not-contact and policy facts ---------------------------------------------------------
    @writes
    def add_dnc(self, entry: DncEntry) -> Script[DncEntry]:
        """Add unless the person already has an entry in that scope; return the stored entry."""
        yield run(
            """INSERT INTO dnc_entries (recipient_key, scope, recipient, public_id, name, reason, added_at, added_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipient_key, scope) DO NOTHING""",
            entry.recipient_key,
            entry.scope,
            entry.recipient,
            entry.public_id,
            entry.name,
            entry.reason,
            entry.added_at,
            entry.added_by,
        )
        row = yield one("SELECT * FROM dnc_entries WHERE recipient_key = ? AND scope = ?", entry.recipient_key, entry.scope)
        return self._record(DncEntry, row)

    @writes
    def remove_dnc(self, recipient_keys: Sequence[str], scope: str) -> Script[list[DncEntry]]:
        """Remove the entries under any of the person's keys in `scope`; return what was removed."""
        where = Where().one_of("recipient_key", recipient_keys).compare("scope", "=", scope)
        rows = yield all_rows(f"DELETE FROM dnc_entries WHERE {where.sql} RETURNING *", *where.args)
        return [self._record(DncEntry, r) for r in rows]

    @reads
    def list_dnc(
        self, *, recipient_keys: Sequence[str] | None = None, scopes: Sequence[str] | None = None
    ) -> Script[list[DncEntry]]:
        """Entries, oldest first: of these keys only, and in these scopes only (None: all)."""
        where = Where()
        if recipient_keys is not None:
            where.one_of("recipient_key", recipient_keys or [""])
        if scopes is not None:
            where.one_of("scope", scopes or [""])
        rows = yield all_rows(f"SELECT * FROM dnc_entries WHERE {where.sql} ORDER BY added_at, recipient_key, scope", *where.args)
        return [self._record(DncEntry, r) for r in rows]

    @reads
    def policy_facts(
        self,
        *,
        account_id: str,
        recipient_keys: Sequence[str],
        text_hash: str,
        exclude_draft_id: str | None,
        duplicate_since: datetime,
        day_start: datetime,
        week_start: datetime | None = None,
        now: datetime | None = None,
    ) -> Script[PolicyFacts]:
        """What the send policy needs about one prospective send (the same queries `begin_send` runs).

        `recipient_keys` are every key the person may be listed under; the first is their own key, which
        drafts carry. A do-not-contact entry counts in the account's scope or the organisation's. With
        `week_start` and `now`: the account's invitations this week and its hold on invitations.
        """
        exclude = exclude_draft_id or ""
        where = Where().one_of("recipient_key", recipient_keys or [""]).one_of("scope", (ORGANISATION, account_id))
        dnc_row = yield one(f"SELECT * FROM dnc_entries WHERE {where.sql} ORDER BY added_at LIMIT 1", *where.args)
        recipient_key = recipient_keys[0] if recipient_keys else ""
        duplicate = yield from self._duplicate(recipient_key, text_hash, since=duplicate_since, exclude=exclude)
        count = yield from self._new_conversations(account_id, since=day_start, exclude=exclude)
        invitations = held = None
        if week_start is not None:
            invitations = yield from self._invitations(account_id, since=week_start, exclude=exclude)
        if now is not None:
            held = yield from self._hold(account_id, INVITATION, now)
        return PolicyFacts(
            dnc=None if dnc_row is None else self._record(DncEntry, dnc_row),
            duplicate_draft_id=None if duplicate is None else duplicate["id"],
            duplicate_sent_at=None if duplicate is None else self.dialect.dt(duplicate["send_started_at"]),
            new_conversations_today=count,
            invitations_this_week=invitations or 0,
            invitations_held_until=held,
        )

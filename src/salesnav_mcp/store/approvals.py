"""Requests for a human's approval and their decisions: at most one decision each, made once, across processes."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import Approval, ApprovalKind, ApprovalState, DecideResult
from salesnav_mcp.store.rows import dump_json
from salesnav_mcp.store.script import Lock, Script, Where, all_rows, one, reads, run, writes


class Approvals(StoreBase):
    def _approval(self, approval_id: str, *, lock: bool = False) -> Script[Approval | None]:
        row = yield one("SELECT * FROM approvals WHERE id = ?", approval_id, lock_rows=lock)
        return None if row is None else self._record(Approval, row)

    @writes
    def request_approval(
        self,
        *,
        kind: ApprovalKind,
        subject: str,
        account_id: str | None,
        content_hash: str,
        review: dict[str, Any],
        requested_by: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> Script[Approval]:
        """The open request for exactly this content, or a new one; open requests for other content of the same
        subject are superseded (the human never approves what is no longer what would happen)."""
        yield Lock(("approval", kind, subject))
        yield run(
            "UPDATE approvals SET state = 'expired' WHERE kind = ? AND subject = ? AND state = 'pending' AND expires_at <= ?",
            kind,
            subject,
            now,
        )
        yield run(
            """UPDATE approvals SET state = 'superseded'
               WHERE kind = ? AND subject = ? AND state IN ('pending', 'approved') AND content_hash <> ?""",
            kind,
            subject,
            content_hash,
        )
        row = yield one(
            """SELECT * FROM approvals WHERE kind = ? AND subject = ? AND content_hash = ? AND state IN ('pending', 'approved')
               ORDER BY requested_at DESC LIMIT 1""",
            kind,
            subject,
            content_hash,
        )
        if row is not None:
            return self._record(Approval, row)
        row = yield one(
            """INSERT INTO approvals (id, kind, subject, account_id, content_hash, review, state, requested_by,
                 requested_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING *""",
            "ap_" + secrets.token_hex(8),
            kind,
            subject,
            account_id,
            content_hash,
            dump_json(review),
            requested_by,
            now,
            expires_at,
        )
        return self._record(Approval, row)

    @reads
    def get_approval(self, approval_id: str) -> Script[Approval | None]:
        return (yield from self._approval(approval_id))

    @reads
    def list_approvals(
        self,
        *,
        ids: Sequence[str] | None = None,
        states: Sequence[ApprovalState] | None = None,
        kind: ApprovalKind | None = None,
        subject: str | None = None,
        limit: int = 100,
    ) -> Script[list[Approval]]:
        """Oldest first."""
        where = Where()
        if ids is not None:
            where.one_of("id", ids or [""])
        if states:
            where.one_of("state", states)
        where.given("kind", "=", kind).given("subject", "=", subject)
        rows = yield all_rows(f"SELECT * FROM approvals WHERE {where.sql} ORDER BY requested_at, id LIMIT ?", *where.args, limit)
        return [self._record(Approval, r) for r in rows]

    @writes
    def decide_approval(
        self, approval_id: str, *, content_hash: str, approve: bool, surface: str, decided_by: str | None, now: datetime
    ) -> Script[DecideResult]:
        """The one compare-and-set of a decision: a pending, unexpired request for exactly this content."""
        approval = yield from self._approval(approval_id, lock=True)
        if approval is None:
            return DecideResult("missing", None)
        if approval.state != "pending":
            return DecideResult("not_pending", approval)
        if approval.expires_at <= now:
            yield run("UPDATE approvals SET state = 'expired' WHERE id = ?", approval_id)
            return DecideResult("expired", (yield from self._approval(approval_id)))
        if approval.content_hash != content_hash:
            return DecideResult("changed", approval)
        row = yield one(
            """UPDATE approvals SET state = ?, surface = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'
               RETURNING *""",
            "approved" if approve else "rejected",
            surface,
            decided_by,
            now,
            approval_id,
        )
        return DecideResult("decided", self._record(Approval, row))

    @writes
    def finish_approval(self, approval_id: str, *, outcome: dict[str, Any]) -> Script[Approval | None]:
        """approved -> done, keeping what the approved action did; None unless it was approved."""
        row = yield one(
            "UPDATE approvals SET state = 'done', outcome = ? WHERE id = ? AND state = 'approved' RETURNING *",
            dump_json(outcome),
            approval_id,
        )
        return None if row is None else self._record(Approval, row)

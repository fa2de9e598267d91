"""Append-only audit trail of everything the guardrails decide, and its export.

Entry kinds (`kind`, all listed in KINDS), each with the account, optional actor and a details dict:
  search.reserved  search.cache_hit  search.committed  search.released  search.expired  search.refused
  search.pages_charged  search.pages_refunded  (the page unit: pages past a search's first)
  pace.refused                                 (search calls, or profile views past the daily quota)
  reply.received                               (an answer to a sent draft; details name the drafts and how it came)
  webhook.refused                              (a delivery to the webhook receiver that was not accepted)
  draft.created  draft.edited
  confirm.approved  confirm.refused            (details carry mode and method)
  send.attempt  send.sent  send.failed  send.unknown  send.dry_run  send.refused  send.repeat  send.resolved
  dnc.added  dnc.removed
  invitation.hold  invitation.withdrawn  invitation.accepted  (connection requests: held, taken back, seen accepted)
  access.refused                               (a named user asked for what is not granted to them)
  approval.requested  approval.decided         (details carry the surface and who decided)

Details are scrubbed before they are stored and again on export: configured
secrets and bearer tokens are removed from every string (`redaction.redact`),
values under secret-looking keys are replaced, and secret query parameters in
URLs are masked. Callers never pass tokens or keys in details in the first place.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, TextIO, TypedDict, Unpack

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.redaction import redact
from salesnav_mcp.store import AuditEntry, AuditNote, Draft, Store

KINDS = (
    "search.reserved",
    "search.cache_hit",
    "search.committed",
    "search.released",
    "search.expired",
    "search.refused",
    "search.pages_charged",
    "search.pages_refunded",
    "pace.refused",
    "reply.received",
    "webhook.refused",
    "draft.created",
    "draft.edited",
    "confirm.approved",
    "confirm.refused",
    "send.attempt",
    "send.sent",
    "send.failed",
    "send.unknown",
    "send.dry_run",
    "send.refused",
    "send.repeat",
    "send.resolved",
    "dnc.added",
    "dnc.removed",
    "invitation.hold",
    "invitation.withdrawn",
    "invitation.accepted",
    "access.refused",
    "approval.requested",
    "approval.decided",
)
REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"(?i)(token|secret|passw|api[_-]?key|authorization|^auth$|cookie|credential|private[_-]?key|confirm[_-]?key)"
)
_SECRET_QUERY = re.compile(r"(?i)([?&](?:access_token|token|sat|sig|signature|key|api_key)=)[^&#\s\"']+")
CSV_COLUMNS = ("id", "at", "account_id", "actor", "kind", "details")


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret value configured in the settings (to be scrubbed wherever it shows up)."""
    values = [
        settings.connectsafely_api_key,
        settings.linkedin_access_token,
        settings.salesnav_confirm_key,
        settings.salesnav_http_token,
        settings.salesnav_state_key,
        settings.salesnav_webhook_secret,
    ]
    return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]


class Scrubber:
    """Removes secrets from JSON-like values."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = {s for s in secrets if s}

    def add(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def text(self, value: str) -> str:
        # Longest first, so a secret containing another is removed whole.
        out = redact(value, *sorted(self._secrets, key=len, reverse=True))
        return _SECRET_QUERY.sub(r"\1" + REDACTED, out)

    def value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): (REDACTED if _SECRET_KEY.search(str(k)) else self.value(v)) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.value(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, datetime):
            return value.isoformat()
        return self.text(str(value))


class About(TypedDict, total=False):
    """What an audit entry is about besides its kind."""

    account_id: str | None
    actor: str | None
    details: dict[str, Any] | None


class AuditLog:
    """Writes audit entries; there is intentionally no way to change or remove one."""

    def __init__(self, store: Store, clock: Clock, *, secrets: Iterable[str | None] = ()) -> None:
        self._store = store
        self._clock = clock
        self.scrubber = Scrubber(secrets)

    @classmethod
    def for_settings(cls, store: Store, settings: Settings, clock: Clock) -> AuditLog:
        return cls(store, clock, secrets=settings_secrets(settings))

    def note(self, kind: str, **about: Unpack[About]) -> AuditNote:
        """An entry, scrubbed, for a store operation to append in the transaction of what it records."""
        details = self.scrubber.value(about.get("details") or {})
        return AuditNote(self._clock.now(), about.get("account_id"), about.get("actor"), kind, details)

    async def record(self, kind: str, **about: Unpack[About]) -> int:
        """Append an entry on its own (what it records is already stored, or stores nothing)."""
        entry = self.note(kind, **about)
        return await self._store.append_audit(
            at=entry.at, account_id=entry.account_id, actor=entry.actor, kind=entry.kind, details=entry.details
        )

    async def record_draft(self, kind: str, draft: Draft, *, actor: str | None = None, **details: Any) -> int:
        """An entry about one draft: its account, its id first in the details."""
        return await self.record(kind, account_id=draft.account_id, actor=actor, details={"draft_id": draft.id, **details})

    async def entries(self, **filters: Any) -> list[AuditEntry]:
        """All entries matching the store's list_audit filters (since, until, account_id, kinds)."""
        return [e async for e in _iter_audit(self._store, **filters)]


async def _iter_audit(store: Store, *, page_size: int = 1000, **filters: Any):  # type: ignore[no-untyped-def]
    after = 0
    while True:
        page = await store.list_audit(after_id=after, limit=page_size, **filters)
        for entry in page:
            yield entry
        if len(page) < page_size:
            return
        after = page[-1].id


def _row(entry: AuditEntry, scrubber: Scrubber) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "account_id": entry.account_id,
        "actor": entry.actor,
        "kind": entry.kind,
        "details": scrubber.value(entry.details),
    }


async def export_audit(
    store: Store,
    stream: TextIO,
    fmt: Literal["jsonl", "csv"] = "jsonl",
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    account_id: str | None = None,
    kinds: Sequence[str] | None = None,
    secrets: Iterable[str | None] = (),
) -> int:
    """Write matching entries (oldest first) to `stream` as JSON Lines or CSV; return how many.

    CSV columns: id, at (ISO-8601 UTC), account_id, actor, kind, details (JSON).
    Pass `secrets=settings_secrets(settings)` to scrub values configured after entries were written.
    """
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"fmt must be 'jsonl' or 'csv', not {fmt!r}")
    scrubber = Scrubber(secrets)
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
    count = 0
    async for entry in _iter_audit(store, since=since, until=until, account_id=account_id, kinds=kinds):
        row = _row(entry, scrubber)
        if writer is None:
            stream.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        else:
            writer.writerow({**row, "details": json.dumps(row["details"], ensure_ascii=False, separators=(",", ":"))})
        count += 1
    return count

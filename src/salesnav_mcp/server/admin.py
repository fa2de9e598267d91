"""Operator commands on the store: budget, audit export, do-not-contact list, drafts.

These run outside any MCP session, on the same store (and guardrails) the server uses, so
what a human decides here (lifting a do-not-contact entry, resolving an unknown send) holds
for every server process sharing that store.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Literal, TextIO

from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import Guardrails, build_guardrails, export_audit, settings_secrets
from salesnav_mcp.store import open_store


@asynccontextmanager
async def open_guardrails(settings: Settings) -> AsyncIterator[Guardrails]:
    store = await open_store(settings)
    try:
        yield build_guardrails(store, settings)
    finally:
        await store.close()


async def budget_report(settings: Settings, account_ids: list[str], out: TextIO, *, as_json: bool) -> None:
    if not account_ids:
        from salesnav_mcp.server.wiring import open_services

        async with open_services(settings) as svc:
            account_ids = [a.id for a in await svc.connectsafely.list_accounts()]
    async with open_guardrails(settings) as guards:
        statuses = [await guards.budget.status(a) for a in account_ids]
    if as_json:
        out.write(json.dumps([s.as_dict() | {"account_id": s.account_id} for s in statuses], indent=2) + "\n")
        return
    for s in statuses:
        out.write(
            f"{s.account_id}: {s.used}/{s.limit} searches used in {s.month}"
            f"{f' ({s.pending} in flight)' if s.pending else ''}, {s.remaining} left, resets {s.resets_at:%Y-%m-%d}\n"
        )


async def audit_export(
    settings: Settings,
    out: TextIO,
    fmt: Literal["jsonl", "csv"],
    *,
    since: datetime | None,
    until: datetime | None,
    account_id: str | None,
    kinds: list[str] | None,
) -> int:
    async with open_guardrails(settings) as guards:
        return await export_audit(
            guards.store,
            out,
            fmt,
            since=since,
            until=until,
            account_id=account_id,
            kinds=kinds,
            secrets=settings_secrets(settings),
        )


async def dnc(settings: Settings, action: str, recipient: str | None, reason: str | None, out: TextIO) -> None:
    async with open_guardrails(settings) as guards:
        if action == "add":
            assert recipient
            await guards.dnc.add(recipient, reason=reason, actor="cli")
            out.write(f"{recipient} added to the do-not-contact list.\n")
        elif action == "remove":
            assert recipient
            removed = await guards.dnc.remove(recipient, actor="cli")
            out.write(f"{recipient} {'removed from' if removed else 'was not on'} the do-not-contact list.\n")
        else:
            for entry in await guards.dnc.list():
                out.write(f"{entry.recipient}\t{entry.added_at:%Y-%m-%d}\t{entry.reason or ''}\n")


async def drafts(
    settings: Settings, action: str, draft_id: str | None, outcome: str | None, state: str | None, out: TextIO
) -> None:
    async with open_guardrails(settings) as guards:
        if action == "resolve":
            assert draft_id and outcome in ("sent", "not_sent")
            draft = await guards.sender.resolve_unknown(
                draft_id, outcome, actor="cli", note="resolved on the command line"
            )  # type: ignore[arg-type]
            out.write(f"Draft {draft.id} is now {draft.state}.\n")
            return
        for d in await guards.drafts.list(states=[state] if state else None, limit=200):  # type: ignore[list-item]
            text = " ".join(d.text.split())
            out.write(f"{d.id}\t{d.state}\t{d.account_id}\t{d.recipient}\t{text[:60]}\n")

"""Operator commands on the store: budget, audit export, do-not-contact list, drafts.

These run outside any MCP session, on the same store (and guardrails) the server uses, so
what a human decides here (lifting a do-not-contact entry, resolving an unknown send) holds
for every server process sharing that store. The store and guardrails are imported when a
command runs: the CLI imports this module for every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TextIO

from salesnav_mcp.cli.common import EXIT_OK, CommandError, configure_logging, load_settings
from salesnav_mcp.config import Settings

if TYPE_CHECKING:
    from salesnav_mcp.guardrails import Guardrails


@asynccontextmanager
async def open_guardrails(settings: Settings) -> AsyncIterator[Guardrails]:
    from salesnav_mcp.guardrails import build_guardrails
    from salesnav_mcp.store import open_store

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
            f"{s.account_id}: {s.used}/{s.limit} {'searches' if s.unit == 'search' else 'pages walked'} used in {s.month}"
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
    from salesnav_mcp.guardrails import export_audit, settings_secrets

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
    """The organisation-wide do-not-contact list, as an operator at the terminal changes it."""
    from salesnav_mcp.guardrails import ORGANISATION, parse_recipient, person_keys
    from salesnav_mcp.guardrails.recipients import ref_keys

    async with open_guardrails(settings) as guards:
        if action == "list":
            for entry in await guards.dnc.list():
                scope = "every account" if entry.account_id is None else entry.account_id
                out.write(f"{entry.recipient}\t{scope}\t{entry.added_at:%Y-%m-%d}\t{entry.reason or ''}\n")
            return
        assert recipient
        ref = parse_recipient(recipient)
        # No upstream here: a person the server has seen is listed by URN, anyone else by the id given.
        person = await (guards.store.person_by_urn(ref.urn) if ref.urn else guards.store.person_by_public_id(ref.public_id or ""))
        if action == "add":
            entry = await guards.dnc.add(person or ref, scope=ORGANISATION, reason=reason, actor="cli")
            out.write(f"{entry.recipient} added to the do-not-contact list (every account).\n")
        else:
            keys = person_keys(person) if person else ref_keys(ref)
            removed = await guards.dnc.remove(keys, scope=ORGANISATION, actor="cli")
            out.write(f"{ref} {'removed from' if removed else 'was not on'} the do-not-contact list.\n")


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


def _iso(value: str) -> Any:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def configure_budget(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account", action="append", default=[], help="account id (repeatable; default: every account)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")


def run_budget(args: argparse.Namespace) -> int:
    import anyio

    configure_logging(args.log_level)
    anyio.run(partial(budget_report, load_settings(), args.account, sys.stdout, as_json=args.json))
    return EXIT_OK


def configure_audit(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("--since", type=_iso, help="from this ISO-8601 time (UTC when no offset)")
    parser.add_argument("--until", type=_iso, help="up to this ISO-8601 time")
    parser.add_argument("--account", help="only this account id")
    parser.add_argument("--kind", action="append", help="only this kind of entry, e.g. send.attempt (repeatable)")
    parser.add_argument("--output", help="write to this file instead of stdout")


def run_audit(args: argparse.Namespace) -> int:
    import anyio

    configure_logging(args.log_level)
    settings = load_settings()
    export = partial(
        audit_export,
        settings,
        fmt=args.format,
        since=args.since,
        until=args.until,
        account_id=args.account,
        kinds=args.kind,
    )
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            count = anyio.run(partial(export, handle))
        print(f"{count} audit entries written to {args.output}", file=sys.stderr)
    else:
        anyio.run(partial(export, sys.stdout))
    return EXIT_OK


def configure_dnc(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "add", "remove"])
    parser.add_argument("recipient", nargs="?", help="profile id or URN (for add and remove)")
    parser.add_argument("--reason", help="why (for add)")


def run_dnc(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.guardrails import GuardrailError

    if args.action != "list" and not args.recipient:
        raise CommandError(f"dnc {args.action} needs a recipient (public id, urn:li:fsd_profile: URN or profile URL)")
    configure_logging(args.log_level)
    try:
        anyio.run(partial(dnc, load_settings(), args.action, args.recipient, args.reason, sys.stdout))
    except GuardrailError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


def configure_drafts(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["list", "resolve"])
    parser.add_argument("draft_id", nargs="?", help="the draft (for resolve)")
    parser.add_argument("outcome", nargs="?", choices=["sent", "not_sent"], help="what LinkedIn shows (for resolve)")
    parser.add_argument("--state", choices=["draft", "sending", "sent", "failed", "unknown"], help="only this state")


def run_drafts(args: argparse.Namespace) -> int:
    import anyio

    from salesnav_mcp.guardrails import GuardrailError

    if args.action == "resolve" and not (args.draft_id and args.outcome):
        raise CommandError("drafts resolve needs a draft id and an outcome: sent or not_sent")
    configure_logging(args.log_level)
    try:
        anyio.run(partial(drafts, load_settings(), args.action, args.draft_id, args.outcome, args.state, sys.stdout))
    except GuardrailError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import timedelta

import pytest
from pydantic import SecretStr

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import (
    ORGANISATION,
    ConfirmationRefused,
    ElicitedApproval,
    TokenConfirmation,
    export_audit,
    person_keys,
    settings_secrets,
)
from salesnav_mcp.guardrails.audit import KINDS
from salesnav_mcp.store import SQLiteStore
from tests.guardrails.helpers import RecordingSender, new_draft, person
from tests.support.store import ACCOUNT

pytestmark = pytest.mark.anyio

CANARY = "canary-5ecret-7f3a9b"


async def full_scenario(guards, clock: ManualClock) -> str:  # type: ignore[no-untyped-def]
    """Run one of every guarded action; return the confirmation token that was used."""
    async with guards.budget.search(ACCOUNT, "q1") as lease:
        await lease.record_page([{"id": "1"}], key=lambda p: p["id"], next_offset=25, complete=True)
    async with guards.budget.search(ACCOUNT, "q1"):
        pass  # cache hit
    with pytest.raises(RuntimeError):
        async with guards.budget.search(ACCOUNT, "q2"):
            raise RuntimeError("upstream down")
    await guards.pacer.acquire(ACCOUNT)
    blocked = person("urn:li:fsd_profile:ACoAABlocked", "blocked-person-1")
    await guards.dnc.add(blocked, reason="opted out", actor="ops")
    await guards.dnc.remove(person_keys(blocked), scope=ORGANISATION, actor="ops")
    created = await new_draft(guards, actor="dana")
    edited = await guards.drafts.edit(created.draft.id, text="Hi Dana, quick question?", actor="dana")
    with pytest.raises(ConfirmationRefused):
        await guards.sender.send(
            created.draft.id, ElicitedApproval(False, edited.draft.content_hash), RecordingSender()
        )
    token = edited.token.token
    confirmation = TokenConfirmation(token, edited.draft.recipient, edited.draft.text, actor="dana")
    await guards.sender.send(created.draft.id, confirmation, RecordingSender())
    return token


async def test_every_action_is_recorded(guards, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    await full_scenario(guards, clock)
    kinds = [e.kind for e in await guards.audit.entries()]
    assert kinds == [
        "search.reserved",
        "search.committed",
        "search.cache_hit",
        "search.reserved",
        "search.released",
        "dnc.added",
        "dnc.removed",
        "draft.created",
        "draft.edited",
        "confirm.refused",
        "confirm.approved",
        "send.attempt",
        "send.sent",
    ]
    assert set(kinds) <= set(KINDS)
    entries = await guards.audit.entries()
    assert [e.id for e in entries] == sorted(e.id for e in entries)
    created = next(e for e in entries if e.kind == "draft.created")
    assert created.actor == "dana" and created.account_id == ACCOUNT and created.details["channel"] == "linkedin_inbox"
    approved = next(e for e in entries if e.kind == "confirm.approved")
    assert approved.details["mode"] == "client" and approved.details["method"] == "token"


async def test_export_jsonl_and_csv(guards, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    await full_scenario(guards, clock)
    entries = await guards.audit.entries()

    jsonl = io.StringIO()
    assert await export_audit(guards.store, jsonl, "jsonl") == len(entries)
    rows = [json.loads(line) for line in jsonl.getvalue().splitlines()]
    assert [r["kind"] for r in rows] == [e.kind for e in entries]
    assert set(rows[0]) == {"id", "at", "account_id", "actor", "kind", "details"}
    assert rows[0]["at"] == "2026-11-02T09:00:00+00:00"

    text = io.StringIO()
    assert await export_audit(guards.store, text, "csv", kinds=["send.sent", "draft.created"]) == 2
    table = list(csv.DictReader(io.StringIO(text.getvalue())))
    assert [r["kind"] for r in table] == ["draft.created", "send.sent"]
    assert json.loads(table[1]["details"])["result"]["messageId"] == "msg-1"

    with pytest.raises(ValueError, match="fmt must be"):
        await export_audit(guards.store, io.StringIO(), "xml")  # type: ignore[arg-type]


async def test_export_filters_by_time_and_account(guards, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    await guards.audit.record("dnc.added", account_id=None, details={"n": 1})
    clock.advance(timedelta(hours=1))
    start = clock.now()
    await guards.audit.record("search.reserved", account_id=ACCOUNT, details={"n": 2})
    out = io.StringIO()
    assert await export_audit(guards.store, out, since=start, account_id=ACCOUNT) == 1
    assert json.loads(out.getvalue())["details"] == {"n": 2}


async def test_no_secret_ever_reaches_the_export(make_guardrails, clock: ManualClock) -> None:  # type: ignore[no-untyped-def]
    guards = make_guardrails(connectsafely_api_key=SecretStr(CANARY), salesnav_confirm_mode="client")
    token = await full_scenario(guards, clock)
    await guards.audit.record(
        "send.failed",
        account_id=ACCOUNT,
        details={
            "error": f"upstream said: invalid key {CANARY}",
            "api_key": "canary-by-key-name",
            "headers": {"Authorization": "Bearer canary-bearer-value"},
            "note": "retry with Bearer canary-in-text",
            "download": "https://host/sandbox-media/exports/1.csv?expires=1&sig=canary-signature",
            "nested": [{"password": "canary-password"}, {"confirmation_token": token}],
        },
    )
    generated_key = await guards.store.kv_get("confirm_key")
    assert generated_key

    for fmt in ("jsonl", "csv"):
        out = io.StringIO()
        await export_audit(guards.store, out, fmt, secrets=settings_secrets(guards.confirmer._settings))
        dump = out.getvalue()
        for secret in (
            CANARY,
            "canary-by-key-name",
            "canary-bearer-value",
            "canary-in-text",
            "canary-signature",
            "canary-password",
            token,
            generated_key,
        ):
            assert secret not in dump, (fmt, secret)
        assert "[redacted]" in dump


async def test_secret_configured_later_is_scrubbed_on_export(guards) -> None:  # type: ignore[no-untyped-def]
    await guards.audit.record("send.failed", details={"error": f"rejected {CANARY}"})
    out = io.StringIO()
    await export_audit(guards.store, out, secrets=[CANARY])
    assert CANARY not in out.getvalue()


async def test_audit_table_is_append_only(guards, data_dir, store_url) -> None:  # type: ignore[no-untyped-def]
    await guards.audit.record("dnc.added", details={"recipient": "x"})
    assert not hasattr(guards.store, "update_audit") and not hasattr(guards.store, "delete_audit")
    if store_url is None:
        assert isinstance(guards.store, SQLiteStore)
        raw = sqlite3.connect(data_dir / "salesnav.db")
        try:
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute("UPDATE audit SET kind = 'forged'")
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                raw.execute("DELETE FROM audit")
        finally:
            raw.close()
    else:
        import psycopg

        with psycopg.connect(store_url, autocommit=True) as conn:
            for statement in ("UPDATE audit SET kind = 'forged'", "DELETE FROM audit", "TRUNCATE audit"):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    conn.execute(statement)
    assert [e.kind for e in await guards.audit.entries()] == ["dnc.added"]

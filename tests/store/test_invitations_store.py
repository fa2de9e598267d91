"""The store's part of connection requests on both databases: invitation drafts, the week's count the cap reads,
the hold on an account's invitations, the send start refusing past either, accepted requests, and migrations 5
and 6 on an older file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from salesnav_mcp.guardrails.policy import week_start
from salesnav_mcp.guardrails.send import SendStartRule
from salesnav_mcp.store import INVITATION, Store, open_store
from salesnav_mcp.store.schema import LATEST_VERSION
from tests.store.test_replies_store import ACCOUNT, ANNA, BEN, OTHER, draft
from tests.support.settings import make_settings
from tests.support.store import sqlite_at_version

pytestmark = pytest.mark.anyio

MONDAY = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
NOW = MONDAY + timedelta(days=2, hours=10)


def invitation(draft_id: str, person: str = ANNA, **kw: object) -> object:
    return replace(draft(draft_id, person, conversation=None, **kw), channel=INVITATION, is_new_conversation=False)  # type: ignore[arg-type]


async def facts(store: Store, account: str = ACCOUNT) -> tuple[int, datetime | None]:
    got = await store.policy_facts(
        account_id=account, recipient_keys=[], text_hash="", exclude_draft_id=None, duplicate_since=NOW,
        day_start=NOW, week_start=week_start(NOW), now=NOW,
    )
    return got.invitations_this_week, got.invitations_held_until


async def test_the_week_counts_invitations_that_may_have_gone_out(store: Store) -> None:
    await store.insert_draft(invitation("i1", sent_at=MONDAY + timedelta(minutes=1)))  # type: ignore[arg-type]
    await store.insert_draft(invitation("i2", BEN, state="unknown", sent_at=NOW))  # type: ignore[arg-type]
    await store.insert_draft(invitation("i3", BEN, state="failed", sent_at=NOW))  # type: ignore[arg-type]
    await store.insert_draft(invitation("i4", sent_at=MONDAY - timedelta(seconds=1)))  # type: ignore[arg-type]  # last week
    await store.insert_draft(invitation("i5", account=OTHER, sent_at=NOW))  # type: ignore[arg-type]
    await store.insert_draft(draft("m1", sent_at=NOW, conversation=None))  # a message is no invitation
    assert await facts(store) == (2, None)
    stored = await store.get_draft("i1")
    assert stored is not None and stored.channel == INVITATION


async def test_a_hold_lasts_until_its_end_and_a_shorter_one_does_not_shorten_it(store: Store) -> None:
    until = NOW + timedelta(hours=24)
    assert await store.set_hold(account_id=ACCOUNT, action=INVITATION, until=until, reason="429", now=NOW) == until
    earlier = NOW + timedelta(hours=1)
    assert await store.set_hold(account_id=ACCOUNT, action=INVITATION, until=earlier, reason="x", now=NOW) == until
    assert await facts(store) == (0, until) and await facts(store, OTHER) == (0, None)
    assert await store.hold_until(account_id=ACCOUNT, action=INVITATION, now=until) is None  # over at its end
    later = until + timedelta(hours=2)
    assert await store.set_hold(account_id=ACCOUNT, action=INVITATION, until=later, reason="y", now=until) == later


@pytest.mark.parametrize("held", [False, True])
async def test_the_send_start_refuses_past_the_weekly_cap_or_in_a_hold(store: Store, held: bool) -> None:
    for n in range(2):
        await store.insert_draft(invitation(f"sent{n}", BEN, sent_at=NOW - timedelta(hours=n)))  # type: ignore[arg-type]
    await store.insert_draft(invitation("next", state="draft"))  # type: ignore[arg-type]
    if held:
        await store.set_hold(account_id=ACCOUNT, action=INVITATION, until=NOW + timedelta(hours=3), reason="", now=NOW)

    async def begin(cap: int) -> object:
        return await store.begin_send(
            draft_id="next", token_digest=None, token_expires_at=None, attempt_id="a_1", now=NOW,
            day_start=NOW, duplicate_since=NOW, week_start=week_start(NOW),
            decide=SendStartRule("cnext", daily_cap=100, weekly_invitations=cap).decide,
        )

    refused = await begin(2)
    assert refused.outcome == ("held" if held else "weekly_cap")  # type: ignore[attr-defined]
    assert refused.count == 2 or held  # type: ignore[attr-defined]
    started = await begin(3)
    assert started.outcome == ("held" if held else "started")  # type: ignore[attr-defined]


async def test_migrations_from_version_4_keep_every_draft_and_admit_invitations(tmp_path: Path) -> None:
    """On a SQLite file made by version 4, migrations 5 and 6 (PostgreSQL runs the same statements:
    store/schema.py)."""
    data = tmp_path / "data"
    conn = sqlite_at_version(data, 4)
    with pytest.raises(sqlite3.IntegrityError):  # version 4 knows no invitations
        conn.execute(
            "INSERT INTO drafts (id, account_id, recipient, recipient_key, channel, text, attachments, "
            "is_new_conversation, state, content_hash, text_hash, created_at, updated_at) "
            "VALUES ('x', 'a', 'r', 'r', 'invitation', '', '[]', 0, 'draft', 'c', 't', 0, 0)"
        )
    conn.execute(
        "INSERT INTO drafts (id, account_id, recipient, recipient_key, channel, text, attachments, "
        "is_new_conversation, state, content_hash, text_hash, created_at, updated_at, send_started_at, "
        "copy_to_crm, replied_at, follow_up_of) "
        f"VALUES ('d_old', '{ACCOUNT}', '{ANNA}', '{ANNA}', 'sales_navigator', 'Hello', '[]', 1, 'sent', 'c', 't', "
        "1, 2, 1, 1, 3, 'd_first')"
    )
    conn.commit()
    conn.close()
    async with await open_store(make_settings(data)) as store:
        assert await store.schema_version() == LATEST_VERSION == 6
        old = await store.get_draft("d_old")
        assert old is not None
        assert (old.channel, old.text, old.state, old.copy_to_crm, old.follow_up_of) == (
            "sales_navigator", "Hello", "sent", True, "d_first"
        )
        assert old.replied_at == datetime.fromtimestamp(3, UTC) and old.accepted_at is None
        await store.insert_draft(invitation("i_new", state="draft"))  # type: ignore[arg-type]
        assert [d.id for d in await store.list_drafts(account_id=ACCOUNT)] == ["i_new", "d_old"]


async def test_an_accepted_request_is_recorded_once_and_only_for_a_sent_invitation(store: Store) -> None:
    await store.insert_draft(invitation("i1", sent_at=NOW - timedelta(days=3)))  # type: ignore[arg-type]
    await store.insert_draft(invitation("i2", BEN, sent_at=NOW - timedelta(days=40)))  # type: ignore[arg-type]
    await store.insert_draft(invitation("i3", BEN, state="failed", sent_at=NOW))  # type: ignore[arg-type]
    await store.insert_draft(draft("m1", sent_at=NOW, conversation=None))  # a message is no invitation
    recent = await store.list_drafts(
        account_id=ACCOUNT, states=["sent"], channel=INVITATION, sent_after=NOW - timedelta(days=30)
    )
    assert [d.id for d in recent] == ["i1"]
    assert await store.mark_invitation_accepted("i1", now=NOW) is True
    assert await store.mark_invitation_accepted("i1", now=NOW + timedelta(hours=1)) is False  # the first stands
    assert [await store.mark_invitation_accepted(d, now=NOW) for d in ("i3", "m1")] == [False, False]
    accepted = await store.get_draft("i1")
    assert accepted is not None and accepted.accepted_at == NOW and accepted.state == "sent"

"""Shared test helpers for the guardrail tests (plain module, importable by name)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.sending import upstream_send
from salesnav_mcp.store import Draft, Person

ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"
OTHER_ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c91"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


# The PostgreSQL server the store tests run against (the CI machine provides it; trust auth).
PG_URL = os.environ.get("SALESNAV_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


def schema_url(schema: str, base: str = PG_URL) -> str:
    """`base` with every connection's search_path set to `schema` (tables are created there)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-c search_path={schema}')}"


@contextmanager
def temporary_schema(base: str = PG_URL) -> Iterator[str]:
    """A fresh, empty schema; yields a store URL that uses it, drops it (and everything in it) after."""
    import psycopg

    schema = "salesnav_test_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(schema, base)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    """Settings that do not depend on the machine's environment or .env file."""
    values: dict[str, Any] = {
        "salesnav_data_dir": data_dir,
        "salesnav_store_url": None,
        "salesnav_monthly_search_budget": 300,
        "salesnav_budget_warn_ratio": 0.8,
        "salesnav_search_per_minute": 30,
        "salesnav_search_per_day": 1000,
        "salesnav_confirm_mode": "client",
        "salesnav_confirm_key": None,
        "salesnav_dry_run": False,
        "salesnav_daily_new_conversations": 100,
        "connectsafely_api_key": None,
        "linkedin_access_token": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class RecordingSender:
    """An injected send_fn that records every call and answers like upstream (or raises)."""

    def __init__(self, *, raises: BaseException | None = None, delay: float = 0.0) -> None:
        self.calls: list[Draft] = []
        self.raises = raises
        self.delay = delay

    async def __call__(self, draft: Draft) -> Any:
        # Through the real adapter, as the messaging tools send: upstream errors become SendFailure.
        return await upstream_send(self._call)(draft)

    async def _call(self, draft: Draft) -> dict[str, Any]:
        self.calls.append(draft)
        if self.delay:
            await anyio.sleep(self.delay)
        if self.raises is not None:
            raise self.raises
        return {"success": True, "messageId": f"msg-{len(self.calls)}", "recipient": draft.recipient}


RECIPIENT = "urn:li:fsd_profile:ACoAABcdefgh"
RECIPIENT_PUBLIC_ID = "dana-example-1a2b"
TEXT = "Hi Dana, saw your talk on data contracts. Worth a chat?"


def person(urn: str = RECIPIENT, public_id: str | None = RECIPIENT_PUBLIC_ID, name: str | None = "Dana Example") -> Person:
    """A resolved recipient, as the operations layer hands it to the guardrails."""
    return Person(urn=urn, public_id=public_id, name=name, headline="Head of Data at Example", updated_at=START)


async def new_draft(guards: Any, **overrides: Any) -> Any:
    """Create a classic reply draft (no credit or subject rules apply) unless overridden.

    A `recipient` given as a URN is the person with that URN (and no public id known)."""
    if isinstance(overrides.get("recipient"), str):
        overrides["recipient"] = person(overrides["recipient"], None, None)
    values: dict[str, Any] = {
        "account_id": ACCOUNT,
        "recipient": person(),
        "channel": "linkedin_inbox",
        "text": TEXT,
        "is_new_conversation": False,
        "conversation_urn": "urn:li:fsd_conversation:2-abc",
    }
    values.update(overrides)
    return await guards.drafts.create(**values)

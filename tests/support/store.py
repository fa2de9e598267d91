"""Store test data: account ids, people as the guardrails receive them, and throwaway PostgreSQL schemas.

Tests of the store run on both backends: a SQLite file in a temporary directory and a fresh schema
of the real PostgreSQL server (`SALESNAV_TEST_PG_URL`; the CI machine provides it, trust auth).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from salesnav_mcp.store import Person

ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"
OTHER_ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c91"

PG_URL = os.environ.get("SALESNAV_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgres")


def schema_url(schema: str, base: str = PG_URL) -> str:
    """`base` with every connection's search_path set to `schema` (tables are created there)."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-c search_path={schema}')}"


@contextmanager
def temporary_schema(base: str = PG_URL, prefix: str = "salesnav_test_") -> Iterator[str]:
    """A fresh, empty schema; yields a store URL that uses it, drops it (and everything in it) after."""
    import psycopg

    schema = prefix + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield schema_url(schema, base)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def someone(recipient: str) -> Person:
    """The person a recipient id names, as the operations layer resolves it for the guardrails."""
    urn = recipient if recipient.startswith("urn:li:fsd_profile:") else f"urn:li:fsd_profile:{recipient}"
    public_id = None if recipient.startswith("urn:") else recipient.lower()
    return Person(urn=urn, public_id=public_id, name=None, headline=None, updated_at=datetime.now(UTC))


def sqlite_at_version(data: Path, version: int) -> sqlite3.Connection:
    """A SQLite store file in the data directory `data`, migrated up to `version` only (as an older release left
    it), open for the test to add rows; commit and close it before the store opens it."""
    from salesnav_mcp.store.schema import migrations
    from salesnav_mcp.store.sqlite import DB_FILENAME, OWN_STATEMENTS, TYPES

    data.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(data / DB_FILENAME)
    conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
    for number, statements in migrations(TYPES, OWN_STATEMENTS)[:version]:
        for statement in statements:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version VALUES (?, 0)", (number,))
    return conn

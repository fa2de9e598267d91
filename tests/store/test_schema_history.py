"""A migration a database has applied is never changed: its statements are pinned by digest.

Databases record only the version they reached, so an edited old migration would leave existing databases
and new ones with different schemas. A new schema change is a new version (and a new digest here).
"""

from __future__ import annotations

import hashlib

import pytest

from salesnav_mcp.store import postgres, schema, sqlite

APPLIED = {
    "sqlite": [
        "8919a896fb989aac", "fb41c73f099ad340", "bf480164092df2ab", "0e21c21ec8d0f6dc", "0f82c00fb2b3e220",
        "54a9a021def86bfb",
    ],
    "postgres": [
        "a73ce1f844b9f338", "4badcac626bc7255", "54bd5dba5d7b8944", "ac9825b74a80c747", "8e7fb152f1a43fa0",
        "291fe4e1a57a073c",
    ],
}


def _digest(statements: list[str]) -> str:
    return hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()[:16]


@pytest.mark.parametrize("dialect, types", [("sqlite", sqlite.TYPES), ("postgres", postgres.TYPES)])
def test_applied_migrations_keep_their_statements(dialect: str, types: schema.ColumnTypes) -> None:
    versions = schema.migrations(types, {})
    assert [n for n, _ in versions] == list(range(1, schema.LATEST_VERSION + 1))
    assert [_digest(statements) for _, statements in versions] == APPLIED[dialect]

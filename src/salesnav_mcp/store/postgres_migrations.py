"""Versioned schema of the PostgreSQL store.

The same rules as the SQLite migrations (store/migrations.py): each migration is
(version, statements), versions only grow, a released migration is never edited.
A version number means the same logical schema on both databases, so the two
lists grow together. Tables are created unqualified, in the first schema of the
connection's search_path. Times are TIMESTAMPTZ; JSON is kept as TEXT exactly as
written (like SQLite), so stored values round-trip byte for byte.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        1,
        [
            "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE searches (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                query_key TEXT NOT NULL,
                month TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'expired')),
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                committed_at TIMESTAMPTZ,
                total INTEGER,
                complete BOOLEAN NOT NULL DEFAULT FALSE,
                item_count INTEGER NOT NULL DEFAULT 0,
                next_offset INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX searches_budget ON searches (account_id, month, status)",
            "CREATE INDEX searches_cache ON searches (account_id, query_key, status, committed_at)",
            "CREATE INDEX searches_updated ON searches (updated_at)",
            """CREATE TABLE search_items (
                search_id TEXT NOT NULL REFERENCES searches (id),
                position INTEGER NOT NULL,
                item_key TEXT NOT NULL,
                item TEXT NOT NULL,
                PRIMARY KEY (search_id, position),
                UNIQUE (search_id, item_key)
            )""",
            "CREATE TABLE rate_events (account_id TEXT NOT NULL, kind TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)",
            "CREATE INDEX rate_events_window ON rate_events (account_id, kind, at)",
            """CREATE TABLE drafts (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recipient_key TEXT NOT NULL,
                channel TEXT NOT NULL CHECK (channel IN ('linkedin_inbox', 'sales_navigator')),
                subject TEXT,
                text TEXT NOT NULL,
                attachments TEXT NOT NULL,
                conversation_urn TEXT,
                is_new_conversation BOOLEAN NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('draft', 'sending', 'sent', 'failed', 'unknown')),
                content_hash TEXT NOT NULL,
                text_hash TEXT NOT NULL,
                created_at TIMESTAMPTZ NOT NULL,
                updated_at TIMESTAMPTZ NOT NULL,
                created_by TEXT,
                send_started_at TIMESTAMPTZ,
                attempt_id TEXT,
                result TEXT,
                error TEXT
            )""",
            "CREATE INDEX drafts_duplicates ON drafts (recipient_key, text_hash, state)",
            "CREATE INDEX drafts_daily ON drafts (account_id, is_new_conversation, send_started_at)",
            "CREATE INDEX drafts_account ON drafts (account_id, created_at)",
            """CREATE TABLE used_tokens (
                digest TEXT PRIMARY KEY,
                draft_id TEXT NOT NULL,
                used_at TIMESTAMPTZ NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            )""",
            """CREATE TABLE dnc (
                recipient_key TEXT PRIMARY KEY,
                recipient TEXT NOT NULL,
                reason TEXT,
                added_at TIMESTAMPTZ NOT NULL,
                added_by TEXT
            )""",
            """CREATE TABLE audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL,
                account_id TEXT,
                actor TEXT,
                kind TEXT NOT NULL,
                details TEXT NOT NULL
            )""",
            "CREATE INDEX audit_at ON audit (at)",
            # Append-only is enforced by the database too, not just by the absence of an API.
            """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$""",
            """CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
               FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
            """CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
               FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()""",
            """CREATE TABLE ssi_snapshots (
                account_id TEXT NOT NULL,
                day DATE NOT NULL,
                payload TEXT NOT NULL,
                recorded_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account_id, day)
            )""",
            """CREATE TABLE inmail_credit_snapshots (
                account_id TEXT NOT NULL,
                day DATE NOT NULL,
                value INTEGER NOT NULL,
                recorded_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (account_id, day)
            )""",
        ],
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]

"""The versioned schema, for both databases, and which migrations a database still needs.

Each migration is (version, statements). Versions only grow; a released migration is never
edited, a change is a new version. A version means the same logical schema on both databases:
the statements are written once with the column types each database names differently, plus
what only one of them has (engines pass it in: PostgreSQL's append-only trigger function, an
index). Times are REAL unix seconds on SQLite and TIMESTAMPTZ on PostgreSQL; JSON is TEXT
exactly as written on both, so stored values round-trip byte for byte. Tables are created
unqualified (PostgreSQL: in the first schema of the search_path).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from salesnav_mcp.store.base import StoreError
from salesnav_mcp.store.script import Lock, Script, one, run

Migration = tuple[int, list[str]]  # (version, statements)


@dataclass(frozen=True)
class ColumnTypes:
    time: str
    flag: str
    false: str
    day: str
    serial_key: str  # an increasing integer primary key


def _version_1(t: ColumnTypes) -> list[str]:
    return [
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        f"""CREATE TABLE searches (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            query_key TEXT NOT NULL,
            month TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('reserved', 'committed', 'released', 'expired')),
            created_at {t.time} NOT NULL,
            updated_at {t.time} NOT NULL,
            committed_at {t.time},
            total INTEGER,
            complete {t.flag} NOT NULL DEFAULT {t.false},
            item_count INTEGER NOT NULL DEFAULT 0,
            next_offset INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX searches_budget ON searches (account_id, month, status)",
        "CREATE INDEX searches_cache ON searches (account_id, query_key, status, committed_at)",
        """CREATE TABLE search_items (
            search_id TEXT NOT NULL REFERENCES searches (id),
            position INTEGER NOT NULL,
            item_key TEXT NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (search_id, position),
            UNIQUE (search_id, item_key)
        )""",
        f"CREATE TABLE rate_events (account_id TEXT NOT NULL, kind TEXT NOT NULL, at {t.time} NOT NULL)",
        "CREATE INDEX rate_events_window ON rate_events (account_id, kind, at)",
        _drafts_table(t, "drafts", "'linkedin_inbox', 'sales_navigator'"),
        "CREATE INDEX drafts_duplicates ON drafts (recipient_key, text_hash, state)",
        "CREATE INDEX drafts_daily ON drafts (account_id, is_new_conversation, send_started_at)",
        "CREATE INDEX drafts_account ON drafts (account_id, created_at)",
        f"""CREATE TABLE used_tokens (
            digest TEXT PRIMARY KEY,
            draft_id TEXT NOT NULL,
            used_at {t.time} NOT NULL,
            expires_at {t.time} NOT NULL
        )""",
        f"""CREATE TABLE dnc (
            recipient_key TEXT PRIMARY KEY,
            recipient TEXT NOT NULL,
            reason TEXT,
            added_at {t.time} NOT NULL,
            added_by TEXT
        )""",
        f"""CREATE TABLE audit (
            id {t.serial_key},
            at {t.time} NOT NULL,
            account_id TEXT,
            actor TEXT,
            kind TEXT NOT NULL,
            details TEXT NOT NULL
        )""",
        "CREATE INDEX audit_at ON audit (at)",
        _daily_snapshots(t, "ssi_snapshots", "payload TEXT"),
        _daily_snapshots(t, "inmail_credit_snapshots", "value INTEGER"),
    ]


def _drafts_table(t: ColumnTypes, name: str, channels: str, later_columns: str = "") -> str:
    """The drafts table as version 1 created it, or as version 5 rebuilt it (wider channel CHECK, the columns
    versions 2 to 4 added)."""
    return f"""CREATE TABLE {name} (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            recipient TEXT NOT NULL,
            recipient_key TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ({channels})),
            subject TEXT,
            text TEXT NOT NULL,
            attachments TEXT NOT NULL,
            conversation_urn TEXT,
            is_new_conversation {t.flag} NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('draft', 'sending', 'sent', 'failed', 'unknown')),
            content_hash TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            created_at {t.time} NOT NULL,
            updated_at {t.time} NOT NULL,
            created_by TEXT,
            send_started_at {t.time},
            attempt_id TEXT,
            result TEXT,
            error TEXT{later_columns}
        )"""


def _daily_snapshots(t: ColumnTypes, table: str, value_column: str) -> str:
    """One value per account and UTC day."""
    return f"""CREATE TABLE {table} (
            account_id TEXT NOT NULL,
            day {t.day} NOT NULL,
            {value_column} NOT NULL,
            recorded_at {t.time} NOT NULL,
            PRIMARY KEY (account_id, day)
        )"""


def _version_2(t: ColumnTypes) -> list[str]:
    """One identity per person: the people the server has seen, drafts naming the resolved person (and
    whether the CRM gets a copy), do-not-contact entries scoped to an account or the whole organisation."""
    return [
        f"""CREATE TABLE people (
            urn TEXT PRIMARY KEY,
            public_id TEXT,
            name TEXT,
            headline TEXT,
            updated_at {t.time} NOT NULL
        )""",
        "CREATE INDEX people_public_id ON people (public_id)",
        "ALTER TABLE drafts ADD COLUMN recipient_public_id TEXT",
        "ALTER TABLE drafts ADD COLUMN recipient_name TEXT",
        "ALTER TABLE drafts ADD COLUMN recipient_headline TEXT",
        f"ALTER TABLE drafts ADD COLUMN copy_to_crm {t.flag} NOT NULL DEFAULT {t.false}",
        f"""CREATE TABLE dnc_entries (
            recipient_key TEXT NOT NULL,
            scope TEXT NOT NULL,
            recipient TEXT NOT NULL,
            public_id TEXT,
            name TEXT,
            reason TEXT,
            added_at {t.time} NOT NULL,
            added_by TEXT,
            PRIMARY KEY (recipient_key, scope)
        )""",
        # Entries made before scopes were organisation-wide.
        """INSERT INTO dnc_entries (recipient_key, scope, recipient, reason, added_at, added_by)
           SELECT recipient_key, '*', recipient, reason, added_at, added_by FROM dnc""",
        "DROP TABLE dnc",
    ]


def _version_3(t: ColumnTypes) -> list[str]:
    """Requests for a human's approval (a send, a do-not-contact removal, a search spend) and their decisions."""
    return [
        f"""CREATE TABLE approvals (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('send', 'dnc_removal', 'search_spend')),
            subject TEXT NOT NULL,
            account_id TEXT,
            content_hash TEXT NOT NULL,
            review TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'done', 'expired', 'superseded')),
            surface TEXT,
            requested_by TEXT,
            decided_by TEXT,
            requested_at {t.time} NOT NULL,
            decided_at {t.time},
            expires_at {t.time} NOT NULL,
            outcome TEXT
        )""",
        "CREATE INDEX approvals_subject ON approvals (kind, subject, state)",
        "CREATE INDEX approvals_state ON approvals (state, requested_at)",
    ]


def _version_4(t: ColumnTypes) -> list[str]:
    """The prospecting loop: which engine ran a search and how many pages it was charged, replies to sent
    drafts and follow-ups, every inbound message seen once (polled or delivered by webhook), and researched
    profiles with the profile views that count against the daily quota."""
    return [
        "ALTER TABLE searches ADD COLUMN engine TEXT NOT NULL DEFAULT 'sales_navigator'",
        "ALTER TABLE searches ADD COLUMN pages INTEGER NOT NULL DEFAULT 0",
        # Every search charged so far was charged its first page.
        "UPDATE searches SET pages = 1 WHERE status = 'committed'",
        f"ALTER TABLE drafts ADD COLUMN replied_at {t.time}",
        "ALTER TABLE drafts ADD COLUMN reply_message_urn TEXT",
        "ALTER TABLE drafts ADD COLUMN follow_up_of TEXT",
        "CREATE INDEX drafts_recipient ON drafts (account_id, recipient_key, state)",
        f"""CREATE TABLE inbound_messages (
            message_urn TEXT PRIMARY KEY,
            account_id TEXT NOT NULL,
            conversation_urn TEXT,
            sender_urn TEXT,
            sender_public_id TEXT,
            sender_name TEXT,
            text TEXT,
            sent_at {t.time} NOT NULL,
            via TEXT NOT NULL CHECK (via IN ('poll', 'webhook')),
            recorded_at {t.time} NOT NULL
        )""",
        "CREATE INDEX inbound_messages_account ON inbound_messages (account_id, sent_at)",
        f"""CREATE TABLE profiles (
            account_id TEXT NOT NULL,
            public_id TEXT NOT NULL,
            urn TEXT,
            payload TEXT NOT NULL,
            fetched_at {t.time} NOT NULL,
            PRIMARY KEY (account_id, public_id)
        )""",
        f"CREATE TABLE profile_views (account_id TEXT NOT NULL, public_id TEXT NOT NULL, at {t.time} NOT NULL)",
        "CREATE INDEX profile_views_window ON profile_views (account_id, at)",
    ]


def _version_5(t: ColumnTypes) -> list[str]:
    """Connection requests: a draft may be an invitation (the drafts table is rebuilt, since neither database
    can widen a column's CHECK in place on both), and holds an account's actions are under (upstream's 24 h
    hold on connection requests after its weekly limit)."""
    columns = (
        "id, account_id, recipient, recipient_key, channel, subject, text, attachments, conversation_urn, "
        "is_new_conversation, state, content_hash, text_hash, created_at, updated_at, created_by, send_started_at, "
        "attempt_id, result, error, recipient_public_id, recipient_name, recipient_headline, copy_to_crm, "
        "replied_at, reply_message_urn, follow_up_of"
    )
    return [
        _drafts_table(
            t,
            "drafts_v5",
            "'linkedin_inbox', 'sales_navigator', 'invitation'",
            f""",
            recipient_public_id TEXT,
            recipient_name TEXT,
            recipient_headline TEXT,
            copy_to_crm {t.flag} NOT NULL DEFAULT {t.false},
            replied_at {t.time},
            reply_message_urn TEXT,
            follow_up_of TEXT""",
        ),
        f"INSERT INTO drafts_v5 ({columns}) SELECT {columns} FROM drafts",
        "DROP TABLE drafts",
        "ALTER TABLE drafts_v5 RENAME TO drafts",
        "CREATE INDEX drafts_duplicates ON drafts (recipient_key, text_hash, state)",
        "CREATE INDEX drafts_daily ON drafts (account_id, is_new_conversation, send_started_at)",
        "CREATE INDEX drafts_account ON drafts (account_id, created_at)",
        "CREATE INDEX drafts_recipient ON drafts (account_id, recipient_key, state)",
        "CREATE INDEX drafts_weekly ON drafts (account_id, channel, send_started_at)",
        f"""CREATE TABLE holds (
            account_id TEXT NOT NULL,
            action TEXT NOT NULL,
            until {t.time} NOT NULL,
            reason TEXT,
            recorded_at {t.time} NOT NULL,
            PRIMARY KEY (account_id, action)
        )""",
    ]


def _version_6(t: ColumnTypes) -> list[str]:
    """Accepted connection requests: when the server first saw a sent invitation's person connected."""
    return [f"ALTER TABLE drafts ADD COLUMN accepted_at {t.time}"]


def migrations(types: ColumnTypes, own: dict[int, list[str]]) -> list[Migration]:
    """Every migration for a database with these column types; `own` adds its own statements per version."""
    versions = (_version_1, _version_2, _version_3, _version_4, _version_5, _version_6)
    return [(n, build(types) + own.get(n, [])) for n, build in enumerate(versions, start=1)]


LATEST_VERSION = 6


def migrate(types: ColumnTypes, own: dict[int, list[str]], *, remedy: str) -> Script[None]:
    """Bring the schema to the latest version; processes starting together apply each migration once."""
    yield Lock(("salesnav-mcp/migrations",))
    yield run(f"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at {types.time} NOT NULL)")
    current = (yield one("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version"))["v"]
    for version, statements in pending_migrations(migrations(types, own), current, remedy=remedy):
        for statement in statements:
            yield run(statement)
        yield run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", version, datetime.now(UTC))


def pending_migrations(all_migrations: list[Migration], current: int, *, remedy: str) -> list[Migration]:
    """The migrations newer than `current`, in order; refuses a schema newer than any we know."""
    latest = all_migrations[-1][0]
    if current > latest:
        raise StoreError(
            f"The database schema is version {current}, newer than this program knows ({latest}). {remedy}"
        )
    return [(version, statements) for version, statements in all_migrations if version > current]

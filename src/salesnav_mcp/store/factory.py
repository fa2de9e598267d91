"""Pick and open the store the settings ask for."""

from __future__ import annotations

from salesnav_mcp.config import Settings
from salesnav_mcp.store.api import Store
from salesnav_mcp.store.base import StoreError
from salesnav_mcp.store.sqlite import DB_FILENAME, SQLiteStore


async def open_store(settings: Settings) -> Store:
    """Open (creating and migrating as needed) the store for these settings.

    Default: SQLite file `salesnav.db` in `settings.salesnav_data_dir`.
    `settings.salesnav_store_url` may name `sqlite:///<path>` explicitly, or a
    `postgresql://` URL (libpq syntax) for a store shared by several server replicas;
    `postgres://` and SQLAlchemy-style `postgresql+psycopg://` are accepted too.
    """
    url = (settings.salesnav_store_url.get_secret_value() if settings.salesnav_store_url else "").strip()
    if not url:
        return await SQLiteStore.open(settings.salesnav_data_dir / DB_FILENAME)
    scheme = url.split(":", 1)[0].lower()
    if scheme == "sqlite" and url.lower().startswith("sqlite:///"):
        from pathlib import Path

        return await SQLiteStore.open(Path(url[len("sqlite:///") :]))
    if scheme in ("postgresql", "postgres") or scheme.startswith("postgresql+"):
        # Imported here: psycopg is an optional extra, needed only for a PostgreSQL store.
        from salesnav_mcp.store.postgres import PostgresStore

        libpq_url = "postgresql:" + url.split(":", 1)[1]
        return await PostgresStore.open(libpq_url, pool_size=settings.salesnav_store_pool_size)
    raise StoreError(
        f"SALESNAV_STORE_URL has an unsupported scheme {scheme!r}: use sqlite:///<path to file>, "
        "postgresql://user@host:port/dbname, or leave it unset."
    )

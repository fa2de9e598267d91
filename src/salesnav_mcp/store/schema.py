"""Schema-version bookkeeping both stores share: which migrations a database still needs."""

from __future__ import annotations

from salesnav_mcp.store.base import StoreError

Migration = tuple[int, list[str]]  # (version, statements)


def pending_migrations(migrations: list[Migration], current: int, *, remedy: str) -> list[Migration]:
    """The migrations newer than `current`, in order; refuses a schema newer than any we know."""
    latest = migrations[-1][0]
    if current > latest:
        raise StoreError(
            f"The database schema is version {current}, newer than this program knows ({latest}). {remedy}"
        )
    return [(version, statements) for version, statements in migrations if version > current]

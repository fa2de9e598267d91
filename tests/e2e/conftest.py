from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.store import temporary_schema


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """A throwaway schema of the real PostgreSQL server, shared by a module's replicas; yields its store URL."""
    with temporary_schema(prefix="salesnav_e2e_") as url:
        yield url

"""Fixtures: a real store on each backend, a manual clock, wired guardrails.

Every test using `store` (or `store_url`) runs twice: on a SQLite file in a temporary
directory and on a fresh schema of the real PostgreSQL server (`SALESNAV_TEST_PG_URL`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from guard_helpers import BACKENDS, START, RecordingSender, make_settings, temporary_schema

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import Guardrails, build_guardrails
from salesnav_mcp.store import Store, open_store


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_url(backend: str) -> Iterator[str | None]:
    """SALESNAV_STORE_URL for the backend: None (SQLite in the data dir) or a throwaway PostgreSQL schema."""
    if backend == "sqlite":
        yield None
        return
    with temporary_schema() as url:
        yield url


@pytest.fixture
async def store(data_dir: Path, store_url: str | None) -> AsyncIterator[Store]:
    opened = await open_store(make_settings(data_dir, salesnav_store_url=store_url))
    yield opened
    await opened.close()


GuardrailsFactory = Callable[..., Guardrails]


@pytest.fixture
def make_guardrails(store: Store, data_dir: Path, store_url: str | None, clock: ManualClock) -> GuardrailsFactory:
    """Guardrails on the shared test store; keyword arguments override settings."""

    def make(**overrides: Any) -> Guardrails:
        return build_guardrails(store, make_settings(data_dir, salesnav_store_url=store_url, **overrides), clock)

    return make


@pytest.fixture
def guards(make_guardrails: GuardrailsFactory) -> Guardrails:
    return make_guardrails()


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()

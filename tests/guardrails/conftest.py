"""Fixtures: a real SQLite store in a temporary directory, a manual clock, wired guardrails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from guard_helpers import START, RecordingSender, make_settings

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


@pytest.fixture
async def store(data_dir: Path) -> AsyncIterator[Store]:
    opened = await open_store(make_settings(data_dir))
    yield opened
    await opened.close()


GuardrailsFactory = Callable[..., Guardrails]


@pytest.fixture
def make_guardrails(store: Store, data_dir: Path, clock: ManualClock) -> GuardrailsFactory:
    """Guardrails on the shared test store; keyword arguments override settings."""

    def make(**overrides: Any) -> Guardrails:
        return build_guardrails(store, make_settings(data_dir, **overrides), clock)

    return make


@pytest.fixture
def guards(make_guardrails: GuardrailsFactory) -> Guardrails:
    return make_guardrails()


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()

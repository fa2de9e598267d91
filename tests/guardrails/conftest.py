"""Fixtures: guardrails wired on the shared test store (both backends, see tests/conftest.py), on a manual clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails import Guardrails, build_guardrails
from salesnav_mcp.store import Store
from tests.guardrails.helpers import START, RecordingSender
from tests.support.settings import make_settings


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


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

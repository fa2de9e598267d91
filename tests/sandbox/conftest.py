"""Fixtures for driving the sandbox app in process through httpx2's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.sandbox import SandboxConfig, create_app
from tests.sandbox.helpers import API_KEY, RESTLI, Sandbox


@pytest.fixture
def make_sandbox() -> Callable[..., Any]:
    """`async with make_sandbox(**config) as sb:` for tests that need a non-default configuration."""

    @asynccontextmanager
    async def factory(**config: Any) -> AsyncIterator[Sandbox]:
        clock = config.pop("clock", None) or ManualClock()
        app = create_app(SandboxConfig(clock=clock, **config))
        transport = httpx2.ASGITransport(app=app)
        async with (
            httpx2.AsyncClient(transport=transport, base_url="http://sandbox/linkedin", headers=API_KEY) as cs,
            httpx2.AsyncClient(transport=transport, base_url="http://sandbox/v2", headers=RESTLI) as li,
            httpx2.AsyncClient(transport=transport, base_url="http://sandbox") as raw,
        ):
            yield Sandbox(app, clock, cs, li, raw)

    return factory


@pytest.fixture
async def sb(make_sandbox: Callable[..., Any]) -> AsyncIterator[Sandbox]:
    """A default sandbox (seed 7) on a manual clock, with search limits raised out of the way."""
    async with make_sandbox(search_per_minute=100_000, search_per_day=100_000) as sandbox:
        yield sandbox

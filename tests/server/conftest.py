"""Fixtures: the real server on the embedded sandbox, driven through the SDK's in-process client.

`mcp_client` runs every test that uses it twice: protocol 2026-07-28 (`mode="auto"`) and the
2025-11-25 handshake (`mode="legacy"`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import Clock, ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.wiring import open_services


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_settings(tmp_path: Any, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "salesnav_data_dir": tmp_path,
        "salesnav_sandbox": True,
        "salesnav_search_per_minute": 10_000,
        "salesnav_search_per_day": 100_000,
        "salesnav_confirm_mode": "auto",
        # No browser opens in a test, and a call waiting for a human returns at once.
        "salesnav_approval_browser": False,
        "salesnav_approval_wait": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000)


@pytest.fixture
async def services(settings: Settings, clock: Clock, sandbox_config: SandboxConfig) -> AsyncIterator[Services]:
    async with open_services(settings, clock=clock, sandbox_config=sandbox_config) as svc:
        yield svc


@pytest.fixture
def server(settings: Settings, services: Services) -> MCPServer:
    return build_server(settings, services=services)


@pytest.fixture(params=["auto", "legacy"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def mcp_client(server: MCPServer, mode: str) -> AsyncIterator[Client]:
    async with Client(server, mode=mode) as client:
        yield client


@pytest.fixture
def connect(mode: str) -> Callable[..., Any]:
    """Open an extra client on a server, in this test's protocol mode (e.g. with an elicitation callback)."""

    @asynccontextmanager
    async def _connect(server: MCPServer, **kwargs: Any) -> AsyncIterator[Client]:
        async with Client(server, mode=mode, **kwargs) as client:
            yield client

    return _connect


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


def world(services: Services) -> Any:
    """The sandbox's in-memory world, for assertions on what upstream saw."""
    return services.sandbox_app.state.world

"""Fixtures every test folder shares; a folder's own conftest.py holds only what is specific to it.

- `anyio_backend`: async tests run on asyncio.
- Clocks: `clock` is the real clock the in-process server runs on (guardrails/ and upstream/ override it
  with a manual one); `manual_clock` is a ManualClock for tests that move time themselves.
- The store on both backends: every test using `store` (or `store_url`) runs twice, on a SQLite file
  in a temporary directory and on a fresh schema of the real PostgreSQL server (`SALESNAV_TEST_PG_URL`).
- The real server on the embedded sandbox, driven through the SDK's in-process client: `mcp_client`
  runs every test that uses it twice, protocol 2026-07-28 (`mode="auto"`) and the 2025-11-25
  handshake (`mode="legacy"`).
- Subprocesses (cli/, e2e/): `workdir` and an `env` without the machine's project variables.

Helpers shared by several folders are in tests/support (`from tests.support.<module> import ...`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
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
from salesnav_mcp.store import Store, open_store
from tests.support.processes import isolated_env
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.store import BACKENDS, temporary_schema


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# ---------------------------------------------------------------------------------------------- clocks


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


# ------------------------------------------------------------------------------- the store, both backends


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


# ------------------------------------------------------------------ the in-process server on the sandbox


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return make_settings(tmp_path, SANDBOX_SERVER)


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


# -------------------------------------------------------------------------------------------- subprocesses


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def env(workdir: Path) -> dict[str, str]:
    """No credentials: both APIs run on the embedded sandbox."""
    return isolated_env(workdir)

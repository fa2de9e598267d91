"""The real server and a bare one side by side in this process, on one embedded sandbox.

`running()` opens salesnav's services on a sandbox with high limits, builds the real server and a
bare `MCPServer` whose one tool makes the same upstream SSI call with plain httpx2 (no guardrails,
no store, no models), and connects an SDK in-process client to each.
"""

from __future__ import annotations

import gc
import logging
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig, create_app
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.wiring import SANDBOX_HOST, open_services


def quiet_logging() -> None:
    """Keep per-request INFO lines (SDK, httpx2) out of the bench's terminal; both servers log the same."""
    logging.basicConfig(level=logging.WARNING, handlers=[logging.NullHandler()], force=True)


def bench_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "salesnav_data_dir": data_dir,
        "salesnav_sandbox": True,
        "salesnav_search_per_minute": 10_000,
        "salesnav_search_per_day": 100_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def bare_server(sandbox_app: Any) -> tuple[MCPServer, httpx2.AsyncClient]:
    """A bare MCPServer whose tool calls the sandbox's SSI endpoint directly and returns its JSON."""
    http = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=sandbox_app), base_url=f"{SANDBOX_HOST}/linkedin", timeout=30.0
    )
    server = MCPServer("bare")

    @server.tool()
    async def get_ssi(account_id: str = DEFAULT_ACCOUNT_ID) -> dict[str, Any]:
        """Social Selling Index, straight from upstream."""
        response = await http.get("/ssi", params={"accountId": account_id}, headers={"Authorization": "Bearer x"})
        response.raise_for_status()
        return response.json()

    return server, http


@dataclass
class Pair:
    services: Services
    ours: Client
    bare: Client


@asynccontextmanager
async def running(
    sandbox: SandboxConfig | None = None,
    clock: Clock | None = None,
    wrap: Callable[[Any], Any] | None = None,
    extra_tools: Sequence[Callable[..., Any]] = (),
    **settings_overrides: Any,
) -> AsyncIterator[Pair]:
    """Both servers on one sandbox; `wrap` may put ASGI middleware (e.g. a recorder) around the sandbox,
    `extra_tools` are added to our server (e.g. the floor's echo, to tell our tools' work from the stack's)."""
    quiet_logging()
    clock = clock or Clock()
    config = sandbox or SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000)
    app = create_app(config.model_copy(update={"clock": clock}))
    if wrap is not None:
        app = wrap(app)
    with tempfile.TemporaryDirectory(prefix="salesnav-bench-inprocess-") as tmp:
        settings = bench_settings(Path(tmp), **settings_overrides)
        async with open_services(settings, clock=clock, sandbox_app=app) as services:
            server = build_server(settings, services=services)
            for tool in extra_tools:
                server.tool()(tool)
            bare, http = bare_server(app)
            async with http, Client(server) as ours, Client(bare) as bare_client:
                quiet_logging()  # MCPServer() configures INFO logging on construction
                # As `salesnav-mcp` does once built: what is built so far (both servers, and the sandbox
                # world that stands in for a remote upstream) stays out of the cyclic collector's walks.
                gc.freeze()
                try:
                    yield Pair(services, ours, bare_client)
                finally:
                    gc.unfreeze()

"""Fixtures: the real clients wired to the embedded sandbox, in process.

Requests go through `RecordingTransport`, an `httpx2.ASGITransport` that also keeps
what crossed the wire, so tests can assert on headers, query strings and how many
tries were made. Nothing is mocked: the sandbox answers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.sandbox import FaultRule, SandboxConfig, create_app
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.snap import SnapClient
from tests.support.settings import make_settings
from tests.upstream.helpers import CLIENT_SETTINGS, CS_BASE, SNAP_BASE


@dataclass
class Exchange:
    method: str
    url: httpx2.URL
    headers: httpx2.Headers
    content: bytes
    status: int | None = None
    response_headers: httpx2.Headers | None = None
    response_content: bytes = b""

    @property
    def route(self) -> str:
        return f"{self.method} {self.url.path}"


class RecordingTransport(httpx2.ASGITransport):
    """The sandbox's ASGI transport, keeping a log of every exchange."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.exchanges: list[Exchange] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        content = await request.aread()
        exchange = Exchange(request.method, request.url, httpx2.Headers(request.headers), content)
        self.exchanges.append(exchange)
        response = await super().handle_async_request(request)
        exchange.status = response.status_code
        exchange.response_headers = httpx2.Headers(response.headers)
        exchange.response_content = await response.aread()
        return response

    def to(self, route_suffix: str, method: str | None = None) -> list[Exchange]:
        return [
            e for e in self.exchanges if e.url.path.endswith(route_suffix) and (method is None or e.method == method)
        ]


@dataclass
class Upstream:
    """One sandbox with both clients pointed at it."""

    app: Any
    transport: RecordingTransport
    cs: ConnectSafelyClient
    snap: SnapClient
    clock: ManualClock
    settings: Settings
    extra_clients: list[Any] = field(default_factory=list)

    @property
    def world(self) -> Any:
        return self.app.state.world

    def connectsafely(self, api_key: str | None) -> ConnectSafelyClient:
        """Another ConnectSafely client on the same sandbox, with a different key (None: no key at all)."""
        client = ConnectSafelyClient(
            api_key=api_key,
            base_url=CS_BASE,
            settings=self.settings.model_copy(update={"connectsafely_api_key": None}),
            transport=self.transport,
            clock=self.clock,
            rng=random.Random(1),
            sandbox=True,
        )
        self.extra_clients.append(client)
        return client

    def partner(self, access_token: str | None) -> SnapClient:
        """Another partner-API client on the same sandbox, with a different token (None: no token at all)."""
        client = SnapClient(
            access_token=access_token,
            base_url=SNAP_BASE,
            settings=self.settings.model_copy(update={"linkedin_access_token": None}),
            transport=self.transport,
            clock=self.clock,
            rng=random.Random(1),
            sandbox=True,
        )
        self.extra_clients.append(client)
        return client

    async def __aenter__(self) -> Upstream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for client in [self.cs, self.snap, *self.extra_clients]:
            await client.aclose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def upstream(clock: ManualClock):
    """Factory: `async with upstream(faults=[...], settings=..., **sandbox_config) as up:`."""

    def make(
        *,
        faults: Iterable[FaultRule] = (),
        seed: int = 7,
        rng_seed: int = 1,
        settings: Settings | None = None,
        **config: Any,
    ) -> Upstream:
        app = create_app(SandboxConfig(seed=seed, faults=list(faults), clock=clock, **config))
        transport = RecordingTransport(app)
        cfg = settings or make_settings(None, CLIENT_SETTINGS)
        cs = ConnectSafelyClient(
            settings=cfg,
            base_url=CS_BASE,
            transport=transport,
            clock=clock,
            rng=random.Random(rng_seed),
            sandbox=True,
        )
        snap = SnapClient(
            settings=cfg,
            base_url=SNAP_BASE,
            transport=transport,
            clock=clock,
            rng=random.Random(rng_seed),
            sandbox=True,
        )
        return Upstream(app, transport, cs, snap, clock, cfg)

    return make

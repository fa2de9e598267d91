"""Open the services a server runs on: store, guardrails and both upstream clients.

An API with credentials (and no SALESNAV_SANDBOX) talks to the real service; otherwise
its client talks to the embedded sandbox in-process, through the same client code.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import anyio
import httpx2

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import build_guardrails
from salesnav_mcp.operations.services import Services
from salesnav_mcp.server.approval_page import LocalApprovalPage
from salesnav_mcp.server.identity import request_user
from salesnav_mcp.store import open_store
from salesnav_mcp.upstream.base import UpstreamClient
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.snap import SnapClient

logger = logging.getLogger("salesnav_mcp")

SANDBOX_HOST = "http://sandbox.invalid"
SANDBOX_CREDENTIAL = "sandbox"

C = TypeVar("C", bound=UpstreamClient)


class LazySandboxApp:
    """The embedded sandbox as an ASGI app built on its first request.

    Its synthetic world takes ~0.2 s to build: not worth delaying the answer to `initialize`, which
    needs no upstream call. `.state` (the world, fault rules) builds it too.
    """

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._app: Any | None = None

    @property
    def app(self) -> Any:
        if self._app is None:
            self._app = self._build()
        return self._app

    @property
    def state(self) -> Any:
        return self.app.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


def sandbox_app_for(settings: Settings, clock: Clock, sandbox_config: Any | None = None) -> LazySandboxApp:
    def build() -> Any:
        from salesnav_mcp.sandbox import SandboxConfig, create_app

        replies: dict[str, Any] = {}
        if settings.salesnav_sandbox_reply_share is not None:
            replies["reply_share"] = settings.salesnav_sandbox_reply_share
        if settings.salesnav_sandbox_reply_delay is not None:
            replies["reply_delay"] = settings.salesnav_sandbox_reply_delay.total_seconds()
        config = sandbox_config or SandboxConfig(seed=settings.salesnav_sandbox_seed, **replies)
        if config.clock is None:
            config = config.model_copy(update={"clock": clock})
        return create_app(config)

    return LazySandboxApp(build)


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    sandbox_app: Any | None = None,
    sandbox_config: Any | None = None,
    live_transport: httpx2.AsyncBaseTransport | None = None,
) -> AsyncIterator[Services]:
    """Open everything a server needs; `live_transport` routes the live clients (tests point it at the sandbox)."""
    clock = clock or Clock()
    if sandbox_app is None and not (settings.connectsafely_live and settings.linkedin_live):
        sandbox_app = sandbox_app_for(settings, clock, sandbox_config)
    transport = httpx2.ASGITransport(app=sandbox_app) if sandbox_app is not None else None

    def client(kind: Callable[..., C], live: bool, sandbox_path: str, **sandbox_credential: str) -> C:
        """A client of the real API, or of its embedded sandbox (with a stand-in credential)."""
        if live:
            return kind(settings=settings, clock=clock, transport=live_transport)
        return kind(settings=settings, clock=clock, transport=transport, base_url=f"{SANDBOX_HOST}{sandbox_path}",
                    sandbox=True, **sandbox_credential)

    async with AsyncExitStack() as stack:
        store = await open_store(settings)
        stack.push_async_callback(store.close)
        connectsafely = await stack.enter_async_context(
            client(ConnectSafelyClient, settings.connectsafely_live, "/linkedin", api_key=SANDBOX_CREDENTIAL)
        )
        snap = await stack.enter_async_context(
            client(SnapClient, settings.linkedin_live, "/v2", access_token=SANDBOX_CREDENTIAL)
        )
        # The approval page serves (on a loopback port of its own) from its first use until the services close.
        pages = await stack.enter_async_context(anyio.create_task_group())
        stack.callback(pages.cancel_scope.cancel)
        page = LocalApprovalPage(settings, pages.start)
        logger.debug("services open. %s", settings.mode_summary())
        services = Services(
            settings=settings,
            clock=clock,
            connectsafely=connectsafely,
            snap=snap,
            guardrails=build_guardrails(store, settings, clock),
            sandbox_app=sandbox_app,
            current_user=request_user,
            approval_page=page,
        )
        page.attach(services)
        yield services

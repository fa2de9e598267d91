"""SALESNAV_STATE_KEY: a confirmation dialog started on one replica completes on another.

Two servers (two "replicas" sharing one store and one sandbox) sit behind a round-robin
transport, so the request that answers the elicitation lands on the other replica than the
one that asked. With a shared key it completes; with each replica's own key it is refused.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.request_state import InvalidRequestState
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from mcp_types import ElicitResult
from pydantic import SecretStr

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.app import SERVER_NAME, build_server
from salesnav_mcp.server.state import StateKeyError, request_state_security
from salesnav_mcp.server.wiring import open_services

pytestmark = pytest.mark.anyio

BASE = "http://testserver"
KEY = "k3y-shared-by-every-replica-0123456789abcdef"
TEXT = "Hi! Saw your team is growing in Berlin. Open to a 20-minute call next week?"


def settings_for(tmp_path: Path, state_key: str | None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        salesnav_data_dir=tmp_path,
        salesnav_sandbox=True,
        salesnav_search_per_minute=10_000,
        salesnav_search_per_day=100_000,
        salesnav_confirm_mode="elicit",
        salesnav_state_key=SecretStr(state_key) if state_key else None,
    )


def test_no_key_keeps_the_sdk_default_and_a_short_key_is_refused(tmp_path: Path) -> None:
    assert request_state_security(settings_for(tmp_path, None), SERVER_NAME) is None
    with pytest.raises(StateKeyError, match="SALESNAV_STATE_KEY must be at least 32 bytes") as refused:
        request_state_security(settings_for(tmp_path, "too-short-secret"), SERVER_NAME)
    assert "too-short-secret" not in str(refused.value)


def test_replicas_with_the_same_key_open_each_others_state(tmp_path: Path) -> None:
    one = request_state_security(settings_for(tmp_path, KEY), SERVER_NAME)
    other = request_state_security(settings_for(tmp_path, KEY), SERVER_NAME)
    stranger = request_state_security(settings_for(tmp_path, KEY.upper()), SERVER_NAME)
    assert one is not None and other is not None and stranger is not None
    sealed = one.codec.seal(b"state")
    assert other.codec.unseal(sealed) == b"state"
    with pytest.raises(InvalidRequestState):
        stranger.codec.unseal(sealed)


class RoundRobin(httpx2.AsyncBaseTransport):
    """A load balancer in front of several in-process replicas: each request goes to the next one."""

    def __init__(self, apps: list[Any]) -> None:
        self._transports = [httpx2.ASGITransport(app=app) for app in apps]
        self.served_by: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        index = len(self.served_by) % len(self._transports)
        self.served_by.append(index)
        return await self._transports[index].handle_async_request(request)


class Approve:
    """The human approves every dialog."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        self.shown.append(params.message)
        return ElicitResult(action="accept", content={name: True for name in params.requested_schema["properties"]})


async def replicas(stack: AsyncExitStack, tmp_path: Path, keys: list[str | None]) -> tuple[Services, RoundRobin]:
    """Replicas on one store and one sandbox world, each with its own state key (None: the SDK's own)."""
    config = SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000)
    shared = await stack.enter_async_context(
        open_services(settings_for(tmp_path, None), clock=Clock(), sandbox_config=config)
    )
    apps = []
    for key in keys:
        services = await stack.enter_async_context(
            open_services(settings_for(tmp_path, key), clock=Clock(), sandbox_app=shared.sandbox_app)
        )
        server = build_server(services.settings, services=services)
        app = server.streamable_http_app(
            streamable_http_path="/mcp",
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        await stack.enter_async_context(app.router.lifespan_context(app))
        apps.append(app)
    return shared, RoundRobin(apps)


def a_new_lead(services: Services) -> str:
    world = services.sandbox_app.state.world
    threads = {c.lead.profile_id for c in world.conversations_of(DEFAULT_ACCOUNT_ID)}
    return next(
        lead.profile_id
        for lead in world.leads
        if lead.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and lead.profile_id not in threads
    )


async def confirmed_send(tmp_path: Path, keys: list[str | None]) -> tuple[Any, RoundRobin, Services, Approve]:
    async with AsyncExitStack() as stack:
        shared, balancer = await replicas(stack, tmp_path, keys)
        human = Approve()
        http = await stack.enter_async_context(httpx2.AsyncClient(transport=balancer, base_url=BASE))
        client = await stack.enter_async_context(
            Client(streamable_http_client(f"{BASE}/mcp", http_client=http), elicitation_callback=human)
        )
        draft = await client.call_tool("draft_message", {"recipient": a_new_lead(shared), "text": TEXT})
        assert not draft.is_error, draft.content
        balancer.served_by.clear()
        try:
            result: Any = await client.call_tool("send_message", {"draft_id": draft.structured_content["draft_id"]})
        except MCPError as exc:  # the protocol error the SDK answers for state it cannot open
            result = exc
        return result, balancer, shared, human


async def test_a_dialog_started_on_one_replica_completes_on_another(tmp_path: Path) -> None:
    result, balancer, shared, human = await confirmed_send(tmp_path, [KEY, KEY])
    assert not result.is_error, result.content
    assert result.structured_content["outcome"] == "sent"
    assert len(human.shown) == 1 and TEXT in human.shown[0]
    assert set(balancer.served_by) == {0, 1}  # asked on one replica, answered on the other
    assert [m.text for m in shared.sandbox_app.state.world.sent_messages].count(TEXT) == 1


async def test_without_a_shared_key_the_other_replica_refuses_the_state(tmp_path: Path) -> None:
    result, balancer, shared, human = await confirmed_send(tmp_path, [None, None])
    assert isinstance(result, MCPError) and "Invalid or expired requestState" in str(result)
    assert len(human.shown) == 1 and set(balancer.served_by) == {0, 1}
    assert TEXT not in [m.text for m in shared.sandbox_app.state.world.sent_messages]

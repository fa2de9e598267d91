"""Construction and closing: clients close only the HTTP client they created; settings supply the defaults."""

from __future__ import annotations

import httpx2
import pytest

from salesnav_mcp.sandbox import SandboxConfig, create_app
from salesnav_mcp.upstream.connectsafely import ConnectSafelyClient
from salesnav_mcp.upstream.http import USER_AGENT, make_http_client
from salesnav_mcp.upstream.snap import SnapClient
from tests.support.settings import make_settings
from tests.upstream.helpers import CANARY_ACCESS_TOKEN, CANARY_API_KEY, CLIENT_SETTINGS, CS_BASE

pytestmark = pytest.mark.anyio


async def test_client_closes_the_http_client_it_owns(clock) -> None:
    transport = httpx2.ASGITransport(app=create_app(SandboxConfig(clock=clock)))
    async with ConnectSafelyClient(api_key="k", base_url=CS_BASE, transport=transport, clock=clock) as cs:
        await cs.list_accounts()
        owned = cs._http
    assert owned.is_closed


async def test_client_leaves_a_shared_http_client_open(clock) -> None:
    app = create_app(SandboxConfig(clock=clock))
    async with make_http_client(transport=httpx2.ASGITransport(app=app), timeout=5) as http:
        async with ConnectSafelyClient(api_key="k", base_url=CS_BASE, http=http, clock=clock, sandbox=True) as cs:
            accounts = await cs.list_accounts()
        assert not http.is_closed and accounts
        assert cs.sandbox
        # The shared client carries no credential of its own.
        assert "authorization" not in http.headers
        assert http.headers["user-agent"] == USER_AGENT


async def test_settings_supply_base_urls_credentials_and_limits() -> None:
    settings = make_settings(
        None, CLIENT_SETTINGS, salesnav_http_timeout=7, salesnav_retry_attempts=2, salesnav_retry_max_wait=9
    )
    async with ConnectSafelyClient(settings=settings) as cs, SnapClient(settings=settings) as snap:
        assert cs.base_url == "https://api.connectsafely.ai/linkedin"
        assert snap.base_url == "https://api.linkedin.com/v2"
        assert cs._timeout == 7 and cs._policy.attempts == 2 and cs._policy.max_total_wait == 9
        assert cs._headers()["Authorization"] == f"Bearer {CANARY_API_KEY}"
        assert snap._headers()["X-Restli-Protocol-Version"] == "2.0.0"
        assert not cs.sandbox and CANARY_API_KEY not in repr(cs)



async def test_arguments_win_over_settings_and_no_settings_means_defaults() -> None:
    settings = make_settings(
        None,
        CLIENT_SETTINGS,
        connectsafely_base_url="https://cs.internal.example/linkedin/",
        linkedin_api_base_url="https://li.internal.example/v2",
    )
    async with ConnectSafelyClient(settings=settings) as cs, SnapClient(settings=settings) as snap:
        assert (cs.base_url, snap.base_url) == ("https://cs.internal.example/linkedin", "https://li.internal.example/v2")
        assert snap._headers()["Authorization"] == f"Bearer {CANARY_ACCESS_TOKEN}"
    async with (
        ConnectSafelyClient(api_key="mine", base_url=CS_BASE, settings=settings) as cs,
        SnapClient(access_token="mine-too", settings=settings) as snap,
    ):
        assert cs.base_url == CS_BASE and cs._headers()["Authorization"] == "Bearer mine"
        assert snap._headers()["Authorization"] == "Bearer mine-too"
    async with ConnectSafelyClient() as cs, SnapClient() as snap:
        assert (cs.base_url, snap.base_url) == ("https://api.connectsafely.ai/linkedin", "https://api.linkedin.com/v2")
        assert cs._credential is None and snap._credential is None

def test_http_client_and_transport_are_exclusive() -> None:
    with pytest.raises(TypeError):
        ConnectSafelyClient(api_key="k", http=httpx2.AsyncClient(), transport=httpx2.MockTransport(lambda r: None))

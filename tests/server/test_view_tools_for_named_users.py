"""The views' app-only tools respect named users' grants, like every other tool: a search or an SSI series of an
account not granted to the user is refused to their views too (over real streamable HTTP, as an MCP Apps host)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx2
import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.client.streamable_http import streamable_http_client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from tests.server.test_named_users import BASE, TOKENS, http_app, services  # noqa: F401 - fixture

pytestmark = pytest.mark.anyio

APPS = advertise("io.modelcontextprotocol/ui", {"mimeTypes": ["text/html;profile=mcp-app"]})
AppsConnect = Callable[[str], AbstractAsyncContextManager[Client]]


@pytest.fixture
async def host(services: Services) -> AsyncIterator[AppsConnect]:  # noqa: F811
    """`host(user)`: an MCP Apps client presenting that user's bearer token."""
    app = http_app(services)

    @asynccontextmanager
    async def as_user(name: str) -> AsyncIterator[Client]:
        transport = httpx2.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {TOKENS[name]}"}
        async with (
            httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as http,
            Client(streamable_http_client(f"{BASE}/mcp", http_client=http), extensions=[APPS]) as client,
        ):
            yield client

    async with app.router.lifespan_context(app):
        yield as_user


async def test_a_view_of_another_users_account_is_refused(host: AppsConnect) -> None:
    async with host("dana") as dana:
        found = await dana.call_tool("search_leads", {"plain_filters": {"title": "CTO"}, "max_results": 5})
        assert not found.is_error, found.content
        search_id = found.structured_content["search_id"]
        assert not (await dana.call_tool("get_ssi", {})).is_error
        for name, arguments in [
            ("search_rows", {"search_id": search_id}),
            ("search_csv", {"search_id": search_id}),
            ("ssi_dashboard_data", {"account_id": DEFAULT_ACCOUNT_ID}),
        ]:
            own = await dana.call_tool(name, arguments)
            assert not own.is_error, (name, own.content)
    async with host("sam") as sam:
        for name, arguments in [
            ("search_rows", {"search_id": search_id}),
            ("search_csv", {"search_id": search_id}),
            ("ssi_dashboard_data", {"account_id": DEFAULT_ACCOUNT_ID}),
        ]:
            refused = await sam.call_tool(name, arguments)
            assert refused.is_error, name
            assert f"User sam has no access to LinkedIn account {DEFAULT_ACCOUNT_ID}" in refused.content[0].text, name
        own = await sam.call_tool("ssi_dashboard_data", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
        assert not own.is_error and own.structured_content["account_id"] == SECOND_SALES_NAV_ACCOUNT_ID

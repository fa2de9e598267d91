"""CORS for browser-based clients: `serve --http` as a subprocess on 127.0.0.1 with SALESNAV_ALLOWED_ORIGINS.

A configured origin gets the preflight and the exposed session id a browser needs; any other
origin gets no CORS header at all and stays refused.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.scenarios import assert_lists_and_calls_a_tool
from tests.support.processes import Running, isolated_env, mcp_http_server

pytestmark = pytest.mark.slow

APP = "https://app.example.com"
OTHER_APP = "https://chat.example.org"
FOREIGN = "https://evil.example"
TOKEN = "cors-token-4e9a1c"
JSON_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "web", "version": "1"}},
}
BROWSER_HEADERS = ["content-type", "mcp-session-id", "mcp-protocol-version", "authorization", "last-event-id"]


@pytest.fixture(scope="module")
def with_origins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("cors")
    env = isolated_env(workdir, SALESNAV_ALLOWED_ORIGINS=f"{APP}, {OTHER_APP}")
    with mcp_http_server(workdir, env) as server:
        yield server


@pytest.fixture(scope="module")
def with_origins_and_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("cors-token")
    env = isolated_env(workdir, SALESNAV_ALLOWED_ORIGINS=APP, SALESNAV_HTTP_TOKEN=TOKEN)
    with mcp_http_server(workdir, env) as server:
        yield server


@pytest.fixture(scope="module")
def without_origins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("no-cors")
    with mcp_http_server(workdir, isolated_env(workdir)) as server:
        yield server


def preflight(server: Running, origin: str, method: str = "POST") -> httpx2.Response:
    return httpx2.options(
        server.mcp_url,
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": ", ".join(BROWSER_HEADERS),
        },
    )


def listed(response: httpx2.Response, header: str) -> set[str]:
    return {item.strip().lower() for item in response.headers.get(header, "").split(",") if item.strip()}


def cors_headers(response: httpx2.Response) -> list[str]:
    return [name for name in response.headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize("origin", [APP, OTHER_APP])
@pytest.mark.parametrize("method", ["POST", "GET", "DELETE"])
def test_preflight_of_a_configured_origin_is_allowed(with_origins: Running, origin: str, method: str) -> None:
    response = preflight(with_origins, origin, method)
    assert response.status_code == 200, response.text
    assert response.headers["access-control-allow-origin"] == origin
    assert {"get", "post", "delete"} <= listed(response, "access-control-allow-methods")
    assert set(BROWSER_HEADERS) <= listed(response, "access-control-allow-headers")
    assert "origin" in listed(response, "vary")  # caches keep one answer per origin


def test_a_configured_origin_opens_a_session_and_can_read_its_id(with_origins: Running) -> None:
    opened = httpx2.post(with_origins.mcp_url, json=INITIALIZE, headers={**JSON_HEADERS, "origin": APP})
    assert opened.status_code == 200, opened.text
    assert opened.headers["access-control-allow-origin"] == APP
    assert "mcp-session-id" in listed(opened, "access-control-expose-headers")
    session = opened.headers["mcp-session-id"]

    follow_up = httpx2.post(
        with_origins.mcp_url,
        json={"jsonrpc": "2.0", "id": 2, "method": "ping"},
        headers={**JSON_HEADERS, "origin": APP, "mcp-session-id": session, "mcp-protocol-version": "2025-11-25"},
    )
    assert follow_up.status_code == 200, follow_up.text
    assert follow_up.headers["access-control-allow-origin"] == APP


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_a_client_sending_a_configured_origin_works(with_origins: Running, mode: str) -> None:
    http = httpx2.AsyncClient(headers={"origin": APP}, timeout=30)
    async with http, Client(streamable_http_client(with_origins.mcp_url, http_client=http), mode=mode) as client:
        await assert_lists_and_calls_a_tool(client)


def test_another_origin_gets_no_cors_headers_and_stays_refused(with_origins: Running) -> None:
    refused_preflight = preflight(with_origins, FOREIGN)
    assert cors_headers(refused_preflight) == []
    assert refused_preflight.status_code >= 400
    refused = httpx2.post(with_origins.mcp_url, json=INITIALIZE, headers={**JSON_HEADERS, "origin": FOREIGN})
    assert refused.status_code == 403
    assert cors_headers(refused) == []


def test_without_configured_origins_there_is_no_cors(without_origins: Running) -> None:
    for origin in (APP, f"http://localhost:{without_origins.port}"):
        assert cors_headers(preflight(without_origins, origin)) == []
    same_origin = {**JSON_HEADERS, "origin": f"http://localhost:{without_origins.port}"}
    response = httpx2.post(without_origins.mcp_url, json=INITIALIZE, headers=same_origin)
    assert response.status_code == 200 and cors_headers(response) == []


def test_with_a_token_the_preflight_needs_none_and_a_401_is_readable(with_origins_and_token: Running) -> None:
    assert preflight(with_origins_and_token, APP).status_code == 200  # browsers send no credentials here
    unauthorized = httpx2.post(with_origins_and_token.mcp_url, json=INITIALIZE, headers={**JSON_HEADERS, "origin": APP})
    assert unauthorized.status_code == 401
    assert unauthorized.headers["access-control-allow-origin"] == APP
    assert "www-authenticate" in listed(unauthorized, "access-control-expose-headers")
    authorized = httpx2.post(
        with_origins_and_token.mcp_url,
        json=INITIALIZE,
        headers={**JSON_HEADERS, "origin": APP, "authorization": f"Bearer {TOKEN}"},
    )
    assert authorized.status_code == 200 and authorized.headers["access-control-allow-origin"] == APP

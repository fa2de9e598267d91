"""`salesnav-mcp serve --http` as a subprocess on 127.0.0.1, driven by the SDK client and raw HTTP."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.e2e.scenarios import assert_lists_and_calls_a_tool
from tests.support.processes import LOOPBACK, Running, isolated_env, mcp_http_server

pytestmark = pytest.mark.slow

TOKEN = "e2e-http-token-7c1d9f"
JSON_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}},
}


@pytest.fixture(scope="module")
def stateful(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("stateful")
    with mcp_http_server(workdir, isolated_env(workdir)) as server:
        yield server


@pytest.fixture(scope="module")
def stateless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("stateless")
    with mcp_http_server(workdir, isolated_env(workdir), "--stateless") as server:
        yield server


@pytest.fixture(scope="module")
def with_token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("token")
    with mcp_http_server(workdir, isolated_env(workdir, SALESNAV_HTTP_TOKEN=TOKEN)) as server:
        yield server


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stateful_http_serves_the_sdk_client(stateful: Running, mode: str) -> None:
    async with Client(stateful.mcp_url, mode=mode) as client:
        await assert_lists_and_calls_a_tool(client)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stateless_http_serves_the_sdk_client(stateless: Running, mode: str) -> None:
    async with Client(stateless.mcp_url, mode=mode) as client:
        await assert_lists_and_calls_a_tool(client)


def test_stateless_http_answers_with_plain_json_and_no_session(stateless: Running) -> None:
    response = httpx2.post(stateless.mcp_url, json=INITIALIZE, headers=JSON_HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert "mcp-session-id" not in response.headers
    assert response.json()["result"]["serverInfo"]["name"] == "salesnav-mcp"


def test_stateful_http_opens_a_session(stateful: Running) -> None:
    response = httpx2.post(stateful.mcp_url, json=INITIALIZE, headers=JSON_HEADERS)
    assert response.status_code == 200
    assert response.headers["mcp-session-id"]


def test_foreign_host_header_is_rejected(stateful: Running) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the server."""
    foreign = httpx2.post(
        stateful.mcp_url, json=PING, headers={**JSON_HEADERS, "host": f"evil.example:{stateful.port}"}
    )
    assert foreign.status_code == 421
    same_port_other_name = httpx2.post(
        stateful.mcp_url, json=PING, headers={**JSON_HEADERS, "host": f"attacker.test:{stateful.port}"}
    )
    assert same_port_other_name.status_code == 421


def test_foreign_origin_is_rejected(stateful: Running) -> None:
    response = httpx2.post(stateful.mcp_url, json=INITIALIZE, headers={**JSON_HEADERS, "origin": "http://evil.example"})
    assert response.status_code == 403
    own_origin = {**JSON_HEADERS, "origin": f"http://localhost:{stateful.port}"}
    assert httpx2.post(stateful.mcp_url, json=INITIALIZE, headers=own_origin).status_code == 200


def test_http_logs_only_to_stderr(stateful: Running) -> None:
    httpx2.post(stateful.mcp_url, json=INITIALIZE, headers=JSON_HEADERS)
    assert stateful.stdout() == ""
    startup = stateful.stderr()
    assert f"streamable HTTP at http://{LOOPBACK}:{stateful.port}/mcp" in startup
    assert "ConnectSafely: SANDBOX" in startup and "Partner API: SANDBOX" in startup


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_request_without_the_right_token_gets_401(with_token: Running, authorization: str | None) -> None:
    headers = dict(JSON_HEADERS)
    if authorization:
        headers["authorization"] = authorization
    response = httpx2.post(with_token.mcp_url, json=INITIALIZE, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN not in response.text


def test_right_token_opens_a_session(with_token: Running) -> None:
    headers = {**JSON_HEADERS, "authorization": f"Bearer {TOKEN}"}
    response = httpx2.post(with_token.mcp_url, json=INITIALIZE, headers=headers)
    assert response.status_code == 200
    assert response.headers["mcp-session-id"]


@pytest.mark.anyio
async def test_sdk_client_with_the_token_works(with_token: Running) -> None:
    http = httpx2.AsyncClient(headers={"authorization": f"Bearer {TOKEN}"}, timeout=30)
    async with http, Client(streamable_http_client(with_token.mcp_url, http_client=http)) as client:
        await assert_lists_and_calls_a_tool(client)


def test_token_never_appears_in_the_log(with_token: Running) -> None:
    httpx2.post(with_token.mcp_url, json=PING, headers={**JSON_HEADERS, "authorization": "Bearer wrong"})
    httpx2.post(with_token.mcp_url, json=INITIALIZE, headers={**JSON_HEADERS, "authorization": f"Bearer {TOKEN}"})
    log = with_token.stderr()
    assert "bearer token required" in log
    assert TOKEN not in log and TOKEN not in with_token.stdout()


def test_http_server_stops_cleanly_on_sigterm(workdir: Path, env: dict[str, str]) -> None:
    """With a session open, as a process manager stops it (stdio tests cover SIGINT on the same handler)."""
    with mcp_http_server(workdir, env) as server:
        session = httpx2.post(server.mcp_url, json=INITIALIZE, headers=JSON_HEADERS)
        assert session.status_code == 200
        status = server.stop(signal.SIGTERM)
    assert status == 0, server.stderr()
    log = server.stderr()
    assert "received SIGTERM, shutting down" in log
    assert "Application shutdown complete" in log

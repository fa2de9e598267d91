"""`salesnav-mcp serve --http` with the webhook receiver on, as a subprocess on 127.0.0.1: signed deliveries are
recorded once, forged ones refused, and the MCP endpoint keeps working beside it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from salesnav_mcp.config import Settings
from salesnav_mcp.store import open_store
from salesnav_mcp.upstream.webhooks import signature_for
from tests.e2e.scenarios import assert_lists_and_calls_a_tool
from tests.support.processes import isolated_env, mcp_http_server, run_cli

pytestmark = pytest.mark.slow

PATH = "/hooks/connectsafely"
SECRET = "e2e-webhook-secret-5b7e"
ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"


def delivery(message_urn: str) -> bytes:
    event = {
        "event": "message.received",
        "object": "event",
        "data": {
            "id": "evt_e2e",
            "message_urn": message_urn,
            "account_id": ACCOUNT,
            "provider": "LINKEDIN",
            "sender": {"id": "urn:li:fsd_profile:ACoAAe2e000", "name": "Eve Example",
                       "profile_url": "https://www.linkedin.com/in/eve-example-e2e"},
            "body": "Sounds good, call me Tuesday.",
            "timestamp": "2026-11-02T10:00:00.000Z",
            "conversation_id": "urn:li:fsd_conversation:2-e2e",
            "attachments": [],
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


@pytest.mark.anyio
async def test_serve_http_receives_signed_webhooks(tmp_path: Path) -> None:
    env = isolated_env(tmp_path, SALESNAV_WEBHOOK_PATH=PATH, SALESNAV_WEBHOOK_SECRET=SECRET)
    body = delivery("urn:li:fsd_message:e2e-1")
    signed = {"Content-Type": "application/json", "X-Webhook-Signature": signature_for(body, SECRET)}
    with mcp_http_server(tmp_path, env) as running:
        async with httpx2.AsyncClient() as http:
            first = await http.post(running.base_url + PATH, content=body, headers=signed)
            again = await http.post(running.base_url + PATH, content=body, headers=signed)
            forged = await http.post(
                running.base_url + PATH, content=body.replace(b"Tuesday", b"Friday"), headers=signed
            )
        async with Client(running.mcp_url) as client:
            await assert_lists_and_calls_a_tool(client)
        assert "receiving ConnectSafely webhooks at /hooks/connectsafely" in running.stderr()
        assert SECRET not in running.stderr()
    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert forged.status_code == 401
    settings = Settings(_env_file=None, salesnav_data_dir=tmp_path / "data")  # type: ignore[call-arg]
    async with await open_store(settings) as store:
        recorded = await store.inbound_since(account_id=ACCOUNT, since=datetime(2026, 1, 1, tzinfo=UTC))
    assert [(m.message_urn, m.text, m.sender_public_id) for m in recorded] == [
        ("urn:li:fsd_message:e2e-1", "Sounds good, call me Tuesday.", "eve-example-e2e")
    ]


def test_a_webhook_path_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    env = isolated_env(tmp_path, SALESNAV_WEBHOOK_PATH=PATH)
    done = run_cli(["serve", "--http", "--port", "0"], tmp_path, env)
    assert done.returncode != 0
    assert "SALESNAV_WEBHOOK_SECRET is not" in done.stderr

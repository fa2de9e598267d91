"""The webhook receiver over real HTTP on 127.0.0.1: a signed `message.received` (as the sandbox signs it) is
recorded once and marks the draft it answers; forged, unsigned or malformed deliveries are refused and audited;
other paths reach the MCP app untouched."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import anyio
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.server.mcpserver import MCPServer
from pydantic import SecretStr

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.webhooks import WebhookReceiver, with_webhook
from salesnav_mcp.upstream.webhooks import signature_for
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world

pytestmark = pytest.mark.anyio

PATH = "/webhooks/connectsafely"
SECRET = "whsec_sandbox"  # the sandbox signs its events with this (SandboxConfig.webhook_secret)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_webhook_path=PATH, salesnav_webhook_secret=SECRET)


async def inner_app(scope: Any, receive: Any, send: Any) -> None:
    """Stands for the MCP app: answers every request it is given."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": f"inner {scope['path']}".encode()})


@pytest.fixture
async def receiver_url(settings: Settings) -> AsyncIterator[str]:
    """The receiver in front of a stand-in app, served by uvicorn on a loopback port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    receiver = WebhookReceiver(settings)
    server = uvicorn.Server(uvicorn.Config(with_webhook(inner_app, receiver), log_config=None, lifespan="on"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(lambda: server.serve(sockets=[sock]))
        while not server.started:  # noqa: ASYNC110 - uvicorn signals its start with this flag only
            await anyio.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
    sock.close()
    assert receiver._store is None  # closed with the server  # noqa: SLF001


async def a_reply_event(server: MCPServer, services: Services, clock: ManualClock) -> tuple[dict[str, Any], str]:
    """Send a message to someone who will answer, let the answer arrive; (the recorded event, the draft id)."""
    sandbox = world(services)
    taken = {c.lead.profile_id for c in sandbox.conversations_of(DEFAULT_ACCOUNT_ID)}
    async with Client(server, elicitation_callback=ScriptedHuman("accept")) as client:
        for lead in (x for x in sandbox.leads if x.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and x.profile_id not in taken):
            draft = await client.call_tool("draft_message", {"recipient": lead.profile_id, "text": "Worth a chat?"})
            draft_id = draft.structured_content["draft_id"]  # type: ignore[index]
            await client.call_tool("send_message", {"draft_id": draft_id})
            if any(r.lead is lead for r in sandbox.pending_replies):
                break
    clock.advance(timedelta(hours=49))
    sandbox.settle()
    return sandbox.webhook_events[-1], draft_id


async def test_a_signed_delivery_is_recorded_once_and_forgeries_are_refused(
    server: MCPServer, services: Services, clock: ManualClock, receiver_url: str
) -> None:
    event, draft_id = await a_reply_event(server, services, clock)
    body, headers = event["body"].encode(), event["headers"]
    url = receiver_url + PATH
    async with httpx2.AsyncClient() as http:
        first = await http.post(url, content=body, headers=headers)
        again = await http.post(url + "/", content=body, headers=headers)
        forged_body = await http.post(url, content=body.replace(b"LINKEDIN", b"LINKEDIN "), headers=headers)
        wrong_key = await http.post(
            url, content=body, headers={**headers, "X-Webhook-Signature": signature_for(body, "someone-else")}
        )
        unsigned = await http.post(url, content=body, headers={"Content-Type": "application/json"})
        not_json = await http.post(url, content=b"hello", headers={"X-Webhook-Signature": signature_for(b"hello", SECRET)})
        other = json.dumps({"event": "connection.accepted", "data": {}}).encode()
        ignored = await http.post(url, content=other, headers={"X-Webhook-Signature": signature_for(other, SECRET)})
        bad_shape = json.dumps({"event": "message.received", "data": {"body": "no urn"}}).encode()
        shapeless = await http.post(url, content=bad_shape, headers={"X-Webhook-Signature": signature_for(bad_shape, SECRET)})
        huge = await http.post(url, content=b"x" * (1024 * 1024 + 1), headers=headers)
        get = await http.get(url)
        elsewhere = await http.post(receiver_url + "/mcp", content=body, headers=headers)

    assert (first.status_code, first.json()) == (200, {"ok": True, "duplicate": False, "answered_drafts": [draft_id]})
    assert (again.status_code, again.json()) == (200, {"ok": True, "duplicate": True, "answered_drafts": []})
    for refused in (forged_body, wrong_key, unsigned):
        assert refused.status_code == 401 and refused.json() == {"error": "missing or invalid X-Webhook-Signature"}
        assert SECRET not in refused.text and "Worth a chat" not in refused.text
    assert not_json.status_code == 400 and shapeless.status_code == 400
    assert ignored.status_code == 202 and ignored.json()["ignored"] == "connection.accepted"
    assert huge.status_code == 413 and get.status_code == 405
    assert (elsewhere.status_code, elsewhere.text) == (200, "inner /mcp")

    draft = await services.store.get_draft(draft_id)
    data = json.loads(event["body"])["data"]
    assert draft is not None and draft.reply_message_urn == data["message_urn"]
    [message] = await services.store.inbound_since(account_id=DEFAULT_ACCOUNT_ID, since=clock.now() - timedelta(days=3))
    assert (message.via, message.text, message.sender_urn) == ("webhook", data["body"], data["sender"]["id"])
    person = await services.store.person_by_urn(data["sender"]["id"])
    assert person is not None and person.name == data["sender"]["name"]
    audit = await services.guardrails.audit.entries(kinds=["reply.received", "webhook.refused"])
    assert [e.kind for e in audit].count("reply.received") == 1
    reasons = [e.details["reason"] for e in audit if e.kind == "webhook.refused"]
    # Three bad signatures within a minute make one entry (see the next test); three other reasons one each.
    assert reasons.count("missing or invalid X-Webhook-Signature") == 1 and len(reasons) == 4
    assert all(SECRET not in json.dumps(e.details) for e in audit)


async def test_a_flood_of_forged_deliveries_makes_one_audit_entry_a_minute(settings: Settings, clock: ManualClock) -> None:
    receiver = WebhookReceiver(settings, clock=clock)
    app = with_webhook(inner_app, receiver)
    unsigned = {"content": b'{"event": "message.received"}', "headers": {"Content-Type": "application/json"}}
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://hooks") as http:
        for _ in range(50):
            assert (await http.post(PATH, **unsigned)).status_code == 401  # type: ignore[arg-type]
        clock.advance(timedelta(seconds=61))
        assert (await http.post(PATH, **unsigned)).status_code == 401  # type: ignore[arg-type]
    audit = await (await receiver.guardrails()).audit.entries(kinds=["webhook.refused"])
    await receiver.close()
    assert [e.details["folded"] for e in audit] == [0, 49]

async def test_a_webhook_reply_shows_in_who_replied_without_polling(
    server: MCPServer, services: Services, clock: ManualClock, receiver_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    event, draft_id = await a_reply_event(server, services, clock)
    async with httpx2.AsyncClient() as http:
        answer = await http.post(receiver_url + PATH, content=event["body"].encode(), headers=event["headers"])
    assert answer.status_code == 200

    async def no_call(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no upstream call expected")

    monkeypatch.setattr(services.connectsafely, "get_recent_messages", no_call)
    async with Client(server) as client:
        out = await client.call_tool("check_replies", {"method": "store"})
    assert not out.is_error, out.content
    [reply] = out.structured_content["replies"]  # type: ignore[index]
    assert reply["answered_drafts"] == [draft_id] and reply["name"] == json.loads(event["body"])["data"]["sender"]["name"]


def test_the_receiver_needs_a_path_and_a_secret(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="SALESNAV_WEBHOOK_SECRET"):
        WebhookReceiver(make_settings(tmp_path, SANDBOX_SERVER, salesnav_webhook_path=PATH))
    with pytest.raises(ValueError, match="must be a path"):
        make_settings(tmp_path, SANDBOX_SERVER, salesnav_webhook_path="/mcp")
    settings = make_settings(tmp_path, SANDBOX_SERVER, salesnav_webhook_path=PATH, salesnav_webhook_secret=SecretStr(SECRET))
    assert "whsec" not in repr(settings)

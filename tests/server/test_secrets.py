"""A credential never reaches a tool result, an error, a log record or the audit export."""

from __future__ import annotations

import io
import logging
from typing import Any

import httpx2
import pytest
from mcp import Client

from salesnav_mcp.guardrails import export_audit, settings_secrets
from salesnav_mcp.sandbox import FaultRule, SandboxConfig, create_app
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.wiring import open_services
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings

pytestmark = pytest.mark.anyio

API_KEY = "csk_live_CANARY_9f8e7d6c5b4a"
ACCESS_TOKEN = "AQV_CANARY_token_0a1b2c3d4e"
CONFIRM_KEY = "confirm-CANARY-key-77aa"
CANARIES = (API_KEY, ACCESS_TOKEN, CONFIRM_KEY)


async def test_canary_credentials_never_leak(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    settings = make_settings(
        tmp_path,
        SANDBOX_SERVER,
        salesnav_sandbox=False,
        connectsafely_api_key=API_KEY,
        connectsafely_base_url="http://upstream.test/linkedin",
        linkedin_access_token=ACCESS_TOKEN,
        linkedin_api_base_url="http://upstream.test/v2",
        salesnav_confirm_key=CONFIRM_KEY,
        salesnav_retry_max_wait=0,
    )
    app = create_app(
        SandboxConfig(
            seed=7,
            search_per_minute=10_000,
            faults=[FaultRule(route="GET /linkedin/inmail/credits", kind="503", times=3)],
        )
    )
    seen: list[str] = []
    async with open_services(settings, live_transport=httpx2.ASGITransport(app=app)) as services:
        assert services.connectsafely.sandbox is False  # live mode, upstream answered by the simulator
        server = build_server(settings, services=services)
        async with Client(server, elicitation_callback=ScriptedHuman("accept")) as client:
            calls = [
                ("list_accounts", {}),
                ("get_ssi", {}),
                ("get_ssi", {"account_id": BUSINESS_ACCOUNT_ID}),  # no seat: an error
                ("get_inmail_credits", {}),  # 503s: an error after bounded retries
                ("search_leads", {"filters": {"seniority": ["CXO"]}}),
                ("search_leads", {"url": "https://evil.example/sales/search/people?query=()"}),
                ("read_messages", {"conversation_urn": "urn:li:fsd_conversation:missing"}),
                ("draft_message", {"recipient": "someone-1", "text": "hello"}),
                ("list_contracts", {}),
            ]
            for name, arguments in calls:
                tools = {t.name for t in (await client.list_tools()).tools}
                if name not in tools:
                    continue
                result = await client.call_tool(name, arguments)
                seen.extend(block.text for block in result.content if hasattr(block, "text"))
                seen.append(repr(result.structured_content))
        audit = io.StringIO()
        await export_audit(services.guardrails.store, audit, "jsonl", secrets=settings_secrets(settings))
        seen.append(audit.getvalue())
        seen.append(repr(services) + repr(settings))
    assert any("Sales Navigator seat" in text for text in seen)  # the error paths really ran
    seen.extend(record.getMessage() for record in caplog.records)
    seen.extend(str(record.args) for record in caplog.records)
    for canary in CANARIES:
        assert not [text for text in seen if canary in text], canary

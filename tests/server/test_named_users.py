"""Named users over real streamable HTTP (in-process): each bearer token is a user, who reaches only the
LinkedIn accounts granted to them, and the audit trail names who did what."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.transport_security import TransportSecuritySettings

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.search import encode_cursor
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.users import UserEntry, parse_users, users_http_auth
from salesnav_mcp.server.wiring import open_services

pytestmark = pytest.mark.anyio

BASE = "http://testserver"
TOKENS = {"dana": "dana-token-4f1c9a7e2b", "sam": "sam-token-0b7e3c9d51", "ops": "ops-token-8d2e6b1f0c"}
USERS = parse_users(
    {
        "users": [
            {"name": "dana", "token": TOKENS["dana"], "accounts": [DEFAULT_ACCOUNT_ID]},
            {"name": "sam", "token": TOKENS["sam"], "accounts": [SECOND_SALES_NAV_ACCOUNT_ID]},
            {"name": "ops", "token": TOKENS["ops"], "accounts": "*"},
        ]
    }
)
TEXT = "Hi! Saw your team is growing in Berlin. Open to a 20-minute call next week?"

Connect = Callable[[str], AbstractAsyncContextManager[Client]]


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        salesnav_data_dir=tmp_path,
        salesnav_sandbox=True,
        salesnav_search_per_minute=10_000,
        salesnav_search_per_day=100_000,
        salesnav_confirm_mode="token",
    )
    config = SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000)
    async with open_services(settings, clock=Clock(), sandbox_config=config) as opened:
        yield opened


def http_app(services: Services, users: Sequence[UserEntry] = USERS) -> Any:
    """The server's stateless streamable HTTP app, bearer tokens checked against the users file."""
    server = build_server(services.settings, services=services, http_auth=users_http_auth(users, f"{BASE}/mcp"))
    return server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=True,
        json_response=True,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )


@pytest.fixture
async def connect(services: Services) -> AsyncIterator[Connect]:
    """`connect(user)` opens an SDK client that presents that user's bearer token over HTTP."""
    app = http_app(services)

    @asynccontextmanager
    async def as_user(name: str) -> AsyncIterator[Client]:
        headers = {"Authorization": f"Bearer {TOKENS[name]}"}
        transport = httpx2.ASGITransport(app=app)
        async with (
            httpx2.AsyncClient(transport=transport, base_url=BASE, headers=headers) as http,
            Client(streamable_http_client(f"{BASE}/mcp", http_client=http)) as client,
        ):
            yield client

    async with app.router.lifespan_context(app):
        yield as_user


def a_new_lead(services: Services, account_id: str) -> str:
    world = services.sandbox_app.state.world
    threads = {c.lead.profile_id for c in world.conversations_of(account_id)}
    return next(
        lead.profile_id
        for lead in world.leads
        if lead.degrees.get(account_id) == "S" and lead.profile_id not in threads
    )


def sent_texts(services: Services) -> list[str]:
    return [m.text for m in services.sandbox_app.state.world.sent_messages]


async def test_an_unknown_token_gets_401(services: Services) -> None:
    app = http_app(services)
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE) as http:
        ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
        for headers in ({}, {"Authorization": "Bearer not-a-user-token-123"}):
            response = await http.post("/mcp", json=ping, headers=headers)
            assert response.status_code == 401


async def test_a_user_reaches_only_the_accounts_granted(connect: Connect) -> None:
    async with connect("dana") as dana:
        listed = await dana.call_tool("list_accounts", {})
        assert [a["id"] for a in listed.structured_content["accounts"]] == [DEFAULT_ACCOUNT_ID]
        assert listed.structured_content["default_account_id"] == DEFAULT_ACCOUNT_ID
        refused = await dana.call_tool("get_ssi", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
        assert refused.is_error
        assert f"User dana has no access to LinkedIn account {SECOND_SALES_NAV_ACCOUNT_ID}" in refused.content[0].text
        status = await dana.call_tool("get_account_status", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
        assert status.is_error and "no access" in status.content[0].text
        overview = await dana.call_tool("get_account_overview", {})
        assert [o["account_id"] for o in overview.structured_content["accounts"]] == [DEFAULT_ACCOUNT_ID]
        refused = await dana.call_tool("get_account_overview", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
        assert refused.is_error and "no access" in refused.content[0].text
        with pytest.raises(Exception, match="no access"):
            await dana.read_resource(f"salesnav://ssi/{SECOND_SALES_NAV_ACCOUNT_ID}/history")
    async with connect("sam") as sam:  # the default account is the user's own grant
        credits = await sam.call_tool("get_inmail_credits", {})
        assert not credits.is_error, credits.content
        assert credits.structured_content["account_id"] == SECOND_SALES_NAV_ACCOUNT_ID
    async with connect("ops") as ops:
        listed = await ops.call_tool("list_accounts", {})
        assert len(listed.structured_content["accounts"]) == 4


async def test_another_users_draft_and_search_stay_out_of_reach(services: Services, connect: Connect) -> None:
    recipient = a_new_lead(services, DEFAULT_ACCOUNT_ID)
    async with connect("dana") as dana:
        draft = (await dana.call_tool("draft_message", {"recipient": recipient, "text": TEXT})).structured_content
        found = await dana.call_tool("search_leads", {"filters": {"keywords": "data"}, "max_results": 5})
        assert not found.is_error, found.content
    arguments = {
        "draft_id": draft["draft_id"],
        "confirmation_token": draft["confirmation_token"],
        "recipient": recipient,
        "text": TEXT,
    }
    async with connect("sam") as sam:
        refused = await sam.call_tool("send_message", arguments)
        assert refused.is_error and "User sam has no access" in refused.content[0].text
        listed = await sam.call_tool("list_drafts", {"account_id": DEFAULT_ACCOUNT_ID})
        assert listed.is_error
        drafts = await sam.read_resource("salesnav://drafts")
        assert draft["draft_id"] not in drafts.contents[0].text
        cursor = encode_cursor(found.structured_content["search_id"], 0)
        page = await sam.call_tool("get_search_page", {"cursor": cursor})
        assert page.is_error and "no access" in page.content[0].text
    assert TEXT not in sent_texts(services)
    async with connect("dana") as dana:
        sent = await dana.call_tool("send_message", arguments)
        assert sent.structured_content["outcome"] == "sent", sent.content
    assert sent_texts(services).count(TEXT) == 1


async def test_the_audit_trail_names_who_did_what(services: Services, connect: Connect) -> None:
    recipient = a_new_lead(services, DEFAULT_ACCOUNT_ID)
    async with connect("dana") as dana:
        await dana.call_tool("search_leads", {"filters": {"keywords": "platform"}, "max_results": 5})
        draft = (await dana.call_tool("draft_message", {"recipient": recipient, "text": TEXT})).structured_content
        sent = await dana.call_tool(
            "send_message",
            {
                "draft_id": draft["draft_id"],
                "confirmation_token": draft["confirmation_token"],
                "recipient": recipient,
                "text": TEXT,
            },
        )
        assert sent.structured_content["outcome"] == "sent"
    async with connect("ops") as ops:
        added = await ops.call_tool("update_do_not_contact", {"action": "add", "recipient": "jane-doe-1a2b", "reason": "asked"})
        assert not added.is_error, added.content
    actors = {(e.kind, e.actor) for e in await services.guardrails.audit.entries()}
    for kind in (
        "search.reserved",
        "search.committed",
        "draft.created",
        "confirm.approved",
        "send.attempt",
        "send.sent",
    ):
        assert (kind, "dana") in actors, (kind, sorted(actors))
    assert ("dnc.added", "ops") in actors
    stored = await services.guardrails.store.get_draft(draft["draft_id"])
    assert stored is not None and stored.created_by == "dana"
    assert (await services.guardrails.dnc.list())[0].added_by == "ops"


async def test_a_sales_access_token_only_for_users_granted_a_contract(services: Services, connect: Connect) -> None:
    person = {"email": "zoe@example.com", "app_client_id": "86abc123xyz"}
    async with connect("dana") as dana:  # granted one account and (so) no contract
        plain = await dana.call_tool("get_profile_embed_url", person)
        assert not plain.is_error, plain.content  # the URL without a token: the viewer's own session
        refused = await dana.call_tool("get_profile_embed_url", {**person, "reveal_token": True})
        assert refused.is_error and "User dana is granted no Sales Navigator contract" in refused.content[0].text
        with pytest.raises(Exception, match="granted no Sales Navigator contract"):
            await dana.read_resource(plain.structured_content["embed_resource_uri"])
    assert services.sandbox_app.state.world.sales_access_tokens == []
    async with connect("ops") as ops:  # every account, so every contract
        signed = await ops.call_tool("get_profile_embed_url", {**person, "reveal_token": True})
        assert not signed.is_error and signed.structured_content["token"]
    refusals = [e for e in await services.guardrails.audit.entries() if e.kind == "access.refused"]
    assert {(e.actor, e.details["target"]) for e in refusals} == {("dana", "sales access token")}


async def test_a_prompt_for_an_account_not_granted_says_so_and_is_audited(services: Services, connect: Connect) -> None:
    async with connect("dana") as dana:
        prompt = await dana.get_prompt("ssi_coaching", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})
    text = prompt.messages[0].content.text  # type: ignore[union-attr]
    assert f"User dana has no access to LinkedIn account {SECOND_SALES_NAV_ACCOUNT_ID}" in text
    refusals = [e for e in await services.guardrails.audit.entries() if e.kind == "access.refused"]
    assert [(e.actor, e.details["where"]) for e in refusals] == [("dana", "ssi_coaching")]

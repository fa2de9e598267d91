"""A named user with an approver secret approves on the approval page only, over real streamable HTTP.

Whatever holds a user's bearer token speaks for their client: an agent with the token can declare
MCP Apps and form elicitation, then click the review card's tool or answer the dialog itself. So a
client's surfaces decide nothing for a user whose users-file entry has an approver secret; a user
without one keeps the dialog and the card.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from salesnav_mcp.clock import Clock
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.server.users import parse_users
from salesnav_mcp.server.wiring import open_services
from tests.server.test_named_users import BASE, TEXT, a_new_lead, http_app, sent_texts
from tests.server.test_view_tools_for_named_users import APPS
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings

pytestmark = pytest.mark.anyio

TOKENS = {"dana": "dana-token-7c2e9f4a1b", "sam": "sam-token-3d8b1e6f0a"}
USERS = parse_users(
    {
        "users": [
            {
                "name": "dana",
                "token": TOKENS["dana"],
                "approver_secret": "dana-approver-secret-91fe",
                "accounts": [DEFAULT_ACCOUNT_ID],
            },
            {"name": "sam", "token": TOKENS["sam"], "accounts": [SECOND_SALES_NAV_ACCOUNT_ID]},
        ]
    }
)

AgentConnect = Callable[[str, ScriptedHuman | None], AbstractAsyncContextManager[Client]]


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = make_settings(tmp_path, SANDBOX_SERVER)  # auto confirmation; a waiting call returns at once
    async with open_services(settings, clock=Clock(), sandbox_config=SandboxConfig(seed=7)) as opened:
        yield opened


@pytest.fixture
async def agent(services: Services) -> AsyncIterator[AgentConnect]:
    """`agent(user, answers)`: a client with the user's token that declares MCP Apps and, with `answers`, answers
    every dialog."""
    app = http_app(services, USERS)

    @asynccontextmanager
    async def as_user(name: str, answers: ScriptedHuman | None) -> AsyncIterator[Client]:
        headers = {"Authorization": f"Bearer {TOKENS[name]}"}
        async with (
            httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE, headers=headers) as http,
            Client(
                streamable_http_client(f"{BASE}/mcp", http_client=http), extensions=[APPS], elicitation_callback=answers
            ) as client,
        ):
            yield client

    async with app.router.lifespan_context(app):
        yield as_user


async def test_the_token_of_a_user_with_an_approver_secret_approves_nothing(services: Services, agent: AgentConnect) -> None:
    answers = ScriptedHuman("accept")
    recipient = a_new_lead(services, DEFAULT_ACCOUNT_ID)
    async with agent("dana", answers) as dana:
        drafted = await dana.call_tool("draft_message", {"recipient": recipient, "text": TEXT})
        assert not drafted.is_error, drafted.content
        # No review card: the draft names the approval page instead.
        assert drafted.structured_content["approval_id"] is None
        assert "approval page" in drafted.content[0].text
        sent = await dana.call_tool("send_message", {"draft_id": drafted.structured_content["draft_id"]})
        assert not sent.is_error, sent.content
        assert sent.structured_content["outcome"] == "awaiting_approval"
        approval_id = sent.structured_content["approval_id"]
        # The card's own tools, called straight from the client: the request shows, a decision is refused.
        items = await dana.call_tool("approval_items", {"approval_ids": [approval_id]})
        content_hash = items.structured_content["items"][0]["content_hash"]
        decided = await dana.call_tool(
            "approval_decide", {"approval_id": approval_id, "content_hash": content_hash, "decision": "approve"}
        )
        assert decided.is_error
        assert "User dana approves only on the approval page" in decided.content[0].text
        again = await dana.call_tool("send_message", {"draft_id": drafted.structured_content["draft_id"]})
        assert again.structured_content["outcome"] == "awaiting_approval"
    assert answers.shown == []  # no dialog was ever put to the client
    assert TEXT not in sent_texts(services)
    approval = await services.guardrails.approvals.get(approval_id)
    assert approval is not None and approval.state == "pending"
    refusals = [e for e in await services.guardrails.audit.entries() if e.kind == "access.refused"]
    assert [(e.actor, e.details["target"]) for e in refusals] == [("dana", f"approval {approval_id}")]


async def test_a_user_without_an_approver_secret_keeps_the_dialog_and_the_card(
    services: Services, agent: AgentConnect
) -> None:
    answers = ScriptedHuman("accept")
    first, second = [
        lead.profile_id
        for lead in services.sandbox_app.state.world.leads
        if lead.degrees.get(SECOND_SALES_NAV_ACCOUNT_ID) == "S"
    ][:2]
    async with agent("sam", answers) as sam:
        drafted = await sam.call_tool("draft_message", {"recipient": first, "text": TEXT})
        draft_id = drafted.structured_content["draft_id"]
        sent = await sam.call_tool("send_message", {"draft_id": draft_id})
        assert sent.structured_content["outcome"] == "sent", sent.content
        assert len(answers.shown) == 1 and TEXT in answers.shown[0]
    async with agent("sam", None) as sam:  # no dialog: the review card
        carded = await sam.call_tool("draft_message", {"recipient": second, "text": TEXT + " Still keen?"})
        approval_id = carded.structured_content["approval_id"]
        assert approval_id is not None  # the review card shows it right away
        items = await sam.call_tool("approval_items", {"approval_ids": [approval_id]})
        decided = await sam.call_tool(
            "approval_decide",
            {
                "approval_id": approval_id,
                "content_hash": items.structured_content["items"][0]["content_hash"],
                "decision": "approve",
            },
        )
        assert not decided.is_error, decided.content
        assert decided.structured_content["items"][0]["outcome"] == "sent"
    assert sent_texts(services).count(TEXT) == 1 and sent_texts(services).count(TEXT + " Still keen?") == 1


async def test_another_users_draft_says_nothing_of_its_state(services: Services, agent: AgentConnect) -> None:
    recipient = a_new_lead(services, DEFAULT_ACCOUNT_ID)
    async with agent("dana", None) as dana:
        drafted = await dana.call_tool("draft_message", {"recipient": recipient, "text": TEXT})
    async with agent("sam", ScriptedHuman("accept")) as sam:
        probed = await sam.call_tool("resolve_unknown_send", {"draft_id": drafted.structured_content["draft_id"]})
    assert probed.is_error and "User sam has no access" in probed.content[0].text
    assert "draft, not unknown" not in probed.content[0].text

"""Sends happen once, only after a human confirmed the exact draft, whatever the client or upstream does."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world
from tests.tools.messaging.helpers import TEXT, a_lead, make_draft, sent_to

pytestmark = pytest.mark.anyio

async def test_confirmed_send_goes_out_exactly_once(server: MCPServer, services: Services, connect: Any) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        draft = await make_draft(client, lead.profile_id, subject="Quick question")
        assert draft["channel"] == "sales_navigator" and draft["new_conversation"] is True
        assert draft["confirmation_token"] is None  # this client can elicit: no token handed to the model
        assert not sent_to(services, lead.profile_id)
        first = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert not first.is_error, first.content
        assert first.structured_content["outcome"] == "sent"
        again = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert again.structured_content["outcome"] == "already_sent"
    assert len(human.shown) == 1
    assert TEXT in human.shown[0] and lead.profile_id in human.shown[0] and "Quick question" in human.shown[0]
    messages = sent_to(services, lead.profile_id)
    assert len(messages) == 1 and messages[0].text == TEXT and messages[0].channel == "sales_navigator"


async def test_a_connection_is_written_to_in_the_inbox_without_spending_an_inmail_credit(
    server: MCPServer, services: Services, connect: Any
) -> None:
    connection, stranger = a_lead(services, degree="F"), a_lead(services, degree="S")
    credits = world(services).accounts[DEFAULT_ACCOUNT_ID].inmail_credits
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        to_connection = await make_draft(client, connection.profile_id)
        to_stranger = await make_draft(client, stranger.profile_id, subject="Quick question")
        # Asked for InMail on purpose, a connection still gets one.
        chosen = await make_draft(client, connection.profile_id, "Another note", channel="sales_navigator")
        assert [d["channel"] for d in (to_connection, to_stranger, chosen)] == [
            "linkedin_inbox", "sales_navigator", "sales_navigator"
        ]
        sent = await client.call_tool("send_message", {"draft_id": to_connection["draft_id"]})
        assert sent.structured_content["outcome"] == "sent", sent.content
    [message] = sent_to(services, connection.profile_id)
    assert message.channel == "linkedin_inbox"
    assert world(services).accounts[DEFAULT_ACCOUNT_ID].inmail_credits == credits


@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declined_or_cancelled_dialog_sends_nothing(
    server: MCPServer, services: Services, connect: Any, action: str
) -> None:
    lead = a_lead(services)
    async with connect(server, elicitation_callback=ScriptedHuman(action)) as client:
        draft = await make_draft(client, lead.profile_id)
        result = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert result.is_error
        assert "declined" in result.content[0].text
        drafts = await client.call_tool("list_drafts", {"state": "draft"})
        assert draft["draft_id"] in {d["draft_id"] for d in drafts.structured_content["drafts"]}
    assert not sent_to(services, lead.profile_id)


async def test_unticked_approval_sends_nothing(server: MCPServer, services: Services, connect: Any) -> None:
    lead = a_lead(services)
    async with connect(server, elicitation_callback=ScriptedHuman("accept", content={"send": False})) as client:
        draft = await make_draft(client, lead.profile_id)
        result = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert result.is_error
    assert not sent_to(services, lead.profile_id)


@pytest.fixture
def client_mode(tmp_path: Any) -> Any:
    """Settings of a server that trusts the client's own tool approval (SALESNAV_CONFIRM_MODE=client)."""
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_confirm_mode="client")


async def test_in_client_mode_only_the_bound_token_sends(client_mode: Any, connect: Any) -> None:
    from salesnav_mcp.server.wiring import open_services

    async with open_services(client_mode, sandbox_config=SandboxConfig(seed=7)) as services:
        server = build_server(client_mode, services=services)
        async with connect(server) as mcp_client:
            await _only_the_bound_token_sends(mcp_client, services)


async def _only_the_bound_token_sends(mcp_client: Client, services: Services) -> None:
    lead = a_lead(services)
    other = await make_draft(mcp_client, a_lead(services, degree="O").profile_id, text="Another message")
    draft = await make_draft(mcp_client, lead.profile_id)
    token = draft["confirmation_token"]
    assert token and other["confirmation_token"]

    refusals = [
        {"draft_id": draft["draft_id"]},  # no confirmation at all
        {
            "draft_id": draft["draft_id"],
            "confirmation_token": token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
            "recipient": lead.profile_id,
            "text": TEXT,
        },
        {
            "draft_id": draft["draft_id"],
            "confirmation_token": other["confirmation_token"],
            "recipient": lead.profile_id,
            "text": TEXT,
        },
        {"draft_id": draft["draft_id"], "confirmation_token": token, "recipient": "someone-else", "text": TEXT},
        {"draft_id": draft["draft_id"], "confirmation_token": token, "recipient": lead.profile_id, "text": TEXT + "!"},
        {"draft_id": draft["draft_id"], "confirmation_token": token},
    ]
    for arguments in refusals:
        result = await mcp_client.call_tool("send_message", arguments)
        assert result.is_error, arguments
    assert not sent_to(services, lead.profile_id)

    ok = await mcp_client.call_tool(
        "send_message",
        {"draft_id": draft["draft_id"], "confirmation_token": token, "recipient": lead.profile_id, "text": TEXT},
    )
    assert not ok.is_error, ok.content
    assert ok.structured_content["outcome"] == "sent"
    replay = await mcp_client.call_tool(
        "send_message",
        {"draft_id": draft["draft_id"], "confirmation_token": token, "recipient": lead.profile_id, "text": TEXT},
    )
    assert replay.structured_content["outcome"] == "already_sent"
    assert len(sent_to(services, lead.profile_id)) == 1


async def test_expired_token_sends_nothing(tmp_path: Any, connect: Any) -> None:
    from salesnav_mcp.clock import ManualClock
    from salesnav_mcp.server.wiring import open_services

    clock = ManualClock()
    settings = make_settings(tmp_path, SANDBOX_SERVER, salesnav_confirm_mode="client")
    async with open_services(settings, clock=clock, sandbox_config=SandboxConfig(seed=7)) as services:
        server = build_server(settings, services=services)
        lead = a_lead(services)
        async with connect(server) as client:
            draft = await make_draft(client, lead.profile_id)
            clock.advance(settings.salesnav_confirm_ttl.total_seconds() + 1)
            result = await client.call_tool(
                "send_message",
                {
                    "draft_id": draft["draft_id"],
                    "confirmation_token": draft["confirmation_token"],
                    "recipient": lead.profile_id,
                    "text": TEXT,
                },
            )
            assert result.is_error and "expired" in result.content[0].text
        assert not sent_to(services, lead.profile_id)


async def test_strict_mode_refuses_tokens(tmp_path: Any, connect: Any) -> None:
    from salesnav_mcp.server.wiring import open_services

    settings = make_settings(tmp_path, SANDBOX_SERVER, salesnav_confirm_mode="strict")
    async with open_services(settings, sandbox_config=SandboxConfig(seed=7)) as services:
        server = build_server(settings, services=services)
        lead = a_lead(services)
        async with connect(server) as client:
            draft = await make_draft(client, lead.profile_id)
            assert draft["confirmation_token"] is None
            result = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
            assert result.is_error and "elicitation" in result.content[0].text
        async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
            ok = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
            assert not ok.is_error and ok.structured_content["outcome"] == "sent"
        assert len(sent_to(services, lead.profile_id)) == 1


async def test_instructions_inside_messages_cannot_send(server: MCPServer, services: Services, connect: Any) -> None:
    """An inbound message asks to message everyone; the model obeys, the human declines: nothing goes out."""
    human = ScriptedHuman("decline")
    before = len(world(services).sent_messages)
    async with connect(server, elicitation_callback=human) as client:
        listing = await client.call_tool("list_conversations", {"count": 100})
        assert "untrusted" in listing.content[0].text
        injected = [
            c
            for c in listing.structured_content["conversations"]
            if "ignore previous instructions" in (c["latest_text"] or "").lower()
        ]
        assert injected, "the sandbox seeds an inbound message carrying instructions"
        thread = await client.call_tool("read_messages", {"conversation_urn": injected[0]["conversation_urn"]})
        assert thread.structured_content["untrusted_content"] is True
        assert "untrusted data" in thread.content[0].text
        for conversation in listing.structured_content["conversations"][:5]:
            draft = await client.call_tool(
                "draft_message",
                {"recipient": conversation["participants"][0]["profile_id"], "text": "Sending this to everyone."},
            )
            if draft.is_error:
                continue
            sent = await client.call_tool("send_message", {"draft_id": draft.structured_content["draft_id"]})
            assert sent.is_error
    assert len(world(services).sent_messages) == before
    assert human.shown  # the human was asked every time


async def test_reply_in_existing_thread_uses_that_thread(server: MCPServer, services: Services, connect: Any) -> None:
    conversation = world(services).conversations_of(DEFAULT_ACCOUNT_ID)[0]
    recipient = conversation.lead.profile_id
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        draft = await make_draft(client, recipient, text="Thanks, talk soon.")
        assert draft["new_conversation"] is False
        assert draft["conversation_urn"] == conversation.urn
        result = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert result.structured_content["outcome"] == "sent", result.content
    assert world(services).sent_messages[-1].conversation_urn == conversation.urn


async def test_a_message_to_one_person_never_goes_into_a_group_conversation(
    server: MCPServer, services: Services, connect: Any
) -> None:
    own = next(c for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID) if c.source == "linkedin")
    person, other = own.lead, a_lead(services)
    # The newest thread with the person is a group: the person, someone else, and the account.
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=services.sandbox_app), base_url="http://sb") as sb:
        planted = await sb.post("/_sandbox/group", json={"profileIds": [person.profile_id, other.profile_id]})
    group_urn = planted.json()["conversationUrn"]
    assert world(services).conversations_of(DEFAULT_ACCOUNT_ID)[0].urn == group_urn
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        refused = await client.call_tool(
            "draft_message", {"recipient": person.profile_id, "text": TEXT, "conversation_urn": group_urn}
        )
        assert refused.is_error
        assert f"{group_urn} is a group conversation: {other.full_name} would read the message too" in (
            refused.content[0].text
        )
        draft = await make_draft(client, person.profile_id, text="Thanks, talk soon.")
        assert draft["conversation_urn"] == own.urn  # their own thread, not the newer group
        sent = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert sent.structured_content["outcome"] == "sent", sent.content
    assert [m.conversation_urn for m in world(services).sent_messages] == [own.urn]
    assert len(world(services).conversations[group_urn].messages) == 1

async def test_nul_character_in_text_is_refused_naming_the_field(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("draft_message", {"recipient": "someone-1", "text": "hi\x00there"})
    assert result.is_error and "text" in result.content[0].text and "NUL" in result.content[0].text

"""Every documented reading parameter is reachable from a tool and honoured (labels on conversations, `since` and
`sync` on messages), and the fields upstream sends are kept: conversation subject and labels, InMail subject and
attachment names."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.elicitation import ScriptedHuman
from tests.support.tool_calls import call, refused
from tests.support.world import world

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    """The server and its sandbox on a clock the tests move (replies arrive when it does)."""
    return manual_clock


@pytest.fixture
async def human_client(server: MCPServer, connect: Any) -> AsyncIterator[Client]:
    """A client whose user accepts every approval dialog."""
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        yield client


async def test_conversations_by_label_with_subject_and_labels(mcp_client: Client, services: Services) -> None:
    everything = await call(mcp_client, "list_conversations", {"count": 100})
    labeled = await call(mcp_client, "list_conversations", {"count": 100, "labeled_only": True})
    seeded = {c.urn: c for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    assert {c["conversation_urn"] for c in labeled["conversations"]} == {u for u, c in seeded.items() if c.labels}
    label = labeled["conversations"][0]["labels"][0]
    assert label["id"] and label["name"]
    by_label = await call(mcp_client, "list_conversations", {"count": 100, "label_id": label["id"]})
    assert by_label["conversations"] and all(
        label in c["labels"] for c in by_label["conversations"]
    )
    assert {c["conversation_urn"] for c in by_label["conversations"]} == {
        u for u, c in seeded.items() if label["id"] in c.labels
    }
    inmail = next(c for c in everything["conversations"] if c["channel"] == "sales_navigator")
    assert inmail["subject"] == seeded[inmail["conversation_urn"]].subject
    text = (await mcp_client.call_tool("list_conversations", {"count": 100, "labeled_only": True})).content[0].text  # type: ignore[union-attr]
    assert f"[labels: {label['name']}" in text


async def test_messages_since_an_instant_and_synced(
    mcp_client: Client, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    thread = next(c for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID) if len(c.messages) >= 3)
    cut = thread.messages[-2].sent_at
    asked: list[dict[str, Any]] = []
    original = services.connectsafely.get_messages

    async def spy(urn: str, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return await original(urn, **kwargs)

    monkeypatch.setattr(services.connectsafely, "get_messages", spy)
    out = await call(
        mcp_client,
        "read_messages",
        {"conversation_urn": thread.urn, "since": cut.isoformat(), "sync": True},
    )
    assert [m["message_urn"] for m in out["messages"]] == [thread.messages[-1].urn]
    assert asked[-1]["since"] == cut and asked[-1]["sync"] is True
    naive = await call(mcp_client, "read_messages", {"conversation_urn": thread.urn, "since": cut.replace(tzinfo=None).isoformat()})
    assert len(naive["messages"]) == 1  # a time without a zone is UTC
    both = await refused(mcp_client, "read_messages", {"conversation_urn": thread.urn, "since": cut.isoformat(),
                                                       "cursor": "3"})
    assert "not both" in both


async def test_inmail_subject_and_attachment_names_are_kept(
    human_client: Client, services: Services, clock: ManualClock
) -> None:
    taken = {c.lead.profile_id for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID)}
    lead = next(x for x in world(services).leads if x.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and x.profile_id not in taken)
    upload = await call(
        human_client,
        "upload_attachment",
        {"filename": "pricing overview.pdf", "content_base64": base64.b64encode(b"%PDF-1.4 deck").decode()},
    )
    draft = await call(
        human_client,
        "draft_message",
        {"recipient": lead.profile_id, "subject": "Pricing for Q1", "text": "Deck attached.",
         "attachments": [upload["attachment"]]},
    )
    sent = await call(human_client, "send_message", {"draft_id": draft["draft_id"]})
    clock.advance(timedelta(seconds=1))
    out = await call(human_client, "read_messages", {"conversation_urn": sent["conversation_urn"]})
    [message] = out["messages"]
    assert message["subject"] == "Pricing for Q1" and message["attachment_names"] == ["pricing overview.pdf"]
    text = (await human_client.call_tool("read_messages", {"conversation_urn": sent["conversation_urn"]})).content[0].text  # type: ignore[union-attr]
    assert "[subject «Pricing for Q1»]" in text and "[attachments: «pricing overview.pdf»]" in text

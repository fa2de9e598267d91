"""Dialogs the guardrails raise besides sends: budget spend past the warning line, do-not-contact removal."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.wiring import open_services
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world
from tests.tools.messaging.helpers import a_lead, make_draft

pytestmark = pytest.mark.anyio

QUERIES = [
    {"filters": {"seniority": [level], "regions": ["Germany"]}}
    for level in ("CXO", "VP", "Director", "Senior", "Entry Level", "Training")
]


@pytest.fixture
def settings(tmp_path: Any) -> Any:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_monthly_search_budget=5, salesnav_budget_warn_ratio=0.8)


async def test_budget_warning_asks_the_human_and_the_limit_refuses(server: MCPServer, connect: Any) -> None:
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        for arguments in QUERIES[:4]:
            result = await client.call_tool("search_leads", arguments)
            assert not result.is_error, result.content
        assert human.shown == []  # 4 of 5: below the 80% line nothing is asked

        human.action = "decline"
        declined = await client.call_tool("search_leads", QUERIES[4])
        assert declined.is_error and "did not agree" in declined.content[0].text
        assert len(human.shown) == 1 and "4 of 5 used" in human.shown[0]
        status = await client.call_tool("get_search_budget", {})
        assert status.structured_content["budget"]["used"] == 4

        human.action = "accept"
        spent = await client.call_tool("search_leads", QUERIES[4])
        assert not spent.is_error and spent.structured_content["budget"]["used"] == 5

        cached = await client.call_tool("search_leads", QUERIES[0])
        assert not cached.is_error and cached.structured_content["cached"] is True

        refused = await client.call_tool("search_leads", QUERIES[5])
        assert refused.is_error
        text = refused.content[0].text
        assert "used up" in text and "resets on" in text


async def _append(answers: list[Any], call: Any) -> None:
    answers.append(await call)


async def test_budget_warning_without_elicitation_waits_for_the_approval_page(
    server: MCPServer, services: Services, connect: Any
) -> None:
    async with connect(server) as client:
        for arguments in QUERIES[:4]:
            assert not (await client.call_tool("search_leads", arguments)).is_error
        calls = search_calls(services)
        waiting = await client.call_tool("search_leads", QUERIES[4])
        assert waiting.is_error and "approval page" in waiting.content[0].text
        assert "confirm_spend" not in waiting.content[0].text
        # The model's own say-so spends nothing: confirm_spend counts only in client confirmation mode.
        forced = await client.call_tool("search_leads", {**QUERIES[4], "confirm_spend": True})
        assert forced.is_error and search_calls(services) == calls
        assert (await client.call_tool("get_search_budget", {})).structured_content["budget"]["used"] == 4

        [item] = await approvals.pending_items(services, None)
        assert item.kind == "search_spend" and any("4 of 5" in line for line in item.lines)
        await approvals.decide(
            services, item.approval_id, content_hash=item.content_hash, approve=True, surface="approval_page", user=None
        )
        # The approval pays for one run: three identical calls at once run it once, charged once.
        answers: list[Any] = []
        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(lambda: _append(answers, client.call_tool("search_leads", QUERIES[4])))
        spent = [a for a in answers if not a.is_error]
        assert len(spent) == 1 and spent[0].structured_content["budget"]["used"] == 5, [a.content for a in answers]
        assert all("used by another run" in a.content[0].text for a in answers if a.is_error)
        assert (await client.call_tool("get_search_budget", {})).structured_content["budget"]["used"] == 5
        again = await client.call_tool("search_leads", QUERIES[4])
        assert not again.is_error and again.structured_content["cached"] is True
        # The approval was for that one search: another one past the line asks again (and the limit refuses).
        assert await approvals.pending_items(services, None) == []
        audit = await services.store.list_audit(limit=100, kinds=["approval.decided"])
        assert [e.details["surface"] for e in audit] == ["approval_page"]


async def test_budget_warning_in_client_mode_takes_confirm_spend(tmp_path: Any, connect: Any) -> None:
    settings = make_settings(tmp_path, SANDBOX_SERVER, salesnav_monthly_search_budget=5, salesnav_confirm_mode="client")
    async with (
        open_services(settings, sandbox_config=SandboxConfig(seed=7)) as svc,
        connect(build_server(settings, services=svc)) as client,
    ):
        for arguments in QUERIES[:4]:
            assert not (await client.call_tool("search_leads", arguments)).is_error
        refused = await client.call_tool("search_leads", QUERIES[4])
        assert refused.is_error and "confirm_spend=true" in refused.content[0].text
        confirmed = await client.call_tool("search_leads", {**QUERIES[4], "confirm_spend": True})
        assert not confirmed.is_error and confirmed.structured_content["budget"]["used"] == 5


def search_calls(services: Services) -> int:
    return sum(counter.total for counter in world(services).search_calls.values())


async def test_do_not_contact_blocks_drafts_and_needs_the_human_to_lift(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = a_lead(services)
    async with connect(server) as client:
        added = await client.call_tool(
            "update_do_not_contact", {"action": "add", "recipient": lead.profile_id, "reason": "asked us not to"}
        )
        assert not added.is_error
        draft = await make_draft(client, lead.profile_id)
        assert draft["sendable"] is False
        assert any(
            f["code"].startswith("do_not_contact") or "do-not-contact" in f["message"] for f in draft["findings"]
        )
        sent = await client.call_tool(
            "send_message",
            {
                "draft_id": draft["draft_id"],
                "confirmation_token": "x" * 20,
                "recipient": lead.profile_id,
                "text": draft["text"],
            },
        )
        assert sent.is_error
        # Without a dialog the removal waits for the user in the approval page; nothing changes meanwhile.
        lift = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": lead.profile_id})
        assert not lift.is_error and lift.structured_content["changed"] is False, lift.content
        assert lift.structured_content["approval_id"] and "approval page" in lift.content[0].text
        assert len(lift.structured_content["entries"]) == 1
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        lifted = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": lead.profile_id})
        assert not lifted.is_error and lifted.structured_content["changed"] is True
        listing = await client.call_tool("list_do_not_contact", {})
        assert listing.structured_content["entries"] == []
    assert not [m for m in world(services).sent_messages if m.recipient == lead.profile_id]

"""A model cannot approve its own outbound actions: the in-process server, both protocol versions.

(The same attack over stdio and HTTP, against the standalone sandbox, is in tests/e2e.)
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.attacker import attack
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path: Any) -> Any:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_monthly_search_budget=10, salesnav_budget_warn_ratio=0.1)


async def test_replaying_everything_it_saw_approves_nothing(mcp_client: Client, services: Services) -> None:
    text = "A note the model wants out without asking"
    me = await attack(mcp_client, account_id=DEFAULT_ACCOUNT_ID, word="sales", text=text)
    assert [m for m in world(services).sent_messages if m.text == text] == []
    assert sum(c.total for c in world(services).search_calls.values()) == 1
    assert len(await services.guardrails.dnc.list()) == 1
    # Everything still waits for the human: the send, the removal and the search spend.
    kinds = sorted(item.kind for item in await approvals.pending_items(services, None))
    assert kinds == ["dnc_removal", "search_spend", "search_spend", "send"], kinds
    assert me.replays()


async def test_replaying_everything_it_saw_sends_no_invitation(mcp_client: Client, services: Services) -> None:
    sandbox = world(services)
    strangers = [x for x in sandbox.leads if sandbox.network.status(DEFAULT_ACCOUNT_ID, x) == "NOT_CONNECTED"]
    invited, blocked = strangers[0].profile_id, strangers[1].profile_id
    me = await attack(
        mcp_client,
        account_id=DEFAULT_ACCOUNT_ID,
        word="sales",
        text="Glad to connect",
        channel="invitation",
        people=(invited, blocked),
    )
    # Upstream never heard of the invitation: no /connect request arrived, nothing is pending to the person.
    assert sandbox.network.connect_calls == {}
    assert [i for i in sandbox.network.invitations if i.lead is strangers[0]] == []
    pending = [item for item in await approvals.pending_items(services, None) if item.kind == "send"]
    assert [item.title for item in pending] == ["Send this LinkedIn connection request?"]
    assert me.replays()

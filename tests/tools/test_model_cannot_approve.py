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

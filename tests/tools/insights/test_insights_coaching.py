"""The SSI coaching prompt: built from the history, names the focus pillar, weekly actions for every pillar."""

from __future__ import annotations

import pytest
from mcp import Client

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations.insights import PILLAR_NAMES
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from tests.tools.insights.helpers import read_ssi_daily, sandbox_member_score

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    return manual_clock


async def coaching_text(client: Client, args: dict[str, str]) -> str:
    prompt = await client.get_prompt("ssi_coaching", args)
    assert len(prompt.messages) == 1
    return prompt.messages[0].content.text


async def test_brief_uses_the_history_and_names_the_focus(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    await read_ssi_daily(mcp_client, manual_clock, 14, account_id=SECOND_SALES_NAV_ACCOUNT_ID)
    text = await coaching_text(mcp_client, {"account_id": SECOND_SALES_NAV_ACCOUNT_ID})

    history = await mcp_client.call_tool(
        "get_ssi_history", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID, "days": 90, "refresh": False}
    )
    data = history.structured_content
    today = manual_clock.now().date()
    now = sandbox_member_score(services, SECOND_SALES_NAV_ACCOUNT_ID, today)
    assert f"{data['readings']} daily reading(s)" in text and data["readings"] == 15
    assert f"Overall: {now['overall']:.1f}/100 ({data['overall']['change']:+.1f} since" in text
    assert "Last 7 days:" in text
    for pillar in data["pillars"]:
        assert f"- {pillar['name']}: {pillar['last']:.1f}/25 ({pillar['change']:+.1f})" in text

    focus_lines = [line for line in text.splitlines() if line.endswith("<- focus")]
    assert len(focus_lines) == 1
    focus_name = focus_lines[0].removeprefix("- ").split(":")[0]
    assert f"Focus pillar: {focus_name}, because" in text
    assert f"- {focus_name} (focus: give this one most of the week):" in text
    for name in PILLAR_NAMES.values():
        assert f"- {name}" in text  # an action line (and a data line) for every pillar
    assert "Rank in industry" in text and "Rank in network" in text
    assert "never send" in text


async def test_first_reading_says_the_trend_is_still_to_come(mcp_client: Client, services: Services) -> None:
    text = await coaching_text(mcp_client, {})
    assert f"for account {DEFAULT_ACCOUNT_ID}" in text
    assert "only one reading so far" in text
    # Coaching reads (and keeps) today's SSI, like every SSI read.
    assert len(await services.guardrails.store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)) == 1


async def test_no_seat_still_coaches_and_says_why(mcp_client: Client) -> None:
    text = await coaching_text(mcp_client, {"account_id": BUSINESS_ACCOUNT_ID})
    assert "could not be read" in text and "no active Sales Navigator seat" in text
    assert "BUSINESS_PREMIUM" in text and "get_account_overview" in text
    assert all(name in text for name in PILLAR_NAMES.values())


async def test_bad_or_unknown_account_renders_an_explanation(mcp_client: Client) -> None:
    bad = await coaching_text(mcp_client, {"account_id": "not-an-id"})
    assert "24 hexadecimal characters" in bad
    unknown = await coaching_text(mcp_client, {"account_id": "ab" * 12})
    assert "could not be read" in unknown and "not found" in unknown.lower()

"""get_account_overview: one call, per account, on the sandbox with a controllable clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mcp import Client

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.config import FaultRule
from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from tests.support.world import world
from tests.tools.insights.helpers import new_draft, read_ssi_daily, sandbox_member_score, start_new_conversation

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    return manual_clock


async def test_one_account_shows_where_the_rep_stands(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    await read_ssi_daily(mcp_client, manual_clock, 6)  # SSI trend over a week
    await mcp_client.call_tool("get_inmail_credits", {})  # 50 today
    world(services).accounts[DEFAULT_ACCOUNT_ID].inmail_credits = 47
    manual_clock.advance(timedelta(days=1))
    search = await mcp_client.call_tool("search_leads", {"filters": {"seniority": ["CXO"], "regions": ["Germany"]}})
    assert not search.is_error
    await start_new_conversation(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAAAlpha")
    await start_new_conversation(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAABravo", outcome="unknown")
    awaiting = await new_draft(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAACharlie")
    await new_draft(services, SECOND_SALES_NAV_ACCOUNT_ID, "urn:li:fsd_profile:ACoAADelta")  # other account

    result = await mcp_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID, "days": 30})
    assert not result.is_error, result.content
    [acct] = result.structured_content["accounts"]
    assert acct["name"] == "Alex Morgan" and acct["status"] == "AVAILABLE"
    assert acct["premium_type"] == "SALES_NAVIGATOR" and acct["seat"] is True

    today = manual_clock.now().date()
    first = sandbox_member_score(services, DEFAULT_ACCOUNT_ID, today - timedelta(days=7))
    now = sandbox_member_score(services, DEFAULT_ACCOUNT_ID, today)
    assert acct["ssi"]["overall"] == now["overall"] and acct["ssi"]["readings"] == 8
    assert acct["ssi"]["change"] == pytest.approx(now["overall"] - first["overall"], abs=0.01)

    assert acct["inmail"]["available"] == 47 and acct["inmail"]["total"] == 50
    assert [p["value"] for p in acct["inmail"]["history"]] == [50, 47] and acct["inmail"]["change"] == -3

    assert acct["search_budget"]["used"] == 1 and acct["search_budget"]["limit"] == 300
    assert acct["search_budget"]["resets_at"].startswith("2026-12-01")
    # A send whose outcome is unknown may have reached LinkedIn: it counts toward the cap.
    assert acct["new_conversations"]["sent_today"] == 2
    assert acct["new_conversations"]["remaining"] == acct["new_conversations"]["daily_cap"] - 2
    assert acct["new_conversations"]["resets_at"].startswith("2026-11-10T00:00:00")
    assert acct["drafts_awaiting_confirmation"] == 1 and acct["awaiting"][0]["draft_id"] == awaiting
    assert acct["unknown_sends"] == 1 and acct["unknown"][0]["recipient"] == "urn:li:fsd_profile:ACoAABravo"
    requests = acct["invitations"]  # no connection request sent: no acceptance share to show
    assert (requests["sent_in_period"], requests["accepted_in_period"], requests["acceptance_rate"]) == (0, 0, None)

    text = result.content[0].text
    assert len(text.splitlines()) == 1 and "accepted" not in text
    for fragment in (
        "Alex Morgan",
        f"SSI {now['overall']:.1f}",
        "InMail 47/50",
        "searches 1/300",
        "resets 2026-12-01",
        "new conversations today 2/",
        "1 draft(s) awaiting confirmation",
        "1 send(s) in UNKNOWN state",
    ):
        assert fragment in text, fragment


async def test_new_conversations_reset_at_utc_midnight(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    await start_new_conversation(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAAEcho")
    before = await mcp_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
    assert before.structured_content["accounts"][0]["new_conversations"]["sent_today"] == 1
    manual_clock.advance(timedelta(hours=15))  # 2026-11-03 00:00 UTC
    after = await mcp_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
    assert after.structured_content["accounts"][0]["new_conversations"]["sent_today"] == 0


async def test_all_accounts_one_line_each(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_account_overview", {})
    assert not result.is_error, result.content
    accounts = {a["account_id"]: a for a in result.structured_content["accounts"]}
    assert list(accounts) == [DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID, BUSINESS_ACCOUNT_ID, FREE_ACCOUNT_ID]
    assert accounts[SECOND_SALES_NAV_ACCOUNT_ID]["inmail"]["available"] == 3
    assert accounts[SECOND_SALES_NAV_ACCOUNT_ID]["ssi"]["overall"] is not None
    business = accounts[BUSINESS_ACCOUNT_ID]
    assert business["seat"] is False and business["ssi"] is None and business["premium_type"] == "BUSINESS_PREMIUM"
    assert "No Sales Navigator seat" in business["ssi_note"]
    free = accounts[FREE_ACCOUNT_ID]
    assert free["status"] == "WARMUP" and free["inmail"]["available"] == 0 and free["seat"] is False

    lines = result.content[0].text.splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("Sam Patel") and "no SSI (no Sales Navigator seat)" in lines[2]
    assert "Robin Fischer" in lines[3] and "WARMUP" in lines[3]


async def test_one_failing_account_keeps_the_others_and_the_local_counts(
    mcp_client: Client, services: Services
) -> None:
    services.sandbox_app.state.faults.replace(
        [FaultRule(route="GET /linkedin/inmail/credits", kind="trial_expired", times=1)]
    )
    await new_draft(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAAFoxtrot")
    result = await mcp_client.call_tool("get_account_overview", {})
    assert not result.is_error, result.content
    accounts = result.structured_content["accounts"]
    failed = [a for a in accounts if a["error"]]
    assert len(failed) == 1 and "trial" in failed[0]["error"].lower()
    assert failed[0]["inmail"] is None and failed[0]["search_budget"]["limit"] == 300
    assert all(a["inmail"] is not None for a in accounts if not a["error"])
    assert next(a for a in accounts if a["account_id"] == DEFAULT_ACCOUNT_ID)["drafts_awaiting_confirmation"] == 1
    assert "upstream error" in result.content[0].text


async def test_ssi_failure_keeps_the_credits_and_says_why(mcp_client: Client, services: Services) -> None:
    services.sandbox_app.state.faults.replace([FaultRule(route="GET /linkedin/ssi", kind="trial_expired")])
    result = await mcp_client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
    assert not result.is_error, result.content
    [acct] = result.structured_content["accounts"]
    assert acct["error"] is None and acct["inmail"]["available"] == 50 and acct["seat"] is True
    assert acct["ssi"] is None and acct["ssi_note"].startswith("SSI could not be read:")
    assert "SSI n/a" in result.content[0].text


async def test_single_unknown_account_is_a_tool_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_account_overview", {"account_id": "cd" * 12})
    assert result.is_error
    assert "not found" in result.content[0].text.lower()

"""plan_outreach_capacity: per account, what can go out today and this month, and what is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import parse_recipient
from salesnav_mcp.operations.capacity import InvitationRoom, plan_account, week_renewals_in_month
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import (
    BUSINESS_ACCOUNT_ID,
    DEFAULT_ACCOUNT_ID,
    FREE_ACCOUNT_ID,
    SECOND_SALES_NAV_ACCOUNT_ID,
)
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.tools.insights.helpers import start_new_conversation

pytestmark = pytest.mark.anyio

CAP = 5
WEEKLY = 3  # connection requests per account per week
# The clock starts on 2026-11-02: 29 UTC days left in November, today included.
DAYS_LEFT = 29


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    return manual_clock


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    return make_settings(
        tmp_path, SANDBOX_SERVER, salesnav_daily_new_conversations=CAP, salesnav_weekly_invitations=WEEKLY
    )


def people(prefix: str, n: int) -> list[str]:
    return [f"urn:li:fsd_profile:{prefix}{i:04d}" for i in range(n)]


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["account_id"]: a for a in data["accounts"]}


def refused(account: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {g["code"]: g for g in account["refused"]}


async def test_credits_cap_and_refusals_per_account(mcp_client: Client, services: Services) -> None:
    listed = parse_recipient("https://www.linkedin.com/in/ACoAAdnc0001/")
    await services.guardrails.dnc.add(listed, reason="asked not to be contacted")
    await start_new_conversation(services, DEFAULT_ACCOUNT_ID, "urn:li:fsd_profile:ACoAAearly")
    inmail = ["twin-person-1", *people("ACoAAim", 7)]
    # The same person as inmail[0], written as a profile URL with a locale and another case.
    twin = "https://de.linkedin.com/in/Twin-Person-1/?locale=de_DE"
    inbox = ["urn:li:fsd_profile:ACoAAdnc0001", *people("ACoAAin", 2), twin]

    result = await mcp_client.call_tool(
        "plan_outreach_capacity", {"inbox_recipients": inbox, "inmail_recipients": inmail}
    )
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["requested"] == {"inbox": 4, "inmail": 8, "invitations": 0, "total": 12}
    everywhere = {r["code"]: r for r in data["refused_everywhere"]}
    assert everywhere["do_not_contact"]["recipient"] == "urn:li:fsd_profile:ACoAAdnc0001"
    assert "asked not to be contacted" in everywhere["do_not_contact"]["reason"]
    # The profile URL was planned in the inbox list first; its InMail twin is the one refused.
    assert (
        everywhere["listed_twice"]["recipient"] == inmail[0]
        and everywhere["listed_twice"]["channel"] == "sales_navigator"
    )

    accounts = by_id(data)
    alex = accounts[DEFAULT_ACCOUNT_ID]
    assert alex["sent_today"] == 1 and alex["cap_left_today"] == CAP - 1
    assert alex["inmail_credits"] == 50 and alex["days_left_in_month"] == DAYS_LEFT
    # 3 inbox first, then 1 InMail fills today's 4; all 3 + 7 fit this month.
    assert alex["today"] == {"inbox": 3, "inmail": 1, "invitations": 0, "total": 4}
    assert alex["this_month"] == {"inbox": 3, "inmail": 7, "invitations": 0, "total": 10}
    assert alex["deferred"] == 6 and alex["refused"] == []

    jamie = accounts[SECOND_SALES_NAV_ACCOUNT_ID]
    credits = refused(jamie)["no_inmail_credits"]
    assert credits["count"] == 4 and credits["recipients"] == inmail[4:]  # list order kept: the first 3 fit
    assert jamie["today"] == {"inbox": 3, "inmail": 2, "invitations": 0, "total": 5}
    assert jamie["this_month"]["inmail"] == 3

    for no_seat in (BUSINESS_ACCOUNT_ID, FREE_ACCOUNT_ID):
        account = accounts[no_seat]
        assert account["seat"] is False
        assert refused(account)["no_seat"]["count"] == 7
        assert account["today"] == {"inbox": 3, "inmail": 0, "invitations": 0, "total": 3}
    assert any("warming up" in n for n in accounts[FREE_ACCOUNT_ID]["notes"])
    assert data["best_account_today"] == SECOND_SALES_NAV_ACCOUNT_ID

    text = result.content[0].text
    assert len(text.splitlines()) == 7
    assert "Refused for every account: 2" in text
    assert "Jamie Lee" in text and "4 InMail (no_inmail_credits)" in text
    assert "7 InMail (no_seat)" in text and "Most today: Jamie Lee (5)" in text


async def test_month_view_stops_at_the_daily_cap_for_the_remaining_days(mcp_client: Client, services: Services) -> None:
    for i in range(2):
        await start_new_conversation(services, DEFAULT_ACCOUNT_ID, f"urn:li:fsd_profile:ACoAAsent{i}")
    inbox = people("ACoAAbulk", 200)
    result = await mcp_client.call_tool(
        "plan_outreach_capacity", {"inbox_recipients": inbox, "account_ids": [DEFAULT_ACCOUNT_ID]}
    )
    assert not result.is_error, result.content
    [alex] = result.structured_content["accounts"]
    month_slots = (CAP - 2) + CAP * (DAYS_LEFT - 1)
    assert alex["today"]["total"] == 3 and alex["this_month"]["total"] == month_slots
    over = refused(alex)["over_monthly_cap"]
    assert over["count"] == 200 - month_slots and over["recipients"] == inbox[month_slots:]
    assert alex["searches_remaining"] == 300 and alex["searches_reset_at"].startswith("2026-12-01")
    assert result.structured_content["month_ends_at"].startswith("2026-12-01T00:00:00")


async def test_a_new_day_brings_the_cap_back(mcp_client: Client, services: Services, manual_clock: ManualClock) -> None:
    for i in range(CAP):
        await start_new_conversation(services, DEFAULT_ACCOUNT_ID, f"urn:li:fsd_profile:ACoAAday{i}")
    args = {"inbox_recipients": people("ACoAAnext", 3), "account_ids": [DEFAULT_ACCOUNT_ID]}
    full = (await mcp_client.call_tool("plan_outreach_capacity", args)).structured_content["accounts"][0]
    assert full["cap_left_today"] == 0 and full["today"]["total"] == 0 and full["deferred"] == 3
    manual_clock.advance(timedelta(days=1))
    fresh = (await mcp_client.call_tool("plan_outreach_capacity", args)).structured_content["accounts"][0]
    assert fresh["cap_left_today"] == CAP and fresh["today"]["total"] == 3
    assert fresh["days_left_in_month"] == DAYS_LEFT - 1


async def test_input_errors_are_clear(mcp_client: Client) -> None:
    empty = await mcp_client.call_tool("plan_outreach_capacity", {})
    assert empty.is_error and "inbox_recipients" in empty.content[0].text
    unknown = await mcp_client.call_tool(
        "plan_outreach_capacity", {"inmail_recipients": ["someone"], "account_ids": ["ef" * 12]}
    )
    assert unknown.is_error and "not found" in unknown.content[0].text.lower()
    bad_id = await mcp_client.call_tool(
        "plan_outreach_capacity", {"inmail_recipients": ["someone"], "account_ids": ["nope"]}
    )
    assert bad_id.is_error and "account_ids" in bad_id.content[0].text


async def test_nothing_is_sent_or_drafted(mcp_client: Client, services: Services) -> None:
    await mcp_client.call_tool("plan_outreach_capacity", {"inmail_recipients": people("ACoAAquiet", 3)})
    assert await services.guardrails.store.list_drafts() == []
    tools = {t.name: t for t in (await mcp_client.list_tools()).tools}
    assert tools["plan_outreach_capacity"].annotations.read_only_hint is True


async def test_connection_requests_are_planned_against_the_weekly_cap_not_the_daily_one(
    mcp_client: Client, services: Services
) -> None:
    listed = parse_recipient("urn:li:fsd_profile:ACoAAinvdnc")
    await services.guardrails.dnc.add(listed, reason="asked not to be contacted")
    inbox = people("ACoAAin", 2)
    invitations = [inbox[0], "urn:li:fsd_profile:ACoAAinvdnc", *people("ACoAAinv", 20)]
    args = {"inbox_recipients": inbox, "invitation_recipients": invitations, "account_ids": [DEFAULT_ACCOUNT_ID]}
    result = await mcp_client.call_tool("plan_outreach_capacity", args)
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["requested"] == {"inbox": 2, "inmail": 0, "invitations": 22, "total": 24}
    everywhere = {(r["code"], r["channel"]): r["recipient"] for r in data["refused_everywhere"]}
    # One approach per person: someone already in the inbox list is not invited too.
    assert everywhere == {
        ("listed_twice", "invitation"): inbox[0],
        ("do_not_contact", "invitation"): "urn:li:fsd_profile:ACoAAinvdnc",
    }
    [alex] = data["accounts"]
    assert (alex["weekly_invitation_cap"], alex["invitations_left_this_week"]) == (WEEKLY, WEEKLY)
    # Requests leave the daily cap of new conversations alone; the Mondays left in November bring the cap back.
    renewals = 4  # 9, 16, 23 and 30 November
    assert alex["today"] == {"inbox": 2, "inmail": 0, "invitations": WEEKLY, "total": 2 + WEEKLY}
    assert alex["cap_left_today"] == CAP and alex["this_month"]["invitations"] == WEEKLY * (1 + renewals)
    over = refused(alex)["over_weekly_invitations"]
    assert over["channel"] == "invitation" and over["recipients"] == invitations[2:][WEEKLY * (1 + renewals) :]
    text = result.content[0].text
    assert "and 22 connection request(s)" in text
    assert f"today {2 + WEEKLY} (2 inbox + 0 InMail + {WEEKLY} connection request(s);" in text
    assert f"{WEEKLY} of {WEEKLY} connection requests left this week" in text


async def test_a_hold_leaves_no_connection_requests_this_week(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    until = manual_clock.now() + timedelta(hours=20)
    await services.guardrails.policy.hold_invitations(DEFAULT_ACCOUNT_ID, until, reason="LinkedIn's weekly limit")
    args = {"invitation_recipients": people("ACoAAheld", 2), "account_ids": [DEFAULT_ACCOUNT_ID]}
    [alex] = (await mcp_client.call_tool("plan_outreach_capacity", args)).structured_content["accounts"]
    assert alex["invitations_left_this_week"] == 0 and alex["today"]["invitations"] == 0
    assert alex["invitations_held_until"].startswith(until.strftime("%Y-%m-%dT%H:%M"))
    assert alex["this_month"]["invitations"] == 2 and alex["deferred"] == 2
    # Without connection requests to plan, the weekly room is not read at all.
    plain = {"inbox_recipients": people("ACoAAplain", 1), "account_ids": [DEFAULT_ACCOUNT_ID]}
    [only_inbox] = (await mcp_client.call_tool("plan_outreach_capacity", plain)).structured_content["accounts"]
    assert only_inbox["invitations_left_this_week"] is None and only_inbox["today"]["invitations"] == 0


# ----------------------------------------------------------------------------- the rules on fixed facts


def plan(inbox: int, inmail: int, **facts: Any) -> Any:
    values: dict[str, Any] = {"cap": 10, "sent_today": 0, "days_left": 1, "seat": True, "credits": 100}
    values.update(facts)
    base = {"account_id": DEFAULT_ACCOUNT_ID, "name": "A", "drafts_awaiting_confirmation": 0}
    return plan_account(base, people("in", inbox), people("im", inmail), **values)


def test_inbox_is_planned_before_inmail_and_the_cap_is_shared() -> None:
    result = plan(6, 6)
    assert (result.today.inbox, result.today.inmail) == (6, 4)
    assert refused({"refused": [g.model_dump() for g in result.refused]})["over_monthly_cap"]["count"] == 2


def test_unknown_seat_and_balance_are_noted_not_guessed() -> None:
    result = plan(0, 3, seat=None, credits=None)
    assert result.today.inmail == 3
    assert any("seat unknown" in n for n in result.notes) and any("balance unknown" in n for n in result.notes)


def test_an_unavailable_account_sends_nothing() -> None:
    result = plan(2, 2, unavailable="the account is in ERROR state upstream")
    assert result.today.total == 0 and result.this_month.total == 0
    assert {g.code for g in result.refused} == {"account_unavailable"}
    assert sum(g.count for g in result.refused) == 4


def test_mondays_left_in_the_month_renew_the_weekly_room() -> None:
    assert week_renewals_in_month(datetime(2026, 11, 2, 9, tzinfo=UTC)) == 4
    assert week_renewals_in_month(datetime(2026, 11, 29, 23, tzinfo=UTC)) == 1  # Monday 30 November
    assert week_renewals_in_month(datetime(2026, 11, 30, 0, tzinfo=UTC)) == 0
    assert week_renewals_in_month(datetime(2027, 2, 1, 0, tzinfo=UTC)) == 3  # 8, 15 and 22 February


def test_connection_requests_fill_the_week_then_the_month_and_an_unavailable_account_takes_none() -> None:
    room = InvitationRoom(left_this_week=2, weekly_cap=5, renewals=1)
    result = plan(1, 0, invitations=people("inv", 9), room=room)
    assert (result.today.inbox, result.today.invitations, result.this_month.invitations) == (1, 2, 7)
    assert result.cap_left_today == 10 and result.deferred == 5
    over = refused({"refused": [g.model_dump() for g in result.refused]})["over_weekly_invitations"]
    assert over["recipients"] == people("inv", 9)[7:]
    down = plan(0, 0, invitations=people("inv", 2), room=room, unavailable="the account is in ERROR state upstream")
    assert down.today.total == 0 and [(g.code, g.channel, g.count) for g in down.refused] == [
        ("account_unavailable", "invitation", 2)
    ]

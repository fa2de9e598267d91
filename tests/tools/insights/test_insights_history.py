"""SSI history: every read kept (one per day), the trend tool, its resource, and the focus rule."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.ssi_history import focus_pillar, summarize
from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.store import SsiSnapshot
from tests.support.world import world
from tests.tools.insights.helpers import pillar_scores, read_ssi_daily, sandbox_member_score, sandbox_ranks

pytestmark = pytest.mark.anyio


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    return manual_clock


@pytest.fixture
def server(settings: Settings, services: Services) -> MCPServer:
    server = build_server(settings, services=services)
    return server


async def test_every_read_is_kept_once_per_day_and_an_unchanged_read_rewrites_nothing(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    store = services.guardrails.store
    await mcp_client.call_tool("get_ssi", {})
    first = await store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)
    manual_clock.advance(timedelta(hours=3))
    await mcp_client.call_tool("get_ssi", {})
    same_day = await store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)
    assert len(first) == len(same_day) == 1
    # The sandbox's SSI moves once a day: the later read found the same value and kept when it was first seen.
    assert same_day[0].payload == first[0].payload
    assert same_day[0].recorded_at == first[0].recorded_at

    manual_clock.advance(timedelta(days=1))
    await mcp_client.call_tool("get_ssi", {})
    days = [s.day for s in await store.list_ssi_snapshots(DEFAULT_ACCOUNT_ID)]
    assert days == [date(2026, 11, 2), date(2026, 11, 3)]


async def test_history_reports_the_sandbox_series_with_changes_and_rank_movement(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    await read_ssi_daily(mcp_client, manual_clock, 12)
    result = await mcp_client.call_tool("get_ssi_history", {"days": 30})
    assert not result.is_error, result.content
    data = result.structured_content
    start, today = date(2026, 11, 2), date(2026, 11, 14)
    assert data["readings"] == 13 and data["seat"] is True
    assert [p["day"] for p in data["points"]] == [(start + timedelta(days=i)).isoformat() for i in range(13)]

    first, last = (
        sandbox_member_score(services, DEFAULT_ACCOUNT_ID, start),
        sandbox_member_score(services, DEFAULT_ACCOUNT_ID, today),
    )
    assert data["overall"]["first"] == first["overall"] and data["overall"]["last"] == last["overall"]
    assert data["overall"]["change"] == pytest.approx(last["overall"] - first["overall"], abs=0.01)
    every_day = [sandbox_member_score(services, DEFAULT_ACCOUNT_ID, start + timedelta(days=i)) for i in range(13)]
    assert data["overall"]["low"] == min(s["overall"] for s in every_day)
    assert data["overall"]["high"] == max(s["overall"] for s in every_day)

    f, la = pillar_scores(first), pillar_scores(last)
    changes = {p["pillar"]: p["change"] for p in data["pillars"]}
    assert changes == pytest.approx({k: la[k] - f[k] for k in la}, abs=0.01)
    assert data["strongest_pillar"] == max(la, key=la.get)
    assert data["weakest_pillar"] == min(la, key=la.get)
    gains = {k: v for k, v in changes.items() if v > 0}
    losses = {k: v for k, v in changes.items() if v < 0}
    assert data["most_improved_pillar"] == (max(gains, key=gains.get) if gains else None)
    assert data["most_declined_pillar"] == (min(losses, key=losses.get) if losses else None)

    rank_first, rank_last = (
        sandbox_ranks(services, DEFAULT_ACCOUNT_ID, start),
        sandbox_ranks(services, DEFAULT_ACCOUNT_ID, today),
    )
    ranks = {r["group"]: r for r in data["ranks"]}
    for group in ("INDUSTRY", "NETWORK"):
        assert ranks[group]["first"] == rank_first[group] and ranks[group]["last"] == rank_last[group]
        assert ranks[group]["movement"] == rank_first[group] - rank_last[group]
    assert ranks["INDUSTRY"]["group_name"] == world(services).accounts[DEFAULT_ACCOUNT_ID].seed.industry

    text = result.content[0].text
    assert len(text.splitlines()) <= 5
    assert f"SSI {last['overall']:.1f}/100" in text and "over 30 days" in text and "13 reading(s)" in text
    assert "industry top" in text and "network top" in text


async def test_history_reads_today_first_unless_told_not_to(mcp_client: Client, manual_clock: ManualClock) -> None:
    stored_only = await mcp_client.call_tool("get_ssi_history", {"refresh": False})
    assert not stored_only.is_error
    assert stored_only.structured_content["readings"] == 0
    assert stored_only.structured_content["refreshed"] is False
    assert "refresh=true" in stored_only.content[0].text

    fresh = await mcp_client.call_tool("get_ssi_history", {})
    data = fresh.structured_content
    assert data["refreshed"] is True and data["readings"] == 1
    assert data["points"][0]["day"] == "2026-11-02"
    assert all(p["change"] is None for p in data["pillars"])  # one reading: no change yet
    assert data["most_improved_pillar"] is None and data["most_declined_pillar"] is None

    manual_clock.advance(timedelta(days=1))
    cached = await mcp_client.call_tool("get_ssi_history", {"refresh": False})
    assert [p["day"] for p in cached.structured_content["points"]] == ["2026-11-02"]


async def test_days_bounds_the_period(mcp_client: Client, manual_clock: ManualClock) -> None:
    await read_ssi_daily(mcp_client, manual_clock, 10)
    week = await mcp_client.call_tool("get_ssi_history", {"days": 7, "refresh": False})
    data = week.structured_content
    assert data["since"] == "2026-11-05" and data["until"] == "2026-11-12"
    assert [p["day"] for p in data["points"]][0] == "2026-11-05" and data["readings"] == 8
    too_long = await mcp_client.call_tool("get_ssi_history", {"days": 400})
    assert too_long.is_error and "days" in too_long.content[0].text


async def test_account_without_seat_gets_a_clear_message(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_ssi_history", {"account_id": BUSINESS_ACCOUNT_ID})
    assert not result.is_error
    data = result.structured_content
    assert data["seat"] is False and data["points"] == [] and data["premium_type"] == "BUSINESS_PREMIUM"
    text = result.content[0].text
    assert "no active Sales Navigator seat" in text and "BUSINESS_PREMIUM" in text


async def test_unknown_account_is_a_tool_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_ssi_history", {"account_id": "ab" * 12})
    assert result.is_error
    assert "not found" in result.content[0].text.lower()


async def test_resource_serves_the_same_series(mcp_client: Client, manual_clock: ManualClock) -> None:
    templates = {t.uri_template for t in (await mcp_client.list_resource_templates()).resource_templates}
    assert "salesnav://ssi/{account_id}/history{?days}" in templates
    await read_ssi_daily(mcp_client, manual_clock, 5, account_id=SECOND_SALES_NAV_ACCOUNT_ID)
    tool = await mcp_client.call_tool(
        "get_ssi_history", {"account_id": SECOND_SALES_NAV_ACCOUNT_ID, "days": 4, "refresh": False}
    )
    uri = f"salesnav://ssi/{SECOND_SALES_NAV_ACCOUNT_ID}/history?days=4"
    served = json.loads((await mcp_client.read_resource(uri)).contents[0].text)
    for key in ("points", "overall", "pillars", "ranks", "weakest_pillar", "strongest_pillar", "readings"):
        assert served[key] == tool.structured_content[key], key
    assert served["readings"] == 5

    default_period = json.loads(
        (await mcp_client.read_resource(f"salesnav://ssi/{SECOND_SALES_NAV_ACCOUNT_ID}/history")).contents[0].text
    )
    assert default_period["days"] == 30 and default_period["readings"] == 6


async def test_resource_reads_today_when_missing_and_explains_bad_input(mcp_client: Client, services: Services) -> None:
    served = json.loads(
        (await mcp_client.read_resource(f"salesnav://ssi/{DEFAULT_ACCOUNT_ID}/history")).contents[0].text
    )
    assert served["readings"] == 1 and served["refreshed"] is True
    again = json.loads(
        (await mcp_client.read_resource(f"salesnav://ssi/{DEFAULT_ACCOUNT_ID}/history")).contents[0].text
    )
    assert again["refreshed"] is False and again["readings"] == 1

    no_seat = json.loads(
        (await mcp_client.read_resource(f"salesnav://ssi/{BUSINESS_ACCOUNT_ID}/history")).contents[0].text
    )
    assert no_seat["seat"] is False and "no active Sales Navigator seat" in no_seat["note"]

    with pytest.raises(Exception, match="days must be a whole number"):
        await mcp_client.read_resource(f"salesnav://ssi/{DEFAULT_ACCOUNT_ID}/history?days=zero")
    with pytest.raises(Exception, match="24 hex"):
        await mcp_client.read_resource("salesnav://ssi/not-an-account/history")


async def test_inmail_credit_history_resource(
    mcp_client: Client, services: Services, manual_clock: ManualClock
) -> None:
    uri = f"salesnav://inmail/{SECOND_SALES_NAV_ACCOUNT_ID}/history"
    first = json.loads((await mcp_client.read_resource(uri)).contents[0].text)
    assert [p["value"] for p in first["points"]] == [3] and first["change"] is None
    world(services).accounts[SECOND_SALES_NAV_ACCOUNT_ID].inmail_credits = 1  # two InMails went out
    manual_clock.advance(timedelta(days=1))
    later = json.loads((await mcp_client.read_resource(uri)).contents[0].text)
    assert [p["value"] for p in later["points"]] == [3, 1] and later["change"] == -2


# ----------------------------------------------------------------------------- the focus rule, on fixed numbers


def _snapshot(day: date, scores: dict[str, float]) -> SsiSnapshot:
    payload = {
        "overall": sum(scores.values()),
        "pillars": [{"pillar": k, "score": v} for k, v in scores.items()],
        "ranks": [],
    }
    return SsiSnapshot(account_id=DEFAULT_ACCOUNT_ID, day=day, payload=payload, recorded_at=datetime.now(UTC))


def _history(before: dict[str, float], after: dict[str, float]) -> object:
    snaps = [_snapshot(date(2026, 11, 1), before), _snapshot(date(2026, 11, 20), after)]
    return summarize(
        DEFAULT_ACCOUNT_ID, snaps, days=30, today=date(2026, 11, 20), sandbox=True, seat=True, refreshed=False
    )


BASE = {"PROFESSIONAL_BRAND": 15.0, "FIND_RIGHT_PEOPLE": 12.0, "INSIGHT_ENGAGEMENT": 18.0, "STRONG_RELATIONSHIP": 16.0}


def test_focus_is_the_weakest_pillar_when_nothing_slides() -> None:
    steady = dict(BASE, PROFESSIONAL_BRAND=15.4)
    assert focus_pillar(_history(BASE, steady)) == "FIND_RIGHT_PEOPLE"  # type: ignore[arg-type]


def test_focus_moves_to_a_sliding_pillar_close_to_the_weakest() -> None:
    sliding = dict(BASE, PROFESSIONAL_BRAND=13.5)  # -1.5, 1.5 above the weakest
    history = _history(BASE, sliding)
    assert history.most_declined_pillar == "PROFESSIONAL_BRAND"  # type: ignore[attr-defined]
    assert focus_pillar(history) == "PROFESSIONAL_BRAND"  # type: ignore[arg-type]


def test_a_slide_far_above_the_weakest_does_not_take_the_focus() -> None:
    sliding_high = dict(BASE, INSIGHT_ENGAGEMENT=16.5)  # -1.5 but 4.5 above the weakest
    assert focus_pillar(_history(BASE, sliding_high)) == "FIND_RIGHT_PEOPLE"  # type: ignore[arg-type]

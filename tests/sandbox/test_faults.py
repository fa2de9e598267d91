"""Fault injection, latency and the control endpoints."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import anyio
import httpx2
import pytest

from salesnav_mcp.sandbox import FaultRule, SandboxConfig, SandboxConnectionDropped, create_app
from salesnav_mcp.sandbox.population import Lead
from tests.sandbox.helpers import Sandbox

pytestmark = pytest.mark.anyio
SEND = "POST /linkedin/conversations/send"


def first_degree(sb: Sandbox) -> Lead:
    talked_to = {c.lead.profile_id for c in sb.world.conversations.values()}
    return next(lead for lead in sb.world.leads
                if lead.degree("5f0c0a1b2c3d4e5f6a7b8c90") == "F" and lead.profile_id not in talked_to)


@pytest.mark.parametrize(
    ("kind", "status", "check"),
    [
        ("500", 500, lambda r: r.json() == {"success": False, "error": "Internal server error"}),
        ("502", 502, lambda r: "Bad Gateway" in r.text and r.headers["content-type"] == "text/html"),
        ("503", 503, lambda r: "Unavailable" in r.text),
        ("504", 504, lambda r: "Time-out" in r.text),
        ("session_expired", 500, lambda r: r.json() == {"error": "Session may have expired"}),
        ("trial_expired", 403, lambda r: r.json()["error"].startswith("Your trial has expired")),
    ],
)
async def test_error_kinds(make_sandbox: Callable[..., Any], kind: str, status: int,
                           check: Callable[[httpx2.Response], bool]) -> None:
    async with make_sandbox(faults=[FaultRule(route="GET /linkedin/ssi", kind=kind)]) as sb:
        response = await sb.cs.get("/ssi")
        assert response.status_code == status and check(response)
        assert (await sb.cs.get("/inmail/credits")).status_code == 200, "other routes are untouched"


async def test_429_styles(make_sandbox: Callable[..., Any]) -> None:
    rules = [FaultRule(route="GET /linkedin/ssi", kind="429", retry_after=30, reset_style="unix", hold_until=True,
                       times=1),
             FaultRule(route="GET /linkedin/ssi", kind="429", reset_style="iso", times=1),
             FaultRule(route="GET /linkedin/ssi", kind="429", times=1),
             FaultRule(route="GET /v2/*", kind="429", retry_after=5, reset_style="unix")]
    async with make_sandbox(faults=rules) as sb:
        now = sb.clock.now()
        unix = await sb.cs.get("/ssi")
        assert unix.status_code == 429 and unix.headers["Retry-After"] == "30"
        assert int(unix.headers["X-RateLimit-Reset"]) == int(now.timestamp()) + 30
        assert unix.json()["holdUntil"] == "2026-11-02T09:00:30.000Z"
        iso = await sb.cs.get("/ssi")
        assert "Retry-After" not in iso.headers and "holdUntil" not in iso.json()
        assert datetime.fromisoformat(iso.headers["X-RateLimit-Reset"].replace("Z", "+00:00")) > now
        bare = await sb.cs.get("/ssi")
        assert bare.status_code == 429 and not any(h.lower().startswith("x-ratelimit") for h in bare.headers)
        assert bare.json()["success"] is False
        assert (await sb.cs.get("/ssi")).status_code == 200, "times are used up"
        partner = await sb.li.get("/salesContracts", params={"q": "contractsByMember"})
        assert partner.status_code == 429
        assert partner.json() == {"message": "Resource level throttle limit for calls to this resource is reached.",
                                  "serviceErrorCode": 101, "status": 429}
        assert not any(h.lower().startswith(("x-ratelimit", "retry-after")) for h in partner.headers)


async def test_partner_500_uses_restli_body(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(faults=[FaultRule(route="GET /v2/salesContracts", kind="500")]) as sb:
        response = await sb.li.get("/salesContracts", params={"q": "contractsByMember"})
        assert response.status_code == 500 and response.json()["status"] == 500


async def test_malformed_body_is_not_json(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(faults=[FaultRule(route=SEND, kind="malformed")]) as sb:
        response = await sb.cs.post("/conversations/send", json={"recipientProfileId": first_degree(sb).profile_id,
                                                                  "message": "hi"})
        assert response.status_code == 200
        with pytest.raises(ValueError):
            response.json()
        assert sb.world.sent_messages == [], "a malformed answer comes without the action"


async def test_connection_drop_fails_the_transport(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(faults=[FaultRule(route=SEND, kind="connection_drop", times=1)]) as sb:
        lead = first_degree(sb)
        with pytest.raises(httpx2.TransportError) as caught:
            await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "hi"})
        assert isinstance(caught.value, SandboxConnectionDropped)
        assert sb.world.sent_messages == []
        ok = await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "hi"})
        assert ok.status_code == 200


async def test_timeout_waits_before_acting(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(faults=[FaultRule(route=SEND, kind="timeout", delay=5, times=1)]) as sb:
        lead = first_degree(sb)
        with anyio.move_on_after(0.2) as scope:
            await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "hi"})
        assert scope.cancelled_caught and sb.world.sent_messages == [], "gave up before the send happened"
    async with make_sandbox(faults=[FaultRule(route=SEND, kind="timeout", delay=0.05)]) as sb:
        started = time.monotonic()
        response = await sb.cs.post("/conversations/send", json={"recipientProfileId": first_degree(sb).profile_id,
                                                                  "message": "hi"})
        assert response.status_code == 200 and time.monotonic() - started >= 0.05
        assert len(sb.world.sent_messages) == 1


async def test_hang_after_commit_sends_but_does_not_answer(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(faults=[FaultRule(route=SEND, kind="hang_after_commit", delay=5)]) as sb:
        lead = first_degree(sb)
        with anyio.move_on_after(0.2) as scope:
            await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "hi"})
        assert scope.cancelled_caught, "the client never got an answer"
        assert [m.recipient for m in sb.world.sent_messages] == [lead.profile_id], "yet the message went out"


async def test_probability_is_reproducible_from_the_seed() -> None:
    async def sequence(seed: int) -> list[int]:
        rule = FaultRule(route="GET /linkedin/*", kind="503", probability=0.3)
        app = create_app(SandboxConfig(seed=seed, faults=[rule]))
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://s/linkedin",
                                      headers={"Authorization": "Bearer k"}) as client:
            return [(await client.get("/inmail/credits")).status_code for _ in range(40)]

    first = await sequence(7)
    assert first == await sequence(7)
    assert 3 <= first.count(503) <= 25 and first.count(200) > 10
    assert first != await sequence(8)


async def test_latency_global_and_per_route(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(latency=0.02, route_latency={"GET /linkedin/ssi": 0.1}) as sb:
        started = time.monotonic()
        await sb.cs.get("/inmail/credits")
        plain = time.monotonic() - started
        started = time.monotonic()
        await sb.cs.get("/ssi")
        slow = time.monotonic() - started
        assert plain >= 0.02 and slow >= 0.12
        started = time.monotonic()
        await sb.raw.get("/_sandbox/state")
        assert time.monotonic() - started < 0.02, "control endpoints are never delayed"


async def test_control_endpoints(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox() as sb:
        lead = first_degree(sb)
        await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "Hello"})
        await sb.cs.post("/search/people", json={"keywords": "cto"})
        state = (await sb.raw.get("/_sandbox/state")).json()
        sent = state["sentMessages"][0]
        assert (sent["account"], sent["recipient"], sent["channel"], sent["text"]) == (
            "5f0c0a1b2c3d4e5f6a7b8c90", lead.profile_id, "linkedin_inbox", "Hello")
        assert sent["conversationUrn"].startswith("urn:li:fsd_conversation:") and sent["sentAt"]
        assert state["newConversationsToday"]["5f0c0a1b2c3d4e5f6a7b8c90"] == 1
        assert state["searchCalls"]["5f0c0a1b2c3d4e5f6a7b8c90"]["today"] == 1
        assert state["credits"]["5f0c0a1b2c3d4e5f6a7b8c91"] == 3

        installed = await sb.raw.post("/_sandbox/faults", json=[{"route": "GET /linkedin/ssi", "kind": "503",
                                                                  "times": 1}])
        assert installed.status_code == 200 and installed.json()["faults"][0]["remaining"] == 1
        assert (await sb.cs.get("/ssi")).status_code == 503
        assert (await sb.cs.get("/ssi")).status_code == 200
        fired = (await sb.raw.get("/_sandbox/state")).json()["faultsFired"]
        assert fired == [{"route": "GET /linkedin/ssi", "kind": "503", "rule_index": 0}]
        bad = await sb.raw.post("/_sandbox/faults", json=[{"route": "*", "kind": "explode"}])
        assert bad.status_code == 400
        await sb.raw.post("/_sandbox/faults", json=[{"route": "*", "kind": "500"}])
        assert (await sb.raw.get("/_sandbox/state")).status_code == 200, "control endpoints are never faulted"

        assert (await sb.raw.post("/_sandbox/reset")).json() == {"reset": True}
        after = (await sb.raw.get("/_sandbox/state")).json()
        assert after["sentMessages"] == [] and after["faults"] == [] and after["searchCalls"] == {}
        assert (await sb.cs.get("/ssi")).status_code == 200


async def test_replacing_rules_in_process(sb: Sandbox) -> None:
    sb.app.state.faults.replace([FaultRule(route="POST /linkedin/search/*", kind="502", times=2)])
    assert (await sb.search_people(keywords="cto")).status_code == 502
    assert (await sb.search_companies(keywords="bank")).status_code == 502
    assert (await sb.search_people(keywords="cto")).status_code == 200
    assert [f.kind for f in sb.app.state.faults.fired] == ["502", "502"]


def test_state_reports_time_from_the_configured_clock() -> None:
    from salesnav_mcp.clock import ManualClock

    clock = ManualClock(datetime(2027, 1, 1, 12, tzinfo=UTC))
    world = create_app(SandboxConfig(clock=clock)).state.world
    assert world.state()["now"] == "2027-01-01T12:00:00.000Z"

"""Relationships, invitations, profiles and replies as the sandbox serves them, with its control routes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from salesnav_mcp.clock import Clock
from salesnav_mcp.sandbox import SandboxConfig, create_app
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from salesnav_mcp.sandbox.population import Lead
from tests.sandbox.helpers import Sandbox

pytestmark = pytest.mark.anyio


def stranger(sb: Sandbox, skip: int = 0, account_id: str = DEFAULT_ACCOUNT_ID) -> Lead:
    network = sb.world.network
    found = [x for x in sb.world.leads if network.status(account_id, x) == "NOT_CONNECTED"]
    return found[skip]


async def test_new_routes_require_auth(sb: Sandbox) -> None:
    routes = [("POST", "/profile"), ("GET", "/profile"), ("POST", "/search/companies/details"),
              ("GET", "/relationship/someone"), ("GET", f"/relationship/{DEFAULT_ACCOUNT_ID}/someone"),
              ("POST", "/connect"), ("POST", "/invitations/withdraw"), ("GET", "/invitations/sent"),
              ("GET", f"/account/{DEFAULT_ACCOUNT_ID}/quota"), ("GET", "/messaging/recent-messages")]
    for method, path in routes:
        assert (await sb.raw.request(method, "/linkedin" + path)).status_code == 401, path


async def test_seeded_relationships_are_consistent(sb: Sandbox) -> None:
    network = sb.world.network
    for account_id in sb.world.accounts:
        invited = [i for i in network.invitations if i.account_id == account_id]
        assert invited and all(i.state == "PENDING" and i.sent_at < sb.world.created_at for i in invited)
        assert all(i.lead.degree(account_id) != "F" for i in invited)
        received = [p for a, p in network.received if a == account_id]
        assert received and all(sb.world.population.lead(p).degree(account_id) != "F" for p in received)
        for thread in sb.world.conversations_of(account_id):
            assert network.is_connected(account_id, thread.lead) == (thread.source == "linkedin")
    lead = invited[0].lead
    answer = (await sb.cs.get(f"/relationship/{quote(lead.profile_urn, safe='')}",
                              params={"accountId": invited[0].account_id})).json()
    assert answer == {"connected": False, "invitationSent": True, "invitationReceived": False,
                      "status": "INVITATION_SENT", "profileUrn": lead.profile_urn, "accountId": invited[0].account_id}
    missing = await sb.cs.get("/relationship/nobody-here")
    assert (missing.status_code, missing.json()) == (404, {"success": False, "error": "LinkedIn profile not found: "
                                                                                   "nobody-here"})


async def test_profile_fields_follow_the_relationship(sb: Sandbox) -> None:
    lead = stranger(sb)
    before = (await sb.cs.get("/profile", params={"profileId": lead.profile_id, "includeContact": "true"})).json()
    assert before["profile"]["isConnected"] is False and before["profile"]["contactInfo"]["emailAddress"] is None
    await sb.cs.post("/connect", json={"profileId": lead.profile_id})
    invited = (await sb.cs.post("/profile", json={"profileId": lead.profile_id})).json()
    assert invited["cached"] is True and invited["profile"]["invitationSent"] is True
    await sb.raw.post("/_sandbox/accept", json={"profileId": lead.profile_id})
    connected = (await sb.cs.post("/profile", json={"profileId": lead.profile_id, "includeContact": True})).json()
    assert connected["profile"]["isConnected"] is True and connected["profile"]["connectionDegree"] in ("1st",
                                                                                                        "DISTANCE_1")
    assert "@" in connected["profile"]["contactInfo"]["emailAddress"]
    urn = await sb.cs.post("/profile", json={"profileId": lead.profile_urn})
    assert urn.status_code == 400 and "not a URN" in urn.json()["error"]
    empty = await sb.cs.post("/profile", json={})
    assert empty.status_code == 400 and empty.json()["error"]["issues"][0]["path"] == ["profileId"]


async def test_profile_variants_per_lead_and_by_configuration(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox() as sb:
        shapes = set()
        for lead in sb.world.leads[:40]:
            body = (await sb.cs.post("/profile", json={"profileId": lead.profile_id, "includeSkills": True})).json()
            shapes.add(("skills" in body["profile"], body["profile"]["connectionDegree"].startswith("DISTANCE")))
        assert shapes == {(True, False), (False, True)}, "both documented shapes, one per lead"
    for variant, inside in (("captured", True), ("reference", False)):
        async with make_sandbox(profile_variant=variant) as sb:
            for lead in sb.world.leads[:10]:
                body = (await sb.cs.post("/profile", json={"profileId": lead.profile_id, "includeSkills": True})).json()
                assert ("skills" in body["profile"]) is inside and ("skills" in body) is not inside


async def test_profile_quota_429_in_upstreams_shape(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(profile_views_per_day=2) as sb:
        leads = sb.world.leads[:3]
        for lead in leads[:2]:
            ok = await sb.cs.post("/profile", json={"profileId": lead.profile_id})
            assert ok.status_code == 200
        assert ok.headers["X-RateLimit-Action"] == "PROFILE_VIEW" and ok.headers["X-RateLimit-Remaining"] == "0"
        refused = await sb.cs.post("/profile", json={"profileId": leads[2].profile_id})
        reset = sb.clock.now() + timedelta(hours=24)
        assert refused.status_code == 429 and refused.json()["holdUntil"] == reset.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert refused.headers["X-RateLimit-Action"] == "PROFILE_VIEW"
        sb.clock.advance(timedelta(hours=7))  # cache expired, still in the window: a miss on a counted profile
        again = await sb.cs.post("/profile", json={"profileId": leads[0].profile_id})
        assert again.status_code == 200 and again.json()["cached"] is False
        state = (await sb.raw.get("/_sandbox/state")).json()
        assert state["profileViews"][DEFAULT_ACCOUNT_ID] == {"last24h": 2, "cached": 1}


async def test_connect_hold_body_and_headers(make_sandbox: Callable[..., Any]) -> None:
    async with make_sandbox(connections_per_week=1) as sb:
        first, second = stranger(sb), stranger(sb, 1)
        ok = await sb.cs.post("/connect", json={"profileUrn": first.profile_urn, "customMessage": "Hello"})
        assert ok.status_code == 200 and ok.headers["X-RateLimit-Action"] == "CONNECT"
        assert ok.json() == {"success": True, "message": f"Connection request sent to {first.full_name}",
                             "profileUrn": first.profile_urn}
        refused = await sb.cs.post("/connect", json={"profileUrn": second.profile_urn})
        hold = (sb.clock.now() + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        assert refused.status_code == 429 and refused.json()["holdUntil"] == hold
        assert (await sb.raw.get("/_sandbox/state")).json()["connectionHolds"] == {DEFAULT_ACCOUNT_ID: hold}
        other = await sb.cs.post("/connect", json={"profileUrn": stranger(sb, 2, SECOND_SALES_NAV_ACCOUNT_ID).profile_urn,
                                                   "accountId": SECOND_SALES_NAV_ACCOUNT_ID})
        assert other.status_code == 200, "limits are per account"
        long_note = await sb.cs.post("/connect", json={"profileId": second.profile_id, "customMessage": "x" * 301})
        assert long_note.status_code == 400 and long_note.json()["error"]["issues"][0]["path"] == ["customMessage"]
        # Every request that reached upstream is counted, refused or not (a malformed body names no account).
        assert (await sb.raw.get("/_sandbox/state")).json()["connectRequests"] == {
            DEFAULT_ACCOUNT_ID: 2, SECOND_SALES_NAV_ACCOUNT_ID: 1
        }


async def test_an_accepted_invitation_with_a_note_can_open_a_thread(sb: Sandbox) -> None:
    network = sb.world.network
    for i in range(60):
        lead = stranger(sb, i)
        await sb.cs.post("/connect", json={"profileId": lead.profile_id, "customMessage": f"Hi {lead.first_name}"})
    accepting = [x for x in network.invitations if x.state == "PENDING" and x.accepts_at]
    assert 10 < len(accepting) < 40, "about 40% accept"
    sb.clock.advance(timedelta(days=5))
    state = (await sb.raw.get("/_sandbox/state")).json()
    assert all(x.state == "ACCEPTED" for x in accepting)
    opened = [c for c in sb.world.conversations_of(DEFAULT_ACCOUNT_ID) if any(c.lead is x.lead for x in accepting)]
    assert opened and state["pendingReplies"] == []
    for thread in opened:
        note, answer = thread.messages
        assert note.by_owner and note.text == f"Hi {thread.lead.first_name}" and not answer.by_owner
        assert thread.source == "linkedin" and thread.unread_count == 1 and answer.sent_at > note.sent_at
    assert state["webhookEvents"] == len(opened)


async def test_control_routes_reply_accept_and_clock(sb: Sandbox) -> None:
    thread = sb.world.conversations_of(DEFAULT_ACCOUNT_ID)[5]
    unread = thread.unread_count
    reply = await sb.raw.post("/_sandbox/reply", json={"profileId": thread.lead.profile_id, "text": "Call me"})
    assert reply.status_code == 200 and thread.messages[-1].text == "Call me"
    assert thread.unread_count == unread + 1 and thread.messages[-1].urn == reply.json()["messageUrn"]
    top = (await sb.cs.get("/conversations", params={"count": 1})).json()["conversations"][0]
    assert top["conversationUrn"] == thread.urn and top["latestMessage"]["text"] == "Call me"
    assert (await sb.raw.post("/_sandbox/reply", json={"profileId": "nobody"})).status_code == 404
    assert (await sb.raw.post("/_sandbox/accept", json={"profileId": stranger(sb).profile_id})).status_code == 409
    moved = await sb.raw.post("/_sandbox/clock", json={"advanceSeconds": 90})
    assert moved.json()["now"] == (sb.clock.now()).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert (await sb.raw.post("/_sandbox/clock", json={"advanceSeconds": -1})).status_code == 400
    wall = create_app(SandboxConfig(clock=Clock()))
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=wall), base_url="http://sandbox") as raw:
        assert (await raw.post("/_sandbox/clock", json={"advanceSeconds": 1})).status_code == 409


async def test_a_pending_reply_can_be_made_to_arrive_now(sb: Sandbox) -> None:
    connections = [x for x in sb.world.leads if x.degree(DEFAULT_ACCOUNT_ID) == "F"
                   and sb.world.thread_with(DEFAULT_ACCOUNT_ID, x, "linkedin") is None][:12]
    for lead in connections:
        await sb.cs.post("/conversations/send", json={"recipientProfileId": lead.profile_id, "message": "Hi"})
    pending = (await sb.raw.get("/_sandbox/state")).json()["pendingReplies"]
    assert pending
    first = pending[0]
    answer = (await sb.raw.post("/_sandbox/reply", json={"profileId": first["profileId"]})).json()
    assert answer["text"] == first["text"] and answer["sentAt"] < first["dueAt"]
    after = (await sb.raw.get("/_sandbox/state")).json()["pendingReplies"]
    assert first["profileId"] not in [p["profileId"] for p in after]

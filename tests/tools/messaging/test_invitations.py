"""Connection requests through a real MCP client on the sandbox: drafted after the relationship check, approved by
the human in every surface (dialog, review card, approval page, batch review) with a layout that says what it is,
sent once, refused for connections, pending invitations, do-not-contact and long notes, capped per week (the
server's count and upstream's quota), held after upstream's 429, withdrawn and listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import FaultRule, SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.approval_page import render_items
from salesnav_mcp.server.wiring import open_services
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.tool_calls import call, refused
from tests.support.world import world

pytestmark = pytest.mark.anyio

APPS = advertise("io.modelcontextprotocol/ui", {"mimeTypes": ["text/html;profile=mcp-app"]})
CAP = 3  # the server's weekly cap in these tests
UPSTREAM_LIMIT = 5  # the sandbox's (LinkedIn's) weekly limit in these tests
NEXT_MONDAY = datetime(2026, 11, 9, tzinfo=UTC)
NOTE = "Hi, we met at the Berlin sales meetup.\nGlad to stay in touch here."


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    """Monday 2026-11-02 09:00 UTC: the week's counts start empty (seeded invitations are older)."""
    return manual_clock


@pytest.fixture
def settings(tmp_path: Any) -> Any:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_weekly_invitations=CAP)


@pytest.fixture
def sandbox_config(clock: ManualClock) -> SandboxConfig:
    return SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000, connections_per_week=UPSTREAM_LIMIT)


def strangers(services: Services, n: int) -> list[Any]:
    """Leads the default account is neither connected to nor invited by, nor invited from."""
    network = world(services).network
    found = [lead for lead in world(services).leads if network.status(DEFAULT_ACCOUNT_ID, lead) == "NOT_CONNECTED"]
    return found[:n]


def connect_calls(services: Services) -> int:
    """`/connect` requests the sandbox received for the default account."""
    return world(services).network.connect_calls.get(DEFAULT_ACCOUNT_ID, 0)


def invitations_to(services: Services, lead: Any) -> list[Any]:
    return [i for i in world(services).network.invitations if i.account_id == DEFAULT_ACCOUNT_ID and i.lead is lead]


def invite(recipient: str, text: str = NOTE, **extra: Any) -> dict[str, Any]:
    return {"recipient": recipient, "text": text, "channel": "invitation", **extra}


async def test_an_invitation_is_drafted_approved_in_the_dialog_and_sent_once(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = strangers(services, 1)[0]
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        draft = await call(client, "draft_message", invite(lead.profile_id))
        assert (draft["channel"], draft["state"], draft["sendable"], draft["text"]) == ("invitation", "draft", True, NOTE)
        assert connect_calls(services) == 0  # drafting sends nothing
        sent = await call(client, "send_message", {"draft_id": draft["draft_id"]})
        again = await call(client, "send_message", {"draft_id": draft["draft_id"]})
        listed = await call(client, "list_drafts", {"state": "sent"})

    assert (sent["outcome"], sent["channel"], again["outcome"]) == ("sent", "invitation", "already_sent")
    assert [i.note for i in invitations_to(services, lead)] == [NOTE] and connect_calls(services) == 1
    assert [d["draft_id"] for d in listed["drafts"]] == [draft["draft_id"]]
    [shown] = human.shown  # one dialog: the repeat needed none
    assert shown.startswith("Send this LinkedIn connection request?\n")
    assert "Action: LinkedIn connection request (an invitation to connect, not a message)" in shown
    assert "│ Hi, we met at the Berlin sales meetup.\n│ Glad to stay in touch here.\n" in shown
    assert f"({lead.profile_id})" in shown and "Subject" not in shown and "Channel" not in shown


async def test_an_invitation_without_a_note_says_so(server: MCPServer, services: Services, connect: Any) -> None:
    lead = strangers(services, 1)[0]
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        draft = await call(client, "draft_message", invite(lead.profile_id, ""))
        sent = await call(client, "send_message", {"draft_id": draft["draft_id"]})
    assert sent["outcome"] == "sent" and [i.note for i in invitations_to(services, lead)] == [None]
    assert "Note: (none): the invitation goes without a note" in human.shown[0]
    assert "message begins" not in human.shown[0]


async def test_connections_pending_invitations_and_long_notes_are_refused(mcp_client: Client, services: Services) -> None:
    network = world(services).network
    connected = next(x for x in world(services).leads if network.is_connected(DEFAULT_ACCOUNT_ID, x))
    invited = next(i.lead for i in network.invitations if i.account_id == DEFAULT_ACCOUNT_ID and i.state == "PENDING")
    stranger = strangers(services, 1)[0]

    assert "already a connection" in await refused(mcp_client, "draft_message", invite(connected.profile_id))
    assert "already has a pending invitation" in await refused(mcp_client, "draft_message", invite(invited.profile_id))
    too_long = await refused(mcp_client, "draft_message", invite(stranger.profile_id, "x" * 301))
    assert "301 characters" in too_long and "at most 300" in too_long
    emoji = await refused(mcp_client, "draft_message", invite(stranger.profile_id, "🙂" * 151))  # 302 UTF-16 units
    assert "302 characters" in emoji
    assert "only blanks" in await refused(mcp_client, "draft_message", invite(stranger.profile_id, " \n "))
    subject = await refused(mcp_client, "draft_message", invite(stranger.profile_id, subject="Hello"))
    assert "subject" in subject and "only its note" in subject
    assert (await call(mcp_client, "list_drafts", {}))["drafts"] == []  # nothing stored

    longest = await call(mcp_client, "draft_message", invite(stranger.profile_id, "y" * 300))
    assert longest["sendable"] and longest["findings"] == []
    assert connect_calls(services) == 0


async def test_do_not_contact_blocks_invitations(server: MCPServer, services: Services, connect: Any) -> None:
    lead, other = strangers(services, 2)
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        earlier = await call(client, "draft_message", invite(lead.profile_id))
        await call(client, "update_do_not_contact", {"action": "add", "recipient": lead.profile_id, "reason": "asked us not to"})
        blocked = await call(client, "draft_message", invite(lead.profile_id, "Another note"))
        assert not blocked["sendable"] and [f["code"] for f in blocked["findings"]] == ["do_not_contact"]
        for draft in (earlier, blocked):
            assert "do-not-contact" in await refused(client, "send_message", {"draft_id": draft["draft_id"]})
        fine = await call(client, "draft_message", invite(other.profile_id))
        assert (await call(client, "send_message", {"draft_id": fine["draft_id"]}))["outcome"] == "sent"
    assert invitations_to(services, lead) == [] and connect_calls(services) == 1


async def test_the_approval_page_shows_a_connection_request_and_sends_it_once(
    mcp_client: Client, services: Services
) -> None:
    """A client with neither a dialog nor MCP Apps: the approval page (the team page renders the same items)."""
    lead = strangers(services, 1)[0]
    note = 'Hello <b>there</b> & "welcome"'
    draft = await call(mcp_client, "draft_message", invite(lead.profile_id, note))
    waiting = await call(mcp_client, "send_message", {"draft_id": draft["draft_id"]})
    assert waiting["outcome"] == "awaiting_approval" and connect_calls(services) == 0

    [item] = await approvals.pending_items(services, None)
    assert (item.kind, item.title, item.text) == ("send", "Send this LinkedIn connection request?", note)
    assert "Action: LinkedIn connection request (an invitation to connect, not a message)" in item.lines
    page = render_items([item], action="/decide", csrf="c", note=None, who=None)
    assert "Send this LinkedIn connection request?" in page
    assert "Hello &lt;b&gt;there&lt;/b&gt; &amp; &quot;welcome&quot;" in page and "<b>there" not in page

    decided = await approvals.decide(
        services, item.approval_id, content_hash=item.content_hash, approve=True, surface="approval_page", user=None
    )
    assert decided.outcome == {"outcome": "sent", "message": None}
    after = await call(mcp_client, "send_message", {"draft_id": draft["draft_id"]})
    assert after["outcome"] == "already_sent"
    assert [i.note for i in invitations_to(services, lead)] == [note] and connect_calls(services) == 1


async def test_the_review_card_reviews_a_batch_of_invitations(server: MCPServer, services: Services, mode: str) -> None:
    leads = strangers(services, 2)
    async with Client(server, mode=mode, extensions=[APPS]) as client:
        drafts = [await call(client, "draft_message", invite(x.profile_id, f"Note {n}")) for n, x in enumerate(leads)]
        assert all(d["approval_id"] for d in drafts)  # the card shows each draft as soon as it is stored
        review = await call(client, "review_drafts", {"draft_ids": [d["draft_id"] for d in drafts]})
        shown = await call(client, "approval_items", {"approval_ids": review["approval_ids"]})
        assert [i["title"] for i in shown["items"]] == ["Send this LinkedIn connection request?"] * 2
        assert sorted(i["text"] for i in shown["items"]) == ["Note 0", "Note 1"]
        assert connect_calls(services) == 0
        for item in shown["items"]:
            decided = await call(
                client,
                "approval_decide",
                {"approval_id": item["approval_id"], "content_hash": item["content_hash"], "decision": "approve"},
            )
            assert decided["items"][0]["outcome"] == "sent"
    assert [[i.note for i in invitations_to(services, x)] for x in leads] == [["Note 0"], ["Note 1"]]
    assert connect_calls(services) == 2


async def test_a_batch_dialog_names_messages_and_connection_requests(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead, other = strangers(services, 2)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        invitation = await call(client, "draft_message", invite(lead.profile_id))
        message = await call(client, "draft_message", {"recipient": other.profile_id, "text": "A message", "subject": "Hi"})
        done = await call(client, "review_drafts", {"draft_ids": [invitation["draft_id"], message["draft_id"]]})
    assert [i["outcome"] for i in done["items"]] == ["sent", "sent"]
    assert human.shown[0].startswith("Send these LinkedIn messages and connection requests?")
    assert "Action: LinkedIn connection request" in human.shown[0] and "Channel: Sales Navigator InMail" in human.shown[0]
    assert len(invitations_to(services, lead)) == 1 and connect_calls(services) == 1


async def test_the_weekly_cap_refuses_until_monday(
    server: MCPServer, services: Services, connect: Any, clock: ManualClock
) -> None:
    leads = strangers(services, CAP + 2)
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        drafts = [await call(client, "draft_message", invite(x.profile_id)) for x in leads[:CAP]]
        done = await call(client, "review_drafts", {"draft_ids": [d["draft_id"] for d in drafts]})
        assert [i["outcome"] for i in done["items"]] == ["sent"] * CAP

        over = await call(client, "draft_message", invite(leads[CAP].profile_id))
        assert not over["sendable"] and [f["code"] for f in over["findings"]] == ["weekly_invitations"]
        assert "2026-11-09 00:00" in over["findings"][0]["message"]
        assert "connection requests this week" in await refused(client, "send_message", {"draft_id": over["draft_id"]})
        overview = await call(client, "get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
        week = overview["accounts"][0]["invitations"]
        assert (week["used"], week["limit"], week["remaining"], week["linkedin_used"]) == (CAP, CAP, 0, CAP)
        listed = await call(client, "list_invitations", {})
        assert listed["week"]["used"] == CAP and listed["week"]["resets_at"].startswith("2026-11-09T00:00")
        assert connect_calls(services) == CAP

        clock.advance(NEXT_MONDAY - clock.now())  # Monday 00:00 UTC: a new week
        sent = await call(client, "send_message", {"draft_id": over["draft_id"]})
    assert sent["outcome"] == "sent" and connect_calls(services) == CAP + 1


async def test_upstreams_count_and_its_hold_are_honoured(
    server: MCPServer, services: Services, connect: Any, clock: ManualClock
) -> None:
    """Requests made on LinkedIn itself fill the week: the quota endpoint shows it, and when it cannot be read,
    upstream's 429 puts the account on its 24 h hold, which the server keeps without asking upstream again."""
    sandbox = world(services)
    elsewhere = strangers(services, UPSTREAM_LIMIT + 3)
    for lead in elsewhere[:UPSTREAM_LIMIT]:
        sandbox.network.invite(sandbox, DEFAULT_ACCOUNT_ID, lead, None)  # sent on linkedin.com
    lead, later = elsewhere[UPSTREAM_LIMIT:UPSTREAM_LIMIT + 2]
    faults = services.sandbox_app.state.faults
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        draft = await call(client, "draft_message", invite(lead.profile_id))
        assert not draft["sendable"] and "LinkedIn reports" in draft["findings"][0]["message"]
        assert "used up" in await refused(client, "send_message", {"draft_id": draft["draft_id"]})
        assert connect_calls(services) == 0

        # The quota cannot be read: the server's own count (0) lets the send through, and upstream refuses it.
        faults.replace([FaultRule(route=f"GET /linkedin/account/{DEFAULT_ACCOUNT_ID}/quota", kind="500")])
        failed = await call(client, "send_message", {"draft_id": draft["draft_id"]})
        assert failed["outcome"] == "failed" and "Rate limit" in (failed["error"] or "")
        assert connect_calls(services) == 1
        hold = sandbox.network.holds[DEFAULT_ACCOUNT_ID]

        for _ in range(2):  # held by the server itself: upstream is not asked again
            assert "on hold" in await refused(client, "send_message", {"draft_id": draft["draft_id"]})
        blocked = await call(client, "draft_message", invite(later.profile_id))
        assert [f["code"] for f in blocked["findings"]] == ["invitation_hold"]
        assert f"{hold:%Y-%m-%d %H:%M}" in blocked["findings"][0]["message"]
        assert connect_calls(services) == 1
        faults.replace([])
        overview = await call(client, "get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})
        assert overview["accounts"][0]["invitations"]["held_until"] is not None

        clock.advance(timedelta(hours=24, seconds=1))  # the hold is over, the week is still full upstream
        assert "used up" in await refused(client, "send_message", {"draft_id": draft["draft_id"]})
        clock.advance(NEXT_MONDAY - clock.now())
        sent = await call(client, "send_message", {"draft_id": draft["draft_id"]})
    assert sent["outcome"] == "sent" and connect_calls(services) == 2
    audit = [e for e in await services.guardrails.audit.entries() if e.kind == "invitation.hold"]
    assert len(audit) == 1


async def test_a_lost_answer_is_settled_by_the_relationship_or_stays_unknown(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead, other = strangers(services, 2)
    faults = services.sandbox_app.state.faults
    services.connectsafely._connect_timeout = 0.3  # the sandbox holds its answer longer than this
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        faults.replace([FaultRule(route="POST /linkedin/connect", kind="hang_after_commit", delay=1, times=1)])
        went = await call(client, "draft_message", invite(lead.profile_id))
        sent = await call(client, "send_message", {"draft_id": went["draft_id"]})
        assert sent["outcome"] == "sent"  # the relationship shows the pending invitation

        faults.replace([FaultRule(route="POST /linkedin/connect", kind="connection_drop", times=1)])
        lost = await call(client, "draft_message", invite(other.profile_id))
        unknown = await call(client, "send_message", {"draft_id": lost["draft_id"]})
        assert unknown["outcome"] == "unknown" and "no pending invitation" in (unknown["error"] or "")
        again = await refused(client, "send_message", {"draft_id": lost["draft_id"]})
        assert "never resent automatically" in again and "sent invitations" in again
    assert len(invitations_to(services, lead)) == 1 and invitations_to(services, other) == []


async def test_list_and_withdraw(server: MCPServer, services: Services, connect: Any) -> None:
    lead = strangers(services, 1)[0]
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        draft = await call(client, "draft_message", invite(lead.profile_id))
        await call(client, "send_message", {"draft_id": draft["draft_id"]})
        listed = await call(client, "list_invitations", {})
        first = listed["invitations"][0]
        assert (first["public_id"], first["sent_ago"]) == (lead.profile_id, "just now")
        assert listed["week"]["used"] == 1 and listed["week"]["limit"] == CAP and listed["next_start_index"] is None
        seeded = len(listed["invitations"]) - 1
        assert seeded > 0  # the ones seeded before the week began are pending too

        withdrawn = await call(client, "withdraw_invitation", {"recipient": lead.profile_id})
        assert withdrawn["recipient_public_id"] == lead.profile_id
        after = await call(client, "list_invitations", {})
        assert lead.profile_id not in [i["public_id"] for i in after["invitations"]]
        assert len(after["invitations"]) == seeded and after["week"]["used"] == 1  # withdrawing gives none back
        again = await refused(client, "withdraw_invitation", {"recipient": lead.profile_id})
        assert "no pending invitation" in again and "nothing was withdrawn" in again
        redrafted = await call(client, "draft_message", invite(lead.profile_id, "Second try"))
        assert redrafted["sendable"]
    assert [i.state for i in invitations_to(services, lead)] == ["WITHDRAWN"]
    kinds = [e.kind for e in await services.guardrails.audit.entries()]
    assert kinds.count("invitation.withdrawn") == 1


async def test_client_mode_sends_an_invitation_with_its_token_once(tmp_path: Any, connect: Any, clock: ManualClock) -> None:
    """Opt-in client mode: the client's own tool approval is the check; the token binds recipient and note."""
    settings = make_settings(tmp_path, SANDBOX_SERVER, salesnav_confirm_mode="client")
    async with (
        open_services(settings, clock=clock, sandbox_config=SandboxConfig(seed=7)) as svc,
        connect(build_server(settings, services=svc)) as client,
    ):
        lead = strangers(svc, 1)[0]
        draft = await call(client, "draft_message", invite(lead.profile_id, ""))
        token = draft["confirmation_token"]
        assert token
        args = {"draft_id": draft["draft_id"], "confirmation_token": token, "recipient": lead.profile_id}
        assert "text" in await refused(client, "send_message", {**args, "text": "A note nobody approved"})
        sent = await call(client, "send_message", {**args, "text": ""})
        again = await call(client, "send_message", {**args, "text": ""})
        assert (sent["outcome"], again["outcome"]) == ("sent", "already_sent")
        assert [i.note for i in invitations_to(svc, lead)] == [None] and connect_calls(svc) == 1


async def test_accepted_requests_are_listed_once_seen_and_looked_up_only_until_then(
    server: MCPServer, services: Services, connect: Any, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    leads = strangers(services, CAP)
    lookups: list[str] = []
    real_lookup = services.connectsafely.get_relationship

    async def counted(profile: str, **kwargs: Any) -> Any:
        lookups.append(profile)
        return await real_lookup(profile, **kwargs)

    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        for lead in leads:
            draft = await call(client, "draft_message", invite(lead.profile_id))
            await call(client, "send_message", {"draft_id": draft["draft_id"]})
        listed = await call(client, "list_invitations", {})
        assert listed["accepted"] == []  # all still pending: nothing to look up
        clock.advance(timedelta(hours=73))  # the sandbox's people accept within 72 h, or never
        monkeypatch.setattr(services.connectsafely, "get_relationship", counted)
        accepting = {lead.profile_id for lead in leads if invitations_to(services, lead)[0].accepts_at is not None}
        assert 0 < len(accepting) < len(leads)  # the seed has both kinds among these people
        answer = await client.call_tool("list_invitations", {})
        first, text = answer.structured_content, answer.content[0].text
        again = await call(client, "list_invitations", {})
        overview = await client.call_tool("get_account_overview", {"account_id": DEFAULT_ACCOUNT_ID})

    assert {a["recipient_public_id"] for a in first["accepted"]} == accepting
    assert not accepting & {i["public_id"] for i in first["invitations"]}  # no longer pending upstream
    assert [a["draft_id"] for a in again["accepted"]] == [a["draft_id"] for a in first["accepted"]]
    assert sorted(lookups) == sorted(accepting)  # once each, only while unknown; pending ones need none
    assert "Accepted lately" in text and "reachable with draft_message" in text
    seen = overview.structured_content["accounts"][0]["invitations"]  # the overview counts what was recorded
    assert (seen["sent_in_period"], seen["accepted_in_period"]) == (len(leads), len(accepting))
    assert seen["acceptance_rate"] == round(len(accepting) / len(leads), 3)
    assert f"{len(accepting)}/{len(leads)} of 30d accepted" in overview.content[0].text
    kinds = [e.kind for e in await services.guardrails.audit.entries()]
    assert kinds.count("invitation.accepted") == len(accepting)
    # Now connections: a message to them is an ordinary draft, and a second request is refused.
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        person = next(iter(accepting))
        assert "already a connection" in await refused(client, "draft_message", invite(person))
        message = await call(client, "draft_message", {"recipient": person, "text": "Thanks for connecting!"})
        assert message["sendable"] and message["channel"] == "linkedin_inbox"  # no InMail credit for a connection


async def test_checking_replies_does_not_look_for_a_conversation_of_a_connection_request(
    server: MCPServer, services: Services, connect: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    listings: list[Any] = []
    real_listing = services.connectsafely.list_conversations

    async def counted(**kwargs: Any) -> Any:
        listings.append(kwargs)
        return await real_listing(**kwargs)

    lead = strangers(services, 1)[0]
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        draft = await call(client, "draft_message", invite(lead.profile_id))
        await call(client, "send_message", {"draft_id": draft["draft_id"]})
        monkeypatch.setattr(services.connectsafely, "list_conversations", counted)
        for _ in range(2):
            await call(client, "check_replies", {})
    assert listings == []  # a request opens no conversation: nothing to find, nothing listed for it
    assert await services.guardrails.replies.untracked(DEFAULT_ACCOUNT_ID) == []

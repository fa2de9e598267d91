"""`salesnav-mcp demo`: a prospecting session against the embedded sandbox, as a transcript.

The whole loop: search (Sales Navigator, and a plain LinkedIn search for an account without a
seat), research the lead and their company, draft a message that cites the research, send it
after the user approves it, see the reply, and invite another lead to connect (approved the same way). It starts the real server over stdio (exactly as
Claude Desktop does), drives it with the SDK's MCP client, and plays the human: every
confirmation dialog the server raises is printed and accepted. Nothing leaves the machine: the
server runs on the sandbox with a throwaway data dir, its simulated people answering within
seconds (SALESNAV_SANDBOX_REPLY_DELAY) instead of hours.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from salesnav_mcp.cli.common import configure_logging

# The MCP client is imported when the demo runs: the CLI imports this module for every command.
if TYPE_CHECKING:
    from mcp import Client
    from mcp_types import ElicitResult

ICP = {
    "seniority": ["VP"],
    "function": ["Sales"],
    "company_headcount": ["201-500"],
    "regions": ["Germany"],
    "industries": ["Financial Services"],
}
# Credentials are dropped so the demo can never reach the real APIs.
_SECRET_VARS = ("CONNECTSAFELY_API_KEY", "LINKEDIN_ACCESS_TOKEN", "SALESNAV_STORE_URL")
NO_SEAT_ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c92"  # the sandbox's Business Premium account
REPLY_DELAY = 2.0  # seconds until the sandbox's lead answers


class Transcript:
    def __init__(self, out: TextIO) -> None:
        self.out = out

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def heading(self, text: str) -> None:
        self.say()
        self.say(f"== {text}")

    def call(self, name: str, arguments: dict[str, Any]) -> None:
        shown = json.dumps(arguments, ensure_ascii=False)
        self.say(f"» {name}({shown if len(shown) < 160 else shown[:157] + '...'})")

    def result(self, text: str) -> None:
        self.say(textwrap.indent(text, "  "))


class DemoHuman:
    """Plays the user: shows each dialog and accepts it."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self.asked = 0

    async def __call__(self, context: Any, params: Any) -> ElicitResult:
        from mcp_types import ElicitResult

        self.asked += 1
        self.transcript.say("  ┌─ dialog shown to the user ─────────────────────────")
        self.transcript.say(textwrap.indent(params.message, "  │ ", lambda line: True))
        self.transcript.say("  └─ the user clicks: Accept")
        fields = params.requested_schema.get("properties", {})
        return ElicitResult(action="accept", content={name: True for name in fields})


async def _call(client: Client, transcript: Transcript, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    transcript.call(name, arguments)
    result = await client.call_tool(name, arguments)
    transcript.result(result.content[0].text if result.content else "")
    if result.is_error:
        raise RuntimeError(f"{name} failed: {result.content[0].text if result.content else ''}")
    return result.structured_content or {}


async def play_session(out: TextIO = sys.stdout) -> int:
    import anyio
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    transcript = Transcript(out)
    human = DemoHuman(transcript)
    with tempfile.TemporaryDirectory(prefix="salesnav-demo-") as data_dir:
        env = {k: v for k, v in os.environ.items() if k not in _SECRET_VARS}
        env.update({"SALESNAV_SANDBOX": "1", "SALESNAV_DATA_DIR": data_dir, "PYTHONUNBUFFERED": "1"})
        # The simulated lead answers every message, within seconds, so the session sees the reply.
        env.update({"SALESNAV_SANDBOX_REPLY_DELAY": str(REPLY_DELAY), "SALESNAV_SANDBOX_REPLY_SHARE": "1"})
        started = datetime.now(UTC)
        params = StdioServerParameters(
            command=sys.executable, args=["-m", "salesnav_mcp", "--log-level", "WARNING", "serve"], env=env
        )
        async with Client(params, elicitation_callback=human) as client:
            info = client.server_info
            transcript.say(
                f"Connected to {info.name if info else 'salesnav-mcp'} over stdio "
                f"(protocol {client.protocol_version}); {len((await client.list_tools()).tools)} tools."
            )
            transcript.say("Sandbox: simulated LinkedIn data, nothing is sent to LinkedIn.")

            transcript.heading("Which accounts can I use, and how much search budget is left?")
            await _call(client, transcript, "list_accounts", {})
            await _call(client, transcript, "get_search_budget", {})

            transcript.heading("Find VPs of Sales at 201-500 person fintechs in Germany")
            await _call(client, transcript, "build_search_url", {"filters": ICP})
            search = await _call(
                client, transcript, "search_leads", {"filters": ICP, "max_results": 50, "page_size": 5}
            )
            lead = search["leads"][0]

            transcript.heading("An account without a Sales Navigator seat searches too (plain LinkedIn search)")
            await _call(
                client,
                transcript,
                "search_leads",
                {"filters": {"current_titles": ["Head of Sales"], "regions": ["Germany"]}, "page_size": 3,
                 "account_id": NO_SEAT_ACCOUNT},
            )

            transcript.heading(f"Tell me about {lead['name']} and what {lead['company']} does")
            profile = await _call(client, transcript, "research_lead", {"person": lead["profile_id"]})
            if lead.get("company_id"):
                await _call(client, transcript, "research_company", {"company": lead["company_id"]})

            transcript.heading("How is my Social Selling Index, and which pillar is weakest?")
            await _call(client, transcript, "get_ssi", {})
            await _call(client, transcript, "get_inmail_credits", {})

            transcript.heading(f"Draft a note to {lead['name']}, then send it after the user reads it")
            text = _note(lead, profile)
            draft = await _call(
                client,
                transcript,
                "draft_message",
                {"recipient": lead["profile_id"], "subject": "Onboarding new reps faster", "text": text},
            )
            await _call(client, transcript, "send_message", {"draft_id": draft["draft_id"]})
            await _call(client, transcript, "send_message", {"draft_id": draft["draft_id"]})

            transcript.heading("The conversation, as LinkedIn now shows it")
            listing = await _call(client, transcript, "list_conversations", {"count": 3})
            thread = next(
                c
                for c in listing["conversations"]
                if any(p["profile_id"] == lead["profile_id"] for p in c["participants"])
            )
            await _call(
                client, transcript, "read_messages", {"conversation_urn": thread["conversation_urn"], "count": 5}
            )

            transcript.heading(f"Did {lead['name']} reply?")
            replies: dict[str, Any] = {}
            for _ in range(10):  # the simulated answer is due a moment after the send
                await anyio.sleep(REPLY_DELAY / 2)
                replies = await _quiet_call(client, "check_replies", {"since": started.isoformat()})
                if replies.get("replies"):
                    break
            await _call(client, transcript, "check_replies", {"since": started.isoformat(), "method": "store"})
            await _call(client, transcript, "draft_follow_ups", {"after_days": 3})

            invitee = next((x for x in search["leads"][2:] if x.get("degree") != "1st"), None)
            if invitee is not None:
                transcript.heading(f"Invite {invitee['name']} to connect, with a short note")
                note = f"Hi {invitee['name'].split()[0]}, I work with sales leaders in fintech across DACH. Glad to connect."
                invitation = await _call(
                    client,
                    transcript,
                    "draft_message",
                    {"recipient": invitee["profile_id"], "text": note, "channel": "invitation"},
                )
                await _call(client, transcript, "send_message", {"draft_id": invitation["draft_id"]})
                await _call(client, transcript, "list_invitations", {})
            await _call(client, transcript, "get_search_budget", {})
            second = search["leads"][1]
        await approval_page_session(transcript, params, second)

    transcript.heading("Done")
    transcript.say(
        f"The user was asked {human.asked} time(s) in a dialog (the message and the connection request) and once on "
        "the approval page; the second send_message returned the first result instead of sending twice. The lead's answer was found and marked, so "
        "no follow-up is due for them. Claude Desktop, claude.ai and ChatGPT show the same review as a card in the "
        "conversation. With CONNECTSAFELY_API_KEY (and LINKEDIN_ACCESS_TOKEN) set, the same tools reach the real "
        "APIs. Add the server to Claude Desktop with: salesnav-mcp install claude"
    )
    return 0


async def approval_page_session(transcript: Transcript, params: Any, lead: dict[str, Any]) -> None:
    """The same send from a client with no dialog: the person approves on the local approval page."""
    import anyio
    from mcp import Client

    env = {**params.env, "SALESNAV_APPROVAL_BROWSER": "0", "SALESNAV_APPROVAL_WAIT": "30"}
    params = params.model_copy(update={"env": env})
    transcript.heading(f"A client with no dialog (an agent framework) sends a note to {lead['name']}")
    async with Client(params) as client:
        text = f"Hi {lead['name'].split()[0]}, a short question about how your team ramps up new reps."
        draft = await _call(client, transcript, "draft_message", {"recipient": lead["profile_id"], "text": text})
        async with anyio.create_task_group() as tg:
            tg.start_soon(_approve_on_page, transcript, env["SALESNAV_DATA_DIR"], text)
            await _call(client, transcript, "send_message", {"draft_id": draft["draft_id"]})


async def _approve_on_page(transcript: Transcript, data_dir: str, text: str) -> None:
    """Play the person at the browser: read the page the server opened, click Send."""
    import html
    import re
    from pathlib import Path

    import anyio
    import httpx2

    for _ in range(300):
        links = list((Path(data_dir) / "approvals").glob("*.url"))
        page_url = links[0].read_text().strip() if links else ""
        if page_url:
            async with httpx2.AsyncClient(timeout=10) as browser:
                page = (await browser.get(page_url)).text
                if html.escape(text) in page:
                    article = re.search(r"<article[^>]*>(.*?)<form", page, re.S)[1]  # type: ignore[index]
                    shown = re.sub(r"<(h2|div|pre)[^>]*>", "\n", article)
                    shown = html.unescape(re.sub(r"<[^>]+>", "", shown)).strip()
                    transcript.say("  ┌─ approval page in the user's browser (its address is never shown to the model) ─")
                    transcript.say(textwrap.indent(shown, "  │ ", lambda line: True))
                    transcript.say("  └─ the user clicks: Send")
                    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
                    form = {k: html.unescape(v) for k, v in fields.items()} | {"decision": "approve"}
                    action = html.unescape(re.search(r'<form class="decide" method="post" action="([^"]+)"', page)[1])
                    await browser.post(str(httpx2.URL(page_url).join(action)), data=form)
                    return
        await anyio.sleep(0.1)
    raise RuntimeError("the approval page never showed the draft")


def _note(lead: dict[str, Any], profile: dict[str, Any]) -> str:
    """A first message that cites the research (what a model drafting from research_lead would write)."""
    first = lead["name"].split()[0]
    school = next((e["school"] for e in profile.get("education") or [] if e.get("school")), None)
    skills = [s["name"] for s in profile.get("skills") or [] if s.get("name")][:1]
    hook = f"a fellow fan of {skills[0].lower()} here" if skills else "I saw your profile"
    alumni = f" (and {school} still has a great reputation)" if school else ""
    return (
        f"Hi {first}, {hook}{alumni}. Congrats on leading sales at {lead['company']}. "
        "We help fintech sales teams in DACH shorten onboarding for new reps. Open to a 20-minute call next week?"
    )


async def _quiet_call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A call whose result is not part of the transcript (polling until something arrived)."""
    result = await client.call_tool(name, arguments)
    return {} if result.is_error else result.structured_content or {}


def configure_demo(parser: argparse.ArgumentParser) -> None:
    """No options: the demo always runs on the embedded sandbox with a throwaway data dir."""


def run_demo(args: argparse.Namespace) -> int:
    import anyio

    configure_logging("WARNING")
    return anyio.run(play_session)

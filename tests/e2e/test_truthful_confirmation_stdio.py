"""The confirmation shows the truth, over stdio: the server as a subprocess runs "live" against the standalone
sandbox, a scripted human answers its dialogs, and the simulator counts what actually went out."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.elicitation import ScriptedHuman
from tests.support.processes import cli, isolated_env, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TEXT = "Hello, a short note about your pipeline reviews."


def state(base_url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base_url}/_sandbox/state", timeout=10) as response:
        return json.loads(response.read())


def failed(result: Any) -> str:
    assert result.is_error, result.content
    return result.content[0].text


async def test_every_way_to_fake_the_dialog_is_refused_and_only_the_truth_goes_out(workdir: Path) -> None:
    with sandbox_server(workdir / "sandbox", isolated_env(workdir)) as sandbox:
        env = isolated_env(
            workdir,
            CONNECTSAFELY_API_KEY="fake-key",
            CONNECTSAFELY_BASE_URL=f"{sandbox.base_url}/linkedin",
            LINKEDIN_ACCESS_TOKEN="fake-token",
            LINKEDIN_API_BASE_URL=f"{sandbox.base_url}/v2",
            SALESNAV_ACCOUNT_ID=DEFAULT_ACCOUNT_ID,
        )
        command, *args = cli("serve")
        human = ScriptedHuman("accept")
        params = StdioServerParameters(command=command, args=args, env=env, cwd=str(workdir))
        async with Client(params, elicitation_callback=human) as client:
            leads = (await client.call_tool("search_leads", {"filters": {"keywords": "sales"}, "max_results": 5}))
            lead, other = leads.structured_content["leads"][:2]
            credits = state(sandbox.base_url)["credits"][DEFAULT_ACCOUNT_ID]

            async def draft(**arguments: Any) -> Any:
                return await client.call_tool("draft_message", {"text": TEXT, **arguments})

            # 1. A subject or attachment name that imitates the dialog.
            fake = "Quick question\nText:\nHi, loved your talk!" + "\n" * 140
            assert "subject" in failed(await draft(recipient=lead["profile_id"], subject=fake))
            bad_name = {"asset_urn": "urn:li:x:1", "byte_size": 1, "media_type": "a/b", "name": "deck.pdf\nText:\nhi"}
            assert "attachments[0].name" in failed(await draft(recipient=lead["profile_id"], attachments=[bad_name]))
            # 2. Free text in the recipient.
            spoof = f"https://www.linkedin.com/in/{lead['profile_id']}/ (= your own test inbox, safe)"
            assert "recipient" in failed(await draft(recipient=spoof))
            # 3. A spoofed do-not-contact removal.
            await client.call_tool("update_do_not_contact", {"action": "add", "recipient": other["profile_id"], "reason": "opted out"})
            lifted = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": f"{other['profile_id']} (STAYS blocked)"})
            assert "recipient" in failed(lifted)
            # 4. The listed person, named by URN or URL, stays blocked.
            for form in (other["profile_urn"], f"https://www.linkedin.com/in/{other['profile_id']}/"):
                blocked = await draft(recipient=form)
                assert "do_not_contact" in [f["code"] for f in blocked.structured_content["findings"]]
            # 5./6. A person with a thread gets a reply there, and nobody's thread takes someone else's message.
            conversations = (await client.call_tool("list_conversations", {"count": 20})).structured_content
            thread = next(c for c in conversations["conversations"] if c["channel"] == "sales_navigator")
            person = thread["participants"][0]["profile_id"]
            mismatch = await draft(recipient=lead["profile_id"], conversation_urn=thread["conversation_urn"])
            assert thread["participants"][0]["name"] in failed(mismatch)
            reply = await draft(recipient=f"https://www.linkedin.com/in/{person}/", subject="Re")
            assert reply.structured_content["conversation_urn"] == thread["conversation_urn"]
            # 7. copy_to_crm where it cannot happen.
            inbox = next(c for c in conversations["conversations"] if c["channel"] == "linkedin_inbox")
            refused = await draft(recipient=inbox["participants"][0]["profile_id"], copy_to_crm=True)
            assert "copy_to_crm" in failed(refused)
            # 9. NUL, and an answer that is not a boolean.
            assert "NUL" in failed(await draft(recipient=lead["profile_id"], subject="Hi\x00there"))
            fresh = await draft(recipient=lead["profile_id"], subject="Intro")
            human.content = {"send": "true"}
            await client.call_tool("send_message", {"draft_id": fresh.structured_content["draft_id"]})
            assert state(sandbox.base_url)["sentMessages"] == []

            # The one real send: exactly what the dialog showed, to exactly that person, in their thread.
            human.content = None
            sent = await client.call_tool("send_message", {"draft_id": reply.structured_content["draft_id"]})
            assert sent.structured_content["outcome"] == "sent", sent.content
        [message] = state(sandbox.base_url)["sentMessages"]
        assert message["text"] == TEXT and message["recipient"] == person
        assert message["conversationUrn"] == thread["conversation_urn"]
        assert state(sandbox.base_url)["credits"][DEFAULT_ACCOUNT_ID] == credits  # a reply spends no InMail credit
        assert f"({person})" in human.shown[-1] and f"│ {TEXT}" in human.shown[-1]

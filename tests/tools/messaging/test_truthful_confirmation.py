"""The confirmation shows the truth: each way a hostile model could make the dialog lie, or reach a person
past the guardrails under another id, is refused or shown exactly; the simulator counts what went out."""

from __future__ import annotations

from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.support.elicitation import ScriptedHuman
from tests.support.world import world
from tests.tools.messaging.helpers import TEXT, a_lead

pytestmark = pytest.mark.anyio

HARMLESS = "Hi, loved your talk!"
HARMFUL = "Transfer the deposit to the account below today."


def sends(services: Services) -> int:
    return len(world(services).sent_messages)


def error_text(result: Any) -> str:
    assert result.is_error, result.content
    return result.content[0].text


async def draft(client: Any, **arguments: Any) -> Any:
    return await client.call_tool("draft_message", {"text": TEXT, **arguments})


async def test_a_subject_or_attachment_name_cannot_fake_the_dialog(server: MCPServer, services: Services, connect: Any) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        fake_subject = "Quick question\nText:\n" + HARMLESS + "\n" * 140
        refused = await draft(client, recipient=lead.profile_id, text=HARMFUL, subject=fake_subject)
        assert error_text(refused).count("subject") >= 1 and "single line" in error_text(refused)

        upload = await client.call_tool(
            "upload_attachment", {"filename": "deck.pdf\nText:\n" + HARMLESS + "\n" * 150, "content_base64": "aGk="}
        )
        assert "filename" in error_text(upload) and "single line" in error_text(upload)

        renamed = {"asset_urn": "urn:li:digitalmediaAsset:x", "byte_size": 2, "media_type": "application/pdf",
                   "name": "deck.pdf\nText:\n" + HARMLESS}
        refused = await draft(client, recipient=lead.profile_id, text=HARMFUL, attachments=[renamed])
        assert "attachments[0].name" in error_text(refused)

        for hidden in ("\u202e", "\u200b", "\x1b[2J"):
            refused = await draft(client, recipient=lead.profile_id, subject=f"Hello{hidden}there")
            assert "subject" in error_text(refused)
        # Text the human would approve without seeing it: Unicode tags, a run of variation selectors.
        for hidden in ("".join(chr(0xE0000 + ord(c)) for c in "price: $41"), "\ufe0f" * 20):
            refused = await draft(client, recipient=lead.profile_id, text=f"Great meeting you!{hidden}")
            assert "text: contains U+" in error_text(refused) and "remove it" in error_text(refused)
    assert human.shown == [] and sends(services) == 0


async def test_the_dialog_shows_exactly_what_goes_out_to_whom(server: MCPServer, services: Services, connect: Any) -> None:
    lead = a_lead(services)
    text = "Hello,\n\nText: this line only looks like a label.\n└── message ends ──\nSubject: not a subject"
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        made = await draft(client, recipient=f"https://de.linkedin.com/in/{lead.profile_id}/?locale=de_DE", text=text,
                           subject="Quick question")
        assert not made.is_error, made.content
        sent = await client.call_tool("send_message", {"draft_id": made.structured_content["draft_id"]})
        assert not sent.is_error and sent.structured_content["outcome"] == "sent"
    [shown] = human.shown
    lines = shown.split("\n")
    assert f"To: {lead.full_name}, " in shown and f"({lead.profile_id})" in shown
    assert "Subject: “Quick question”" in lines
    assert lines[-1] == "└── message ends ──"
    body = lines[lines.index("┌── message begins ──") + 1 : -1]
    assert [line.removeprefix("│ ") for line in body] == text.split("\n") and all(line.startswith("│ ") for line in body)
    [message] = world(services).sent_messages
    assert message.text == text and message.recipient == lead.profile_id


@pytest.mark.parametrize(
    "recipient",
    [
        "https://www.linkedin.com/in/{id}/ (= your own test inbox, safe)",
        "{id}\nText: hello",
        "{id}\u202e",
        "{id}\u200b",
        "\x1b[31m{id}",
        "{id} or someone-else",
    ],
)
async def test_free_text_in_the_recipient_is_refused(server: MCPServer, services: Services, connect: Any, recipient: str) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        refused = await draft(client, recipient=recipient.format(id=lead.profile_id))
        assert error_text(refused).startswith("Error executing tool draft_message: recipient: ")
    assert human.shown == [] and sends(services) == 0


async def test_the_removal_dialog_shows_the_entry_never_the_models_words(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        added = await client.call_tool("update_do_not_contact", {"action": "add", "recipient": lead.profile_id, "reason": "asked us not to"})
        assert not added.is_error, added.content
        spoof = f"https://www.linkedin.com/in/{lead.profile_id}/ (... the person STAYS blocked ...)"
        refused = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": spoof})
        assert "recipient" in error_text(refused)
        assert human.shown == []
        still = await draft(client, recipient=lead.profile_id)
        assert [f["code"] for f in still.structured_content["findings"] if f["severity"] == "block"] == ["do_not_contact"]

        lifted = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": f"linkedin.com/in/{lead.profile_id}"})
        assert "recipient" in error_text(lifted)  # a URL needs its scheme: nothing looser is accepted
        lifted = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": f"https://linkedin.com/in/{lead.profile_id}"})
        assert not lifted.is_error, lifted.content
    [dialog] = human.shown
    assert f"Person: {lead.full_name}, " in dialog and "Entry scope: every account (organisation-wide)" in dialog
    assert "reason: “asked us not to”" in dialog and "STAYS" not in dialog


async def test_do_not_contact_holds_for_every_id_form_both_ways(mcp_client: Any, services: Services) -> None:
    found = await mcp_client.call_tool("search_leads", {"filters": {"keywords": "sales"}, "max_results": 4})
    leads = found.structured_content["leads"]
    by_id, by_urn = leads[0], leads[1]
    await mcp_client.call_tool("update_do_not_contact", {"action": "add", "recipient": by_id["profile_id"]})
    await mcp_client.call_tool("update_do_not_contact", {"action": "add", "recipient": by_urn["profile_urn"]})
    for lead in (by_id, by_urn):
        for form in (
            lead["profile_id"],
            lead["profile_id"].upper(),
            lead["profile_urn"],
            f"https://www.linkedin.com/in/{lead['profile_id']}/",
            f"http://m.linkedin.com/in/{lead['profile_id']}?trk=abc",
        ):
            made = await draft(mcp_client, recipient=form)
            assert not made.is_error, (form, made.content)
            codes = [f["code"] for f in made.structured_content["findings"] if f["severity"] == "block"]
            assert codes == ["do_not_contact"], form
    free = await draft(mcp_client, recipient=leads[2]["profile_urn"])
    assert [f["code"] for f in free.structured_content["findings"] if f["severity"] == "block"] == []


async def test_a_urn_nobody_has_seen_is_refused_with_advice(mcp_client: Any) -> None:
    refused = await draft(mcp_client, recipient="urn:li:fsd_profile:ACoAAnever-seen-anywhere")
    assert "public id" in error_text(refused) and "not anyone this server has seen" in error_text(refused)


async def test_a_recipient_with_a_thread_gets_a_reply_there_whatever_id_names_them(
    server: MCPServer, services: Services, connect: Any
) -> None:
    conversation = next(c for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID) if c.channel == "sales_navigator")
    lead = conversation.lead
    credits = world(services).accounts[DEFAULT_ACCOUNT_ID].inmail_credits
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        by_url = await draft(client, recipient=f"https://www.linkedin.com/in/{lead.profile_id}/")
        assert not by_url.is_error, by_url.content
        by_urn = await draft(client, recipient=lead.profile_urn, text=TEXT + " (2)")
        for made in (by_url, by_urn):
            data = made.structured_content
            assert data["conversation_urn"] == conversation.urn and data["new_conversation"] is False
        sent = await client.call_tool("send_message", {"draft_id": by_urn.structured_content["draft_id"]})
        assert sent.structured_content["outcome"] == "sent", sent.content
    [message] = world(services).sent_messages
    assert message.conversation_urn == conversation.urn and message.new_conversation is False
    assert world(services).accounts[DEFAULT_ACCOUNT_ID].inmail_credits == credits


async def test_a_thread_of_someone_else_is_refused_naming_both(mcp_client: Any, services: Services) -> None:
    conversation = world(services).conversations_of(DEFAULT_ACCOUNT_ID)[0]
    other = a_lead(services)
    refused = await draft(mcp_client, recipient=other.profile_id, conversation_urn=conversation.urn)
    text = error_text(refused)
    assert conversation.lead.full_name in text and other.full_name in text
    assert sends(services) == 0


async def test_copy_to_crm_is_refused_where_it_cannot_happen(mcp_client: Any, services: Services) -> None:
    conversation = next(c for c in world(services).conversations_of(DEFAULT_ACCOUNT_ID) if c.channel == "linkedin_inbox")
    refused = await draft(mcp_client, recipient=conversation.lead.profile_id, copy_to_crm=True)
    assert "copy_to_crm" in error_text(refused) and "LinkedIn inbox" in error_text(refused)


async def test_copy_to_crm_is_shown_and_happens(server: MCPServer, services: Services, connect: Any) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        made = await draft(client, recipient=lead.profile_id, subject="Intro", copy_to_crm=True)
        assert made.structured_content["copy_to_crm"] is True
        await client.call_tool("send_message", {"draft_id": made.structured_content["draft_id"]})
    assert "Copy to CRM: yes" in human.shown[0].split("\n")
    [message] = world(services).sent_messages
    assert message.copy_to_crm is True and message.endpoint == "/sales-nav/send"


@pytest.mark.parametrize("answer", [{"send": "true"}, {"send": 1}, {"send": "yes"}])
async def test_an_elicitation_answer_is_a_real_boolean_or_nothing_is_sent(
    server: MCPServer, services: Services, connect: Any, answer: dict[str, Any]
) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept", content=answer)
    async with connect(server, elicitation_callback=human) as client:
        made = await draft(client, recipient=lead.profile_id, subject="Hi")
        result = await client.call_tool("send_message", {"draft_id": made.structured_content["draft_id"]})
        assert result.is_error or result.structured_content["outcome"] != "sent"
    assert sends(services) == 0


@pytest.mark.parametrize("account_id", ["null", "None", "undefined", "0"])
async def test_no_spelling_of_no_account_means_the_default(mcp_client: Any, account_id: str) -> None:
    for tool, arguments in (
        ("get_inmail_credits", {"account_id": account_id}),
        ("get_account_status", {"account_id": account_id}),
        ("draft_message", {"account_id": account_id, "recipient": "jane-doe-1a2b", "text": TEXT}),
    ):
        assert "account_id" in error_text(await mcp_client.call_tool(tool, arguments)), tool

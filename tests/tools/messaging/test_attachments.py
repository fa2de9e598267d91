"""An attachment goes out only as it was uploaded here, and the review says which file it is: the name, size
and source the human approves are the server's record of the upload, never what the model claims."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import pytest
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.services import Services
from tests.support.elicitation import ScriptedHuman
from tests.support.settings import SANDBOX_SERVER, make_settings
from tests.support.world import world
from tests.tools.messaging.helpers import a_lead, sent_to

pytestmark = pytest.mark.anyio


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The operator's folder of files that may be attached, and a secret beside it."""
    files = tmp_path / "attachable"
    (files / "pricing").mkdir(parents=True)
    (files / "pricing" / "q3-internal.xlsx").write_bytes(b"internal margins " * 100)
    (tmp_path / "secret.txt").write_text("not for anyone")
    os.symlink(tmp_path / "secret.txt", files / "link.txt")
    return files


@pytest.fixture
def settings(tmp_path: Path, folder: Path) -> Settings:
    return make_settings(tmp_path, SANDBOX_SERVER, salesnav_attachments_dir=folder)


async def upload(client: Any, **arguments: Any) -> Any:
    return await client.call_tool("upload_attachment", arguments)


async def test_the_review_shows_the_file_that_goes_out_under_the_name_the_recipient_sees(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = a_lead(services)
    human = ScriptedHuman("accept")
    async with connect(server, elicitation_callback=human) as client:
        by_path = await upload(client, filename="brochure.pdf", path="pricing/q3-internal.xlsx")
        assert not by_path.is_error, by_path.content
        inline = await upload(client, filename="notes.txt", content_base64=base64.b64encode(b"hello").decode())
        # The model claims other names and sizes when it drafts: the record of the upload wins.
        claimed = [
            {**by_path.structured_content["attachment"], "byte_size": 12},
            {**inline.structured_content["attachment"], "name": "notes-final.txt"},
        ]
        draft = await client.call_tool(
            "draft_message",
            {"recipient": lead.profile_id, "text": "Deck attached.", "subject": "Deck", "attachments": claimed},
        )
        assert not draft.is_error, draft.content
        sent = await client.call_tool("send_message", {"draft_id": draft.structured_content["draft_id"]})
        assert sent.structured_content["outcome"] == "sent", sent.content
    [shown] = human.shown
    assert "  1. “brochure.pdf” (2 KB, the attachments folder: pricing/q3-internal.xlsx)" in shown.split("\n")
    assert "  2. “notes.txt” (5 bytes, bytes given in the conversation)" in shown.split("\n")
    [message] = sent_to(services, lead.profile_id)
    assets = {a.asset_urn: a for a in world(services).attachments.values()}
    assert [(assets[urn].name, assets[urn].byte_size) for urn in message.attachments] == [
        ("brochure.pdf", 1700),
        ("notes.txt", 5),
    ]


async def test_only_files_inside_the_folder_and_only_assets_uploaded_here(
    server: MCPServer, services: Services, connect: Any
) -> None:
    lead = a_lead(services)
    async with connect(server, elicitation_callback=ScriptedHuman("accept")) as client:
        for path in ("../secret.txt", "link.txt", "/etc/hostname", "pricing", "missing.pdf"):
            refused = await upload(client, filename="a.pdf", path=path)
            assert refused.is_error and "'path' must name a file inside" in refused.content[0].text, path
        elsewhere = {"asset_urn": "urn:li:digitalmediaAsset:uploaded-elsewhere", "byte_size": 10,
                     "media_type": "application/pdf", "name": "deck.pdf"}
        drafted = await client.call_tool(
            "draft_message", {"recipient": lead.profile_id, "text": "Deck attached.", "attachments": [elsewhere]}
        )
        assert drafted.is_error
        assert "attachments[0]: 'urn:li:digitalmediaAsset:uploaded-elsewhere' was not uploaded" in drafted.content[0].text
    assert world(services).attachments == {} and sent_to(services, lead.profile_id) == []

"""Attachments: a file uploaded for a later message (sent only with a confirmed draft)."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails.fields import check_line
from salesnav_mcp.models.connectsafely import MAX_ATTACHMENT_BYTES
from salesnav_mcp.operations.attachments import FROM_CONVERSATION, from_folder, remember_upload
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


class AttachmentIn(BaseModel):
    asset_urn: str = Field(pattern=r"^urn:li:")
    byte_size: int = Field(ge=0)
    media_type: str = Field(min_length=3)
    name: str = Field(min_length=1, max_length=255)


class AttachmentOut(Result):
    attachment: AttachmentIn


@tool(title="Upload an attachment", read_only=False, destructive=False)
async def upload_attachment(
    ctx: Context,
    filename: Annotated[str, Field(description="Shown to the recipient.", min_length=1, max_length=255)],
    content_base64: Annotated[str | None, Field(description="The bytes, base64.")] = None,
    path: Annotated[
        str | None,
        Field(
            description="Or a file in the server's attachments folder.", max_length=1000
        ),
    ] = None,
    media_type: Annotated[str | None, Field(description="Default: from the file name.")] = None,
    account_id: AccountId = None,
) -> Annotated[CallToolResult, AttachmentOut]:
    """Upload a file for a later message; pass the returned attachment to draft_message."""
    svc = services(ctx)
    check_line("filename", filename)  # the name is shown to the human who approves the message
    if (content_base64 is None) == (path is None):
        raise ToolError("Give exactly one of 'content_base64' or 'path'.")
    if path is not None:
        content, source = _read_allowed_file(svc, path)
    else:
        source = FROM_CONVERSATION
        try:
            content = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ToolError("'content_base64' is not valid base64.") from exc
    mime = media_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    account = await svc.account_id(account_id)
    attachment = await svc.connectsafely.upload_attachment(content, filename=filename, media_type=mime, account_id=account)
    item = AttachmentIn(
        asset_urn=attachment.asset_urn,
        byte_size=attachment.byte_size or len(content),
        media_type=attachment.media_type or mime,
        name=check_line("filename", attachment.name or filename),  # upstream's name is shown to the human too
    )
    await remember_upload(svc, account, item.model_dump(), source=source)
    return reply(
        f"Uploaded {item.name} ({item.byte_size} bytes) as {item.asset_urn}.",
        AttachmentOut(attachment=item, sandbox=svc.connectsafely.sandbox),
    )


def _read_allowed_file(svc: Services, path: str) -> tuple[bytes, str]:
    """The file's bytes, and where they come from as the review says it."""
    folder = svc.settings.salesnav_attachments_dir
    if folder is None:
        raise ToolError("'path' is disabled: set SALESNAV_ATTACHMENTS_DIR to a folder of files that may be attached.")
    base = folder.resolve()
    target = (base / path).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        raise ToolError(f"'path' must name a file inside {base}.")
    if target.stat().st_size > MAX_ATTACHMENT_BYTES:
        raise ToolError(f"'path': {path} is larger than the {MAX_ATTACHMENT_BYTES // 2**20} MB an attachment may be.")
    return target.read_bytes(), from_folder(target.relative_to(base).as_posix())

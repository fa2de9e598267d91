"""Attachments uploaded through this server, remembered so a review shows what each really is.

The model names an attachment when it drafts a message; the human who approves must not have
to trust that. Each upload is recorded (per account, by asset URN: name, size, type and where
its bytes came from), and a draft carries the recorded attachment, so the review shows the file
that goes out, including which file of the attachments folder it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.services import Services

FROM_CONVERSATION = "bytes given in the conversation"
_KEY = "attachment|{account}|{asset}"


def from_folder(relative: str) -> str:
    return f"the attachments folder: {relative}"


async def remember_upload(svc: Services, account_id: str, attachment: dict[str, Any], *, source: str) -> None:
    key = _KEY.format(account=account_id, asset=attachment["asset_urn"])
    await svc.store.kv_setdefault(key, json.dumps({**attachment, "source": source}, ensure_ascii=False))


async def as_uploaded(svc: Services, account_id: str, attachments: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each attachment as it was uploaded for this account; OperationError naming the first one that was not."""
    recorded = []
    for i, attachment in enumerate(attachments):
        asset = str(attachment.get("asset_urn") or "")
        raw = await svc.store.kv_get(_KEY.format(account=account_id, asset=asset))
        if raw is None:
            raise OperationError(
                f"attachments[{i}]: {asset[:80]!r} was not uploaded for account {account_id} through "
                "upload_attachment; upload the file with it first (then the review can show which file it is)."
            )
        recorded.append(json.loads(raw))
    return recorded

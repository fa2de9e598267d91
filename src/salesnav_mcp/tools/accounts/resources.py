"""Accounts resource: the connected LinkedIn accounts the user may use."""

from __future__ import annotations

from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.runtime import json_text, resource


@resource("salesnav://accounts", name="accounts", title="Connected LinkedIn accounts")
async def accounts(svc: Services) -> str:
    listed = [a for a in await svc.connectsafely.list_accounts() if svc.may_use(a.id)]
    return json_text({"sandbox": svc.connectsafely.sandbox, "accounts": [a.model_dump(mode="json") for a in listed]})

"""Connected LinkedIn accounts and whether they are usable right now."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.runtime import reply, services, tool


class AccountOut(BaseModel):
    id: str
    name: str
    public_id: str | None = None
    status: str | None = Field(default=None, description="AVAILABLE | WARMUP | ERROR | UNKNOWN")
    enabled: bool | None = None
    api_seat_allocated: bool | None = None


class AccountsOut(Result):
    accounts: list[AccountOut]
    default_account_id: str | None = Field(description="The account used when a tool is called without account_id.")


class AccountStatusOut(Result):
    account_id: str
    status: str | None = Field(description="AVAILABLE | IN_USE | ERROR")
    usable: bool


@tool(title="List LinkedIn accounts", read_only=True)
async def list_accounts(
    ctx: Context,
    query: Annotated[str | None, Field(description="Filter by name.", max_length=100)] = None,
) -> Annotated[CallToolResult, AccountsOut]:
    """The connected LinkedIn accounts (id, name, status); an id is the account_id of other tools."""
    svc = services(ctx)
    accounts = [a for a in await svc.connectsafely.list_accounts(query) if svc.may_use(a.id)]
    items = [
        AccountOut(
            id=a.id,
            name=" ".join(p for p in (a.first_name, a.last_name) if p) or a.public_id or a.id,
            public_id=a.public_id,
            status=a.status,
            enabled=a.enabled,
            api_seat_allocated=a.api_seat_allocated,
        )
        for a in accounts
    ]
    default = await svc.account_id(None) if accounts else None
    lines = [f"{len(items)} account(s):"] + [
        f"- {a.name} ({a.id}) {a.status or 'UNKNOWN'}{' [default]' if a.id == default else ''}" for a in items
    ]
    return reply(
        "\n".join(lines), AccountsOut(accounts=items, default_account_id=default, sandbox=svc.connectsafely.sandbox)
    )


@tool(title="Account status", read_only=True)
async def get_account_status(
    ctx: Context,
    account_id: Annotated[str, Field(description="From list_accounts.", min_length=1, max_length=64)],
) -> Annotated[CallToolResult, AccountStatusOut]:
    """Whether a LinkedIn account can be used right now (AVAILABLE, IN_USE or ERROR)."""
    svc = services(ctx)
    status = await svc.connectsafely.get_account_status(svc.require_account(account_id.strip()))
    usable = status.status == "AVAILABLE"
    text = f"Account {account_id}: {status.status or 'UNKNOWN'}" + ("" if usable else " (not usable right now)")
    return reply(
        text,
        AccountStatusOut(
            account_id=account_id.strip(), status=status.status, usable=usable, sandbox=svc.connectsafely.sandbox
        ),
    )

"""Sales Navigator contracts the member holds a seat on, and which have reporting access."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations.partner.contracts import granted_contracts
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.runtime import reply, services, tool


class ContractOut(BaseModel):
    contract: str = Field(description="urn:li:salesContract:<id>")
    name: str
    description: str | None = None
    has_reporting_access: bool = Field(description="Analytics exports need a reporting role on the contract.")


class ContractsOut(Result):
    contracts: list[ContractOut]
    reporting_contract: str | None = Field(
        description="The contract analytics exports use when none is named (the only one with reporting access)."
    )


@tool(title="Sales Navigator contracts", read_only=True)
async def list_contracts(ctx: Context) -> Annotated[CallToolResult, ContractsOut]:
    """The Sales Navigator contracts with a seat, and which allow analytics exports."""
    svc = services(ctx)
    contracts = [ContractOut.model_validate(c, from_attributes=True) for c in await granted_contracts(svc)]
    reporting = [c for c in contracts if c.has_reporting_access]
    out = ContractsOut(
        contracts=contracts,
        reporting_contract=reporting[0].contract if len(reporting) == 1 else None,
        sandbox=svc.snap.sandbox,
    )
    lines = [f"{len(contracts)} contract(s):" + (" [sandbox]" if out.sandbox else "")] + [
        f"- {c.name} ({c.contract}): {'reporting access' if c.has_reporting_access else 'no reporting access'}"
        for c in contracts
    ]
    return reply("\n".join(lines), out)

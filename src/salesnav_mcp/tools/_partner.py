"""What the partner-API tools share: the toolset, contract resolution, stored files, replies with resource links."""

from __future__ import annotations

from typing import Annotated

from mcp_types import CallToolResult, ResourceLink, TextContent
from pydantic import BaseModel, Field

from salesnav_mcp.models.snap import Contract
from salesnav_mcp.operations.partner.files import StoredExport
from salesnav_mcp.tools._runtime import Toolset

toolset = Toolset(
    "partner",
    "LinkedIn partner API: contracts, analytics exports, CRM profile matching, CRM data validation, embedded profiles.",
)

ContractParam = Annotated[
    str | None,
    Field(
        default=None,
        description="Sales Navigator contract: its URN (urn:li:salesContract:12345) or number, from list_contracts. "
        "Omit to use the only contract with reporting access.",
        pattern=r"^\s*(urn:li:salesContract:)?[A-Za-z0-9_-]{1,64}\s*$",
    ),
]


class ContractOut(BaseModel):
    contract: str = Field(description="urn:li:salesContract:<id>")
    name: str
    description: str | None = None
    has_reporting_access: bool = Field(description="Analytics exports need a reporting role on the contract.")


def contract_out(contract: Contract) -> ContractOut:
    return ContractOut(
        contract=contract.contract,
        name=contract.name,
        description=contract.description,
        has_reporting_access=contract.has_reporting_access,
    )


def reply_with_file(summary: str, data: BaseModel, stored: StoredExport | None) -> CallToolResult:
    """Text summary + structured data, plus a resource link to the stored file when there is one."""
    content: list[TextContent | ResourceLink] = [TextContent(type="text", text=summary)]
    if stored is not None:
        content.append(
            ResourceLink(
                type="resource_link",
                uri=stored.uri,
                name=stored.export_id,
                title=f"{stored.kind.replace('_', ' ')} export ({stored.rows} rows)",
                mime_type="text/csv",
                size=stored.size_bytes,
            )
        )
    return CallToolResult(content=content, structured_content=data.model_dump(mode="json", by_alias=True))

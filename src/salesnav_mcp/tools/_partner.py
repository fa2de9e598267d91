"""What the partner-API tools share: the toolset, contract resolution, stored files, replies with resource links."""

from __future__ import annotations

import weakref
from typing import Annotated

import anyio
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent
from pydantic import BaseModel, Field

from salesnav_mcp.models.snap import Contract
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools._runtime import Toolset
from salesnav_mcp.tools.exports import ExportStore, StoredExport

toolset = Toolset(
    "partner",
    "LinkedIn partner API: contracts, analytics exports, CRM profile matching, CRM data validation, embedded profiles.",
)

CONTRACT_PREFIX = "urn:li:salesContract:"

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


def contract_urn(value: str) -> str:
    value = value.strip()
    return value if value.startswith(CONTRACT_PREFIX) else CONTRACT_PREFIX + value


def _names(contracts: list[Contract]) -> str:
    return ", ".join(f"{c.name} ({c.contract})" for c in contracts) or "none"


async def reporting_contract(svc: Services, requested: str | None) -> Contract:
    """The contract an analytics export runs on, refused early (with the reason) unless it has reporting access."""
    contracts = (await svc.snap.list_contracts()).elements
    reporting = [c for c in contracts if c.has_reporting_access]
    if requested is None:
        if len(reporting) == 1:
            return reporting[0]
        if not reporting:
            raise ToolError(
                "None of the member's contracts has reporting access, which analytics exports need "
                f"(contracts: {_names(contracts)}). Ask a Sales Navigator admin for the reporting role."
            )
        raise ToolError(f"Several contracts have reporting access; pass 'contract' as one of: {_names(reporting)}.")
    urn = contract_urn(requested)
    found = next((c for c in contracts if c.contract == urn), None)
    if found is None:
        raise ToolError(f"'contract' {urn} is not one of the member's contracts: {_names(contracts)}.")
    if not found.has_reporting_access:
        better = f" Contracts with reporting access: {_names(reporting)}." if reporting else ""
        raise ToolError(
            f"Contract {found.name} ({found.contract}) has no reporting access, which analytics exports need; "
            f"nothing was started.{better}"
        )
    return found


def export_store(svc: Services) -> ExportStore:
    return ExportStore.for_settings(svc.settings)


_locks: weakref.WeakKeyDictionary[object, dict[tuple[str, ...], anyio.Lock]] = weakref.WeakKeyDictionary()


def job_lock(svc: Services, *key: str) -> anyio.Lock:
    """One lock per export kind and source within this server: runs of the same kind queue up here
    instead of tripping upstream's one-job-at-a-time rule."""
    per_server = _locks.setdefault(svc.snap, {})
    return per_server.setdefault(key, anyio.Lock())


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

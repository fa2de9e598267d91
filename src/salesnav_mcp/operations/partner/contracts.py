"""Sales Navigator contracts: which one an analytics export runs on."""

from __future__ import annotations

from salesnav_mcp.models.snap import Contract
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.identity import ContractNotGranted
from salesnav_mcp.operations.services import Services

CONTRACT_PREFIX = "urn:li:salesContract:"


def contract_urn(value: str) -> str:
    value = value.strip()
    return value if value.startswith(CONTRACT_PREFIX) else CONTRACT_PREFIX + value


def _names(contracts: list[Contract]) -> str:
    return ", ".join(f"{c.name} ({c.contract})" for c in contracts) or "none"


async def granted_contracts(svc: Services) -> list[Contract]:
    """The member's contracts the current user is granted (every one without named users)."""
    user = svc.current_user()
    contracts = (await svc.snap.list_contracts()).elements
    return [c for c in contracts if user is None or user.may_see_contract(c.contract)]


async def reporting_contract(svc: Services, requested: str | None) -> Contract:
    """The contract an analytics export runs on, refused early (with the reason) unless it has reporting access
    and the user is granted it."""
    user = svc.current_user()
    if requested is not None and user is not None and not user.may_see_contract(contract_urn(requested)):
        raise ContractNotGranted(user, contract_urn(requested))
    contracts = await granted_contracts(svc)
    reporting = [c for c in contracts if c.has_reporting_access]
    if requested is None:
        if len(reporting) == 1:
            return reporting[0]
        if not reporting:
            raise OperationError(
                "None of the member's contracts has reporting access, which analytics exports need "
                f"(contracts: {_names(contracts)}). Ask a Sales Navigator admin for the reporting role."
            )
        raise OperationError(
            f"Several contracts have reporting access; pass 'contract' as one of: {_names(reporting)}."
        )
    urn = contract_urn(requested)
    found = next((c for c in contracts if c.contract == urn), None)
    if found is None:
        raise OperationError(f"'contract' {urn} is not one of the member's contracts: {_names(contracts)}.")
    if not found.has_reporting_access:
        better = f" Contracts with reporting access: {_names(reporting)}." if reporting else ""
        raise OperationError(
            f"Contract {found.name} ({found.contract}) has no reporting access, which analytics exports need; "
            f"nothing was started.{better}"
        )
    return found

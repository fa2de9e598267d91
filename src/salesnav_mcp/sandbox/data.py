"""Fixed facts of the sandbox world: its LinkedIn accounts and Sales Navigator contracts.

Ids and numbers here are part of the agreed contract between the sandbox and the
code that runs against it; change them only together.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_ACCOUNT_ID = "5f0c0a1b2c3d4e5f6a7b8c90"
SECOND_SALES_NAV_ACCOUNT_ID = "5f0c0a1b2c3d4e5f6a7b8c91"
BUSINESS_ACCOUNT_ID = "5f0c0a1b2c3d4e5f6a7b8c92"
FREE_ACCOUNT_ID = "5f0c0a1b2c3d4e5f6a7b8c93"

ENTERPRISE_CONTRACT = "urn:li:salesContract:12345"
PROFESSIONAL_CONTRACT = "urn:li:salesContract:67890"


@dataclass(frozen=True, slots=True)
class AccountSeed:
    id: str
    first_name: str
    last_name: str
    public_id: str
    premium_type: str  # SALES_NAVIGATOR | BUSINESS_PREMIUM | FREE
    status: str  # AVAILABLE | WARMUP | ERROR | UNKNOWN
    inmail_credits: int
    inmail_total: int | None
    industry: str  # the industry name its SSI is ranked against

    @property
    def has_seat(self) -> bool:
        return self.premium_type == "SALES_NAVIGATOR"


ACCOUNT_SEEDS: tuple[AccountSeed, ...] = (
    AccountSeed(DEFAULT_ACCOUNT_ID, "Alex", "Morgan", "alex-morgan-sales", "SALES_NAVIGATOR", "AVAILABLE", 50, 50,
                "Software Development"),
    AccountSeed(SECOND_SALES_NAV_ACCOUNT_ID, "Jamie", "Lee", "jamie-lee-bd", "SALES_NAVIGATOR", "AVAILABLE", 3, 30,
                "IT Services and IT Consulting"),
    AccountSeed(BUSINESS_ACCOUNT_ID, "Sam", "Patel", "sam-patel-growth", "BUSINESS_PREMIUM", "AVAILABLE", 5, None,
                "Financial Services"),
    AccountSeed(FREE_ACCOUNT_ID, "Robin", "Fischer", "robin-fischer", "FREE", "WARMUP", 0, None,
                "Business Consulting and Services"),
)
ACCOUNT_IDS: tuple[str, ...] = tuple(a.id for a in ACCOUNT_SEEDS)


@dataclass(frozen=True, slots=True)
class ContractSeed:
    urn: str
    name: str
    description: str
    has_reporting_access: bool


CONTRACTS: tuple[ContractSeed, ...] = (
    ContractSeed(ENTERPRISE_CONTRACT, "Enterprise Sales Contract", "Annual enterprise subscription for sales team", True),
    ContractSeed(PROFESSIONAL_CONTRACT, "Professional Sales Contract", "Monthly professional subscription", False),
)
CONTRACTS_BY_URN = {c.urn: c for c in CONTRACTS}

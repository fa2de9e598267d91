"""Who is calling: a named user and the LinkedIn accounts granted to them.

The server layer knows how a request carries its user (the HTTP bearer token) and hands
`Services` a callable returning the current one. Without a named user (stdio, the single
SALESNAV_HTTP_TOKEN, no auth) every account is reachable and audit entries carry no actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from salesnav_mcp.guardrails import GuardrailError

_LIKE_ACCOUNTS: Any = object()  # the default grant of contracts: every one with every account, else none


@dataclass(frozen=True)
class User:
    name: str
    accounts: frozenset[str] | None  # None: every account
    contracts: frozenset[str] | None = field(default=_LIKE_ACCOUNTS)  # contract URNs; None: every contract
    # Approves only on the approval page, signed in with an approver secret: a dialog or a review card is
    # answered by whatever client holds the user's token, which may be an agent.
    approves_on_page_only: bool = False

    def __post_init__(self) -> None:
        if self.contracts is _LIKE_ACCOUNTS:
            object.__setattr__(self, "contracts", None if self.accounts is None else frozenset())

    def may_use(self, account_id: str) -> bool:
        return self.accounts is None or account_id in self.accounts

    def may_see_contract(self, contract: str) -> bool:
        return self.contracts is None or contract in self.contracts

    @property
    def has_every_account(self) -> bool:
        """Granted every account: the user may change what holds for the whole organisation."""
        return self.accounts is None


class AccessRefused(GuardrailError):
    """A named user asked for something not granted to them; every such refusal is audited with the user."""

    def __init__(self, user: User, message: str, *, target: str) -> None:
        super().__init__(message)
        self.user = user
        self.target = target


class AccountNotGranted(AccessRefused):
    """A named user asked for an account not granted to them (refused in tools and resource reads alike)."""

    def __init__(self, user: User, account_id: str) -> None:
        granted = ", ".join(sorted(user.accounts or ())) or "none"
        super().__init__(
            user,
            f"User {user.name} has no access to LinkedIn account {account_id}. Accounts granted to {user.name}: "
            f"{granted}. Ask an administrator to grant it in SALESNAV_USERS_FILE, or use a granted account_id.",
            target=f"account {account_id}",
        )
        self.account_id = account_id


class ContractNotGranted(AccessRefused):
    """A named user asked for a Sales Navigator contract (or its exports) not granted to them."""

    def __init__(self, user: User, contract: str) -> None:
        granted = "every contract" if user.contracts is None else ", ".join(sorted(user.contracts)) or "none"
        super().__init__(
            user,
            f"User {user.name} has no access to Sales Navigator contract {contract} or its exports. Contracts "
            f"granted to {user.name}: {granted}. Ask an administrator to grant it in SALESNAV_USERS_FILE.",
            target=f"contract {contract}",
        )


class OrganisationRefused(AccessRefused):
    """Only users granted every account change what holds for the whole organisation."""

    def __init__(self, user: User, what: str) -> None:
        super().__init__(
            user,
            f"User {user.name} cannot {what}: only users granted every account change organisation-wide "
            "entries. Name one of your accounts (account_id) to act for that account only.",
            target="organisation",
        )


class ApproverSecretRequired(AccessRefused):
    """A user who approves on the approval page only tried to decide elsewhere (a client holding their token)."""

    def __init__(self, user: User, target: str) -> None:
        super().__init__(
            user,
            f"User {user.name} approves only on the approval page, signed in with their approver secret; a decision "
            "from a client (a dialog or a review card) counts for nothing. Nothing was done.",
            target=target,
        )

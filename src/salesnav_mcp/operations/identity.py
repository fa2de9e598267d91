"""Who is calling: a named user and the LinkedIn accounts granted to them.

The server layer knows how a request carries its user (the HTTP bearer token) and hands
`Services` a callable returning the current one. Without a named user (stdio, the single
SALESNAV_HTTP_TOKEN, no auth) every account is reachable and audit entries carry no actor.
"""

from __future__ import annotations

from dataclasses import dataclass

from salesnav_mcp.guardrails import GuardrailError


@dataclass(frozen=True)
class User:
    name: str
    accounts: frozenset[str] | None  # None: every account

    def may_use(self, account_id: str) -> bool:
        return self.accounts is None or account_id in self.accounts


class AccountNotGranted(GuardrailError):
    """A named user asked for an account not granted to them (refused in tools and resource reads alike)."""

    def __init__(self, user: User, account_id: str) -> None:
        granted = ", ".join(sorted(user.accounts or ())) or "none"
        super().__init__(
            f"User {user.name} has no access to LinkedIn account {account_id}. Accounts granted to {user.name}: "
            f"{granted}. Ask an administrator to grant it in SALESNAV_USERS_FILE, or use a granted account_id."
        )
        self.account_id = account_id

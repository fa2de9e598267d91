"""Who is calling: the named user behind the HTTP bearer token, and the accounts granted to them.

The HTTP transport's token verifier (server.users) turns a user's token into the SDK's
`AccessToken` with client id `USER_CLIENT_ID`, the user's name as subject and the granted
account ids in a claim; the SDK keeps that token in a context variable for the request.
Without such a token (stdio, the single SALESNAV_HTTP_TOKEN, no auth) there is no user:
every account is reachable and audit entries carry no actor, as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken
from mcp.server.mcpserver.exceptions import ResourceError

from salesnav_mcp.guardrails import GuardrailError

USER_CLIENT_ID = "salesnav-user"
ACCOUNTS_CLAIM = "salesnav_accounts"
ALL_ACCOUNTS = "*"


@dataclass(frozen=True)
class User:
    name: str
    accounts: frozenset[str] | None  # None: every account ("*")

    def may_use(self, account_id: str) -> bool:
        return self.accounts is None or account_id in self.accounts

    def claims(self) -> dict[str, object]:
        return {ACCOUNTS_CLAIM: ALL_ACCOUNTS if self.accounts is None else sorted(self.accounts)}


class AccountNotGranted(GuardrailError, ResourceError):
    """Refused in a tool (a guardrail error) and in a resource read (a resource error) with the same message."""

    def __init__(self, user: User, account_id: str) -> None:
        granted = ", ".join(sorted(user.accounts or ())) or "none"
        super().__init__(
            f"User {user.name} has no access to LinkedIn account {account_id}. Accounts granted to {user.name}: "
            f"{granted}. Ask an administrator to grant it in SALESNAV_USERS_FILE, or use a granted account_id."
        )
        self.account_id = account_id


def user_from_token(token: AccessToken | None) -> User | None:
    """The named user a verified access token stands for (None: not a named user's token)."""
    if token is None or token.client_id != USER_CLIENT_ID or not token.subject:
        return None
    granted = (token.claims or {}).get(ACCOUNTS_CLAIM)
    if granted == ALL_ACCOUNTS:
        return User(token.subject, None)
    # Anything else than a list of ids grants nothing: fail closed.
    accounts = frozenset(a for a in granted if isinstance(a, str)) if isinstance(granted, list) else frozenset()
    return User(token.subject, accounts)


def current_user() -> User | None:
    """The named user of the request being served, if any."""
    return user_from_token(get_access_token())

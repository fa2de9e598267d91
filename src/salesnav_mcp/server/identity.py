"""The named user of an HTTP request, as the bearer token verifier (server.users) records it.

The verifier turns a user's token into the SDK's `AccessToken` with client id `USER_CLIENT_ID`,
the user's name as subject and the granted account ids in a claim; the SDK keeps that token in
a context variable for the request, which `request_user` reads.
"""

from __future__ import annotations

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from salesnav_mcp.operations.identity import User

USER_CLIENT_ID = "salesnav-user"
ACCOUNTS_CLAIM = "salesnav_accounts"
ALL_ACCOUNTS = "*"


def user_claims(user: User) -> dict[str, object]:
    return {ACCOUNTS_CLAIM: ALL_ACCOUNTS if user.accounts is None else sorted(user.accounts)}


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


def request_user() -> User | None:
    """The named user of the request being served, if any."""
    return user_from_token(get_access_token())

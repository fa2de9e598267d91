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
CONTRACTS_CLAIM = "salesnav_contracts"
PAGE_ONLY_CLAIM = "salesnav_approves_on_page_only"
ALL_ACCOUNTS = "*"


def user_claims(user: User) -> dict[str, object]:
    return {
        ACCOUNTS_CLAIM: ALL_ACCOUNTS if user.accounts is None else sorted(user.accounts),
        CONTRACTS_CLAIM: ALL_ACCOUNTS if user.contracts is None else sorted(user.contracts),
        PAGE_ONLY_CLAIM: user.approves_on_page_only,
    }


def _granted(value: object) -> frozenset[str] | None:
    """"*" grants everything; anything other than a list of strings grants nothing: fail closed."""
    if value == ALL_ACCOUNTS:
        return None
    return frozenset(a for a in value if isinstance(a, str)) if isinstance(value, list) else frozenset()


def user_from_token(token: AccessToken | None) -> User | None:
    """The named user a verified access token stands for (None: not a named user's token)."""
    if token is None or token.client_id != USER_CLIENT_ID or not token.subject:
        return None
    claims = token.claims or {}
    return User(
        token.subject,
        _granted(claims.get(ACCOUNTS_CLAIM)),
        _granted(claims.get(CONTRACTS_CLAIM)),
        # Anything but an explicit false keeps the user to the approval page: fail closed.
        approves_on_page_only=claims.get(PAGE_ONLY_CLAIM) is not False,
    )


def request_user() -> User | None:
    """The named user of the request being served, if any."""
    return user_from_token(get_access_token())

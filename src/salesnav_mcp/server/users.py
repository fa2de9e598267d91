"""Named users of the HTTP transport, from a users file (`SALESNAV_USERS_FILE`, JSON or TOML).

    # users.toml
    [[users]]
    name = "dana"
    token_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    accounts = ["5f0c0a1b2c3d4e5f6a7b8c90"]

    contracts = ["urn:li:salesContract:1001"]   # Sales Navigator contracts: their analytics exports

    [[users]]
    name = "ops"
    token = "a long random value"      # or the plain token; only its sha256 is kept in memory
    accounts = "*"                      # every account (and, unless `contracts` says otherwise, every contract)
    approver_secret_sha256 = "..."      # signs the user in to /approvals, the only place they then approve
                                        # (never the same as the token)

JSON has the same shape: {"users": [{"name": ..., "token_sha256": ..., "accounts": [...] or "*", "contracts": ...}]}.
Without `contracts` a user granted every account is granted every contract, any other user none.
A presented bearer token is hashed and compared with every user's hash in constant time, so
neither timing nor logs reveal tokens or which user almost matched. The verified identity
travels with the request as an `AccessToken` (server.identity reads it); it never holds the token.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings

from salesnav_mcp.operations.identity import User
from salesnav_mcp.server.identity import ALL_ACCOUNTS, USER_CLIENT_ID, user_claims

MIN_TOKEN_LENGTH = 16
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
_SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


class UsersFileError(ValueError):
    """The users file is missing or malformed; the message names the file and the entry, never a token."""


@dataclass(frozen=True, repr=False)
class UserEntry:
    user: User
    token_sha256: bytes
    approver_sha256: bytes | None = None  # the secret that signs the user in to the approval page

    def __repr__(self) -> str:
        return f"UserEntry(user={self.user!r}, token_sha256='[redacted]', approver_sha256='[redacted]')"


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).digest()


def load_users(path: Path) -> list[UserEntry]:
    """Parse and check a users file (format by suffix: .toml, else JSON)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsersFileError(f"SALESNAV_USERS_FILE {path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8")) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        # Both parsers name the position only, never the offending text (which may hold a token).
        reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
        raise UsersFileError(f"SALESNAV_USERS_FILE {path}: not valid {kind}: {reason}") from None
    return parse_users(data, source=str(path))


def parse_users(data: Any, *, source: str = "users") -> list[UserEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("users"), list) or not data["users"]:
        raise UsersFileError(f"SALESNAV_USERS_FILE {source}: needs a non-empty 'users' list")
    entries: list[UserEntry] = []
    names: set[str] = set()
    digests: set[bytes] = set()
    for i, item in enumerate(data["users"]):
        where = f"SALESNAV_USERS_FILE {source}: users[{i}]"
        entry = _parse_user(item, where)
        if entry.user.name in names:
            raise UsersFileError(f"{where}: the name {entry.user.name!r} is used twice")
        if entry.token_sha256 in digests:
            raise UsersFileError(f"{where}: the same token is given to two users; each user needs their own")
        names.add(entry.user.name)
        digests.add(entry.token_sha256)
        entries.append(entry)
    return entries


def _parse_user(item: Any, where: str) -> UserEntry:
    if not isinstance(item, dict):
        raise UsersFileError(f"{where}: must be a table/object with name, token or token_sha256, and accounts")
    unknown = set(item) - {
        "name",
        "token",
        "token_sha256",
        "accounts",
        "contracts",
        "approver_secret",
        "approver_secret_sha256",
    }
    if unknown:
        raise UsersFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    name = item.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise UsersFileError(f"{where}.name: 1-64 letters, digits or . _ @ + - (starting with a letter or digit)")
    where = f"{where} ({name})"
    token, hashed = item.get("token"), item.get("token_sha256")
    if (token is None) == (hashed is None):
        raise UsersFileError(f"{where}: give exactly one of 'token' or 'token_sha256'")
    if token is not None:
        if not isinstance(token, str) or len(token.strip()) < MIN_TOKEN_LENGTH or token != token.strip():
            raise UsersFileError(
                f"{where}.token: at least {MIN_TOKEN_LENGTH} characters without surrounding spaces "
                "(use a long random value)"
            )
        digest = token_digest(token)
    else:
        if not isinstance(hashed, str) or not _SHA256_HEX.match(hashed):
            raise UsersFileError(f"{where}.token_sha256: the sha256 of the token as 64 hex digits")
        digest = bytes.fromhex(hashed)
    accounts = _parse_grants(item.get("accounts"), f"{where}.accounts", "LinkedIn account ids", "every account")
    if accounts is not None:  # hex ids, compared as the server keys them (lower case)
        accounts = frozenset(a.lower() for a in accounts)
    default_contracts = ALL_ACCOUNTS if accounts is None else []
    contracts = _parse_grants(
        item.get("contracts", default_contracts),
        f"{where}.contracts",
        "Sales Navigator contract URNs",
        "every contract",
    )
    approver = _secret_digest(item, "approver_secret", where)
    if approver is not None and hmac.compare_digest(approver, digest):
        raise UsersFileError(
            f"{where}.approver_secret: must differ from the user's token (an agent holding the token must not approve)"
        )
    # A user with an approver secret approves with it, on the approval page only (see operations.identity.User).
    return UserEntry(User(name, accounts, contracts, approves_on_page_only=approver is not None), digest, approver)


def _secret_digest(item: dict[str, Any], field: str, where: str) -> bytes | None:
    """The sha256 of `field` (given plainly or as `<field>_sha256`); None when neither is given."""
    plain, hashed = item.get(field), item.get(f"{field}_sha256")
    if plain is not None and hashed is not None:
        raise UsersFileError(f"{where}: give at most one of '{field}' or '{field}_sha256'")
    if plain is not None:
        if not isinstance(plain, str) or len(plain.strip()) < MIN_TOKEN_LENGTH or plain != plain.strip():
            raise UsersFileError(f"{where}.{field}: at least {MIN_TOKEN_LENGTH} characters without surrounding spaces")
        return token_digest(plain)
    if hashed is not None:
        if not isinstance(hashed, str) or not _SHA256_HEX.match(hashed):
            raise UsersFileError(f"{where}.{field}_sha256: the sha256 of the secret as 64 hex digits")
        return bytes.fromhex(hashed)
    return None


def _parse_grants(value: Any, where: str, what: str, everything: str) -> frozenset[str] | None:
    if value == ALL_ACCOUNTS:
        return None
    if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
        raise UsersFileError(f'{where}: a list of {what}, or "*" for {everything}')
    granted = [a.strip() for a in value]
    return None if ALL_ACCOUNTS in granted else frozenset(granted)


class UsersTokenVerifier(TokenVerifier):
    """Maps a bearer token to the named user it belongs to."""

    def __init__(self, entries: Sequence[UserEntry]) -> None:
        if not entries:
            raise ValueError("at least one user is needed")
        self._entries = tuple(entries)

    def __repr__(self) -> str:
        return f"UsersTokenVerifier({len(self._entries)} users)"

    async def verify_token(self, token: str) -> AccessToken | None:
        presented = token_digest(token)
        found: UserEntry | None = None
        for entry in self._entries:  # every entry, always: the time taken does not depend on which one matches
            if hmac.compare_digest(presented, entry.token_sha256):
                found = entry
        if found is None:
            return None
        user = found.user
        # A marker, never the token: the access record travels with the request and may be logged.
        return AccessToken(
            token=f"[bearer token of {user.name}]",
            client_id=USER_CLIENT_ID,
            subject=user.name,
            scopes=[],
            claims=user_claims(user),
        )


def users_http_auth(entries: Sequence[UserEntry], server_url: str) -> tuple[TokenVerifier, AuthSettings]:
    """Verifier and auth settings for `build_server(http_auth=...)` (no OAuth metadata, as for one token)."""
    settings = AuthSettings(issuer_url=server_url, resource_server_url=None, required_scopes=[])
    return UsersTokenVerifier(entries), settings

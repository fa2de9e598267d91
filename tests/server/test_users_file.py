"""The users file: its formats, every refusal (naming the entry, never a token) and the token verifier."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from salesnav_mcp.operations.identity import User
from salesnav_mcp.server.identity import USER_CLIENT_ID, user_from_token
from salesnav_mcp.server.users import UsersFileError, UsersTokenVerifier, load_users, parse_users

DANA_TOKEN = "dana-token-4f1c9a7e2b"
OPS_TOKEN = "ops-token-8d2e6b1f0c"
ACCOUNT = "5f0c0a1b2c3d4e5f6a7b8c90"

TOML = f"""
[[users]]
name = "dana"
token_sha256 = "{hashlib.sha256(DANA_TOKEN.encode()).hexdigest()}"
accounts = ["{ACCOUNT}"]

[[users]]
name = "ops"
token = "{OPS_TOKEN}"
accounts = "*"
"""


def test_toml_and_json_give_the_same_users(tmp_path: Path) -> None:
    toml_path = tmp_path / "users.toml"
    toml_path.write_text(TOML)
    json_path = tmp_path / "users.json"
    json_path.write_text(
        json.dumps(
            {
                "users": [
                    {"name": "dana", "token": DANA_TOKEN, "accounts": [ACCOUNT]},
                    {"name": "ops", "token_sha256": hashlib.sha256(OPS_TOKEN.encode()).hexdigest(), "accounts": ["*"]},
                ]
            }
        )
    )
    for path in (toml_path, json_path):
        users = load_users(path)
        assert [u.user for u in users] == [User("dana", frozenset({ACCOUNT})), User("ops", None)]
        assert OPS_TOKEN not in repr(users) and DANA_TOKEN not in repr(users)


@pytest.mark.anyio
async def test_verifier_maps_each_token_to_its_user_and_keeps_no_token() -> None:
    verifier = UsersTokenVerifier(
        parse_users(
            {
                "users": [
                    {"name": "dana", "token": DANA_TOKEN, "accounts": [ACCOUNT]},
                    {"name": "ops", "token": OPS_TOKEN, "accounts": "*"},
                ]
            }
        )
    )
    dana = await verifier.verify_token(DANA_TOKEN)
    assert dana is not None and dana.client_id == USER_CLIENT_ID and dana.subject == "dana"
    assert DANA_TOKEN not in dana.model_dump_json() and DANA_TOKEN not in repr(verifier)
    assert user_from_token(dana) == User("dana", frozenset({ACCOUNT}))
    assert user_from_token(await verifier.verify_token(OPS_TOKEN)) == User("ops", None)
    assert not user_from_token(dana).approves_on_page_only  # no approver secret: the client's surfaces decide
    for wrong in ("", DANA_TOKEN[:-1], DANA_TOKEN + "x", OPS_TOKEN.upper()):
        assert await verifier.verify_token(wrong) is None


@pytest.mark.anyio
async def test_a_user_with_an_approver_secret_approves_on_the_page_only() -> None:
    entries = parse_users(
        {"users": [{"name": "rita", "token": DANA_TOKEN, "approver_secret": OPS_TOKEN, "accounts": [ACCOUNT]}]}
    )
    assert entries[0].user.approves_on_page_only
    token = await UsersTokenVerifier(entries).verify_token(DANA_TOKEN)
    assert user_from_token(token) == User("rita", frozenset({ACCOUNT}), approves_on_page_only=True)

def test_granted_account_ids_are_kept_in_the_one_spelling_the_server_uses() -> None:
    [entry] = parse_users({"users": [{"name": "dana", "token": DANA_TOKEN, "accounts": [ACCOUNT.upper()]}]})
    assert entry.user.accounts == frozenset({ACCOUNT.lower()})

def test_a_token_without_a_usable_grant_claim_grants_nothing() -> None:
    from mcp.server.auth.provider import AccessToken

    odd = AccessToken(token="x", client_id=USER_CLIENT_ID, subject="eve", scopes=[], claims={"salesnav_accounts": 7})
    # Grants nothing, and (without the claim saying otherwise) approves on the approval page only.
    assert user_from_token(odd) == User("eve", frozenset(), approves_on_page_only=True)
    other_client = AccessToken(token="x", client_id="salesnav-http-token", scopes=[])
    assert user_from_token(other_client) is None and user_from_token(None) is None


@pytest.mark.parametrize(
    ("users", "message"),
    [
        ([], "needs a non-empty 'users' list"),
        ([{"name": "dana", "accounts": "*"}], r"users\[0\] \(dana\): give exactly one of 'token' or 'token_sha256'"),
        (
            [{"name": "dana", "token": DANA_TOKEN, "token_sha256": "0" * 64, "accounts": "*"}],
            "exactly one of",
        ),
        ([{"name": "dana", "token": "short-secret", "accounts": "*"}], r"\.token: at least 16 characters"),
        ([{"name": "dana", "token_sha256": "abc", "accounts": "*"}], r"\.token_sha256: the sha256"),
        ([{"name": "dana", "token": DANA_TOKEN, "accounts": ACCOUNT}], r"\.accounts: a list of LinkedIn account ids"),
        ([{"name": "dana", "token": DANA_TOKEN, "accounts": [""]}], r"\.accounts"),
        ([{"name": "da na", "token": DANA_TOKEN, "accounts": "*"}], r"users\[0\]\.name"),
        ([{"name": "dana", "token": DANA_TOKEN, "accounts": "*", "admin": True}], "unknown field"),
        (
            [
                {"name": "dana", "token": DANA_TOKEN, "accounts": "*"},
                {"name": "dana", "token": OPS_TOKEN, "accounts": "*"},
            ],
            r"users\[1\]: the name 'dana' is used twice",
        ),
        (
            [
                {"name": "dana", "token": DANA_TOKEN, "accounts": "*"},
                {"name": "ops", "token": DANA_TOKEN, "accounts": "*"},
            ],
            "the same token is given to two users",
        ),
    ],
)
def test_malformed_entries_are_refused_by_name(users: list[object], message: str) -> None:
    with pytest.raises(UsersFileError, match=message) as refused:
        parse_users({"users": users}, source="team.json")
    assert str(refused.value).startswith("SALESNAV_USERS_FILE team.json")
    assert DANA_TOKEN not in str(refused.value) and OPS_TOKEN not in str(refused.value)


def test_unreadable_or_unparsable_files_name_the_file_not_the_content(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="cannot read it"):
        load_users(tmp_path / "missing.json")
    broken = tmp_path / "users.toml"
    broken.write_text(f'[[users]]\nname = "dana"\ntoken = {DANA_TOKEN}\n')
    with pytest.raises(UsersFileError, match=r"users.toml: not valid TOML") as refused:
        load_users(broken)
    assert DANA_TOKEN not in str(refused.value)
    broken_json = tmp_path / "users.json"
    broken_json.write_text('{"users": [' + DANA_TOKEN + "]}")
    with pytest.raises(UsersFileError, match="not valid JSON") as refused:
        load_users(broken_json)
    assert DANA_TOKEN not in str(refused.value)

"""`salesnav-mcp serve --http` refuses an unusable team configuration before serving anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from salesnav_mcp.cli import EXIT_USAGE, main

USERS = {"users": [{"name": "alice", "token": "alice-team-token-6b0d4e2a91", "accounts": "*"}]}


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No project variables from the machine, no .env file: only what a test sets."""
    for name in list(os.environ):
        if name.upper().startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(tmp_path / "data"))
    return monkeypatch


def serve(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["serve", "--http", "--host", "127.0.0.1", "--port", "0"])
    return status, capsys.readouterr().err


def test_users_file_and_single_token_together_are_refused(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users_file = tmp_path / "users.json"
    users_file.write_text(json.dumps(USERS))
    clean_env.setenv("SALESNAV_USERS_FILE", str(users_file))
    clean_env.setenv("SALESNAV_HTTP_TOKEN", "x" * 32)
    status, err = serve(capsys)
    assert status == EXIT_USAGE and "SALESNAV_USERS_FILE and SALESNAV_HTTP_TOKEN are both set" in err


def test_a_malformed_users_file_is_refused_naming_the_entry(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "users.json"
    broken.write_text(json.dumps({"users": [{"name": "eve", "token": "short-secret", "accounts": "*"}]}))
    clean_env.setenv("SALESNAV_USERS_FILE", str(broken))
    status, err = serve(capsys)
    assert status == EXIT_USAGE and "users[0] (eve).token: at least 16 characters" in err
    assert "short-secret" not in err


def test_client_confirmation_mode_with_approver_secrets_is_refused(
    tmp_path: Path, clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    users_file = tmp_path / "users.json"
    secret = "alice-approver-secret-0f3b9c2d"
    users_file.write_text(json.dumps({"users": [{**USERS["users"][0], "approver_secret": secret}]}))
    clean_env.setenv("SALESNAV_USERS_FILE", str(users_file))
    clean_env.setenv("SALESNAV_CONFIRM_MODE", "client")
    status, err = serve(capsys)
    assert status == EXIT_USAGE and "an approver secret in SALESNAV_USERS_FILE would bind nothing" in err
    assert secret not in err

def test_a_short_state_key_is_refused_without_echoing_it(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("SALESNAV_STATE_KEY", "short-state-key")
    status, err = serve(capsys)
    assert status == EXIT_USAGE and "SALESNAV_STATE_KEY must be at least 32 bytes" in err
    assert "short-state-key" not in err

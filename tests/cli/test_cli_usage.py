"""CLI argument and configuration errors, in process: clear messages, status 2, nothing started."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from salesnav_mcp.cli import COMMANDS, build_parser, main
from tests.support.processes import LOOPBACK


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.upper().startswith(("SALESNAV_", "CONNECTSAFELY_", "LINKEDIN_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SALESNAV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no developer .env


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "mcp.example.com"])
def test_non_loopback_bind_without_token_is_refused(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--http", "--host", host, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert f"refusing to listen on {host}" in err
    assert "SALESNAV_HTTP_TOKEN" in err


@pytest.mark.parametrize("flags", [["--stateless"], ["--port", "9000"], ["--host", LOOPBACK]])
def test_http_flags_without_http_are_refused(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", *flags]) == 2
    assert "add --http" in capsys.readouterr().err


def test_unknown_toolset_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--toolsets", "nope,also-nope"]) == 2
    assert "--toolsets: unknown toolset(s) nope, also-nope" in capsys.readouterr().err


def test_empty_toolsets_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--toolsets", " , "]) == 2
    assert "--toolsets needs at least one toolset name" in capsys.readouterr().err


def test_busy_port_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--http", "--port", str(port)]) == 2
    assert f"cannot listen on {LOOPBACK}:{port}" in capsys.readouterr().err


def test_invalid_setting_names_the_variable_without_echoing_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SALESNAV_HTTP_TIMEOUT", "not-a-number-canary")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "invalid configuration: SALESNAV_HTTP_TIMEOUT" in err
    assert "canary" not in err


def test_port_out_of_range_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--http", "--port", "70000"])
    assert exit_info.value.code == 2
    assert "port must be 0..65535" in capsys.readouterr().err


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    for name in COMMANDS:
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([name, "--help"])
        assert exit_info.value.code == 0
    assert set(COMMANDS) >= {"serve", "sandbox", "install", "doctor"}

"""`salesnav-mcp install claude` against temporary Claude Desktop config files."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import salesnav_mcp
from salesnav_mcp.cli import main
from salesnav_mcp.cli.install import claude_config_path

SECRET = "sk-install-canary-93f1"
EXISTING = {
    "globalShortcut": "Ctrl+Space",
    "mcpServers": {"filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}},
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "Claude" / "claude_desktop_config.json"
    path.parent.mkdir()
    path.write_text(json.dumps(EXISTING, indent=2))
    return path


def install(config: Path, *extra: str) -> int:
    return main(["install", "claude", "--config", str(config), *extra])


def backups(config: Path) -> list[Path]:
    return sorted(config.parent.glob(f"{config.name}.bak-*"))


def test_adds_the_server_and_keeps_everything_else(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install(config) == 0
    written = json.loads(config.read_text())
    assert written["globalShortcut"] == EXISTING["globalShortcut"]
    assert written["mcpServers"]["filesystem"] == EXISTING["mcpServers"]["filesystem"]
    entry = written["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": sys.executable, "args": ["-m", "salesnav_mcp", "serve"]}
    assert "env" not in entry  # nothing secret unless given with --env
    out = capsys.readouterr().out
    assert f"added MCP server 'salesnav-mcp' in {config}" in out
    assert "Restart Claude Desktop" in out


def test_keeps_a_timestamped_backup_of_the_previous_file(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = config.read_text()
    assert install(config) == 0
    [backup] = backups(config)
    assert backup.read_text() == original
    assert backup.name.startswith("claude_desktop_config.json.bak-20")
    assert backup.stat().st_mode & 0o777 == 0o600  # a config may hold keys, whatever its own mode
    assert str(backup) in capsys.readouterr().out


def test_running_twice_changes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install(config, "--env", f"CONNECTSAFELY_API_KEY={SECRET}") == 0
    after_first = config.read_text()
    assert install(config) == 0  # env already there is kept, so this is the same entry
    assert config.read_text() == after_first
    assert len(backups(config)) == 1
    assert "already up to date; nothing written" in capsys.readouterr().out


def test_secrets_are_written_only_via_env_and_never_printed(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install(config, "--env", f"CONNECTSAFELY_API_KEY={SECRET}", "--env", "SALESNAV_DRY_RUN=true") == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry["env"] == {"CONNECTSAFELY_API_KEY": SECRET, "SALESNAV_DRY_RUN": "true"}
    out = capsys.readouterr().out
    assert "CONNECTSAFELY_API_KEY=<set>" in out
    assert SECRET not in out
    assert stat.S_IMODE(config.stat().st_mode) & 0o077 == 0  # a file holding a secret is owner-only


def test_environment_secrets_are_not_copied_into_the_config(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECTSAFELY_API_KEY", SECRET)
    monkeypatch.setenv("LINKEDIN_ACCESS_TOKEN", SECRET)
    assert install(config) == 0
    assert SECRET not in config.read_text()


def test_update_changes_args_and_reports_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install(config) == 0
    assert install(config, "--read-only", "--toolsets", "search,insights") == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry["args"] == ["-m", "salesnav_mcp", "serve", "--read-only", "--toolsets", "search,insights"]
    out = capsys.readouterr().out
    assert "updated MCP server 'salesnav-mcp'" in out and "changed: args" in out
    assert len(backups(config)) == 2


def test_dry_run_writes_nothing(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = config.read_text()
    assert install(config, "--dry-run", "--env", f"CONNECTSAFELY_API_KEY={SECRET}") == 0
    assert config.read_text() == original
    assert backups(config) == []
    out = capsys.readouterr().out
    assert "dry run: would add MCP server 'salesnav-mcp'" in out
    assert SECRET not in out


def test_creates_a_missing_config_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "claude_desktop_config.json"
    assert install(path, "--name", "sales") == 0
    assert json.loads(path.read_text())["mcpServers"]["sales"]["args"][-1] == "serve"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert backups(path) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "JSON object at the top level"),
        ('{"mcpServers": []}', "'mcpServers' must be a JSON object"),
    ],
)
def test_broken_config_is_left_untouched(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "claude_desktop_config.json"
    path.write_text(content)
    assert install(path) == 2
    assert message in capsys.readouterr().err
    assert path.read_text() == content
    assert backups(path) == []


def test_env_without_equals_is_refused_without_echoing_it(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = config.read_text()
    assert install(config, "--env", SECRET) == 2
    err = capsys.readouterr().err
    assert "--env expects KEY=VALUE" in err and SECRET not in err
    assert config.read_text() == original


def test_platform_config_locations(tmp_path: Path) -> None:
    home = tmp_path / "home"
    mac = claude_config_path("darwin", {}, home)
    assert mac == home / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json"
    windows = claude_config_path("win32", {"APPDATA": str(tmp_path / "Roaming")}, home)
    assert windows == tmp_path / "Roaming" / "Claude" / "claude_desktop_config.json"
    assert claude_config_path("linux", {}, home) == home / ".config" / "Claude" / "claude_desktop_config.json"
    xdg = claude_config_path("linux", {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}, home)
    assert xdg == tmp_path / "xdg" / "Claude" / "claude_desktop_config.json"


def write_config(path: Path, config: object, *, prefix: bytes = b"") -> bytes:
    raw = prefix + json.dumps(config, indent=2).encode()
    path.write_bytes(raw)
    return raw


@pytest.mark.parametrize("previous", ["oops", ["serve"], None, 3])
def test_an_entry_that_is_not_an_object_is_replaced_and_said(
    config: Path, capsys: pytest.CaptureFixture[str], previous: object
) -> None:
    original = write_config(config, {**EXISTING, "mcpServers": {**EXISTING["mcpServers"], "salesnav-mcp": previous}})
    assert install(config) == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": sys.executable, "args": ["-m", "salesnav_mcp", "serve"]}
    out = capsys.readouterr().out
    assert "updated MCP server 'salesnav-mcp'" in out
    assert "note: the previous entry was" in out and "not a JSON object; replaced" in out
    [backup] = backups(config)
    assert backup.read_bytes() == original


def test_an_env_that_is_not_an_object_is_replaced_and_said(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = {"command": "old", "args": [], "env": "CONNECTSAFELY_API_KEY=abc"}
    write_config(config, {"mcpServers": {"salesnav-mcp": entry}})
    assert install(config, "--env", f"CONNECTSAFELY_API_KEY={SECRET}") == 0
    assert json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]["env"] == {"CONNECTSAFELY_API_KEY": SECRET}
    assert "note: its env was a string, not a JSON object; replaced" in capsys.readouterr().out


def test_a_config_with_a_byte_order_mark_is_read_and_written_without_it(config: Path) -> None:
    write_config(config, EXISTING, prefix="\ufeff".encode())
    assert install(config) == 0
    raw = config.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # RFC 8259: JSON text is not written with a BOM
    written = json.loads(raw)
    assert written["globalShortcut"] == EXISTING["globalShortcut"]
    assert written["mcpServers"]["filesystem"] == EXISTING["mcpServers"]["filesystem"]
    assert "salesnav-mcp" in written["mcpServers"]


def test_a_disabled_entry_is_enabled_again_and_said(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert install(config) == 0
    written = json.loads(config.read_text())
    written["mcpServers"]["salesnav-mcp"]["disabled"] = True
    write_config(config, written)
    assert install(config) == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert "disabled" not in entry
    out = capsys.readouterr().out
    assert 'note: the entry had "disabled": true; it is enabled again' in out and "changed: disabled" in out


@pytest.mark.parametrize(
    "value",
    ["...", "", "   ", "…", "<your ConnectSafely key>", "YOUR_API_KEY", "your-api-key-here", "xxxx", "$CONNECTSAFELY_API_KEY",
     "${CONNECTSAFELY_API_KEY}", "paste-key-here", "changeme"],
)  # fmt: skip
def test_a_placeholder_value_is_refused(config: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    original = config.read_text()
    assert install(config, "--env", f"CONNECTSAFELY_API_KEY={value}") == 2
    err = capsys.readouterr().err
    assert "--env CONNECTSAFELY_API_KEY: the value is empty or a placeholder" in err
    assert "leave --env CONNECTSAFELY_API_KEY out (without credentials the server runs on the sandbox)" in err
    if len(value.strip()) > 3:
        assert value not in err
    assert config.read_text() == original and backups(config) == []


def fake_program(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / name
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    return program


@pytest.fixture
def uvx_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process posing as one started by uvx: its environment inside uv's cache."""
    cache = tmp_path / "uv-cache"
    environment = cache / "archive-v0" / "Xy12ab"
    environment.mkdir(parents=True)
    monkeypatch.setenv("UV_CACHE_DIR", str(cache))
    monkeypatch.delenv("UV", raising=False)
    monkeypatch.setattr(sys, "prefix", str(environment))
    monkeypatch.setattr(sys, "executable", str(environment / "bin" / "python"))
    return environment


def test_from_uvx_the_entry_starts_uvx_and_says_why(
    config: Path, uvx_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    uvx = fake_program(tmp_path / "bin", "uvx")
    monkeypatch.setenv("PATH", str(uvx.parent))
    assert install(config, "--read-only") == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": str(uvx), "args": ["salesnav-mcp", "serve", "--read-only"]}
    assert str(uvx_cache) not in config.read_text()
    err = capsys.readouterr().err
    assert f"warning: this salesnav-mcp runs from uvx's cache ({uvx_cache})" in err
    assert "`uvx salesnav-mcp serve` instead" in err and "`uv tool install salesnav-mcp`" in err


def test_from_uvx_without_uvx_on_path_the_entry_uses_uv_tool_run(
    config: Path, uvx_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    uv = fake_program(tmp_path / "uv-bin", "uv")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("UV", str(uv))  # uv names itself here for the commands it runs
    assert install(config) == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": str(uv), "args": ["tool", "run", "salesnav-mcp", "serve"]}


def test_from_uvx_without_any_launcher_nothing_is_written(
    config: Path, uvx_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    original = config.read_text()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert install(config) == 2
    err = capsys.readouterr().err
    assert "runs from uvx's cache" in err and "install it for good with `uv tool install salesnav-mcp`" in err
    assert config.read_text() == original


def test_from_pipx_run_the_entry_starts_pipx_run(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = tmp_path / "pipx-home" / ".cache" / "0f3c9a1d2e"
    environment.mkdir(parents=True)
    monkeypatch.setenv("PIPX_HOME", str(tmp_path / "pipx-home"))
    monkeypatch.setattr(sys, "prefix", str(environment))
    pipx = fake_program(tmp_path / "bin", "pipx")
    monkeypatch.setenv("PATH", str(pipx.parent))
    assert install(config) == 0
    entry = json.loads(config.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": str(pipx), "args": ["run", "salesnav-mcp", "serve"]}
    err = capsys.readouterr().err
    assert "warning: this salesnav-mcp runs from pipx run's cache" in err and "`pipx install salesnav-mcp`" in err


@pytest.mark.slow
def test_a_real_interpreter_in_uvs_cache_is_not_written(tmp_path: Path) -> None:
    """As a subprocess whose interpreter really lives in a (fake) uv cache, as under `uvx salesnav-mcp`."""
    cache = tmp_path / "uv-cache"
    environment = cache / "archive-v0" / "Qm9vYmFy"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(environment)], check=True)
    uvx = fake_program(tmp_path / "bin", "uvx")
    site_packages = [path for path in sys.path if path.endswith("site-packages")]
    env = {
        "PATH": f"{uvx.parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "UV_CACHE_DIR": str(cache),
        # the checkout and its dependencies, without installing them into the new environment
        "PYTHONPATH": os.pathsep.join([str(Path(salesnav_mcp.__file__).parents[1]), *site_packages]),
    }
    path = tmp_path / "claude_desktop_config.json"
    result = subprocess.run(
        [str(environment / "bin" / "python"), "-m", "salesnav_mcp", "install", "claude", "--config", str(path)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    entry = json.loads(path.read_text())["mcpServers"]["salesnav-mcp"]
    assert entry == {"command": str(uvx), "args": ["salesnav-mcp", "serve"]}
    assert "warning: this salesnav-mcp runs from uvx's cache" in result.stderr

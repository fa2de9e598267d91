"""`salesnav-mcp install claude` against temporary Claude Desktop config files."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

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

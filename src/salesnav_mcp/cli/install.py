"""`salesnav-mcp install claude`: register the server in Claude Desktop's `claude_desktop_config.json`.

The entry is merged into `mcpServers`, every other key is kept, the previous file is copied to a
timestamped backup first, and running it twice changes nothing. Secrets are written only when
given explicitly with `--env KEY=VALUE`; the printed report shows env keys, never their values.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesnav_mcp.cli.common import EXIT_OK, CommandError, parse_toolsets

CONFIG_FILENAME = "claude_desktop_config.json"
_INFINITIVE = {"added": "add", "updated": "update"}


class InstallError(Exception):
    """The config cannot be updated safely; the message says why and what to do."""


def claude_config_path(
    platform: str | None = None, env: Mapping[str, str] | None = None, home: Path | None = None
) -> Path:
    """Where Claude Desktop reads its config on this platform."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Claude" / CONFIG_FILENAME
    if platform == "win32":
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Claude" / CONFIG_FILENAME
    xdg = env.get("XDG_CONFIG_HOME")
    return (Path(xdg) if xdg else home / ".config") / "Claude" / CONFIG_FILENAME


def parse_env_pairs(pairs: Iterable[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            # The argument is not echoed: it may be a secret typed without its key.
            raise InstallError("--env expects KEY=VALUE; one argument has no '=' or an empty key")
        env[key] = value
    return env


def server_entry(serve_args: list[str], env: Mapping[str, str]) -> dict[str, Any]:
    """The command Claude Desktop launches: this very interpreter, so no PATH lookup can pick another install."""
    entry: dict[str, Any] = {"command": sys.executable, "args": ["-m", "salesnav_mcp", "serve", *serve_args]}
    if env:
        entry["env"] = dict(env)
    return entry


@dataclass
class InstallResult:
    path: Path
    name: str
    action: str  # "added", "updated", "unchanged"
    entry: dict[str, Any]
    previous: dict[str, Any] | None
    backup: Path | None = None
    dry_run: bool = False
    changed_fields: list[str] = field(default_factory=list)

    def report(self) -> str:
        if self.action == "unchanged":
            headline = f"MCP server {self.name!r} in {self.path} is already up to date; nothing written"
        elif self.dry_run:
            headline = (
                f"dry run: would {_INFINITIVE[self.action]} MCP server {self.name!r} in {self.path}; nothing written"
            )
        else:
            headline = f"{self.action} MCP server {self.name!r} in {self.path}"
        lines = [headline]
        if self.changed_fields:
            lines.append(f"  changed: {', '.join(self.changed_fields)}")
        lines.append(f"  command: {self.entry['command']}")
        lines.append(f"  args: {' '.join(self.entry['args'])}")
        env_keys = sorted(self.entry.get("env", {}))
        lines.append(f"  env: {', '.join(f'{key}=<set>' for key in env_keys) if env_keys else '(none)'}")
        if self.backup:
            lines.append(f"  backup of the previous config: {self.backup}")
        if self.action != "unchanged" and not self.dry_run:
            lines.append("Restart Claude Desktop to load the change.")
        return "\n".join(lines)


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstallError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not text.strip():
        return {}
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstallError(f"{path} is not valid JSON (line {exc.lineno}): fix or move it, then run again") from None
    if not isinstance(config, dict):
        raise InstallError(f"{path} must hold a JSON object at the top level")
    if not isinstance(config.get("mcpServers", {}), dict):
        raise InstallError(f"{path}: 'mcpServers' must be a JSON object")
    return config


def _backup(path: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak-{stamp}-{counter}")
        counter += 1
    shutil.copy2(path, backup)
    return backup


def _write(path: Path, config: dict[str, Any], *, holds_secrets: bool) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a config.

    A new file is owner-only; an existing one keeps its permissions, narrowed to the owner once it holds env values.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    if holds_secrets:
        mode &= 0o600
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)


def install_claude(
    path: Path,
    *,
    name: str = "salesnav-mcp",
    env: Mapping[str, str] | None = None,
    serve_args: list[str] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> InstallResult:
    """Add or update the server entry; environment values already in the entry are kept unless overridden."""
    config = _load(path)
    servers: dict[str, Any] = config.setdefault("mcpServers", {})
    previous = servers.get(name)
    merged_env = dict(previous.get("env", {})) if isinstance(previous, dict) else {}
    merged_env.update(env or {})
    entry = server_entry(serve_args or [], merged_env)
    if isinstance(previous, dict):
        # Keys this installer does not manage (e.g. a client's own flags) stay as the user set them.
        entry = {**previous, **entry}
    if previous == entry:
        return InstallResult(path, name, "unchanged", entry, previous, dry_run=dry_run)
    changed = sorted(k for k in set(entry) | set(previous or {}) if (previous or {}).get(k) != entry.get(k))
    result = InstallResult(
        path,
        name,
        "updated" if previous is not None else "added",
        entry,
        previous,
        dry_run=dry_run,
        changed_fields=changed if previous is not None else [],
    )
    if dry_run:
        return result
    servers[name] = entry
    if path.exists():
        result.backup = _backup(path, now or datetime.now(UTC))
    _write(path, config, holds_secrets=bool(entry.get("env")))
    return result


def configure_install(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", choices=["claude"], help="the client to register the server with")
    parser.add_argument("--config", metavar="PATH", help="config file (default: the platform's Claude Desktop config)")
    parser.add_argument("--name", default="salesnav-mcp", help="server name in the config (default salesnav-mcp)")
    parser.add_argument(
        "--env",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="environment for the server (repeatable); the only way secrets get written",
    )
    parser.add_argument("--read-only", action="store_true", help="install the server in read-only mode")
    parser.add_argument(
        "--toolsets", metavar="A,B", help="install the server with only these toolsets (listed below)"
    )
    parser.add_argument("--dry-run", action="store_true", help="show the change without writing anything")


def run_install(args: argparse.Namespace) -> int:
    try:
        env = parse_env_pairs(args.env)
        serve_args = ["--read-only"] if args.read_only else []
        toolsets = parse_toolsets(args.toolsets)
        if toolsets:
            serve_args += ["--toolsets", ",".join(toolsets)]
        path = Path(args.config).expanduser() if args.config else claude_config_path()
        result = install_claude(path, name=args.name, env=env, serve_args=serve_args, dry_run=args.dry_run)
    except InstallError as exc:
        raise CommandError(str(exc)) from None
    print(result.report())
    return EXIT_OK

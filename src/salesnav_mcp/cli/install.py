"""`salesnav-mcp install claude`: register the server in Claude Desktop's `claude_desktop_config.json`.

The entry is merged into `mcpServers`, every other key is kept, the previous file is copied to a
timestamped backup first, and running it twice changes nothing. Secrets are written only when
given explicitly with `--env KEY=VALUE`, and never a placeholder (the README's `...`); the
printed report shows env keys, never their values. An entry that is not an object is replaced and
a disabled one enabled again, each said in the report. `launch.py` decides the command written.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from salesnav_mcp.cli.common import EXIT_OK, CommandError, parse_toolsets
from salesnav_mcp.cli.launch import Launch, LaunchError, launch_command

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


# Values that stand for a value: `...` as in the README, `<your key>`, `YOUR_API_KEY`, `paste-key-here`, and
# `$VAR` / `${VAR}`, which the shell did not expand and Claude Desktop does not either.
_PLACEHOLDER = re.compile(
    r"""\s*(
        [.…*_\-x]*
      | <[^<>]*>
      | \$\{?\w+\}?
      | (your|my)[-_ ]?(api[-_ ]?)?(key|token|secret|password)([-_ ]?here)?
      | [\w-]*[-_ ]here
      | changeme | placeholder | todo | tbd | none | null
    )\s*""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_env_pairs(pairs: Iterable[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            # The argument is not echoed: it may be a secret typed without its key.
            raise InstallError("--env expects KEY=VALUE; one argument has no '=' or an empty key")
        if _PLACEHOLDER.fullmatch(value):
            # Not echoed either: should this ever misjudge a real secret, it still stays off the screen.
            raise InstallError(
                f"--env {key}: the value is empty or a placeholder (such as the README's '...'), not a real value; "
                f"give the real one, or leave --env {key} out (without credentials the server runs on the sandbox)"
            )
        env[key] = value
    return env


def server_entry(launch: Launch, env: Mapping[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {"command": launch.command, "args": list(launch.args)}
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
    notes: list[str] = field(default_factory=list)  # what was found and repaired in the old entry

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
        lines += [f"  note: {note}" for note in self.notes]
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
        # utf-8-sig: Windows editors may start the file with a byte-order mark; it is written back without one.
        text = path.read_text(encoding="utf-8-sig")
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
    """A copy of the file before it changes, readable by its owner only (a config may hold keys)."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.bak-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak-{stamp}-{counter}")
        counter += 1
    fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(path.read_bytes())
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


def _json_kind(value: object) -> str:
    kinds = {str: "a string", list: "an array", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


def install_claude(
    path: Path,
    *,
    name: str = "salesnav-mcp",
    env: Mapping[str, str] | None = None,
    serve_args: list[str] | None = None,
    launch: Launch | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> InstallResult:
    """Add or update the server entry; environment values already in the entry are kept unless overridden."""
    config = _load(path)
    servers: dict[str, Any] = config.setdefault("mcpServers", {})
    previous = servers.get(name)
    notes: list[str] = []
    old: dict[str, Any] = {}
    if isinstance(previous, dict):
        old = previous
    elif name in servers:
        notes.append(f"the previous entry was {_json_kind(previous)}, not a JSON object; replaced (see the backup)")
    old_env = old.get("env", {})
    if not isinstance(old_env, dict):
        notes.append(f"its env was {_json_kind(old_env)}, not a JSON object; replaced (see the backup)")
        old_env = {}
    merged_env = {**old_env, **(env or {})}
    launch = launch or launch_command(serve_args or [])
    # Keys this installer does not manage (e.g. a client's own flags) stay as the user set them.
    entry = {**old, **server_entry(launch, merged_env)}
    if entry.get("disabled") is True:
        del entry["disabled"]
        notes.append('the entry had "disabled": true; it is enabled again')
    if previous == entry:
        return InstallResult(path, name, "unchanged", entry, previous, dry_run=dry_run)
    changed = sorted(k for k in set(entry) | set(old) if old.get(k) != entry.get(k))
    result = InstallResult(
        path,
        name,
        "updated" if name in servers else "added",
        entry,
        previous,
        dry_run=dry_run,
        changed_fields=changed if name in servers else [],
        notes=notes,
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
    parser.add_argument("--toolsets", metavar="A,B", help="install the server with only these toolsets (listed below)")
    parser.add_argument("--dry-run", action="store_true", help="show the change without writing anything")


def run_install(args: argparse.Namespace) -> int:
    try:
        env = parse_env_pairs(args.env)
        serve_args = ["--read-only"] if args.read_only else []
        toolsets = parse_toolsets(args.toolsets)
        if toolsets:
            serve_args += ["--toolsets", ",".join(toolsets)]
        launch = launch_command(serve_args)
        path = Path(args.config).expanduser() if args.config else claude_config_path()
        result = install_claude(path, name=args.name, env=env, launch=launch, dry_run=args.dry_run)
    except (InstallError, LaunchError) as exc:
        raise CommandError(str(exc)) from None
    if launch.warning:
        print(f"warning: {launch.warning}", file=sys.stderr)
    print(result.report())
    return EXIT_OK

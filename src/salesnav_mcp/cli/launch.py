"""The command a client should start the server with, for `install`: one that still works next week.

Normally that is this very interpreter (`python -m salesnav_mcp`), so no PATH lookup can pick
another install. But `uvx salesnav-mcp` and `pipx run salesnav-mcp` run from an environment in
their cache, which they delete or replace when they like (`uv cache clean`, pipx after 14 days):
an entry pointing into it breaks later, with no hint why. From there the entry starts the
server through the same launcher instead, which recreates its environment when needed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

PACKAGE = "salesnav-mcp"


class LaunchError(Exception):
    """No command that will keep working can be written; the message says what to install."""


@dataclass(frozen=True)
class Launch:
    command: str
    args: list[str]
    warning: str | None = None  # why the entry does not start this interpreter


def _uv_cache_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    """Where uv keeps its cache, uvx's environments included (uv's storage reference)."""
    roots = [Path(env["UV_CACHE_DIR"])] if env.get("UV_CACHE_DIR") else []
    if env.get("XDG_CACHE_HOME"):
        roots.append(Path(env["XDG_CACHE_HOME"]) / "uv")
    roots.append(home / ".cache" / "uv")
    if env.get("LOCALAPPDATA"):
        roots.append(Path(env["LOCALAPPDATA"]) / "uv" / "cache")
    return roots


def _pipx_cache_roots(env: Mapping[str, str], home: Path) -> list[Path]:
    """Where `pipx run` keeps its environments (pipx's paths.py: PIPX_HOME/.cache, else the user cache)."""
    roots = [Path(env["PIPX_HOME"]) / ".cache"] if env.get("PIPX_HOME") else []
    roots += [home / ".local" / "pipx" / ".cache", platformdirs.user_cache_path("pipx")]
    return roots


def _inside(path: Path, roots: list[Path]) -> Path | None:
    for root in roots:
        try:
            if path.resolve().is_relative_to(root.resolve()):
                return root
        except OSError:
            continue
    return None


def launch_command(
    serve_args: list[str],
    *,
    prefix: str | None = None,
    executable: str | None = None,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> Launch:
    """How the client should start `salesnav-mcp serve SERVE_ARGS`, given the environment running now."""
    env = os.environ if env is None else env
    home = home or Path.home()
    here = Path(prefix or sys.prefix)
    path = env.get("PATH")
    if _inside(here, _uv_cache_roots(env, home)):
        uvx = shutil.which("uvx", path=path)
        uv = env.get("UV") or shutil.which("uv", path=path)  # uv names itself in UV for what it runs
        if uvx:
            command, args = uvx, [PACKAGE]
        elif uv:
            command, args = uv, ["tool", "run", PACKAGE]
        else:
            raise _no_launcher("uvx", here, "uv tool install salesnav-mcp")
        return Launch(command, [*args, "serve", *serve_args], _warning("uvx", here, command, args, "uv tool install"))
    if _inside(here, _pipx_cache_roots(env, home)):
        pipx = shutil.which("pipx", path=path)
        if not pipx:
            raise _no_launcher("pipx run", here, "pipx install salesnav-mcp")
        args = ["run", PACKAGE]
        return Launch(pipx, [*args, "serve", *serve_args], _warning("pipx run", here, pipx, args, "pipx install"))
    return Launch(executable or sys.executable, ["-m", "salesnav_mcp", "serve", *serve_args])


def _warning(launcher: str, here: Path, command: str, args: list[str], install: str) -> str:
    return (
        f"this salesnav-mcp runs from {launcher}'s cache ({here}), which may be deleted at any time; "
        f"the entry starts `{Path(command).name} {' '.join(args)} serve` instead, which restores it when needed "
        f"(the first start after a cleanup downloads again). For a fixed install: `{install} {PACKAGE}`, "
        f"then run `salesnav-mcp install claude` from it."
    )


def _no_launcher(launcher: str, here: Path, install: str) -> LaunchError:
    return LaunchError(
        f"this salesnav-mcp runs from {launcher}'s cache ({here}), which may be deleted at any time, and "
        f"{launcher.split()[0]} is not on PATH to start it again later; install it for good with `{install}`, "
        "then run `salesnav-mcp install claude` from that install"
    )

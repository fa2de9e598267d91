"""The CLI as a shell user meets it, as a subprocess: pipes, flags after the command, help."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from salesnav_mcp.tools import TOOLSETS
from tests.support.processes import cli, run_cli

pytestmark = pytest.mark.slow


def run_into_closed_pipe(args: list[str], workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a command whose reader is already gone, as in `salesnav-mcp audit | head -0`."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            cli(*args), stdout=write_end, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir, timeout=60,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        os.close(write_end)


def assert_quiet_stop(result: subprocess.CompletedProcess[str]) -> None:
    assert result.stderr == "", result.stderr  # no traceback, no "Exception ignored" at exit
    assert result.returncode == 141  # as a shell reports a command stopped by SIGPIPE


def test_audit_into_a_closed_pipe_stops_quietly(workdir: Path, env: dict[str, str]) -> None:
    for person in ("person-1", "person-2", "person-3"):
        assert run_cli(["dnc", "add", person], workdir, env).returncode == 0
    assert run_cli(["audit"], workdir, env).stdout.count("\n") >= 3
    assert_quiet_stop(run_into_closed_pipe(["audit"], workdir, env))
    assert_quiet_stop(run_into_closed_pipe(["audit", "--format", "csv"], workdir, env))
    assert_quiet_stop(run_into_closed_pipe(["dnc", "list"], workdir, env))


@pytest.mark.anyio
async def test_drafts_list_into_a_closed_pipe_stops_quietly(workdir: Path, env: dict[str, str]) -> None:
    command, *args = cli("serve")
    async with Client(StdioServerParameters(command=command, args=args, env=env, cwd=workdir)) as client:
        found = await client.call_tool("search_leads", {"filters": {"keywords": "sales"}, "max_results": 1})
        recipient = found.structured_content["leads"][0]["profile_id"]
        drafted = await client.call_tool("draft_message", {"recipient": recipient, "text": "Hello from the pipe test"})
        assert not drafted.is_error, drafted.content
    assert "Hello from the pipe test" in run_cli(["drafts", "list"], workdir, env).stdout
    assert_quiet_stop(run_into_closed_pipe(["drafts", "list"], workdir, env))


@pytest.mark.parametrize("flags", [["serve", "--log-level", "DEBUG"], ["--log-level", "DEBUG", "serve"]])
def test_log_level_is_accepted_before_and_after_the_command(
    workdir: Path, env: dict[str, str], flags: list[str]
) -> None:
    result = run_cli(flags, workdir, env)  # stdin is empty: the server starts, reads EOF and stops
    assert result.returncode == 0, result.stderr
    assert "serving on stdio" in result.stderr
    assert " DEBUG " in result.stderr


def test_log_level_after_the_command_wins(workdir: Path, env: dict[str, str]) -> None:
    result = run_cli(["--log-level", "DEBUG", "serve", "--log-level", "WARNING"], workdir, env)
    assert result.returncode == 0, result.stderr
    assert " DEBUG " not in result.stderr and "serving on stdio" not in result.stderr


@pytest.mark.parametrize("command", ["serve", "install"])
def test_help_lists_every_toolset_with_its_description(workdir: Path, env: dict[str, str], command: str) -> None:
    result = run_cli([command, "--help"], workdir, env)
    assert result.returncode == 0, result.stderr
    listed = result.stdout.split("toolsets (all by default):\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == list(TOOLSETS)
    for line, toolset in zip(listed, TOOLSETS.values(), strict=True):
        assert line.split(None, 1)[1] == toolset.description


def test_main_help_points_to_the_toolsets(workdir: Path, env: dict[str, str]) -> None:
    result = run_cli(["--help"], workdir, env)
    assert result.returncode == 0
    assert "serve --help` lists the toolsets" in " ".join(result.stdout.split())

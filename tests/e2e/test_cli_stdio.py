"""`salesnav-mcp serve` on stdio, the transport Claude Desktop uses, as a real subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.e2e.scenarios import assert_lists_and_calls_a_tool
from tests.support.processes import STOP_TIMEOUT, cli

pytestmark = pytest.mark.slow

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}},
}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_stdio_serves_the_sdk_client(workdir: Path, env: dict[str, str], mode: str) -> None:
    command, *args = cli("serve")
    params = StdioServerParameters(command=command, args=[*args], env=env, cwd=workdir)
    async with Client(params, mode=mode) as client:
        await assert_lists_and_calls_a_tool(client)


def _start_raw(workdir: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    with (workdir / "stderr.log").open("wb") as stderr:
        return subprocess.Popen(
            cli("serve", *extra), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=workdir
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    for stream in (process.stdin, process.stdout):
        if stream and not stream.closed:
            stream.close()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stdio_stdout_is_protocol_only_and_a_signal_stops_it_cleanly(
    workdir: Path, env: dict[str, str], sig: int
) -> None:
    process = _start_raw(workdir, env)
    try:
        assert process.stdin and process.stdout
        process.stdin.write(json.dumps(INITIALIZE).encode() + b"\n")
        process.stdin.flush()
        first_line = process.stdout.readline()
        reply = json.loads(first_line)  # the startup log went to stderr, not here
        assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "salesnav-mcp"

        # The client keeps stdin open: the signal alone must stop the server.
        started = time.monotonic()
        process.send_signal(sig)
        status = process.wait(STOP_TIMEOUT)
        assert status == 0
        assert time.monotonic() - started < 5
    finally:
        _stop(process)
    log = (workdir / "stderr.log").read_text()
    assert "serving on stdio" in log
    assert "ConnectSafely: SANDBOX" in log
    assert f"received {signal.Signals(sig).name}, shutting down" in log


def test_read_only_server_lists_only_read_tools_and_exits_when_stdin_closes(workdir: Path, env: dict[str, str]) -> None:
    process = _start_raw(workdir, env, "--read-only")
    try:
        assert process.stdin and process.stdout
        for message in (
            INITIALIZE,
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
        ):
            process.stdin.write(json.dumps(message).encode() + b"\n")
        process.stdin.flush()
        process.stdout.readline()
        tools = json.loads(process.stdout.readline())["result"]["tools"]
        assert tools, "a read-only server still has its read tools"
        assert all(tool["annotations"]["readOnlyHint"] is True for tool in tools)

        process.stdin.close()  # how Claude Desktop ends a session
        assert process.wait(STOP_TIMEOUT) == 0
    finally:
        _stop(process)

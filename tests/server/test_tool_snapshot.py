"""Every tool's published contract (name, title, description, schemas, annotations) is kept in the repo.

A change to any of it fails this test until the snapshot is updated on purpose:
UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/server/test_tool_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio

SNAPSHOT = Path(__file__).parent / "snapshots" / "tools.json"


@pytest.fixture
def mode() -> str:
    return "auto"


async def test_tool_contracts_match_the_snapshot(mcp_client: Client) -> None:
    tools = (await mcp_client.list_tools()).tools
    current = {
        tool.name: tool.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"meta", "icons"})
        for tool in sorted(tools, key=lambda t: t.name)
    }
    rendered = json.dumps(current, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    added, removed = sorted(set(current) - set(stored)), sorted(set(stored) - set(current))
    assert not added and not removed, f"tools added {added}, removed {removed}: update the snapshot on purpose"
    changed = [name for name in current if current[name] != stored[name]]
    assert not changed, f"contracts changed for {changed}: update the snapshot on purpose"


async def test_every_tool_declares_schemas_and_annotations(mcp_client: Client) -> None:
    for tool in (await mcp_client.list_tools()).tools:
        assert tool.output_schema, tool.name
        assert tool.description and len(tool.description) < 400, tool.name
        hints = tool.annotations
        assert hints is not None and hints.read_only_hint is not None and hints.open_world_hint is not None, tool.name
        if not hints.read_only_hint:
            assert hints.destructive_hint is not None, tool.name
        assert tool.name.replace("_", "").isalnum() and tool.name.islower(), tool.name

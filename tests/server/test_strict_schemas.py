"""Every tool works in strict-mode and single-`type` clients: the OpenAI Agents SDK converts each input
schema to strict mode (none is served non-strict), and no published schema uses a `$ref`, a `type`
array or an open input object."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from agents.mcp import MCPServerStreamableHttp
from agents.mcp.util import MCPUtil
from agents.strict_schema import ensure_strict_json_schema
from mcp import Client
from mcp_types import Tool

pytestmark = pytest.mark.anyio


@pytest.fixture
def mode() -> str:
    return "auto"  # the published schemas do not depend on the protocol version


async def listed(client: Client) -> list[Tool]:
    return (await client.list_tools()).tools


async def test_every_tool_converts_to_strict_mode_in_the_openai_agents_sdk(mcp_client: Client) -> None:
    # Never connected: the SDK only reads its settings (failure handling, approvals) while converting.
    agents_server = MCPServerStreamableHttp(params={"url": "http://127.0.0.1:9/mcp"})
    for tool in await listed(mcp_client):
        # What MCPUtil.to_function_tool does; it swallows the error and serves the tool non-strict.
        ensure_strict_json_schema(copy.deepcopy(tool.input_schema), _reject_open_objects=True)
        converted = MCPUtil.to_function_tool(tool, agents_server, convert_schemas_to_strict=True)
        assert converted.strict_json_schema is True, tool.name


def subschemas(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            yield from subschemas(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for index, value in enumerate(schema):
            yield from subschemas(value, f"{path}/{index}")


async def test_published_schemas_have_no_references_type_arrays_or_open_input_objects(mcp_client: Client) -> None:
    for tool in await listed(mcp_client):
        for kind, schema in (("input", tool.input_schema), ("output", tool.output_schema)):
            for path, node in subschemas(schema):
                where = f"{tool.name} {kind}{path}"
                assert "$ref" not in node and "$defs" not in node, where
                assert not isinstance(node.get("type"), list), where
                if kind == "input" and node.get("type") == "object" and not path.endswith("/properties"):
                    assert node.get("additionalProperties") is False, where

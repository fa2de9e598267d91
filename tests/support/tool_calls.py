"""Calling a tool through a real MCP client and keeping what matters: its structured content, or its error text."""

from __future__ import annotations

from typing import Any

from mcp import Client


async def call(client: Client, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a tool that must succeed; its structured content."""
    result = await client.call_tool(name, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def refused(client: Client, name: str, arguments: dict[str, Any]) -> str:
    """Call a tool that must fail; its error text."""
    result = await client.call_tool(name, arguments)
    assert result.is_error, result.structured_content
    return result.content[0].text  # type: ignore[union-attr]

"""MCP tools, one module per toolset; `TOOLSETS` is what the server registry reads."""

from __future__ import annotations

from salesnav_mcp.tools._runtime import Toolset

TOOLSETS: dict[str, Toolset] = {}

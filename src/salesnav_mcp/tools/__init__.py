"""MCP tools, resources and prompts, one package per toolset; `TOOLSETS` is what the server registry reads.

Each toolset's `__init__` lists what it holds; its modules only declare (`tools.runtime`).
"""

from __future__ import annotations

from salesnav_mcp.tools import accounts, insights, messaging, partner, search
from salesnav_mcp.tools.runtime import Toolset

TOOLSETS: dict[str, Toolset] = {
    package.toolset.name: package.toolset for package in (search, insights, accounts, messaging, partner)
}

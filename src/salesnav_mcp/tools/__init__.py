"""MCP tools, one module per toolset; `TOOLSETS` is what the server registry reads."""

from __future__ import annotations

from salesnav_mcp.guardrails import GuardrailError
from salesnav_mcp.salesnav_url import SalesNavUrlError
from salesnav_mcp.tools import accounts, insights, messaging, search

# These modules add their tools to the insights toolset when imported.
from salesnav_mcp.tools import ssi_history, overview, capacity  # noqa: F401  isort: skip
from salesnav_mcp.tools._runtime import Toolset, user_facing
from salesnav_mcp.upstream.errors import UpstreamError

user_facing(UpstreamError, GuardrailError, SalesNavUrlError)

TOOLSETS: dict[str, Toolset] = {module.toolset.name: module.toolset for module in (search, insights, accounts, messaging)}
from salesnav_mcp.tools.partner import toolset as partner_toolset  # noqa: E402  (declares every partner tool)

TOOLSETS[partner_toolset.name] = partner_toolset

"""MCP tools, one module per toolset; `TOOLSETS` is what the server registry reads.

A toolset may span several modules (insights: SSI history, overview, capacity; partner:
exports and CRM): importing them here is what declares their tools.
"""

from __future__ import annotations

from salesnav_mcp.guardrails import GuardrailError
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.salesnav_url import SalesNavUrlError
from salesnav_mcp.tools import (  # noqa: F401 - modules that declare tools
    accounts,
    capacity,
    insights,
    messaging,
    overview,
    partner,
    search,
    ssi_history,
)
from salesnav_mcp.tools._runtime import Toolset, user_facing
from salesnav_mcp.upstream.errors import UpstreamError

user_facing(UpstreamError, GuardrailError, SalesNavUrlError, OperationError)

TOOLSETS: dict[str, Toolset] = {
    module.toolset.name: module.toolset for module in (search, insights, accounts, messaging, partner)
}

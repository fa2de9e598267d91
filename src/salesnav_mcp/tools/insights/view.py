"""The SSI dashboard's own tool (MCP Apps, app-only): the stored readings it draws, from the store alone.

The model is never offered it (`_meta.ui.visibility: ["app"]`), clients without MCP Apps never see it,
and an account the current user is not granted is refused.
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.ssi_dashboard import SsiDashboardOut, ssi_dashboard
from salesnav_mcp.operations.ssi_history import DEFAULT_DAYS, MAX_DAYS
from salesnav_mcp.tools.apps import SSI_VIEW
from salesnav_mcp.tools.runtime import reply, services, tool


@tool(title="SSI dashboard data", read_only=True, open_world=False, ui=SSI_VIEW, app_only=True)
async def ssi_dashboard_data(
    ctx: Context,
    account_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{24}$", description="LinkedIn account id.")],
    days: Annotated[int, Field(ge=1, le=MAX_DAYS)] = DEFAULT_DAYS,
) -> Annotated[CallToolResult, SsiDashboardOut]:
    """Stored SSI readings of an account for the SSI dashboard: latest, series, hint. No upstream call."""
    out = await ssi_dashboard(services(ctx), account_id, days=days)
    return reply(f"SSI dashboard of {out.account_id}: {out.history.readings} reading(s).", out)

"""The analytics export tool (seat, activity, activity outcome data): run and wait, start, or check a job."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field, WithJsonSchema

from salesnav_mcp.operations.partner import analytics
from salesnav_mcp.operations.partner.analytics import ANALYTICS, DEFAULT_RANGE_DAYS, ExportType
from salesnav_mcp.tools.apps import EXPORT_VIEW
from salesnav_mcp.tools.partner.job_replies import ExportJobOut, JobId, MaxWait, Wait, job_reply
from salesnav_mcp.tools.runtime import services, tool

ContractParam = Annotated[
    str | None,
    WithJsonSchema(
        {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "From list_contracts; omit for the one with reporting access.",
        }
    ),
    Field(default=None, pattern=r"^\s*(urn:li:salesContract:)?[A-Za-z0-9_-]{1,64}\s*$"),
]

TypeParam = Annotated[
    ExportType,
    Field(description="seat: holders and SSI; activity: searches, views, messages..."),
]

StartDate = Annotated[
    date | None,
    Field(description=f"UTC; default {DEFAULT_RANGE_DAYS} days to end_date."),
]

EndDate = Annotated[date | None, Field(description="Inclusive; default today.")]


@tool(title="Analytics export", read_only=False, destructive=False, idempotent=False, ui=EXPORT_VIEW)
async def export_analytics(
    ctx: Context,
    export_type: TypeParam | None = None,
    start_date: StartDate = None,
    end_date: EndDate = None,
    contract: ContractParam = None,
    wait: Wait = True,
    max_wait_seconds: MaxWait = 600,
    job_id: JobId | None = None,
) -> Annotated[CallToolResult, ExportJobOut]:
    """Export Sales Navigator analytics (up to 90 days) as a stored CSV with a summary; job_id checks a job
    started earlier."""
    svc = services(ctx)
    if job_id is not None:
        if export_type is not None or start_date is not None or end_date is not None:
            raise ToolError(
                "job_id checks an export already started: leave export_type, start_date and end_date out "
                "(or leave job_id out to start a new export)."
            )
        return job_reply(svc, ANALYTICS, await analytics.check_export(svc, job_id, contract, ctx.report_progress))
    if export_type is None:
        raise ToolError("Give export_type (seat, activity or activity_outcome) to start an export, or job_id to check one.")
    if not wait:
        return job_reply(svc, ANALYTICS, await analytics.start_export(svc, export_type, start_date, end_date, contract))
    view = await analytics.run_export(
        svc, export_type, start_date, end_date, contract, max_wait_seconds=max_wait_seconds, report=ctx.report_progress
    )
    return job_reply(svc, ANALYTICS, view)

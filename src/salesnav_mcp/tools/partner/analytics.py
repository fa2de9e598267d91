"""Analytics export tools (seat, activity, activity outcome data): run and wait, or start and check."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.partner import analytics
from salesnav_mcp.operations.partner.analytics import ANALYTICS, DEFAULT_RANGE_DAYS, ExportType
from salesnav_mcp.tools.apps import EXPORT_VIEW
from salesnav_mcp.tools.partner.job_replies import ExportJobOut, JobId, MaxWait, job_reply
from salesnav_mcp.tools.runtime import services, tool

ContractParam = Annotated[
    str | None,
    Field(
        default=None,
        description="Sales Navigator contract: its URN (urn:li:salesContract:12345) or number, from list_contracts. "
        "Omit to use the only contract with reporting access.",
        pattern=r"^\s*(urn:li:salesContract:)?[A-Za-z0-9_-]{1,64}\s*$",
    ),
]

TypeParam = Annotated[
    ExportType,
    Field(description="seat (seat holders, status, SSI), activity (searches, views, messages...), activity_outcome."),
]

StartDate = Annotated[
    date | None,
    Field(description=f"First day (UTC, YYYY-MM-DD), inclusive. Default: {DEFAULT_RANGE_DAYS} days up to end_date."),
]

EndDate = Annotated[date | None, Field(description="Last day (UTC, YYYY-MM-DD), inclusive. Default: today.")]


@tool(title="Run an analytics export", read_only=False, destructive=False, idempotent=False, ui=EXPORT_VIEW)
async def run_analytics_export(
    ctx: Context,
    export_type: TypeParam,
    start_date: StartDate = None,
    end_date: EndDate = None,
    contract: ContractParam = None,
    max_wait_seconds: MaxWait = 600,
) -> Annotated[CallToolResult, ExportJobOut]:
    """Export Sales Navigator analytics (seat, activity or activity outcome data, up to 90 days) and wait for
    it: starts the job, polls it with progress, downloads and stores the CSV, and returns a summary (rows,
    counts by activity type and seat, date span) with the full file as a resource. Needs a contract with
    reporting access (see list_contracts)."""
    svc = services(ctx)
    view = await analytics.run_export(
        svc, export_type, start_date, end_date, contract, max_wait_seconds=max_wait_seconds, report=ctx.report_progress
    )
    return job_reply(svc, ANALYTICS, view)


@tool(title="Start an analytics export", read_only=False, destructive=False, idempotent=False)
async def start_analytics_export(
    ctx: Context,
    export_type: TypeParam,
    start_date: StartDate = None,
    end_date: EndDate = None,
    contract: ContractParam = None,
) -> Annotated[CallToolResult, ExportJobOut]:
    """Start a Sales Navigator analytics export job and return at once with its job id; check it with
    get_analytics_export. Prefer run_analytics_export, which waits and reports progress. Refused, naming the
    running job, while another export of the same type runs on the contract."""
    svc = services(ctx)
    view = await analytics.start_export(svc, export_type, start_date, end_date, contract)
    return job_reply(svc, ANALYTICS, view)


@tool(title="Check an analytics export", read_only=True, ui=EXPORT_VIEW)
async def get_analytics_export(
    ctx: Context, job_id: JobId, contract: ContractParam = None
) -> Annotated[CallToolResult, ExportJobOut]:
    """Check an analytics export job once. When it is COMPLETED, download and store its CSV and return the
    summary with the file as a resource (later calls serve the stored file). A failed job is an error naming
    the cause. 'contract' is needed only for jobs not started from this server."""
    svc = services(ctx)
    return job_reply(svc, ANALYTICS, await analytics.check_export(svc, job_id, contract, ctx.report_progress))

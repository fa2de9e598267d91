"""CRM data validation export tools: run and wait, or start and check."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.partner import crm_validation
from salesnav_mcp.operations.partner.crm_validation import CRM_VALIDATION, DEFAULT_SINCE_DAYS
from salesnav_mcp.tools.partner.job_replies import ExportJobOut, JobId, MaxWait, job_reply
from salesnav_mcp.tools.runtime import services, tool

CrmInstance = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="CRM instance: its id (e.g. sf-instance-001) or URN (urn:li:crmInstance:sf-instance-001).",
    ),
]

Since = Annotated[
    date | None,
    Field(
        description="Validate CRM records changed since this day (UTC, YYYY-MM-DD); for incremental runs use the "
        f"day of the last export's next_export_start_at. Default: {DEFAULT_SINCE_DAYS} days ago."
    ),
]


@tool(title="Run a CRM data validation export", read_only=False, destructive=False, idempotent=False)
async def run_crm_validation_export(
    ctx: Context, crm_instance: CrmInstance, since: Since = None, max_wait_seconds: MaxWait = 600
) -> Annotated[CallToolResult, ExportJobOut]:
    """Check CRM records against LinkedIn (VALID, NOT_FOUND, CHANGED_JOB, DUPLICATE) and wait for the answer:
    starts the validation export, polls it with progress, downloads and stores the CSV, and returns counts by
    status with the full file as a resource."""
    svc = services(ctx)
    view = await crm_validation.run_export(
        svc, crm_instance, since, max_wait_seconds=max_wait_seconds, report=ctx.report_progress
    )
    return job_reply(svc, CRM_VALIDATION, view)


@tool(title="Start a CRM data validation export", read_only=False, destructive=False, idempotent=False)
async def start_crm_validation_export(
    ctx: Context, crm_instance: CrmInstance, since: Since = None
) -> Annotated[CallToolResult, ExportJobOut]:
    """Start a CRM data validation export and return at once with its job id; check it with
    get_crm_validation_export. Prefer run_crm_validation_export, which waits and reports progress."""
    svc = services(ctx)
    return job_reply(svc, CRM_VALIDATION, await crm_validation.start_export(svc, crm_instance, since))


@tool(title="Check a CRM data validation export", read_only=True)
async def get_crm_validation_export(
    ctx: Context,
    job_id: JobId,
    crm_instance: Annotated[
        str | None,
        Field(max_length=200, description="The CRM instance; needed only for jobs not started from this server."),
    ] = None,
) -> Annotated[CallToolResult, ExportJobOut]:
    """Check a CRM data validation export once. When it is COMPLETED, download and store its CSV and return
    counts by status with the file as a resource (later calls serve the stored file)."""
    svc = services(ctx)
    view = await crm_validation.check_export(svc, job_id, crm_instance, ctx.report_progress)
    return job_reply(svc, CRM_VALIDATION, view)

"""The CRM data validation export tool: run and wait, start, or check a job."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.partner import crm_validation
from salesnav_mcp.operations.partner.crm_validation import CRM_VALIDATION, DEFAULT_SINCE_DAYS
from salesnav_mcp.tools.partner.job_replies import ExportJobOut, JobId, MaxWait, Wait, job_reply
from salesnav_mcp.tools.runtime import services, tool

CrmInstance = Annotated[
    str | None,
    Field(
        max_length=200,
        description="Id (sf-instance-001) or URN.",
    ),
]

Since = Annotated[
    date | None,
    Field(
        description=f"Records changed since (UTC; default {DEFAULT_SINCE_DAYS} days ago); next runs: next_export_start_at."
    ),
]


@tool(title="CRM data validation export", read_only=False, destructive=False, idempotent=False)
async def export_crm_validation(
    ctx: Context,
    crm_instance: CrmInstance = None,
    since: Since = None,
    wait: Wait = True,
    max_wait_seconds: MaxWait = 600,
    job_id: JobId | None = None,
) -> Annotated[CallToolResult, ExportJobOut]:
    """Validate CRM records against LinkedIn (VALID, NOT_FOUND, CHANGED_JOB, DUPLICATE) as a stored CSV; job_id
    checks a job started earlier."""
    svc = services(ctx)
    if job_id is not None:
        if since is not None:
            raise ToolError("job_id checks an export already started: leave since out (or job_id, to start a new one).")
        view = await crm_validation.check_export(svc, job_id, crm_instance, ctx.report_progress)
        return job_reply(svc, CRM_VALIDATION, view)
    if crm_instance is None or not crm_instance.strip():
        raise ToolError("Give crm_instance to start a validation export, or job_id to check one.")
    if not wait:
        return job_reply(svc, CRM_VALIDATION, await crm_validation.start_export(svc, crm_instance, since))
    view = await crm_validation.run_export(
        svc, crm_instance, since, max_wait_seconds=max_wait_seconds, report=ctx.report_progress
    )
    return job_reply(svc, CRM_VALIDATION, view)

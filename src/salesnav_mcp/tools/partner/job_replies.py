"""What the export tools reply: where a job stands, a short text, and the stored file as a resource link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.models.common import epoch_to_datetime
from salesnav_mcp.operations.partner.jobs import TYPE_NAMES, JobKind, JobView
from salesnav_mcp.operations.partner.summary import ExportSummary, top_items
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools.runtime import reply_with_file

MaxWait = Annotated[int, Field(ge=10, le=3600, description="Then return the job still running.")]

Wait = Annotated[bool, Field(description="false: return the job_id at once.")]

JobId = Annotated[int, Field(ge=1, description="Check this job instead.")]


class ExportJobOut(Result):
    job_id: int
    export_type: str = Field(description="seat | activity | activity_outcome | crm_validation")
    source: str = Field(description="The contract (analytics) or CRM instance (validation) URN.")
    range_start: str | None = Field(default=None, description="ISO-8601 UTC, inclusive.")
    range_end: str | None = Field(default=None, description="ISO-8601 UTC, exclusive.")
    status: str = Field(description="ENQUEUED | PROCESSING | COMPLETED")
    finished: bool = Field(description="The file is downloaded and stored (see resource_uri).")
    export_id: str | None = None
    resource_uri: str | None = Field(default=None, description="Read this MCP resource for the full CSV.")
    upstream_row_count: int | None = Field(default=None, description="Rows LinkedIn said the file has.")
    summary: ExportSummary | None = None
    next_export_start_at: str | None = Field(
        default=None, description="CRM validation: pass its day as since for the next incremental export."
    )
    note: str | None = None


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def job_out(svc: Services, view: JobView) -> ExportJobOut:
    record, stored = view.record, view.stored
    return ExportJobOut(
        job_id=record.job_id,
        export_type=record.export_type,
        source=record.source,
        range_start=iso(record.range_start),
        range_end=iso(record.range_end),
        status=record.status,
        finished=stored is not None,
        export_id=stored.export_id if stored else None,
        resource_uri=stored.uri if stored else None,
        upstream_row_count=view.upstream_rows,
        summary=ExportSummary.model_validate(stored.summary) if stored else None,
        next_export_start_at=iso(epoch_to_datetime(view.next_start)) if view.next_start else None,
        note=view.note,
        sandbox=svc.snap.sandbox,
    )


def job_text(out: ExportJobOut, get_tool: str) -> str:
    """A few lines for the model; the numbers in full are in the structured result."""
    name = TYPE_NAMES.get(out.export_type, "Analytics")
    span = ""
    if out.range_start and out.range_end:
        last_day = datetime.fromisoformat(out.range_end) - timedelta(microseconds=1)  # the end is exclusive
        span = f" {out.range_start[:10]}..{last_day:%Y-%m-%d}"
    elif out.range_start:
        span = f" since {out.range_start[:10]}"
    head = f"{name} export{span}, job {out.job_id}"
    tag = " [sandbox]" if out.sandbox else ""
    if not out.finished or out.summary is None:
        lines = [f"{head}: {out.status}.{tag}"]
        if out.note:
            lines.append(out.note)
        lines.append(f"Follow it with {get_tool}(job_id={out.job_id}).")
        return "\n".join(lines)
    s = out.summary
    lines = [f"{head}: {s.rows} rows.{tag}"]
    if s.first_activity_at and s.last_activity_at:
        lines.append(f"Activity from {s.first_activity_at[:16]} to {s.last_activity_at[:16]} UTC.")
    for label, counts in (
        ("By type", s.by_activity_type),
        ("By outcome", s.by_outcome),
        ("Busiest seats", s.by_seat),
        ("By status", s.by_status),
    ):
        if counts:
            lines.append(f"{label}: {top_items(counts)}.")
    if s.ssi_average is not None:
        lines.append(f"Average SSI {s.ssi_average}.")
    lines.append(f"Full CSV (not inlined): {out.resource_uri}")
    if out.note:
        lines.append(out.note)
    if out.next_export_start_at:
        lines.append(f"Next incremental run: since={out.next_export_start_at[:10]}.")
    return "\n".join(lines)


def job_reply(svc: Services, kind: JobKind, view: JobView) -> CallToolResult:
    out = job_out(svc, view)
    return reply_with_file(job_text(out, kind.get_tool), out, view.stored)

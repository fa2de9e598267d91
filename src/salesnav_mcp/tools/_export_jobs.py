"""The machinery every partner export job shares: polling with backoff and progress, job records,
storing the file, the output model and its short text.

Polling sleeps go through `services.clock` (tests use a manual clock). Cancelling a call stops
the polling only: the upstream job keeps running, its record says polling stopped, a warning
is logged, and the matching `get_*` tool picks it up later.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.models.common import epoch_to_datetime
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools._partner import export_store, reply_with_file
from salesnav_mcp.tools.export_summary import ExportSummary, summarize, top_items
from salesnav_mcp.tools.exports import ExportKind, JobRecord, StoredExport
from salesnav_mcp.upstream.errors import NotFoundError, UpstreamError

logger = logging.getLogger("salesnav_mcp.tools.partner")

FIRST_POLL = 2.0  # seconds before the first status check
MAX_POLL = 30.0  # the wait doubles after each check, up to this
STALE_JOB = timedelta(hours=6)  # a job record still "running" after this is not waited for
PENDING = ("ENQUEUED", "PROCESSING")

TYPE_NAMES = {
    "seat": "Seat",
    "activity": "Activity",
    "activity_outcome": "Activity outcome",
    "crm_validation": "CRM validation",
}
FAILURES = {
    "FAILED_DUE_TO_EXCEEDED_FILE_SIZE_ERROR": "the file would exceed LinkedIn's size limit; export a shorter range",
    "FAILED_DUE_TO_TIMED_OUT": "LinkedIn timed out building it; try again, or export a shorter range",
    "FAILED_DUE_TO_DATA_DELAY": "LinkedIn's analytics data for that range is not ready yet; try again later or end "
    "the range earlier",
    "FAILED_DUE_TO_INTERNAL_ERROR": "LinkedIn hit an internal error; try again later",
}

MaxWait = Annotated[
    int,
    Field(ge=10, le=3600, description="Seconds to keep polling before returning the job as still running."),
]
JobId = Annotated[int, Field(ge=1, description="The export job id returned when the job was started.")]


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


def job_out(
    svc: Services,
    record: JobRecord,
    *,
    stored: StoredExport | None = None,
    upstream_rows: int | None = None,
    next_start: int | None = None,
    note: str | None = None,
) -> ExportJobOut:
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
        upstream_row_count=upstream_rows,
        summary=ExportSummary.model_validate(stored.summary) if stored else None,
        next_export_start_at=iso(epoch_to_datetime(next_start)) if next_start else None,
        note=note,
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
    return "\n".join(lines)


def failure_error(record: JobRecord, status: str) -> ToolError:
    """A FAILED_* status as an error that names the cause and what to do."""
    cause = FAILURES.get(status, "LinkedIn gave no further reason")
    what = TYPE_NAMES.get(record.export_type, "Analytics")
    span = ""
    if record.range_start and record.range_end:
        last_day = record.range_end - timedelta(microseconds=1)
        span = f" for {record.range_start:%Y-%m-%d}..{last_day:%Y-%m-%d}"
    elif record.range_start:
        span = f" since {record.range_start:%Y-%m-%d}"
    return ToolError(f"{what} export job {record.job_id}{span} failed with {status}: {cause}.")


def keeps_running(exc: UpstreamError, record: JobRecord, get_tool: str) -> ToolError:
    """An upstream failure after the job was created: the job itself is not lost, say how to follow it."""
    return ToolError(
        f"{exc} Job {record.job_id} was created at LinkedIn and is not affected; follow it with "
        f"{get_tool}(job_id={record.job_id})."
    )


def backoff(poll: int) -> float:
    return min(MAX_POLL, FIRST_POLL * 2**poll)


@dataclass
class Progress:
    """MCP progress over fixed steps, always increasing: repeated polls within a step creep towards the next."""

    ctx: Context
    total: int
    last: float = -1.0

    async def step(self, step: int, message: str, poll: int = 0) -> None:
        value = step + (1 - 0.5**poll) * 0.9 if poll else float(step)
        if value <= self.last:
            return
        self.last = value
        await self.ctx.report_progress(value, self.total, message)


async def save_job(svc: Services, record: JobRecord, **changes: Any) -> JobRecord:
    updated = record.model_copy(update={**changes, "updated_at": svc.clock.now()})
    await export_store(svc).save_job(updated)
    return updated


Getter = Callable[[Services, JobRecord], Awaitable[tuple[JobRecord, Any]]]


async def poll_job(
    svc: Services,
    record: JobRecord,
    get: Getter,
    *,
    deadline: float,
    progress: Progress,
    steps: dict[str, int],
    get_tool: str,
) -> tuple[JobRecord, Any]:
    """Check the job with backoff until it leaves ENQUEUED/PROCESSING: (record, job), or (record, None) when
    the deadline (clock.monotonic) comes first. `steps` maps a pending status to its progress step."""
    poll = 0
    try:
        while True:
            delay = backoff(poll)
            if svc.clock.monotonic() + delay > deadline:
                return await save_job(svc, record, polling="stopped"), None
            await svc.clock.sleep(delay)
            record, job = await get(svc, record)
            if record.status not in PENDING:
                return record, job
            poll += 1
            await progress.step(steps[record.status], f"Job {record.job_id}: {record.status}", poll)
    except anyio.get_cancelled_exc_class():
        with anyio.CancelScope(shield=True):
            await save_job(svc, record, polling="stopped")
        logger.warning(
            "Stopped polling %s export job %s (last status %s): the job keeps running at LinkedIn; "
            "%s(job_id=%s) picks it up.",
            record.export_type,
            record.job_id,
            record.status,
            get_tool,
            record.job_id,
        )
        raise


async def follow_job(
    svc: Services,
    record: JobRecord,
    get: Getter,
    *,
    deadline: float,
    progress: Progress,
    steps: dict[str, int],
    get_tool: str,
) -> tuple[JobRecord, Any]:
    """`poll_job`, with an upstream failure reported as "the job keeps running; follow it with get_tool"."""
    try:
        return await poll_job(svc, record, get, deadline=deadline, progress=progress, steps=steps, get_tool=get_tool)
    except UpstreamError as exc:
        raise keeps_running(exc, record, get_tool) from exc


Finisher = Callable[[Services, JobRecord, Any, Progress], Awaitable[CallToolResult]]


async def conclude_job(
    svc: Services,
    record: JobRecord,
    job: Any,
    *,
    waited: float,
    progress: Progress,
    get_tool: str,
    finish: Finisher,
) -> CallToolResult:
    """The reply once polling ended: still running after `waited` s, failed, or finished (download and store)."""
    if job is None:
        out = job_out(svc, record, note=f"Still {record.status} after {waited:g} s of polling.")
        return reply_with_file(job_text(out, get_tool), out, None)
    if job.is_failed:
        await save_job(svc, record, polling="done")
        raise failure_error(record, job.status)
    try:
        return await finish(svc, record, job, progress)
    except UpstreamError as exc:
        raise keeps_running(exc, record, get_tool) from exc


async def check_job_once(
    svc: Services,
    progress: Progress,
    *,
    kind: ExportKind,
    job_id: int,
    source: str | None,
    source_param: str,
    unknown_type: str,
    get: Getter,
    get_tool: str,
    finish: Finisher,
) -> CallToolResult:
    """One look at a job (the get_* tools): the stored file when there is one, else upstream's status, and
    the download once it is COMPLETED. `source` (contract or CRM instance) is needed for a job not started here."""
    record = await export_store(svc).get_job(kind, job_id, sandbox=svc.snap.sandbox)
    if record is not None and source in (None, record.source):
        if served := await stored_reply(svc, record, get_tool):
            return served
    else:
        if source is None:
            raise ToolError(f"Job {job_id} was not started from this server: pass its '{source_param}' too.")
        record = new_record(svc, kind, job_id, unknown_type, source, "UNKNOWN")
    record, job = await get(svc, record)
    if job.is_failed:
        await save_job(svc, record, polling="done")
        raise failure_error(record, job.status)
    if job.is_pending:
        out = job_out(svc, record)
        return reply_with_file(job_text(out, get_tool), out, None)
    return await finish(svc, record, job, progress)


async def still_running(svc: Services, records: list[JobRecord], get: Getter) -> list[JobRecord]:
    """Check recorded running jobs upstream once; keep those still ENQUEUED/PROCESSING there."""
    alive = []
    for record in records:
        try:
            record, _job = await get(svc, record)
        except NotFoundError:  # unknown upstream (e.g. a restarted sandbox): nothing runs
            await save_job(svc, record, status="UNKNOWN", polling="done")
            continue
        if record.pending:
            alive.append(record)
    return alive


async def store_file(
    svc: Services, record: JobRecord, content: bytes, kind: ExportKind
) -> tuple[JobRecord, StoredExport]:
    """Keep the downloaded file with its summary and link it to the job record."""
    summary = summarize(kind, content.decode("utf-8-sig"))
    stored = await export_store(svc).save_export(
        kind,
        content,
        created_at=svc.clock.now(),
        rows=summary.rows,
        job_id=record.job_id,
        source=record.source,
        range_start=record.range_start,
        range_end=record.range_end,
        summary=summary.model_dump(mode="json"),
        sandbox=svc.snap.sandbox,
    )
    record = await save_job(svc, record, export_type=kind, export_id=stored.export_id, polling="done")
    return record, stored


async def stored_reply(svc: Services, record: JobRecord | None, get_tool: str) -> CallToolResult | None:
    """The reply for a job whose file is already stored (no upstream call), or None."""
    if record is None or record.export_id is None:
        return None
    stored = await export_store(svc).get_export(record.export_id)
    if stored is None:
        return None
    out = job_out(svc, record, stored=stored, note="Served from the stored file (no upstream call).")
    return reply_with_file(job_text(out, get_tool), out, stored)


async def running_jobs(
    svc: Services, kind: Literal["analytics", "crm"], export_type: str, source: str
) -> list[JobRecord]:
    """Jobs of this kind and source started from here (or a process sharing the data dir) and not yet finished."""
    now = svc.clock.now()
    return [
        job
        for job in await export_store(svc).jobs(kind, sandbox=svc.snap.sandbox)
        if job.export_type == export_type and job.source == source and job.pending and now - job.created_at < STALE_JOB
    ]


def new_record(
    svc: Services,
    kind: Literal["analytics", "crm"],
    job_id: int,
    export_type: str,
    source: str,
    status: str,
    *,
    range_start: datetime | None = None,
    range_end: datetime | None = None,
) -> JobRecord:
    now = svc.clock.now()
    return JobRecord(
        kind=kind,
        job_id=job_id,
        export_type=export_type,
        source=source,
        range_start=range_start,
        range_end=range_end,
        status=status,
        created_at=now,
        updated_at=now,
        sandbox=svc.snap.sandbox,
    )

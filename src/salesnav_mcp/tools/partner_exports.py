"""Analytics export tools (seat, activity, activity outcome data) on the partner API.

`run_analytics_export` does the whole job for the user: check the range and the contract's
reporting access, create the job, poll it with backoff while reporting progress, download the
CSV (asking for a fresh link when the old one expired), store it and summarise it.
`start_analytics_export` / `get_analytics_export` are the same steps for clients that poll.

LinkedIn runs one job per export type per contract at a time. Runs of the same kind queue up
inside a server; a job still running that was started here (or by another process sharing the
data directory) is waited for by `run_*` and named by `start_*` when it refuses; a job started
elsewhere shows up as upstream's 409, reported as such.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.models.snap import MAX_EXPORT_RANGE_DAYS, AnalyticsExportAction, AnalyticsExportJob
from salesnav_mcp.operations.services import Services
from salesnav_mcp.tools._export_jobs import (
    ExportJobOut,
    JobId,
    MaxWait,
    Progress,
    check_job_once,
    conclude_job,
    follow_job,
    job_out,
    job_text,
    new_record,
    poll_job,
    running_jobs,
    save_job,
    still_running,
    store_file,
)
from salesnav_mcp.tools._partner import (
    ContractParam,
    contract_urn,
    export_store,
    job_lock,
    reply_with_file,
    reporting_contract,
    toolset,
)
from salesnav_mcp.tools._runtime import services
from salesnav_mcp.tools.export_summary import read_rows
from salesnav_mcp.tools.exports import JobRecord
from salesnav_mcp.upstream.errors import (
    ConflictError,
    DownloadExpiredError,
    NotFoundError,
    UpstreamFailure,
)

logger = logging.getLogger("salesnav_mcp.tools.partner")

ExportType = Literal["seat", "activity", "activity_outcome"]
ACTIONS: dict[str, AnalyticsExportAction] = {
    "seat": AnalyticsExportAction.SEAT,
    "activity": AnalyticsExportAction.ACTIVITY,
    "activity_outcome": AnalyticsExportAction.ACTIVITY_OUTCOME,
}
STEPS = 4  # created, processing, completed, stored
POLLING = {"ENQUEUED": 1, "PROCESSING": 2}
WAITING = {"ENQUEUED": 0, "PROCESSING": 0}  # queued behind another job
DEFAULT_RANGE_DAYS = 30
GET_TOOL = "get_analytics_export"

TypeParam = Annotated[
    ExportType,
    Field(description="seat (seat holders, status, SSI), activity (searches, views, messages...), activity_outcome."),
]
StartDate = Annotated[
    date | None,
    Field(description=f"First day (UTC, YYYY-MM-DD), inclusive. Default: {DEFAULT_RANGE_DAYS} days up to end_date."),
]
EndDate = Annotated[date | None, Field(description="Last day (UTC, YYYY-MM-DD), inclusive. Default: today.")]


def export_range(now: datetime, start_date: date | None, end_date: date | None) -> tuple[datetime, datetime]:
    """Inclusive UTC days as [start, end) instants: at most 90 days, start before end, ending no later than now."""
    end_date = end_date or now.date()
    start_date = start_date or end_date - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start_date > end_date:
        raise ToolError(f"start_date {start_date} is after end_date {end_date}; give a start on or before the end.")
    days = (end_date - start_date).days + 1
    if days > MAX_EXPORT_RANGE_DAYS:
        last = start_date + timedelta(days=MAX_EXPORT_RANGE_DAYS - 1)
        raise ToolError(
            f"The range {start_date}..{end_date} spans {days} days; LinkedIn exports at most "
            f"{MAX_EXPORT_RANGE_DAYS} days per job. Split it, e.g. {start_date}..{last} first."
        )
    start = datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC)
    end = datetime(end_date.year, end_date.month, end_date.day, tzinfo=UTC) + timedelta(days=1)
    now = now.astimezone(UTC).replace(microsecond=0)
    if start >= now:
        raise ToolError(f"start_date {start_date} is in the future; there is no data to export yet.")
    return start, min(end, now)


async def _get(svc: Services, record: JobRecord) -> tuple[JobRecord, AnalyticsExportJob]:
    job = await svc.snap.get_analytics_export(record.job_id, contract=record.source)
    if job.status != record.status:
        record = await save_job(svc, record, status=job.status)
    return record, job


async def _download(svc: Services, record: JobRecord, job: AnalyticsExportJob) -> bytes:
    """The file behind a COMPLETED job; an expired link is renewed once by getting the job again."""
    for attempt in (1, 2):
        if not job.download_url:
            raise UpstreamFailure(f"Export job {record.job_id} is COMPLETED but LinkedIn gave no download link.")
        try:
            return (await svc.snap.download_export(job.download_url, expire_at=job.expire_at)).content
        except DownloadExpiredError:
            if attempt == 2:
                raise
            logger.info("The download link of export job %s expired; getting a fresh one", record.job_id)
            record, job = await _get(svc, record)
    raise AssertionError("unreachable")


def _type_of(content: bytes) -> ExportType:
    """A job not started here does not say its type; its columns do."""
    columns, _ = read_rows(content.decode("utf-8-sig").split("\n", 1)[0])
    if "outcome" in columns:
        return "activity_outcome"
    if "seatStatus" in columns:
        return "seat"
    return "activity"


async def _finish(svc: Services, record: JobRecord, job: AnalyticsExportJob, progress: Progress) -> CallToolResult:
    await progress.step(3, f"Job {record.job_id}: COMPLETED, downloading")
    content = await _download(svc, record, job)
    kind = record.export_type if record.export_type in ACTIONS else _type_of(content)
    record, stored = await store_file(svc, record, content, kind)  # type: ignore[arg-type]
    await progress.step(4, f"Stored {stored.rows} rows as {stored.uri}")
    out = job_out(svc, record, stored=stored, upstream_rows=job.row_count)
    return reply_with_file(job_text(out, GET_TOOL), out, stored)


async def _queue_behind(svc: Services, running: list[JobRecord], *, deadline: float, progress: Progress) -> None:
    """Wait for jobs of the same kind still running (any outcome) before starting another."""
    for other in running:
        await progress.step(0, f"Waiting for job {other.job_id} ({other.export_type}, {other.status}) to finish")
        try:
            finished, job = await poll_job(
                svc, other, _get, deadline=deadline, progress=progress, steps=WAITING, get_tool=GET_TOOL
            )
        except NotFoundError:
            await save_job(svc, other, status="UNKNOWN", polling="done")  # gone upstream: nothing to wait for
            continue
        if job is None:
            raise ToolError(
                f"LinkedIn runs one {other.export_type} export per contract at a time, and job {other.job_id} is "
                f"still {finished.status}. Nothing new was started; follow it with {GET_TOOL}(job_id={other.job_id}) "
                "or try again later."
            )


async def _create(svc: Services, export_type: str, contract: str, start: datetime, end: datetime) -> JobRecord:
    try:
        job = await svc.snap.create_analytics_export(
            ACTIONS[export_type], contract=contract, start_at=start, end_at=end
        )
    except ConflictError as exc:
        raise ToolError(
            f"LinkedIn is still running another {export_type} export on {contract} (not started from this "
            "server); it allows one job per export type per contract at a time. Nothing new was started; try "
            "again in a few minutes."
        ) from exc
    record = new_record(svc, "analytics", job.id, export_type, contract, job.status, range_start=start, range_end=end)
    await export_store(svc).save_job(record)
    return record


@toolset.tool(title="Run an analytics export", read_only=False, destructive=False, idempotent=False)
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
    start, end = export_range(svc.clock.now(), start_date, end_date)
    chosen = await reporting_contract(svc, contract)
    progress = Progress(ctx, STEPS)
    deadline = svc.clock.monotonic() + max_wait_seconds
    async with job_lock(svc, "analytics", export_type, chosen.contract):
        running = await running_jobs(svc, "analytics", export_type, chosen.contract)
        await _queue_behind(svc, running, deadline=deadline, progress=progress)
        record = await _create(svc, export_type, chosen.contract, start, end)
        await progress.step(1, f"Job {record.job_id} created ({record.status})")
        record, job = await follow_job(
            svc, record, _get, deadline=deadline, progress=progress, steps=POLLING, get_tool=GET_TOOL
        )
    return await conclude_job(
        svc, record, job, waited=max_wait_seconds, progress=progress, get_tool=GET_TOOL, finish=_finish
    )


@toolset.tool(title="Start an analytics export", read_only=False, destructive=False, idempotent=False)
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
    start, end = export_range(svc.clock.now(), start_date, end_date)
    chosen = await reporting_contract(svc, contract)
    async with job_lock(svc, "analytics", export_type, chosen.contract):
        running = await still_running(svc, await running_jobs(svc, "analytics", export_type, chosen.contract), _get)
        if running:
            other = running[0]
            raise ToolError(
                f"LinkedIn runs one {export_type} export per contract at a time, and job {other.job_id} (started "
                f"here) is still {other.status}. Nothing new was started; follow it with "
                f"{GET_TOOL}(job_id={other.job_id})."
            )
        record = await _create(svc, export_type, chosen.contract, start, end)
    out = job_out(svc, record)
    return reply_with_file(job_text(out, GET_TOOL), out, None)


@toolset.tool(title="Check an analytics export", read_only=True)
async def get_analytics_export(
    ctx: Context, job_id: JobId, contract: ContractParam = None
) -> Annotated[CallToolResult, ExportJobOut]:
    """Check an analytics export job once. When it is COMPLETED, download and store its CSV and return the
    summary with the file as a resource (later calls serve the stored file). A failed job is an error naming
    the cause. 'contract' is needed only for jobs not started from this server."""
    svc = services(ctx)
    return await check_job_once(
        svc,
        Progress(ctx, STEPS),
        kind="analytics",
        job_id=job_id,
        source=contract_urn(contract) if contract else None,
        source_param="contract",
        unknown_type="unknown",
        get=_get,
        get_tool=GET_TOOL,
        finish=_finish,
    )

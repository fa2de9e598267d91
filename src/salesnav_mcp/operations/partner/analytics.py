"""Analytics exports (seat, activity, activity outcome data) on the partner API.

`run_export` does the whole job: check the range and the contract's reporting access, create
the job, poll it with backoff while reporting progress, download the CSV (asking for a fresh
link when the old one expired), store it and summarise it. `start_export` / `check_export`
are the same steps for clients that poll.

LinkedIn runs one job per export type per contract at a time. Runs of the same kind queue up
inside a server; a job still running that was started here (or by another process sharing the
data directory) is waited for by `run_export` and named by `start_export` when it refuses; a
job started elsewhere shows up as upstream's 409, reported as such.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from salesnav_mcp.models.snap import MAX_EXPORT_RANGE_DAYS, AnalyticsExportAction, AnalyticsExportJob
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.partner.contracts import contract_urn, reporting_contract
from salesnav_mcp.operations.partner.files import JobRecord, export_store
from salesnav_mcp.operations.partner.jobs import (
    JobKind,
    JobView,
    check_job,
    job_lock,
    logger,
    new_record,
    poll_job,
    run_job,
    running_jobs,
    save_job,
    still_running,
    store_file,
)
from salesnav_mcp.operations.partner.summary import read_rows
from salesnav_mcp.operations.progress import Progress, ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import ConflictError, DownloadExpiredError, NotFoundError, UpstreamFailure

ExportType = Literal["seat", "activity", "activity_outcome"]
ACTIONS: dict[str, AnalyticsExportAction] = {
    "seat": AnalyticsExportAction.SEAT,
    "activity": AnalyticsExportAction.ACTIVITY,
    "activity_outcome": AnalyticsExportAction.ACTIVITY_OUTCOME,
}
WAITING = {"ENQUEUED": 0, "PROCESSING": 0}  # queued behind another job
DEFAULT_RANGE_DAYS = 30


def export_range(now: datetime, start_date: date | None, end_date: date | None) -> tuple[datetime, datetime]:
    """Inclusive UTC days as [start, end) instants: at most 90 days, start before end, ending no later than now."""
    end_date = end_date or now.date()
    start_date = start_date or end_date - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if start_date > end_date:
        raise OperationError(
            f"start_date {start_date} is after end_date {end_date}; give a start on or before the end."
        )
    days = (end_date - start_date).days + 1
    if days > MAX_EXPORT_RANGE_DAYS:
        last = start_date + timedelta(days=MAX_EXPORT_RANGE_DAYS - 1)
        raise OperationError(
            f"The range {start_date}..{end_date} spans {days} days; LinkedIn exports at most "
            f"{MAX_EXPORT_RANGE_DAYS} days per job. Split it, e.g. {start_date}..{last} first."
        )
    start = datetime(start_date.year, start_date.month, start_date.day, tzinfo=UTC)
    end = datetime(end_date.year, end_date.month, end_date.day, tzinfo=UTC) + timedelta(days=1)
    now = now.astimezone(UTC).replace(microsecond=0)
    if start >= now:
        raise OperationError(f"start_date {start_date} is in the future; there is no data to export yet.")
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


async def _finish(svc: Services, record: JobRecord, job: AnalyticsExportJob, progress: Progress) -> JobView:
    await progress.step(3, f"Job {record.job_id}: COMPLETED, downloading")
    content = await _download(svc, record, job)
    kind = record.export_type if record.export_type in ACTIONS else _type_of(content)
    record, stored = await store_file(svc, record, content, kind)  # type: ignore[arg-type]
    await progress.step(4, f"Stored {stored.rows} rows as {stored.uri}")
    return JobView(record, stored=stored, upstream_rows=job.row_count)


ANALYTICS = JobKind(
    family="analytics",
    get=_get,
    finish=_finish,
    steps=4,  # created, processing, completed, stored
    polling={"ENQUEUED": 1, "PROCESSING": 2},
    get_tool="export_analytics",
    source_param="contract",
    unknown_type="unknown",
)


async def _queue_behind(svc: Services, running: list[JobRecord], *, deadline: float, progress: Progress) -> None:
    """Wait for jobs of the same kind still running (any outcome) before starting another."""
    for other in running:
        await progress.step(0, f"Waiting for job {other.job_id} ({other.export_type}, {other.status}) to finish")
        try:
            finished, job = await poll_job(svc, ANALYTICS, other, deadline=deadline, progress=progress, steps=WAITING)
        except NotFoundError:
            await save_job(svc, other, status="UNKNOWN", polling="done")  # gone upstream: nothing to wait for
            continue
        if job is None:
            raise OperationError(
                f"LinkedIn runs one {other.export_type} export per contract at a time, and job {other.job_id} is "
                f"still {finished.status}. Nothing new was started; follow it with "
                f"{ANALYTICS.get_tool}(job_id={other.job_id}) or try again later."
            )


async def _create(svc: Services, export_type: str, contract: str, start: datetime, end: datetime) -> JobRecord:
    try:
        job = await svc.snap.create_analytics_export(
            ACTIONS[export_type], contract=contract, start_at=start, end_at=end
        )
    except ConflictError as exc:
        raise OperationError(
            f"LinkedIn is still running another {export_type} export on {contract} (not started from this "
            "server); it allows one job per export type per contract at a time. Nothing new was started; try "
            "again in a few minutes."
        ) from exc
    record = new_record(svc, ANALYTICS, job.id, export_type, contract, job.status, range_start=start, range_end=end)
    await export_store(svc).save_job(record)
    return record


async def run_export(
    svc: Services,
    export_type: ExportType,
    start_date: date | None,
    end_date: date | None,
    contract: str | None,
    *,
    max_wait_seconds: int,
    report: ReportProgress,
) -> JobView:
    """Export and wait: behind any job of the same type still running on the contract, then create and follow."""
    start, end = export_range(svc.clock.now(), start_date, end_date)
    chosen = await reporting_contract(svc, contract)

    async def wait_for_running(deadline: float, progress: Progress) -> None:
        running = await running_jobs(svc, ANALYTICS, export_type, chosen.contract)
        await _queue_behind(svc, running, deadline=deadline, progress=progress)

    return await run_job(
        svc,
        ANALYTICS,
        lambda: _create(svc, export_type, chosen.contract, start, end),
        key=(export_type, chosen.contract),
        max_wait_seconds=max_wait_seconds,
        report=report,
        wait_first=wait_for_running,
    )


async def start_export(
    svc: Services, export_type: ExportType, start_date: date | None, end_date: date | None, contract: str | None
) -> JobView:
    """Create the job and return at once; refused, naming the job, while one of the same type runs here."""
    start, end = export_range(svc.clock.now(), start_date, end_date)
    chosen = await reporting_contract(svc, contract)
    async with job_lock(svc, ANALYTICS.family, export_type, chosen.contract):
        running = await still_running(svc, ANALYTICS, await running_jobs(svc, ANALYTICS, export_type, chosen.contract))
        if running:
            other = running[0]
            raise OperationError(
                f"LinkedIn runs one {export_type} export per contract at a time, and job {other.job_id} (started "
                f"here) is still {other.status}. Nothing new was started; follow it with "
                f"{ANALYTICS.get_tool}(job_id={other.job_id})."
            )
        return JobView(await _create(svc, export_type, chosen.contract, start, end))


async def check_export(svc: Services, job_id: int, contract: str | None, report: ReportProgress) -> JobView:
    return await check_job(svc, ANALYTICS, job_id, contract_urn(contract) if contract else None, report)

"""CRM data validation exports on the partner API: records checked against LinkedIn, in CSV parts.

They follow the analytics pattern (run = start, poll with progress, download every part, merge,
store, summarise; start/check for clients that poll). Each finished export says where the next
incremental one starts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from salesnav_mcp.models.common import epoch_to_datetime
from salesnav_mcp.models.snap import CrmValidationExportJob, crm_instance_urn
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.partner.files import JobRecord, export_store
from salesnav_mcp.operations.partner.jobs import (
    JobKind,
    JobView,
    check_job,
    logger,
    new_record,
    run_job,
    save_job,
    store_file,
)
from salesnav_mcp.operations.partner.summary import merge_csv
from salesnav_mcp.operations.progress import Progress, ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import ConflictError, DownloadExpiredError, UpstreamFailure

DEFAULT_SINCE_DAYS = 30


async def _get(svc: Services, record: JobRecord) -> tuple[JobRecord, CrmValidationExportJob]:
    job = await svc.snap.get_crm_validation_export(record.job_id, crm_instance=record.source)
    if job.status != record.status:
        record = await save_job(svc, record, status=job.status)
    return record, job


async def _download(
    svc: Services, record: JobRecord, job: CrmValidationExportJob
) -> tuple[bytes, CrmValidationExportJob]:
    """Every part of a COMPLETED export merged into one CSV; expired links are renewed once."""
    for attempt in (1, 2):
        if not job.download_urls:
            raise UpstreamFailure(f"CRM validation job {record.job_id} is COMPLETED but LinkedIn gave no files.")
        try:
            parts = [
                (await svc.snap.download_export(url, expire_at=job.expire_at)).content for url in job.download_urls
            ]
        except DownloadExpiredError:
            if attempt == 2:
                raise
            logger.info("The download links of CRM validation job %s expired; getting fresh ones", record.job_id)
            record, job = await _get(svc, record)
            continue
        try:
            return merge_csv(parts), job
        except ValueError as exc:
            raise UpstreamFailure(f"CRM validation job {record.job_id}: {exc}.") from None
    raise AssertionError("unreachable")


async def _finish(svc: Services, record: JobRecord, job: CrmValidationExportJob, progress: Progress) -> JobView:
    await progress.step(2, f"Job {record.job_id}: COMPLETED, downloading {len(job.download_urls or [])} file(s)")
    content, job = await _download(svc, record, job)
    record, stored = await store_file(svc, record, content, "crm_validation")
    await progress.step(3, f"Stored {stored.rows} rows as {stored.uri}")
    return JobView(record, stored=stored, next_start=job.next_export_start_at)


CRM_VALIDATION = JobKind(
    family="crm",
    get=_get,
    finish=_finish,
    steps=3,  # created, completed, stored
    polling={"ENQUEUED": 1, "PROCESSING": 1},
    get_tool="export_crm_validation",
    source_param="crm_instance",
    unknown_type="crm_validation",
)


def _since(now: datetime, since: date | None) -> datetime:
    if since is None:
        return now - timedelta(days=DEFAULT_SINCE_DAYS)
    moment = datetime(since.year, since.month, since.day, tzinfo=UTC)
    if moment > now:
        raise OperationError(f"since {since} is in the future; give a day on or before today.")
    return moment


async def _create(svc: Services, urn: str, since: date | None) -> JobRecord:
    start = _since(svc.clock.now(), since)
    try:
        job = await svc.snap.create_crm_validation_export(urn, export_start_at=start)
    except ConflictError as exc:
        raise OperationError(
            f"LinkedIn is still running a CRM validation export for {urn}; nothing new was started. "
            "Try again in a few minutes."
        ) from exc
    since_at = epoch_to_datetime(job.export_start_at) or start
    record = new_record(svc, CRM_VALIDATION, job.job_id, "crm_validation", urn, job.status, range_start=since_at)
    await export_store(svc).save_job(record)
    return record


async def run_export(
    svc: Services, crm_instance: str, since: date | None, *, max_wait_seconds: int, report: ReportProgress
) -> JobView:
    urn = crm_instance_urn(crm_instance.strip())
    return await run_job(
        svc,
        CRM_VALIDATION,
        lambda: _create(svc, urn, since),
        key=(urn,),
        max_wait_seconds=max_wait_seconds,
        report=report,
    )


async def start_export(svc: Services, crm_instance: str, since: date | None) -> JobView:
    return JobView(await _create(svc, crm_instance_urn(crm_instance.strip()), since))


async def check_export(svc: Services, job_id: int, crm_instance: str | None, report: ReportProgress) -> JobView:
    wanted = crm_instance_urn(crm_instance.strip()) if crm_instance and crm_instance.strip() else None
    return await check_job(svc, CRM_VALIDATION, job_id, wanted, report)

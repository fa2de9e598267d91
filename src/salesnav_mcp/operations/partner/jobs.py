"""The runner every partner export job goes through: create, poll with backoff and progress, download, store.

Each kind of job (analytics, CRM validation) is described once by a `JobKind`: how to check it
upstream, how to download and store a finished one, its progress steps, and the tool that
follows it later. Job records and files live in the export store (files.py).

Polling starts short and backs off geometrically: the first status check 0.2 s after creation, then
each wait twice the last, up to 30 s. A job done in a second is picked up within one; a job that takes an
hour costs about as many checks as a fixed 30 s interval would (upstream throttles the partner API per
app and member per day, so the number of checks, not their spacing in the first seconds, is what counts).
Polling sleeps go through `services.clock` (tests use a manual clock). Cancelling a call stops
the polling only: the upstream job keeps running, its record says polling stopped, a warning
is logged, and the kind's get tool picks it up later.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import anyio

from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.partner.files import (
    ExportKind,
    JobFamily,
    JobRecord,
    StoredExport,
    export_store,
)
from salesnav_mcp.operations.partner.summary import summarize
from salesnav_mcp.operations.progress import Progress, ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.upstream.errors import NotFoundError, UpstreamError

logger = logging.getLogger("salesnav_mcp.operations.partner")

FIRST_POLL = 0.2  # seconds before the first status check
POLL_GROWTH = 2.0  # each wait is this many times the last ...
MAX_POLL = 30.0  # ... up to this
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


@dataclass(frozen=True)
class JobView:
    """Where a job stands: its record, and once finished its stored file."""

    record: JobRecord
    stored: StoredExport | None = None
    upstream_rows: int | None = None  # rows LinkedIn said the file has
    next_start: int | None = None  # CRM validation: epoch ms where the next incremental export starts
    note: str | None = None


Getter = Callable[[Services, JobRecord], Awaitable[tuple[JobRecord, Any]]]
Finisher = Callable[[Services, JobRecord, Any, Progress], Awaitable[JobView]]


@dataclass(frozen=True)
class JobKind:
    """One kind of export job, as the runner drives it."""

    family: JobFamily  # where its records are kept
    get: Getter  # one status check upstream, recorded: (services, record) -> (record, job)
    finish: Finisher  # download and store a COMPLETED job
    steps: int  # progress steps from creation to the stored file
    polling: Mapping[str, int]  # pending status -> the progress step it stands at
    get_tool: str  # the tool that follows a job later; replies and errors name it
    source_param: str  # that tool's parameter naming the contract or CRM instance
    unknown_type: str  # the export type recorded for a job not started here


# ----------------------------------------------------------------------------- records and refusals


def new_record(
    svc: Services,
    kind: JobKind,
    job_id: int,
    export_type: str,
    source: str,
    status: str,
    *,
    range_start: Any = None,
    range_end: Any = None,
) -> JobRecord:
    now = svc.clock.now()
    return JobRecord(
        kind=kind.family,
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


async def save_job(svc: Services, record: JobRecord, **changes: Any) -> JobRecord:
    updated = record.model_copy(update={**changes, "updated_at": svc.clock.now()})
    await export_store(svc).save_job(updated)
    return updated


def failure_error(record: JobRecord, status: str) -> OperationError:
    """A FAILED_* status as an error that names the cause and what to do."""
    cause = FAILURES.get(status, "LinkedIn gave no further reason")
    what = TYPE_NAMES.get(record.export_type, "Analytics")
    span = ""
    if record.range_start and record.range_end:
        last_day = record.range_end - timedelta(microseconds=1)
        span = f" for {record.range_start:%Y-%m-%d}..{last_day:%Y-%m-%d}"
    elif record.range_start:
        span = f" since {record.range_start:%Y-%m-%d}"
    return OperationError(f"{what} export job {record.job_id}{span} failed with {status}: {cause}.")


def keeps_running(exc: UpstreamError, record: JobRecord, kind: JobKind) -> OperationError:
    """An upstream failure after the job was created: the job itself is not lost, say how to follow it."""
    return OperationError(
        f"{exc} Job {record.job_id} was created at LinkedIn and is not affected; follow it with "
        f"{kind.get_tool}(job_id={record.job_id})."
    )


_locks: weakref.WeakKeyDictionary[object, dict[tuple[str, ...], anyio.Lock]] = weakref.WeakKeyDictionary()


def job_lock(svc: Services, *key: str) -> anyio.Lock:
    """One lock per export kind and source within this server: runs of the same kind queue up here
    instead of tripping upstream's one-job-at-a-time rule."""
    per_server = _locks.setdefault(svc.snap, {})
    return per_server.setdefault(key, anyio.Lock())


async def running_jobs(svc: Services, kind: JobKind, export_type: str, source: str) -> list[JobRecord]:
    """Jobs of this kind and source started from here (or a process sharing the data dir) and not yet finished."""
    now = svc.clock.now()
    return [
        job
        for job in await export_store(svc).jobs(kind.family, sandbox=svc.snap.sandbox)
        if job.export_type == export_type and job.source == source and job.pending and now - job.created_at < STALE_JOB
    ]


async def still_running(svc: Services, kind: JobKind, records: list[JobRecord]) -> list[JobRecord]:
    """Check recorded running jobs upstream once; keep those still ENQUEUED/PROCESSING there."""
    alive = []
    for record in records:
        try:
            record, _job = await kind.get(svc, record)
        except NotFoundError:  # unknown upstream (e.g. a restarted sandbox): nothing runs
            await save_job(svc, record, status="UNKNOWN", polling="done")
            continue
        if record.pending:
            alive.append(record)
    return alive


# ----------------------------------------------------------------------------- polling


def backoff(poll: int) -> float:
    """Seconds to wait before status check number `poll` (0: the first after creation)."""
    return min(MAX_POLL, FIRST_POLL * POLL_GROWTH ** min(poll, 32))


async def poll_job(
    svc: Services,
    kind: JobKind,
    record: JobRecord,
    *,
    deadline: float,
    progress: Progress,
    steps: Mapping[str, int] | None = None,
) -> tuple[JobRecord, Any]:
    """Check the job with backoff until it leaves ENQUEUED/PROCESSING: (record, job), or (record, None) when
    the deadline (clock.monotonic) comes first. `steps` (default: the kind's) maps a pending status to its
    progress step."""
    steps = kind.polling if steps is None else steps
    poll = 0
    try:
        while True:
            delay = backoff(poll)
            if svc.clock.monotonic() + delay > deadline:
                return await save_job(svc, record, polling="stopped"), None
            await svc.clock.sleep(delay)
            record, job = await kind.get(svc, record)
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
            kind.get_tool,
            record.job_id,
        )
        raise


async def run_job(
    svc: Services,
    kind: JobKind,
    create: Callable[[], Awaitable[JobRecord]],
    *,
    key: tuple[str, ...],
    max_wait_seconds: int,
    report: ReportProgress,
    wait_first: Callable[[float, Progress], Awaitable[None]] | None = None,
) -> JobView:
    """Create a job and follow it until its file is stored, or until `max_wait_seconds` have passed.

    Runs of the same kind and `key` take turns inside this server; `wait_first(deadline, progress)`
    runs in that turn before the job is created (e.g. to wait for a job still running upstream).
    """
    progress = Progress(report, kind.steps)
    deadline = svc.clock.monotonic() + max_wait_seconds
    async with job_lock(svc, kind.family, *key):
        if wait_first is not None:
            await wait_first(deadline, progress)
        record = await create()
        await progress.step(1, f"Job {record.job_id} created ({record.status})")
        try:
            record, job = await poll_job(svc, kind, record, deadline=deadline, progress=progress)
        except UpstreamError as exc:
            raise keeps_running(exc, record, kind) from exc
    if job is None:
        return JobView(record, note=f"Still {record.status} after {max_wait_seconds:g} s of polling.")
    try:
        return await _settle(svc, kind, record, job, progress)
    except UpstreamError as exc:
        raise keeps_running(exc, record, kind) from exc


async def check_job(svc: Services, kind: JobKind, job_id: int, source: str | None, report: ReportProgress) -> JobView:
    """One look at a job (the get tools): the stored file when there is one, else upstream's status, and
    the download once it is COMPLETED. `source` (contract or CRM instance) is needed for a job not started here."""
    record = await export_store(svc).get_job(kind.family, job_id, sandbox=svc.snap.sandbox)
    if record is not None and source in (None, record.source):
        if served := await stored_view(svc, record):
            return served
    else:
        if source is None:
            raise OperationError(f"Job {job_id} was not started from this server: pass its '{kind.source_param}' too.")
        record = new_record(svc, kind, job_id, kind.unknown_type, source, "UNKNOWN")
    record, job = await kind.get(svc, record)
    if job.is_pending:
        return JobView(record)
    return await _settle(svc, kind, record, job, Progress(report, kind.steps))


async def _settle(svc: Services, kind: JobKind, record: JobRecord, job: Any, progress: Progress) -> JobView:
    """A job that left the queue: failed (an error naming the cause) or finished (downloaded and stored)."""
    if job.is_failed:
        await save_job(svc, record, polling="done")
        raise failure_error(record, job.status)
    return await kind.finish(svc, record, job, progress)


# ----------------------------------------------------------------------------- files


async def store_file(
    svc: Services, record: JobRecord, content: bytes, export_kind: ExportKind
) -> tuple[JobRecord, StoredExport]:
    """Keep the downloaded file with its summary and link it to the job record."""
    summary = summarize(export_kind, content.decode("utf-8-sig"))
    stored = await export_store(svc).save_export(
        export_kind,
        content,
        created_at=svc.clock.now(),
        rows=summary.rows,
        job_id=record.job_id,
        source=record.source,
        range_start=record.range_start,
        range_end=record.range_end,
        summary=summary.model_dump(mode="json"),
        sandbox=svc.snap.sandbox,
        created_by=svc.actor(),
    )
    record = await save_job(svc, record, export_type=export_kind, export_id=stored.export_id, polling="done")
    return record, stored


async def stored_view(svc: Services, record: JobRecord | None) -> JobView | None:
    """A job whose file is already stored (no upstream call), or None."""
    if record is None or record.export_id is None:
        return None
    stored = await export_store(svc).get_export(record.export_id)
    if stored is None:
        return None
    return JobView(record, stored=stored, note="Served from the stored file (no upstream call).")

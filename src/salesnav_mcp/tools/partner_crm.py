"""CRM tools on the partner API: data validation exports and profile matching.

Validation exports follow the analytics pattern (run = start, poll with progress, download every
part, merge, store, summarise; start/get for clients that poll). Profile matching looks CRM
records up in batches of at most 100 (upstream's limit) and keys every answer back to the
caller's record: matched, not matched (no high-confidence match) or error.
"""

from __future__ import annotations

import csv
import io
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult
from pydantic import BaseModel, ConfigDict, Field

from salesnav_mcp.models.common import epoch_to_datetime
from salesnav_mcp.models.snap import (
    MAX_BATCH_KEYS,
    CrmValidationExportJob,
    ProfileAssociation,
    ProfileAssociationKey,
    crm_instance_urn,
)
from salesnav_mcp.operations.results import Result
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
    save_job,
    store_file,
)
from salesnav_mcp.tools._partner import export_store, job_lock, reply_with_file, toolset
from salesnav_mcp.tools._runtime import reply, services
from salesnav_mcp.tools.export_summary import merge_csv
from salesnav_mcp.tools.exports import JobRecord, StoredExport
from salesnav_mcp.upstream.errors import (
    AuthenticationError,
    ConflictError,
    DownloadExpiredError,
    PermissionDeniedError,
    UpstreamError,
    UpstreamFailure,
)

logger = logging.getLogger("salesnav_mcp.tools.partner")

STEPS = 3  # created, completed, stored
POLLING = {"ENQUEUED": 1, "PROCESSING": 1}
DEFAULT_SINCE_DAYS = 30
GET_TOOL = "get_crm_validation_export"
MAX_RECORDS = 10_000  # per call: 100 upstream batches
INLINE_RESULTS = 200  # larger answers are stored as a CSV resource

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


# ----------------------------------------------------------------------------- data validation exports


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


async def _finish(svc: Services, record: JobRecord, job: CrmValidationExportJob, progress: Progress) -> CallToolResult:
    await progress.step(2, f"Job {record.job_id}: COMPLETED, downloading {len(job.download_urls or [])} file(s)")
    content, job = await _download(svc, record, job)
    record, stored = await store_file(svc, record, content, "crm_validation")
    await progress.step(3, f"Stored {stored.rows} rows as {stored.uri}")
    out = job_out(svc, record, stored=stored, next_start=job.next_export_start_at)
    text = job_text(out, GET_TOOL)
    if out.next_export_start_at:
        text += f"\nNext incremental run: since={out.next_export_start_at[:10]}."
    return reply_with_file(text, out, stored)


def _since(now: datetime, since: date | None) -> datetime:
    if since is None:
        return now - timedelta(days=DEFAULT_SINCE_DAYS)
    moment = datetime(since.year, since.month, since.day, tzinfo=UTC)
    if moment > now:
        raise ToolError(f"since {since} is in the future; give a day on or before today.")
    return moment


async def _create(svc: Services, urn: str, since: date | None) -> JobRecord:
    start = _since(svc.clock.now(), since)
    try:
        job = await svc.snap.create_crm_validation_export(urn, export_start_at=start)
    except ConflictError as exc:
        raise ToolError(
            f"LinkedIn is still running a CRM validation export for {urn}; nothing new was started. "
            "Try again in a few minutes."
        ) from exc
    since_at = epoch_to_datetime(job.export_start_at) or start
    record = new_record(svc, "crm", job.job_id, "crm_validation", urn, job.status, range_start=since_at)
    await export_store(svc).save_job(record)
    return record


@toolset.tool(title="Run a CRM data validation export", read_only=False, destructive=False, idempotent=False)
async def run_crm_validation_export(
    ctx: Context, crm_instance: CrmInstance, since: Since = None, max_wait_seconds: MaxWait = 600
) -> Annotated[CallToolResult, ExportJobOut]:
    """Check CRM records against LinkedIn (VALID, NOT_FOUND, CHANGED_JOB, DUPLICATE) and wait for the answer:
    starts the validation export, polls it with progress, downloads and stores the CSV, and returns counts by
    status with the full file as a resource."""
    svc = services(ctx)
    urn = crm_instance_urn(crm_instance.strip())
    progress = Progress(ctx, STEPS)
    deadline = svc.clock.monotonic() + max_wait_seconds
    async with job_lock(svc, "crm", urn):
        record = await _create(svc, urn, since)
        await progress.step(1, f"Job {record.job_id} created ({record.status})")
        record, job = await follow_job(
            svc, record, _get, deadline=deadline, progress=progress, steps=POLLING, get_tool=GET_TOOL
        )
    return await conclude_job(
        svc, record, job, waited=max_wait_seconds, progress=progress, get_tool=GET_TOOL, finish=_finish
    )


@toolset.tool(title="Start a CRM data validation export", read_only=False, destructive=False, idempotent=False)
async def start_crm_validation_export(
    ctx: Context, crm_instance: CrmInstance, since: Since = None
) -> Annotated[CallToolResult, ExportJobOut]:
    """Start a CRM data validation export and return at once with its job id; check it with
    get_crm_validation_export. Prefer run_crm_validation_export, which waits and reports progress."""
    svc = services(ctx)
    record = await _create(svc, crm_instance_urn(crm_instance.strip()), since)
    out = job_out(svc, record)
    return reply_with_file(job_text(out, GET_TOOL), out, None)


@toolset.tool(title="Check a CRM data validation export", read_only=True)
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
    wanted = crm_instance_urn(crm_instance.strip()) if crm_instance and crm_instance.strip() else None
    return await check_job_once(
        svc,
        Progress(ctx, STEPS),
        kind="crm",
        job_id=job_id,
        source=wanted,
        source_param="crm_instance",
        unknown_type="crm_validation",
        get=_get,
        get_tool=GET_TOOL,
        finish=_finish,
    )


# ----------------------------------------------------------------------------- profile matching


class CrmRecord(BaseModel):
    """One CRM record, as the CRM names it."""

    model_config = ConfigDict(extra="forbid")

    instance_id: str = Field(min_length=1, max_length=200, description="The CRM instance id, e.g. sf-instance-001.")
    partner: str = Field(min_length=1, max_length=100, description="The CRM, e.g. SALESFORCE or DYNAMICS.")
    record_id: str = Field(min_length=1, max_length=200, description="The record's id in the CRM.")

    def key(self) -> ProfileAssociationKey:
        return ProfileAssociationKey(instance_id=self.instance_id, partner=self.partner, record_id=self.record_id)


class MatchOut(BaseModel):
    instance_id: str
    partner: str
    record_id: str
    status: Literal["matched", "not_matched", "error"] = Field(
        description="not_matched: LinkedIn has no high-confidence match for the record."
    )
    member: str | None = Field(default=None, description="urn:li:person:<id> of the matched member.")
    profile_url: str | None = Field(default=None, description="Sales Navigator profile URL.")
    profile_photo: str | None = None
    error: str | None = None


class MatchOneOut(Result):
    match: MatchOut


class MatchManyOut(Result):
    records: int = Field(description="Distinct records looked up.")
    duplicates_ignored: int
    matched: int
    not_matched: int
    errors: int
    upstream_batches: int
    results: list[MatchOut] = Field(
        description=f"Every record's answer in input order when at most {INLINE_RESULTS}; otherwise only the "
        "not matched and failed ones (the full answer is in resource_uri)."
    )
    results_complete: bool
    export_id: str | None = None
    resource_uri: str | None = Field(default=None, description="Every record's answer as CSV, for large batches.")


def _matched(record: CrmRecord, found: ProfileAssociation) -> MatchOut:
    return MatchOut(
        **record.model_dump(),
        status="matched",
        member=found.member,
        profile_url=found.profile,
        profile_photo=found.profile_photo,
    )


def _line(m: MatchOut) -> str:
    where = m.profile_url or m.member if m.status == "matched" else (m.error or "no confident match")
    return f"{m.record_id}: {m.status.replace('_', ' ')} ({where})"


@toolset.tool(title="Match a CRM record to LinkedIn", read_only=True)
async def match_crm_record(
    ctx: Context,
    instance_id: Annotated[str, Field(min_length=1, max_length=200, description="The CRM instance id.")],
    partner: Annotated[str, Field(min_length=1, max_length=100, description="The CRM, e.g. SALESFORCE.")],
    record_id: Annotated[str, Field(min_length=1, max_length=200, description="The record's id in the CRM.")],
) -> Annotated[CallToolResult, MatchOneOut]:
    """Find the Sales Navigator profile LinkedIn matched to one CRM record (contact or lead). Only
    high-confidence matches are returned; otherwise the status is not_matched."""
    svc = services(ctx)
    record = CrmRecord(instance_id=instance_id, partner=partner, record_id=record_id)
    found = await svc.snap.get_profile_association(record.key())
    match = _matched(record, found) if found is not None else MatchOut(**record.model_dump(), status="not_matched")
    out = MatchOneOut(match=match, sandbox=svc.snap.sandbox)
    return reply(_line(match) + (" [sandbox]" if out.sandbox else ""), out)


def _results_csv(results: list[MatchOut]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(MatchOut.model_fields)
    writer.writerow(columns)
    for m in results:
        writer.writerow(["" if getattr(m, c) is None else getattr(m, c) for c in columns])
    return buffer.getvalue().encode("utf-8")


async def _match_batch(svc: Services, part: list[CrmRecord]) -> list[MatchOut]:
    batch = await svc.snap.batch_get_profile_associations([r.key() for r in part])
    answers = []
    for record in part:
        key = record.key()
        status = batch.statuses.get(key)
        if (found := batch.results.get(key)) is not None:
            answers.append(_matched(record, found))
        elif status == 404:
            answers.append(MatchOut(**record.model_dump(), status="not_matched"))
        else:
            reason = batch.errors.get(key) or (
                f"HTTP {status}" if status else "LinkedIn did not answer for this record"
            )
            answers.append(MatchOut(**record.model_dump(), status="error", error=reason))
    return answers


@toolset.tool(title="Match CRM records to LinkedIn", read_only=True)
async def match_crm_records(
    ctx: Context,
    records: Annotated[
        list[CrmRecord],
        Field(min_length=1, max_length=MAX_RECORDS, description=f"CRM records to match (1-{MAX_RECORDS:,})."),
    ],
) -> Annotated[CallToolResult, MatchManyOut]:
    """Find the Sales Navigator profiles LinkedIn matched to many CRM records at once (looked up in batches
    of 100, with progress). Every answer is keyed back to its CRM record: matched, not_matched or error.
    Answers for more than 200 records are stored as a CSV resource."""
    svc = services(ctx)
    unique = list({(r.instance_id, r.partner, r.record_id): r for r in records}.values())
    parts = [unique[i : i + MAX_BATCH_KEYS] for i in range(0, len(unique), MAX_BATCH_KEYS)]
    results: list[MatchOut] = []
    failures = 0
    last_error: UpstreamError | None = None
    for n, part in enumerate(parts, start=1):
        try:
            results.extend(await _match_batch(svc, part))
        except (AuthenticationError, PermissionDeniedError):
            raise  # nothing will work with these credentials
        except UpstreamError as exc:
            failures += 1
            last_error = exc
            results.extend(MatchOut(**r.model_dump(), status="error", error=str(exc)) for r in part)
        await ctx.report_progress(len(results), len(unique), f"Batch {n} of {len(parts)}: {len(results)} looked up")
    if last_error is not None and failures == len(parts):
        raise last_error
    counts = {s: sum(1 for m in results if m.status == s) for s in ("matched", "not_matched", "error")}
    stored: StoredExport | None = None
    shown = results
    if len(results) > INLINE_RESULTS:
        stored = await export_store(svc).save_export(
            "crm_matches",
            _results_csv(results),
            created_at=svc.clock.now(),
            rows=len(results),
            summary=counts,
            sandbox=svc.snap.sandbox,
        )
        shown = [m for m in results if m.status != "matched"][:INLINE_RESULTS]
    out = MatchManyOut(
        records=len(unique),
        duplicates_ignored=len(records) - len(unique),
        matched=counts["matched"],
        not_matched=counts["not_matched"],
        errors=counts["error"],
        upstream_batches=len(parts),
        results=shown,
        results_complete=stored is None,
        export_id=stored.export_id if stored else None,
        resource_uri=stored.uri if stored else None,
        sandbox=svc.snap.sandbox,
    )
    lines = [
        f"{out.records} CRM records: {out.matched} matched, {out.not_matched} not matched, {out.errors} errors "
        f"({out.upstream_batches} upstream batch{'es' if out.upstream_batches > 1 else ''})."
        + (" [sandbox]" if out.sandbox else "")
    ]
    if out.errors:
        first = next(m for m in results if m.status == "error")
        lines.append(f"First error: {first.record_id}: {first.error}")
    if stored is not None:
        lines.append(f"Every answer as CSV: {stored.uri}")
    return reply_with_file("\n".join(lines), out, stored)

"""CRM profile matching on the partner API: which Sales Navigator profile LinkedIn matched to a CRM record.

Records are looked up in batches of at most 100 (upstream's limit) and every answer is keyed
back to the caller's record: matched, not matched (no high-confidence match) or error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from salesnav_mcp.models.snap import MAX_BATCH_KEYS, ProfileAssociation, ProfileAssociationKey
from salesnav_mcp.operations.partner.files import StoredExport, export_store
from salesnav_mcp.operations.progress import ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.spreadsheet import cell
from salesnav_mcp.upstream.errors import AuthenticationError, PermissionDeniedError, UpstreamError

INLINE_RESULTS = 200  # larger answers are stored as a CSV resource
MatchStatus = Literal["matched", "not_matched", "error"]


class CrmRecord(BaseModel):
    """A CRM record."""

    model_config = ConfigDict(extra="forbid")

    instance_id: str = Field(min_length=1, max_length=200)
    partner: str = Field(min_length=1, max_length=100, description="e.g. SALESFORCE")
    record_id: str = Field(min_length=1, max_length=200)

    def key(self) -> ProfileAssociationKey:
        return ProfileAssociationKey(instance_id=self.instance_id, partner=self.partner, record_id=self.record_id)


class MatchOut(BaseModel):
    instance_id: str
    partner: str
    record_id: str
    status: MatchStatus = Field(description="not_matched: LinkedIn has no high-confidence match for the record.")
    member: str | None = Field(default=None, description="urn:li:person:<id> of the matched member.")
    profile_url: str | None = Field(default=None, description="Sales Navigator profile URL.")
    profile_photo: str | None = None
    error: str | None = None


def _matched(record: CrmRecord, found: ProfileAssociation) -> MatchOut:
    return MatchOut(
        **record.model_dump(),
        status="matched",
        member=found.member,
        profile_url=found.profile,
        profile_photo=found.profile_photo,
    )


@dataclass(frozen=True)
class MatchRun:
    records: int  # distinct records looked up
    duplicates_ignored: int
    upstream_batches: int
    results: list[MatchOut]  # every distinct record's answer, in input order
    stored: StoredExport | None  # every answer as CSV, when there are more than INLINE_RESULTS

    def count(self, status: MatchStatus) -> int:
        return sum(1 for m in self.results if m.status == status)


def _results_csv(results: list[MatchOut]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(MatchOut.model_fields)
    writer.writerow(columns)
    for m in results:
        writer.writerow([cell(getattr(m, c)) for c in columns])
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


async def match_records(svc: Services, records: Sequence[CrmRecord], report: ReportProgress) -> MatchRun:
    """Look every distinct record up in batches, reporting progress; a failed batch marks its records as errors.

    Only when every batch failed (or credentials are refused) is the upstream error raised.
    """
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
        await report(len(results), len(unique), f"Batch {n} of {len(parts)}: {len(results)} looked up")
    if last_error is not None and failures == len(parts):
        raise last_error
    stored = None
    if len(results) > INLINE_RESULTS:
        counts = {s: sum(1 for m in results if m.status == s) for s in ("matched", "not_matched", "error")}
        stored = await export_store(svc).save_export(
            "crm_matches",
            _results_csv(results),
            created_at=svc.clock.now(),
            rows=len(results),
            summary=counts,
            sandbox=svc.snap.sandbox,
            created_by=svc.actor(),
        )
    return MatchRun(
        records=len(unique),
        duplicates_ignored=len(records) - len(unique),
        upstream_batches=len(parts),
        results=results,
        stored=stored,
    )

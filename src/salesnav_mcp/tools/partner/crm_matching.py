"""CRM profile matching: any number of records, in batches with progress."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.partner.crm_matching import (
    INLINE_RESULTS,
    CrmRecord,
    MatchOut,
    match_records,
)
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.runtime import reply_with_file, services, tool

MAX_RECORDS = 10_000  # per call: 100 upstream batches


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


def _line(m: MatchOut) -> str:
    where = m.profile_url or m.member if m.status == "matched" else (m.error or "no confident match")
    return f"{m.record_id}: {m.status.replace('_', ' ')} ({where})"


@tool(title="Match CRM records", read_only=True)
async def match_crm_records(
    ctx: Context,
    records: Annotated[
        list[CrmRecord],
        Field(min_length=1, max_length=MAX_RECORDS),
    ],
) -> Annotated[CallToolResult, MatchManyOut]:
    """Match CRM records (one or many) to Sales Navigator profiles, in batches; over 200 answers are stored as
    CSV."""
    svc = services(ctx)
    run = await match_records(svc, records, ctx.report_progress)
    stored = run.stored
    shown = run.results if stored is None else [m for m in run.results if m.status != "matched"][:INLINE_RESULTS]
    out = MatchManyOut(
        records=run.records,
        duplicates_ignored=run.duplicates_ignored,
        matched=run.count("matched"),
        not_matched=run.count("not_matched"),
        errors=run.count("error"),
        upstream_batches=run.upstream_batches,
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
        first = next(m for m in run.results if m.status == "error")
        lines.append(f"First error: {first.record_id}: {first.error}")
    if stored is not None:
        lines.append(f"Every answer as CSV: {stored.uri}")
    return reply_with_file("\n".join(lines), out, stored)

"""The export files this server stores (analytics, CRM validation, CRM match results)."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from salesnav_mcp.operations.partner.files import ExportKind, StoredExport, visible_exports
from salesnav_mcp.operations.results import Result
from salesnav_mcp.tools.runtime import reply, services, tool


class StoredExportOut(BaseModel):
    export_id: str
    kind: str = Field(description="seat | activity | activity_outcome | crm_validation | crm_matches | search")
    rows: int
    size_bytes: int
    created_at: str
    resource_uri: str
    job_id: int | None = None
    source: str | None = None
    range_start: str | None = None
    range_end: str | None = None


class ExportsOut(Result):
    exports: list[StoredExportOut]
    total: int = Field(description="Stored exports of the asked kind (this list shows the newest).")


def stored_out(e: StoredExport) -> StoredExportOut:
    def iso(moment: Any) -> str | None:
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return StoredExportOut(
        export_id=e.export_id,
        kind=e.kind,
        rows=e.rows,
        size_bytes=e.size_bytes,
        created_at=iso(e.created_at) or "",
        resource_uri=e.uri,
        job_id=e.job_id,
        source=e.source,
        range_start=iso(e.range_start),
        range_end=iso(e.range_end),
    )


@tool(title="List stored export files", read_only=True, open_world=False)
async def list_exports(
    ctx: Context,
    kind: Annotated[ExportKind | None, Field()] = None,
    limit: Annotated[int, Field(ge=1, le=100)] = 20,
) -> Annotated[CallToolResult, ExportsOut]:
    """The export files this server stored, newest first, with each one's resource URI."""
    svc = services(ctx)
    stored = [e for e in await visible_exports(svc) if kind is None or e.kind == kind]
    out = ExportsOut(exports=[stored_out(e) for e in stored[:limit]], total=len(stored), sandbox=svc.snap.sandbox)
    lines = [f"{out.total} stored export(s)" + (":" if out.exports else ".")] + [
        f"- {e.export_id}: {e.kind}, {e.rows} rows, {e.created_at[:16]} -> {e.resource_uri}" for e in out.exports
    ]
    return reply("\n".join(lines), out)

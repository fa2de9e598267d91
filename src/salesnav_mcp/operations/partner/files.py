"""Files the partner tools keep: downloaded export CSVs and the export jobs they started.

Everything lives under `<SALESNAV_DATA_DIR>/exports`, readable by the owner only (the files
hold member data):

- `<export_id>.csv` and `<export_id>.json`: one stored file and what it is (kind, job, range,
  summary). Export ids are `<kind>-<12 hex>`, random, so they never collide across restarts.
- `jobs/<sandbox|live>-<analytics|crm>-<job id>.json`: a job started here, so that
  `get_*_export` can follow it without the caller repeating its contract, and so that a second
  export of the same kind waits for (or refuses because of) a job still running.

Writes are atomic (temporary file + rename). Stored exports are kept until removed by hand.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import anyio
from pydantic import BaseModel, Field

from salesnav_mcp.config import Settings
from salesnav_mcp.operations.identity import AccessRefused, User
from salesnav_mcp.operations.services import Services

ExportKind = Literal["seat", "activity", "activity_outcome", "crm_validation", "crm_matches", "search"]
ANALYTICS_KINDS = frozenset({"seat", "activity", "activity_outcome"})
JobFamily = Literal["analytics", "crm"]  # analytics exports or CRM data validation exports
PollingState = Literal["active", "stopped", "done"]
M = TypeVar("M", bound=BaseModel)

EXPORT_URI_PREFIX = "salesnav://exports/"
_EXPORT_ID = re.compile(r"^[a-z]+(?:-[a-z]+)*-[0-9a-f]{12}$")


class StoredExport(BaseModel):
    """What a stored export file is."""

    export_id: str
    kind: ExportKind
    created_at: datetime
    rows: int
    size_bytes: int
    job_id: int | None = None
    source: str | None = Field(default=None, description="The contract or CRM instance URN the data comes from.")
    range_start: datetime | None = None
    range_end: datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict)
    sandbox: bool = False
    created_by: str | None = Field(default=None, description="The named user whose call stored it.")

    @property
    def uri(self) -> str:
        return export_uri(self.export_id)

    def visible_to(self, user: User | None) -> bool:
        """Analytics exports belong to their contract, stored searches to their LinkedIn account; the other kinds
        to the user who made them."""
        if user is None:
            return True
        if self.kind in ANALYTICS_KINDS and self.source:
            return user.may_see_contract(self.source)
        if self.kind == "search" and self.source:
            return user.may_use(self.source)
        return user.contracts is None or self.created_by == user.name


class JobRecord(BaseModel):
    """An export job started from this server."""

    kind: JobFamily
    job_id: int
    export_type: str  # seat | activity | activity_outcome | crm_validation
    source: str  # contract URN (analytics) or CRM instance URN (crm)
    range_start: datetime | None = None
    range_end: datetime | None = None
    status: str
    created_at: datetime
    updated_at: datetime
    polling: PollingState = "active"
    export_id: str | None = None
    sandbox: bool = False

    @property
    def pending(self) -> bool:
        return self.status in ("ENQUEUED", "PROCESSING")


def export_uri(export_id: str) -> str:
    return f"{EXPORT_URI_PREFIX}{export_id}"


def valid_export_id(export_id: str) -> bool:
    return bool(_EXPORT_ID.fullmatch(export_id))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _load(model: type[M], path: Path) -> M | None:
    """The record in a file; None when the file is missing, half-written or not such a record."""
    try:
        return model.model_validate_json(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def _load_all(model: type[M], folder: Path, pattern: str) -> list[M]:
    """Every readable record in the files of `folder` matching `pattern` (the others are skipped)."""
    found = (_load(model, path) for path in (folder.glob(pattern) if folder.is_dir() else ()))
    return [record for record in found if record is not None]


class ExportStore:
    """Stored export files and job records under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_settings(cls, settings: Settings) -> ExportStore:
        return cls(Path(settings.salesnav_data_dir) / "exports")

    def _ensure(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.root / "jobs").mkdir(exist_ok=True, mode=0o700)

    # ------------------------------------------------------------------ export files

    async def save_export(self, kind: ExportKind, content: bytes, **meta: Any) -> StoredExport:
        export_id = f"{kind.replace('_', '-')}-{secrets.token_hex(6)}"
        record = StoredExport(export_id=export_id, kind=kind, size_bytes=len(content), **meta)

        def write() -> None:
            self._ensure()
            _write_atomic(self.root / f"{export_id}.csv", content)
            _write_atomic(self.root / f"{export_id}.json", record.model_dump_json(indent=2).encode())

        await anyio.to_thread.run_sync(write)
        return record

    async def get_export(self, export_id: str) -> StoredExport | None:
        if not valid_export_id(export_id):
            return None
        return await anyio.to_thread.run_sync(_load, StoredExport, self.root / f"{export_id}.json")

    async def read_csv(self, export_id: str) -> str | None:
        if not valid_export_id(export_id):
            return None
        path = self.root / f"{export_id}.csv"

        def read() -> str | None:
            try:
                return path.read_bytes().decode("utf-8-sig")
            except FileNotFoundError:
                return None

        return await anyio.to_thread.run_sync(read)

    async def list_exports(self) -> list[StoredExport]:
        found = await anyio.to_thread.run_sync(_load_all, StoredExport, self.root, "*.json")
        return sorted(found, key=lambda e: e.created_at, reverse=True)

    # ------------------------------------------------------------------ job records

    def _job_path(self, kind: JobFamily, job_id: int, sandbox: bool) -> Path:
        return self.root / "jobs" / f"{'sandbox' if sandbox else 'live'}-{kind}-{int(job_id)}.json"

    async def save_job(self, record: JobRecord) -> None:
        path = self._job_path(record.kind, record.job_id, record.sandbox)
        data = record.model_dump_json(indent=2).encode()

        def write() -> None:
            self._ensure()
            _write_atomic(path, data)

        await anyio.to_thread.run_sync(write)

    async def get_job(self, kind: JobFamily, job_id: int, *, sandbox: bool) -> JobRecord | None:
        return await anyio.to_thread.run_sync(_load, JobRecord, self._job_path(kind, job_id, sandbox))

    async def jobs(self, kind: JobFamily, *, sandbox: bool) -> list[JobRecord]:
        pattern = f"{'sandbox' if sandbox else 'live'}-{kind}-*.json"
        found = await anyio.to_thread.run_sync(_load_all, JobRecord, self.root / "jobs", pattern)
        return sorted(found, key=lambda j: j.created_at)


def export_store(svc: Services) -> ExportStore:
    return ExportStore.for_settings(svc.settings)


async def visible_exports(svc: Services) -> list[StoredExport]:
    """The stored exports the current user may see, newest first."""
    user = svc.current_user()
    return [e for e in await export_store(svc).list_exports() if e.visible_to(user)]


async def readable_csv(svc: Services, export_id: str) -> str | None:
    """A stored export's CSV (None: no such export), refused for an export the user may not see."""
    store = export_store(svc)
    meta = await store.get_export(export_id)
    user = svc.current_user()
    if meta is not None and user is not None and not meta.visible_to(user):
        raise AccessRefused(
            user,
            f"User {user.name} has no access to stored export {export_id}: it belongs to a contract or user not "
            "granted to them. list_exports shows the exports they may read.",
            target=f"export {export_id}",
        )
    return None if meta is None else await store.read_csv(export_id)

"""Partner-API export jobs (analytics and CRM data validation) and the CSV files they produce.

Lifecycle: every GET of a job advances it one step (analytics ENQUEUED -> PROCESSING
-> final; CRM PROCESSING -> final). The final status is COMPLETED unless the sandbox
was configured with pending `export_failures`, handed out to new jobs in order
(a CRM job, whose enum knows only FAILED_DUE_TO_INTERNAL_ERROR, gets that one).
Download URLs are signed, live one hour, and are re-issued by a GET after expiry.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from . import ssi
from .data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from .vocabulary import FIRST_NAMES, LAST_NAMES
from .world import Seat, epoch_ms

if TYPE_CHECKING:
    from .world import SandboxWorld

URL_LIFETIME = timedelta(hours=1)
MAX_RANGE_MS = 90 * 24 * 3600 * 1000
ACTIVITY_TYPES = ("SAVED_LEAD", "SAVED_ACCOUNT", "SEARCH_PERFORMED", "PROFILE_VIEWED", "INMAIL_SENT", "MESSAGE_SENT",
                  "CONNECTION_MADE")
CSV_COLUMNS = {
    "exportSeatData": ("seatId", "memberIdentityKey", "seatHolderName", "seatStatus", "ssi", "connections"),
    "exportActivityData": ("activityId", "activityType", "createdAt", "seatId", "memberIdentityKey"),
    "exportActivityOutcomeData": ("activityId", "activityType", "outcome", "createdAt", "seatId"),
}
CRM_COLUMNS = ("recordId", "partner", "status", "linkedinMember", "detail")
CRM_ROWS_PER_FILE = 100


# ------------------------------------------------------------------ signed media URLs


def _media_key(seed: int) -> bytes:
    return hashlib.sha256(f"salesnav-sandbox-media:{seed}".encode()).digest()


def sign(seed: int, path: str, expires_ms: int) -> str:
    return hmac.new(_media_key(seed), f"{path}\n{expires_ms}".encode(), hashlib.sha256).hexdigest()[:32]


def signed_path(seed: int, path: str, expires_ms: int) -> str:
    return f"{path}?expires={expires_ms}&sig={sign(seed, path, expires_ms)}"


def verify(seed: int, path: str, expires: str | None, sig: str | None) -> bool:
    if not expires or not sig or not expires.isdigit():
        return False
    return hmac.compare_digest(sign(seed, path, int(expires)), sig)


# ------------------------------------------------------------------ seats


def seed_seats(world: SandboxWorld) -> tuple[Seat, ...]:
    rng = random.Random(f"salesnav-sandbox-seats:{world.seed}")
    holders = [(world.accounts[DEFAULT_ACCOUNT_ID].name, DEFAULT_ACCOUNT_ID),
               (world.accounts[SECOND_SALES_NAV_ACCOUNT_ID].name, SECOND_SALES_NAV_ACCOUNT_ID)]
    while len(holders) < 12:
        language = rng.choice(("en", "en", "de", "fr", "nl"))
        holders.append((f"{rng.choice(FIRST_NAMES[language])} {rng.choice(LAST_NAMES[language])}", None))
    seats = []
    for i, (name, account_id) in enumerate(holders):
        status = "ACTIVE" if i < 10 else ("PENDING" if i == 10 else "INACTIVE")
        seats.append(Seat(seat_id=4_100_000 + i * 17, member_key=f"urn:li:person:{world.token(10)}", name=name,
                          status=status, connections=rng.randint(150, 9000), account_id=account_id))
    return tuple(seats)


# ------------------------------------------------------------------ CSV content


def _created_at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%m-%d-%Y %H:%M:%S")


def _to_csv(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _activities(world: SandboxWorld, start_ms: int, end_ms: int) -> list[tuple[int, str, datetime, Seat]]:
    end_ms = min(end_ms, epoch_ms(world.now()))
    rows = []
    start = datetime.fromtimestamp(start_ms / 1000, UTC)
    day = start.date()
    while epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC)) < end_ms:
        midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for seat_index, seat in enumerate(world.seats):
            if seat.status != "ACTIVE":
                continue
            rng = random.Random(f"salesnav-sandbox-activity:{world.seed}:{seat.seat_id}:{day.isoformat()}")
            for k in range(rng.randint(0, 5)):
                moment = midnight + timedelta(seconds=rng.randint(7 * 3600, 19 * 3600))
                if start_ms <= epoch_ms(moment) < end_ms:
                    activity_id = int(f"{day:%Y%m%d}{seat_index:02d}{k:02d}")
                    rows.append((activity_id, rng.choice(ACTIVITY_TYPES), moment, seat))
        day += timedelta(days=1)
    rows.sort(key=lambda row: (row[2], row[0]))
    return rows


def analytics_csv(world: SandboxWorld, action: str, start_ms: int, end_ms: int) -> tuple[bytes, int]:
    columns = CSV_COLUMNS[action]
    rows: list[tuple[Any, ...]]
    if action == "exportSeatData":
        day = datetime.fromtimestamp(min(end_ms, epoch_ms(world.now())) / 1000, UTC).date()
        rows = []
        for seat in world.seats:
            score_key = seat.account_id or seat.member_key
            overall = ssi.member_score(world.seed, score_key, day)["overall"]
            rows.append((seat.seat_id, seat.member_key, seat.name, seat.status, overall, seat.connections))
    elif action == "exportActivityData":
        rows = [(a_id, kind, _created_at(at), seat.seat_id, seat.member_key)
                for a_id, kind, at, seat in _activities(world, start_ms, end_ms)]
    else:
        rows = []
        for a_id, kind, at, seat in _activities(world, start_ms, end_ms):
            if kind not in ("INMAIL_SENT", "MESSAGE_SENT"):
                continue
            roll = random.Random(f"salesnav-sandbox-outcome:{world.seed}:{a_id}").random()
            if kind == "INMAIL_SENT":
                outcome = "ACCEPTED" if roll < 0.25 else "DECLINED" if roll < 0.4 else "NO_RESPONSE"
            else:
                outcome = "REPLIED" if roll < 0.35 else "NO_RESPONSE"
            rows.append((a_id, kind, outcome, _created_at(at), seat.seat_id))
    return _to_csv(columns, rows), len(rows)


def record_digest(record_id: str) -> bytes:
    return hashlib.sha256(record_id.encode("utf-8")).digest()


def record_matches(record_id: str) -> bool:
    """The agreed rule: a CRM record has a LinkedIn match unless sha256(recordId)[0] % 5 == 0."""
    return record_digest(record_id)[0] % 5 != 0


def crm_csv_files(world: SandboxWorld, instance: str) -> list[bytes]:
    rng = random.Random(f"salesnav-sandbox-crm:{world.seed}:{instance}")
    partner = "DYNAMICS" if "dyn" in instance.lower() else "SALESFORCE"
    rows = []
    for _ in range(rng.randint(60, 260)):
        record_id = "003" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(15))
        lead = world.leads[int.from_bytes(record_digest(record_id)[1:5], "big") % len(world.leads)]
        member = f"urn:li:person:{lead.person_id}"
        if not record_matches(record_id):
            rows.append((record_id, partner, "NOT_FOUND", "", "No LinkedIn member matches this record"))
            continue
        roll = rng.random()
        if roll < 0.12:
            detail = f"Now {lead.title} at {lead.company_name}"
            rows.append((record_id, partner, "CHANGED_JOB", member, detail))
        elif roll < 0.2:
            rows.append((record_id, partner, "DUPLICATE", member, f"Same member as another record, e.g. \"{lead.full_name}\""))
        else:
            rows.append((record_id, partner, "VALID", member, ""))
    chunks = [rows[i:i + CRM_ROWS_PER_FILE] for i in range(0, len(rows), CRM_ROWS_PER_FILE)]
    return [_to_csv(CRM_COLUMNS, chunk) for chunk in chunks]


# ------------------------------------------------------------------ jobs


def take_outcome(world: SandboxWorld, allowed: tuple[str, ...] | None = None) -> str:
    if not world.export_failures:
        return "COMPLETED"
    failure = world.export_failures.pop(0)
    return failure if allowed is None or failure in allowed else allowed[0]


@dataclass
class ExportJob:
    id: int
    action: str
    contract: str
    start_at: int
    end_at: int
    outcome: str
    status: str = "ENQUEUED"
    content: bytes | None = None
    row_count: int | None = None
    path: str | None = None  # signed path of the current download URL
    expire_at: int | None = None
    gets: int = 0

    @property
    def in_progress(self) -> bool:
        return self.status in ("ENQUEUED", "PROCESSING")

    def advance(self, world: SandboxWorld) -> None:
        self.gets += 1
        if self.status == "ENQUEUED":
            self.status = "PROCESSING"
        elif self.status == "PROCESSING":
            self.status = self.outcome
            if self.status == "COMPLETED":
                self.content, self.row_count = analytics_csv(world, self.action, self.start_at, self.end_at)
        if self.status == "COMPLETED":
            now_ms = epoch_ms(world.now())
            if self.expire_at is None or now_ms >= self.expire_at:
                self.expire_at = now_ms + int(URL_LIFETIME.total_seconds() * 1000)
                self.path = signed_path(world.seed, f"/sandbox-media/exports/{self.id}.csv", self.expire_at)

    def json(self, base_url: str) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.status == "COMPLETED":  # Rest.li leaves absent optional fields out rather than null
            body.update(downloadUrl=base_url + (self.path or ""), expireAt=self.expire_at, rowCount=self.row_count)
        return body

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "action": self.action, "contract": self.contract, "status": self.status,
                "startAt": self.start_at, "endAt": self.end_at, "rowCount": self.row_count}


@dataclass
class CrmJob:
    id: int
    instance: str  # urn:li:crmInstance:...
    export_start_at: int
    outcome: str
    status: str = "PROCESSING"
    export_end_at: int | None = None
    files: list[bytes] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    expire_at: int | None = None

    def advance(self, world: SandboxWorld) -> None:
        now_ms = epoch_ms(world.now())
        if self.status == "PROCESSING":
            self.status = self.outcome
            self.export_end_at = now_ms
            if self.status == "COMPLETED":
                self.files = crm_csv_files(world, self.instance)
        if self.status == "COMPLETED" and (self.expire_at is None or now_ms >= self.expire_at):
            self.expire_at = now_ms + int(URL_LIFETIME.total_seconds() * 1000)
            self.paths = [signed_path(world.seed, f"/sandbox-media/crm-validation/{self.id}-{n + 1}.csv", self.expire_at)
                          for n in range(len(self.files))]

    def json(self, base_url: str) -> dict[str, Any]:
        body: dict[str, Any] = {"jobId": self.id, "exportStartAt": self.export_start_at, "status": self.status}
        if self.export_end_at is not None:
            body["exportEndAt"] = self.export_end_at
        if self.status == "COMPLETED":
            body.update(downloadUrls=[base_url + p for p in self.paths], expireAt=self.expire_at,
                        nextExportStartAt=self.export_end_at)
        return body

    def summary(self) -> dict[str, Any]:
        return {"jobId": self.id, "crmInstanceId": self.instance, "status": self.status,
                "exportStartAt": self.export_start_at, "files": len(self.files)}

"""Summaries of partner-API export CSVs: what a model needs to reason about a file it does not read.

Columns (agreed with the partner API):
- activity: activityId, activityType, createdAt ("MM-DD-YYYY HH:MM:SS" UTC), seatId, memberIdentityKey
- activity outcome: activityId, activityType, outcome, createdAt, seatId
- seat: seatId, memberIdentityKey, seatHolderName, seatStatus, ssi, connections
- CRM validation: recordId, partner, status (VALID | NOT_FOUND | CHANGED_JOB | DUPLICATE), linkedinMember, detail
Unknown columns are carried along; a column a summary needs but the file lacks is skipped.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, Field

MAX_KEYS = 100  # most frequent values kept per count; the rest are folded into "(other)"
CREATED_AT_FORMAT = "%m-%d-%Y %H:%M:%S"


class ExportSummary(BaseModel):
    rows: int
    columns: list[str]
    by_activity_type: dict[str, int] | None = Field(default=None, description="Activity rows per activityType.")
    by_seat: dict[str, int] | None = Field(
        default=None, description=f"Rows per seatId (the {MAX_KEYS} busiest; the rest under '(other)')."
    )
    by_outcome: dict[str, int] | None = Field(default=None, description="Activity outcome rows per outcome.")
    by_status: dict[str, int] | None = Field(
        default=None, description="Seats per seatStatus, or CRM records per validation status."
    )
    by_partner: dict[str, int] | None = Field(default=None, description="CRM records per partner.")
    first_activity_at: str | None = Field(default=None, description="Earliest createdAt (ISO-8601 UTC).")
    last_activity_at: str | None = Field(default=None, description="Latest createdAt (ISO-8601 UTC).")
    ssi_average: float | None = Field(default=None, description="Mean SSI over seats with a score.")
    unreadable_dates: int = Field(default=0, description="createdAt values that could not be read.")


def read_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows = [row for row in reader if any((value or "").strip() for value in row.values() if isinstance(value, str))]
    return list(reader.fieldnames or []), rows


def _counts(values: Iterable[str]) -> dict[str, int]:
    counter = Counter(v for v in values if v)
    if len(counter) <= MAX_KEYS:
        return dict(counter.most_common())
    top = counter.most_common(MAX_KEYS)
    kept = dict(top)
    kept["(other)"] = sum(counter.values()) - sum(kept.values())
    return kept


def parse_created_at(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.strip(), CREATED_AT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _column(rows: Sequence[dict[str, str]], name: str) -> list[str]:
    return [(row.get(name) or "").strip() for row in rows]


def summarize(kind: str, text: str) -> ExportSummary:
    """Counts, date span and averages of one export file (`kind` as stored: activity, seat, ...)."""
    columns, rows = read_rows(text)
    summary = ExportSummary(rows=len(rows), columns=columns)
    has = set(columns).__contains__
    if kind in ("activity", "activity_outcome"):
        if has("activityType"):
            summary.by_activity_type = _counts(_column(rows, "activityType"))
        if has("seatId"):
            summary.by_seat = _counts(_column(rows, "seatId"))
        if kind == "activity_outcome" and has("outcome"):
            summary.by_outcome = _counts(_column(rows, "outcome"))
        if has("createdAt"):
            moments = [parse_created_at(v) for v in _column(rows, "createdAt") if v]
            known = [m for m in moments if m is not None]
            summary.unreadable_dates = len(moments) - len(known)
            if known:
                summary.first_activity_at = min(known).isoformat().replace("+00:00", "Z")
                summary.last_activity_at = max(known).isoformat().replace("+00:00", "Z")
    elif kind == "seat":
        if has("seatStatus"):
            summary.by_status = _counts(_column(rows, "seatStatus"))
        if has("ssi"):
            scores = []
            for value in _column(rows, "ssi"):
                try:
                    scores.append(float(value))
                except ValueError:
                    continue
            summary.ssi_average = round(sum(scores) / len(scores), 1) if scores else None
    elif kind == "crm_validation":
        if has("status"):
            summary.by_status = _counts(_column(rows, "status"))
        if has("partner"):
            summary.by_partner = _counts(_column(rows, "partner"))
    return summary


def merge_csv(files: Sequence[bytes]) -> bytes:
    """Several CSV parts of one export (same header) as one file with a single header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header: list[str] | None = None
    for content in files:
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        part_header = next(reader, None)
        if part_header is None:
            continue
        if header is None:
            header = part_header
            writer.writerow(header)
        elif part_header != header:
            raise ValueError(f"export parts disagree on columns: {header} vs {part_header}")
        writer.writerows(reader)
    return out.getvalue().encode("utf-8")


def top_items(counts: dict[str, int] | None, n: int = 3) -> str:
    """`A 12, B 7, C 3` for a text summary."""
    if not counts:
        return ""
    ranked = sorted(((k, v) for k, v in counts.items() if k != "(other)"), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{k} {v}" for k, v in ranked[:n])

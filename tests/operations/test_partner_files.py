"""Export summaries and the export file store, without a server."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from salesnav_mcp.operations.partner.files import ExportStore, JobRecord
from salesnav_mcp.operations.partner.summary import MAX_KEYS, merge_csv, summarize

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def activity_csv(rows: list[tuple[str, str, str]]) -> str:
    lines = ["activityId,activityType,createdAt,seatId,memberIdentityKey"]
    lines += [f"{i},{kind},{at},{seat},urn:li:person:x{i}" for i, (kind, at, seat) in enumerate(rows)]
    return "\r\n".join(lines) + "\r\n"


def test_activity_summary_counts_span_and_unreadable_dates() -> None:
    text = activity_csv(
        [
            ("SAVED_LEAD", "10-02-2026 08:00:00", "7"),
            ("SAVED_LEAD", "10-01-2026 07:30:00", "8"),
            ("INMAIL_SENT", "2026-10-05T10:00:00", "7"),  # not the agreed format
        ]
    )
    summary = summarize("activity", text)
    assert summary.rows == 3
    assert summary.by_activity_type == {"SAVED_LEAD": 2, "INMAIL_SENT": 1}
    assert summary.by_seat == {"7": 2, "8": 1}
    assert (summary.first_activity_at, summary.last_activity_at) == ("2026-10-01T07:30:00Z", "2026-10-02T08:00:00Z")
    assert summary.unreadable_dates == 1


def test_many_seats_are_folded_into_other() -> None:
    rows = [("PROFILE_VIEWED", "10-01-2026 07:30:00", str(seat)) for seat in range(MAX_KEYS + 20) for _ in (0, 1)]
    rows += [("PROFILE_VIEWED", "10-01-2026 07:30:00", "0")]
    summary = summarize("activity", activity_csv(rows))
    assert summary.by_seat is not None and len(summary.by_seat) == MAX_KEYS + 1
    assert summary.by_seat["0"] == 3 and summary.by_seat["(other)"] == 2 * 20
    assert sum(summary.by_seat.values()) == summary.rows


def test_merge_keeps_one_header_and_refuses_mismatched_parts() -> None:
    a = b"recordId,status\r\n1,VALID\r\n"
    b = b"\xef\xbb\xbfrecordId,status\r\n2,NOT_FOUND\r\n"  # a BOM on a later part is not data
    assert merge_csv([a, b]) == b"recordId,status\r\n1,VALID\r\n2,NOT_FOUND\r\n"
    with pytest.raises(ValueError, match="disagree on columns"):
        merge_csv([a, b"recordId,partner\r\n3,X\r\n"])


async def test_store_round_trip_private_files_and_safe_ids(tmp_path: Path) -> None:
    store = ExportStore(tmp_path / "exports")
    saved = await store.save_export("seat", b"seatId\r\n1\r\n", created_at=NOW, rows=1, job_id=9)
    assert saved.export_id.startswith("seat-") and saved.uri == f"salesnav://exports/{saved.export_id}"
    assert await store.read_csv(saved.export_id) == "seatId\r\n1\r\n"
    assert (await store.get_export(saved.export_id)) == saved
    csv_file = tmp_path / "exports" / f"{saved.export_id}.csv"
    assert stat.S_IMODE(csv_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "exports").stat().st_mode) == 0o700
    (tmp_path / "exports" / "secret.csv").write_text("x")
    for bad in ("secret", "../exports/secret", "seat-zzzzzzzzzzzz", "seat-0123456789ab/../../secret"):
        assert await store.read_csv(bad) is None
        assert await store.get_export(bad) is None
    assert [e.export_id for e in await store.list_exports()] == [saved.export_id]

    record = JobRecord(
        kind="crm", job_id=4, export_type="crm_validation", source="urn:li:crmInstance:a", status="PROCESSING",
        created_at=NOW, updated_at=NOW, sandbox=True,
    )  # fmt: skip
    await store.save_job(record)
    assert await store.get_job("crm", 4, sandbox=True) == record
    assert await store.get_job("crm", 4, sandbox=False) is None  # live and sandbox jobs never mix
    assert await store.jobs("crm", sandbox=True) == [record]
    assert await store.jobs("analytics", sandbox=True) == []

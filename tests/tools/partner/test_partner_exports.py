"""Analytics and CRM validation export tools end to end: server -> client -> embedded sandbox.

Time is a ManualClock shared by the tools and the sandbox, so polling backoff and link expiry
run instantly and deterministically.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from datetime import timedelta
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.operations.partner.files import ExportStore, JobRecord
from salesnav_mcp.operations.partner.summary import parse_created_at
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.config import FaultRule
from salesnav_mcp.server.app import build_server
from tests.support.world import world

pytestmark = pytest.mark.anyio

ENTERPRISE = "urn:li:salesContract:12345"
PROFESSIONAL = "urn:li:salesContract:67890"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox_config(request: pytest.FixtureRequest) -> SandboxConfig:
    """Indirect parametrization: a list of FAILED_* statuses for the next jobs, or of fault rules."""
    param = getattr(request, "param", [])
    faults = [p for p in param if isinstance(p, FaultRule)]
    failures = [p for p in param if isinstance(p, str)]
    return SandboxConfig(
        seed=7, search_per_minute=10_000, search_per_day=100_000, export_failures=failures, faults=faults
    )


@pytest.fixture
def server(settings: Settings, services: Services) -> MCPServer:
    built = build_server(settings, services=services)
    return built


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def jobs_upstream(services: Services) -> list[Any]:
    return list(world(services).export_jobs.values())


def store(services: Services) -> ExportStore:
    return ExportStore.for_settings(services.settings)


async def call(client: Client, tool: str, args: dict[str, Any], **kw: Any) -> Any:
    result = await client.call_tool(tool, args, **kw)
    assert not result.is_error, result.content[0].text
    return result


# ----------------------------------------------------------------------------- contracts


async def test_list_contracts_says_which_have_reporting_access(mcp_client: Client) -> None:
    result = await call(mcp_client, "list_contracts", {})
    data = result.structured_content
    access = {c["contract"]: c["has_reporting_access"] for c in data["contracts"]}
    assert access == {ENTERPRISE: True, PROFESSIONAL: False}
    assert data["reporting_contract"] == ENTERPRISE and data["sandbox"] is True
    assert "no reporting access" in result.content[0].text


# ----------------------------------------------------------------------------- export_analytics


async def test_activity_export_runs_to_a_stored_summarised_file(
    mcp_client: Client, services: Services, clock: ManualClock
) -> None:
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    result = await call(
        mcp_client,
        "export_analytics",
        {"export_type": "activity", "start_date": "2026-10-01", "end_date": "2026-10-31"},
        progress_callback=on_progress,
    )
    data = result.structured_content
    (job,) = jobs_upstream(services)
    assert (job.action, job.contract, job.status) == ("exportActivityData", ENTERPRISE, "COMPLETED")
    assert data["job_id"] == job.id and data["finished"] is True and data["status"] == "COMPLETED"
    assert data["range_start"] == "2026-10-01T00:00:00Z" and data["range_end"] == "2026-11-01T00:00:00Z"
    assert clock.slept == [0.2, 0.4]  # backoff: checked after 0.2 s (PROCESSING), then 0.4 s (COMPLETED)

    # The stored file is exactly what upstream served, and the summary is true to it.
    uri = data["resource_uri"]
    assert uri == f"salesnav://exports/{data['export_id']}"
    read = await mcp_client.read_resource(uri)
    text = read.contents[0].text
    assert text.encode() == job.content
    assert read.contents[0].mime_type == "text/csv"
    rows = rows_of(text)
    summary = data["summary"]
    assert summary["rows"] == len(rows) == job.row_count == data["upstream_row_count"] > 0
    assert summary["by_activity_type"] == dict(Counter(r["activityType"] for r in rows))
    assert summary["by_seat"] == dict(Counter(r["seatId"] for r in rows))
    created = sorted(parse_created_at(r["createdAt"]) for r in rows)
    assert summary["first_activity_at"] == created[0].isoformat().replace("+00:00", "Z") >= "2026-10-01"
    assert summary["last_activity_at"] == created[-1].isoformat().replace("+00:00", "Z") < "2026-11-01"
    assert summary["columns"] == ["activityId", "activityType", "createdAt", "seatId", "memberIdentityKey"]

    # Short text, no CSV rows inline, a resource link to the file.
    summary_text = result.content[0].text
    assert summary_text.startswith(f"Activity export 2026-10-01..2026-10-31, job {job.id}: {len(rows)} rows.")
    assert len(summary_text.splitlines()) <= 7 and uri in summary_text
    assert rows[0]["memberIdentityKey"] not in summary_text
    links = [c for c in result.content if c.type == "resource_link"]
    assert len(links) == 1 and str(links[0].uri) == uri

    # Progress: steps 1..4 of 4, strictly increasing.
    values = [p[0] for p in progress]
    assert values == sorted(set(values)) and values[0] == 1 and values[-1] == 4
    assert all(p[1] == 4 for p in progress)
    assert "COMPLETED" in " ".join(p[2] or "" for p in progress)


async def test_seat_and_outcome_exports_summaries(mcp_client: Client, services: Services) -> None:
    seat = (await call(mcp_client, "export_analytics", {"export_type": "seat"})).structured_content
    seat_rows = rows_of((await mcp_client.read_resource(seat["resource_uri"])).contents[0].text)
    assert seat["summary"]["by_status"] == dict(Counter(r["seatStatus"] for r in seat_rows))
    scores = [float(r["ssi"]) for r in seat_rows]
    assert seat["summary"]["ssi_average"] == round(sum(scores) / len(scores), 1)
    assert seat["export_type"] == "seat" and seat["export_id"].startswith("seat-")

    outcome = (await call(mcp_client, "export_analytics", {"export_type": "activity_outcome"})).structured_content
    outcome_rows = rows_of((await mcp_client.read_resource(outcome["resource_uri"])).contents[0].text)
    assert outcome["summary"]["by_outcome"] == dict(Counter(r["outcome"] for r in outcome_rows))
    assert set(outcome["summary"]["by_activity_type"]) <= {"INMAIL_SENT", "MESSAGE_SENT"}
    assert {j.action for j in jobs_upstream(services)} == {"exportSeatData", "exportActivityOutcomeData"}

    listed = (await call(mcp_client, "list_exports", {})).structured_content
    assert listed["total"] == 2
    assert {e["export_id"] for e in listed["exports"]} == {seat["export_id"], outcome["export_id"]}
    only_seat = (await call(mcp_client, "list_exports", {"kind": "seat"})).structured_content
    assert [e["export_id"] for e in only_seat["exports"]] == [seat["export_id"]]


BAD_REQUESTS = [
    ({"start_date": "2026-06-01", "end_date": "2026-10-01"}, "spans 123 days"),
    ({"start_date": "2026-10-10", "end_date": "2026-10-01"}, "after end_date"),
    ({"start_date": "2026-12-01", "end_date": "2026-12-02"}, "in the future"),
    ({"contract": "67890"}, "Professional Sales Contract (urn:li:salesContract:67890) has no reporting access"),
    ({"contract": "urn:li:salesContract:55555"}, "not one of the member's contracts"),
]


async def test_bad_export_requests_are_refused_before_any_job(mcp_client: Client, services: Services) -> None:
    for arguments, needle in BAD_REQUESTS:
        for wait in (True, False):
            result = await mcp_client.call_tool("export_analytics", {"export_type": "activity", "wait": wait, **arguments})
            assert result.is_error, (wait, arguments)
            assert needle in result.content[0].text
    assert jobs_upstream(services) == []


async def test_ninety_days_inclusive_is_accepted(mcp_client: Client, services: Services) -> None:
    result = await call(
        mcp_client,
        "export_analytics",
        {"wait": False, "export_type": "seat", "start_date": "2026-08-01", "end_date": "2026-10-29"},
    )
    (job,) = jobs_upstream(services)
    assert job.end_at - job.start_at == 90 * 24 * 3600 * 1000
    assert result.structured_content["status"] == "ENQUEUED"


@pytest.mark.parametrize("sandbox_config", [["FAILED_DUE_TO_DATA_DELAY"]], indirect=True)
async def test_failed_job_is_an_error_naming_the_cause(mcp_client: Client, services: Services) -> None:
    result = await mcp_client.call_tool(
        "export_analytics", {"export_type": "activity", "start_date": "2026-10-01", "end_date": "2026-10-15"}
    )
    assert result.is_error
    text = result.content[0].text
    (job,) = jobs_upstream(services)
    assert f"job {job.id}" in text and "2026-10-01..2026-10-15" in text
    assert "FAILED_DUE_TO_DATA_DELAY" in text and "not ready yet" in text
    record = await store(services).get_job("analytics", job.id, sandbox=True)
    assert record is not None and record.status == "FAILED_DUE_TO_DATA_DELAY" and record.polling == "done"
    # export_analytics reports the same failure.
    again = await mcp_client.call_tool("export_analytics", {"job_id": job.id})
    assert again.is_error and "FAILED_DUE_TO_DATA_DELAY" in again.content[0].text


@pytest.mark.parametrize(
    "sandbox_config", [[FaultRule(route="GET /v2/salesAnalyticsExportJobs/*", kind="500")]], indirect=True
)
async def test_upstream_failure_while_polling_names_the_job_to_follow(mcp_client: Client, services: Services) -> None:
    result = await mcp_client.call_tool("export_analytics", {"export_type": "seat"})
    assert result.is_error
    (job,) = jobs_upstream(services)
    text = result.content[0].text
    assert "HTTP 500" in text and f"export_analytics(job_id={job.id})" in text
    assert job.status == "ENQUEUED"  # the job itself is untouched


# ----------------------------------------------------------------------------- start / get


async def test_start_then_get_until_completed_then_served_from_store(mcp_client: Client, services: Services) -> None:
    started = (await call(mcp_client, "export_analytics", {"wait": False, "export_type": "activity"})).structured_content
    job_id = started["job_id"]
    assert started["status"] == "ENQUEUED" and started["finished"] is False and started["resource_uri"] is None
    first = (await call(mcp_client, "export_analytics", {"job_id": job_id})).structured_content
    assert first["status"] == "PROCESSING" and first["finished"] is False
    done = await call(mcp_client, "export_analytics", {"job_id": job_id})
    data = done.structured_content
    assert data["status"] == "COMPLETED" and data["finished"] is True and data["summary"]["rows"] > 0
    (job,) = jobs_upstream(services)
    gets = job.gets
    again = (await call(mcp_client, "export_analytics", {"job_id": job_id})).structured_content
    assert again["export_id"] == data["export_id"] and "stored file" in again["note"]
    assert job.gets == gets  # no upstream call


async def test_get_of_a_job_started_elsewhere_needs_its_contract(
    mcp_client: Client, services: Services, clock: ManualClock
) -> None:
    job = await services.snap.create_analytics_export(
        "exportSeatData", contract=ENTERPRISE, start_at=clock.now() - timedelta(days=7), end_at=clock.now()
    )
    refused = await mcp_client.call_tool("export_analytics", {"job_id": job.id})
    assert refused.is_error and "contract" in refused.content[0].text
    await call(mcp_client, "export_analytics", {"job_id": job.id, "contract": "12345"})
    done = (await call(mcp_client, "export_analytics", {"job_id": job.id, "contract": "12345"})).structured_content
    assert done["finished"] is True and done["export_type"] == "seat"  # recognised from the file's columns


async def test_start_refuses_while_a_job_of_the_same_kind_runs(mcp_client: Client, services: Services) -> None:
    first = (await call(mcp_client, "export_analytics", {"wait": False, "export_type": "activity"})).structured_content
    refused = await mcp_client.call_tool("export_analytics", {"wait": False, "export_type": "activity"})
    assert refused.is_error
    assert str(first["job_id"]) in refused.content[0].text and "one activity export" in refused.content[0].text
    other_kind = await call(mcp_client, "export_analytics", {"wait": False, "export_type": "seat"})
    assert other_kind.structured_content["job_id"] != first["job_id"]
    assert len(jobs_upstream(services)) == 2


async def test_job_started_outside_this_server_is_reported_as_such(
    mcp_client: Client, services: Services, clock: ManualClock
) -> None:
    await services.snap.create_analytics_export(
        "exportActivityData", contract=ENTERPRISE, start_at=clock.now() - timedelta(days=3), end_at=clock.now()
    )
    refused = await mcp_client.call_tool("export_analytics", {"export_type": "activity"})
    assert refused.is_error
    assert "not started from this server" in refused.content[0].text
    assert len(jobs_upstream(services)) == 1


async def test_records_of_jobs_unknown_upstream_do_not_block(
    mcp_client: Client, services: Services, clock: ManualClock
) -> None:
    ghost = JobRecord(
        kind="analytics", job_id=5, export_type="activity", source=ENTERPRISE, status="PROCESSING",
        created_at=clock.now(), updated_at=clock.now(), sandbox=True,
    )  # fmt: skip
    await store(services).save_job(ghost)  # e.g. left by an earlier sandbox run sharing the data directory
    started = await call(mcp_client, "export_analytics", {"wait": False, "export_type": "activity"})
    assert started.structured_content["job_id"] != 5
    forgotten = await store(services).get_job("analytics", 5, sandbox=True)
    assert forgotten is not None and forgotten.status == "UNKNOWN"


async def test_run_queues_behind_a_running_job_of_the_same_kind(mcp_client: Client, services: Services) -> None:
    first = (await call(mcp_client, "export_analytics", {"wait": False, "export_type": "activity"})).structured_content
    progress: list[str] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(message or "")

    run = await call(mcp_client, "export_analytics", {"export_type": "activity"}, progress_callback=on_progress)
    earlier, later = jobs_upstream(services)
    assert earlier.id == first["job_id"] and earlier.status == "COMPLETED"
    assert run.structured_content["job_id"] == later.id != earlier.id
    assert progress[0].startswith(f"Waiting for job {earlier.id}")
    # The earlier job's file is still fetched on request.
    fetched = (await call(mcp_client, "export_analytics", {"job_id": earlier.id})).structured_content
    assert fetched["finished"] is True


async def test_concurrent_runs_of_one_kind_queue_inside_the_server(mcp_client: Client, services: Services) -> None:
    results: list[Any] = []

    async def run() -> None:
        results.append(await mcp_client.call_tool("export_analytics", {"export_type": "seat"}))

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        tg.start_soon(run)
    assert all(not r.is_error for r in results), [r.content[0].text for r in results]
    assert len({r.structured_content["job_id"] for r in results}) == 2
    assert [j.status for j in jobs_upstream(services)] == ["COMPLETED", "COMPLETED"]


# ----------------------------------------------------------------------------- waiting, expiry, cancellation


class SlowClock(ManualClock):
    """Each sleep takes fifty times as long as asked (a very busy event loop), so polling hits its deadline."""

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds * 50)


async def test_still_running_at_the_deadline_returns_the_job_to_follow(
    settings: Settings, sandbox_config: SandboxConfig, mode: str
) -> None:
    from salesnav_mcp.server.wiring import open_services

    async with (
        open_services(settings, clock=SlowClock(), sandbox_config=sandbox_config) as svc,
        Client(build_server(settings, services=svc), mode=mode) as client,
    ):
        result = await call(client, "export_analytics", {"export_type": "seat", "max_wait_seconds": 10})
        data = result.structured_content
        assert data["finished"] is False and data["status"] == "PROCESSING"
        assert "Still PROCESSING after 10 s" in data["note"]
        assert f"export_analytics(job_id={data['job_id']})" in result.content[0].text
        record = await ExportStore.for_settings(settings).get_job("analytics", data["job_id"], sandbox=True)
        assert record is not None and record.polling == "stopped"
        done = await call(client, "export_analytics", {"job_id": data["job_id"]})
        assert done.structured_content["finished"] is True


async def test_expired_download_link_is_renewed(
    mcp_client: Client, services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = services.snap.download_export
    attempts: list[int | None] = []

    async def late_download(url: str, *, expire_at: int | None = None) -> Any:
        attempts.append(expire_at)
        if len(attempts) == 1:
            clock.advance(timedelta(hours=2))  # the link dies before we fetch it
        return await original(url, expire_at=expire_at)

    monkeypatch.setattr(services.snap, "download_export", late_download)
    result = await call(mcp_client, "export_analytics", {"export_type": "activity"})
    (job,) = jobs_upstream(services)
    assert len(attempts) == 2 and attempts[1] is not None and attempts[1] > attempts[0]  # a fresh link
    assert job.gets == 3  # PROCESSING, COMPLETED, and one more for the fresh link
    text = (await mcp_client.read_resource(result.structured_content["resource_uri"])).contents[0].text
    assert text.encode() == job.content


async def test_expired_link_served_by_upstream_403_is_renewed(
    mcp_client: Client, services: Services, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = services.snap.download_export
    attempts: list[str] = []

    async def stale_download(url: str, *, expire_at: int | None = None) -> Any:
        attempts.append(url)
        if len(attempts) == 1:
            clock.advance(timedelta(hours=2))
            return await original(url)  # no local check: the storage answers 403
        return await original(url, expire_at=expire_at)

    monkeypatch.setattr(services.snap, "download_export", stale_download)
    result = await call(mcp_client, "export_analytics", {"export_type": "seat"})
    assert result.structured_content["finished"] is True
    assert len(attempts) == 2 and attempts[0] != attempts[1]


class BlockingClock(ManualClock):
    """A manual clock whose sleeps block (until cancelled) once `block` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.block = False
        self.blocked = anyio.Event()

    async def sleep(self, seconds: float) -> None:
        if self.block:
            self.blocked.set()
            await anyio.sleep_forever()
        await super().sleep(seconds)


async def test_cancelling_a_run_stops_polling_and_leaves_the_job(
    settings: Settings, sandbox_config: SandboxConfig, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    from salesnav_mcp.server.wiring import open_services

    clock = BlockingClock()
    clock.block = True
    stopped = anyio.Event()

    class StoppedSignal(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("Stopped polling"):
                stopped.set()

    signal = StoppedSignal()
    logging.getLogger("salesnav_mcp.operations.partner").addHandler(signal)
    caplog.set_level(logging.WARNING, logger="salesnav_mcp.operations.partner")
    try:
        async with (
            open_services(settings, clock=clock, sandbox_config=sandbox_config) as svc,
            Client(build_server(settings, services=svc), mode=mode) as client,
        ):
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.call_tool, "export_analytics", {"export_type": "activity"})
                with anyio.fail_after(5):
                    await clock.blocked.wait()
                tg.cancel_scope.cancel()
            with anyio.fail_after(5):
                await stopped.wait()  # the server saw the cancellation
            (job,) = world(svc).export_jobs.values()
            record = await ExportStore.for_settings(settings).get_job("analytics", job.id, sandbox=True)
            assert record is not None and record.polling == "stopped" and record.status == "ENQUEUED"
            assert job.status == "ENQUEUED" and job.gets == 0  # left running upstream, no longer polled
            assert f"Stopped polling activity export job {job.id}" in caplog.text
            assert f"export_analytics(job_id={job.id})" in caplog.text
            clock.block = False
            resumed = await call(client, "export_analytics", {"job_id": job.id})
            assert resumed.structured_content["status"] == "PROCESSING"
    finally:
        logging.getLogger("salesnav_mcp.operations.partner").removeHandler(signal)


# ----------------------------------------------------------------------------- CRM data validation


async def test_crm_validation_export_merges_parts_and_summarises(mcp_client: Client, services: Services) -> None:
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    result = await call(
        mcp_client, "export_crm_validation", {"crm_instance": "sf-instance-001"}, progress_callback=on_progress
    )
    data = result.structured_content
    (job,) = world(services).crm_jobs.values()
    assert job.instance == "urn:li:crmInstance:sf-instance-001" and len(job.files) == 3
    text = (await mcp_client.read_resource(data["resource_uri"])).contents[0].text
    expected = [row for part in job.files for row in rows_of(part.decode())]
    rows = rows_of(text)
    assert rows == expected and text.count("recordId,") == 1  # one header for three parts
    assert data["summary"]["rows"] == len(rows)
    assert data["summary"]["by_status"] == dict(Counter(r["status"] for r in rows))
    assert set(data["summary"]["by_status"]) <= {"VALID", "NOT_FOUND", "CHANGED_JOB", "DUPLICATE"}
    assert data["next_export_start_at"] is not None and "since=" in result.content[0].text
    assert progress == sorted(set(progress)) and progress[-1] == 3


@pytest.mark.parametrize("sandbox_config", [["FAILED_DUE_TO_INTERNAL_ERROR"]], indirect=True)
async def test_crm_validation_failure_is_an_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool(
        "export_crm_validation", {"crm_instance": "urn:li:crmInstance:dyn-eu-1", "since": "2026-10-01"}
    )
    assert result.is_error
    assert "FAILED_DUE_TO_INTERNAL_ERROR" in result.content[0].text and "since 2026-10-01" in result.content[0].text


async def test_crm_validation_start_and_get(mcp_client: Client, services: Services) -> None:
    started = (await call(mcp_client, "export_crm_validation", {"wait": False, "crm_instance": "acme"})).structured_content
    assert started["status"] == "PROCESSING" and started["source"] == "urn:li:crmInstance:acme"
    done = (await call(mcp_client, "export_crm_validation", {"job_id": started["job_id"]})).structured_content
    assert done["finished"] is True and done["summary"]["rows"] == 88
    future = await mcp_client.call_tool("export_crm_validation", {"wait": False, "crm_instance": "acme", "since": "2027-01-01"})
    assert future.is_error and "future" in future.content[0].text
    unknown = await mcp_client.call_tool("export_crm_validation", {"job_id": 5})
    assert unknown.is_error and "crm_instance" in unknown.content[0].text


# ----------------------------------------------------------------------------- resources and annotations


async def test_export_resources_are_listed_and_guarded(mcp_client: Client, settings: Settings) -> None:
    templates = {t.uri_template: t for t in (await mcp_client.list_resource_templates()).resource_templates}
    assert templates["salesnav://exports/{export_id}"].mime_type == "text/csv"
    with pytest.raises(Exception, match="No stored export 'activity-000000000000'"):
        await mcp_client.read_resource("salesnav://exports/activity-000000000000")
    (settings.salesnav_data_dir / "secret.csv").write_text("do,not,serve\n")
    for uri in (
        "salesnav://exports/..%2Fsecret",
        "salesnav://exports/..%2F..%2Fsecret.csv",
        "salesnav://exports/secret",
    ):
        with pytest.raises(Exception) as refused:
            await mcp_client.read_resource(uri)
        assert "do,not,serve" not in str(refused.value)


async def test_export_list_resource_with_running_services(settings: Settings, services: Services) -> None:
    built = build_server(settings, services=services)
    async with Client(built) as client:
        assert json.loads((await client.read_resource("salesnav://exports")).contents[0].text) == []
        run = await call(client, "export_analytics", {"export_type": "seat"})
        (listed,) = json.loads((await client.read_resource("salesnav://exports")).contents[0].text)
    assert listed["export_id"] == run.structured_content["export_id"] and listed["kind"] == "seat"
    assert listed["resource_uri"] == run.structured_content["resource_uri"]


async def test_tool_annotations_are_honest(mcp_client: Client) -> None:
    tools = {t.name: t for t in (await mcp_client.list_tools()).tools}
    for name in ("export_analytics", "export_crm_validation"):
        hints = tools[name].annotations  # the spec's defaults left out: not read-only, not idempotent, open world
        assert hints.read_only_hint is None and hints.destructive_hint is False
        assert hints.idempotent_hint is None and hints.open_world_hint is None
    for name in (
        "list_contracts",
        "match_crm_records",
        "get_profile_embed_url",
        "list_exports",
    ):
        assert tools[name].annotations.read_only_hint is True, name
    assert tools["list_exports"].annotations.open_world_hint is False


async def test_one_export_tool_starts_waits_or_checks_and_says_which_input_it_needs(
    mcp_client: Client, services: Services
) -> None:
    for tool, needle in (("export_analytics", "Give export_type"), ("export_crm_validation", "Give crm_instance")):
        neither = await mcp_client.call_tool(tool, {})
        assert neither.is_error and needle in neither.content[0].text and "job_id" in neither.content[0].text
    started = (await call(mcp_client, "export_analytics", {"export_type": "seat", "wait": False})).structured_content
    both = await mcp_client.call_tool("export_analytics", {"export_type": "seat", "job_id": started["job_id"]})
    assert both.is_error and "leave export_type" in both.content[0].text
    assert len(jobs_upstream(services)) == 1  # neither refusal started a job

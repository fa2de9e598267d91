"""Every partner-API (SNAP) path of the seed OpenAPI, through the real client, answered by the sandbox."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from salesnav_mcp.models.common import datetime_to_epoch_ms
from salesnav_mcp.models.snap import AnalyticsExportAction, ProfileAssociationKey
from salesnav_mcp.sandbox.data import ENTERPRISE_CONTRACT, PROFESSIONAL_CONTRACT
from salesnav_mcp.upstream.errors import (
    AuthenticationError,
    ConflictError,
    DownloadExpiredError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tests.upstream.helpers import CANARY_ACCESS_TOKEN, record_matches

pytestmark = pytest.mark.anyio

DAY_MS = 86_400_000
ODD = ",():'% é漢字"

EXPECTED_COLUMNS = {
    AnalyticsExportAction.SEAT: ["seatId", "memberIdentityKey", "seatHolderName", "seatStatus", "ssi", "connections"],
    AnalyticsExportAction.ACTIVITY: ["activityId", "activityType", "createdAt", "seatId", "memberIdentityKey"],
    AnalyticsExportAction.ACTIVITY_OUTCOME: ["activityId", "activityType", "outcome", "createdAt", "seatId"],
}


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


async def test_every_partner_request_carries_restli_version_and_bearer(upstream) -> None:
    async with upstream() as up:
        await up.snap.list_contracts()
        await up.snap.get_sales_access_token()
        await up.snap.get_profile_association(ProfileAssociationKey(instance_id="i", partner="p", record_id="r"))
    assert len(up.transport.exchanges) == 3
    for exchange in up.transport.exchanges:
        assert exchange.headers["x-restli-protocol-version"] == "2.0.0"
        assert exchange.headers["authorization"] == f"Bearer {CANARY_ACCESS_TOKEN}"


async def test_contracts(upstream) -> None:
    async with upstream() as up:
        contracts = await up.snap.list_contracts()
    assert [(c.contract, c.has_reporting_access) for c in contracts.elements] == [
        (ENTERPRISE_CONTRACT, True),
        (PROFESSIONAL_CONTRACT, False),
    ]
    assert up.transport.exchanges[0].url.params["q"] == "contractsByMember"


async def test_sales_access_token_lives_thirty_minutes(upstream, clock) -> None:
    async with upstream() as up:
        token = await up.snap.get_sales_access_token()
    assert token.token and token.token not in repr(token)
    assert token.expires_at == clock.now() + timedelta(minutes=30)


@pytest.mark.parametrize("action", list(AnalyticsExportAction))
async def test_analytics_export_lifecycle_and_download(upstream, clock, action) -> None:
    end = clock.now()
    async with upstream() as up:
        job = await up.snap.create_analytics_export(
            action, contract=ENTERPRISE_CONTRACT, start_at=end - timedelta(days=30), end_at=end
        )
        assert job.status == "ENQUEUED" and job.is_pending
        statuses = [job.status]
        while job.is_pending:
            job = await up.snap.get_analytics_export(job.id, contract=ENTERPRISE_CONTRACT)
            statuses.append(job.status)
        assert job.download_url is not None
        file = await up.snap.download_export(job.download_url, expire_at=job.expire_at)
    assert statuses == ["ENQUEUED", "PROCESSING", "COMPLETED"]
    table = rows(file.content)
    assert table[0] == EXPECTED_COLUMNS[action]
    assert len(table) - 1 == job.row_count
    assert file.media_type and file.media_type.startswith("text/csv")
    create = up.transport.to("/salesAnalyticsExportJobs", "POST")[0]
    assert create.url.params["action"] == action.value
    assert (
        create.content
        == (
            f'{{"contract":"{ENTERPRISE_CONTRACT}","startAt":{datetime_to_epoch_ms(end - timedelta(days=30))},'
            f'"endAt":{datetime_to_epoch_ms(end)}}}'
        ).encode()
    )
    download = up.transport.exchanges[-1]
    assert download.url.path.startswith("/sandbox-media/exports/")
    assert "authorization" not in download.headers and "x-restli-protocol-version" not in download.headers


async def test_expired_download_link_and_a_fresh_one(upstream, clock) -> None:
    end = clock.now()
    async with upstream() as up:
        job = await up.snap.create_analytics_export(
            "exportSeatData", contract=ENTERPRISE_CONTRACT, start_at=end - timedelta(days=7), end_at=end
        )
        for _ in range(2):
            job = await up.snap.get_analytics_export(job.id, contract=ENTERPRISE_CONTRACT)
        assert job.is_completed and job.download_url
        clock.advance(timedelta(hours=2))
        sent_before = len(up.transport.exchanges)
        with pytest.raises(DownloadExpiredError):  # known from expireAt: nothing fetched
            await up.snap.download_export(job.download_url, expire_at=job.expire_at)
        assert len(up.transport.exchanges) == sent_before
        with pytest.raises(DownloadExpiredError, match="no longer valid"):  # upstream's 403
            await up.snap.download_export(job.download_url)
        fresh = await up.snap.get_analytics_export(job.id, contract=ENTERPRISE_CONTRACT)
        file = await up.snap.download_export(fresh.download_url or "", expire_at=fresh.expire_at)
    assert fresh.download_url != job.download_url
    assert rows(file.content)[0][0] == "seatId"


async def test_download_refuses_plain_http_elsewhere(upstream) -> None:
    async with upstream() as up:
        with pytest.raises(ValidationError) as info:
            await up.snap.download_export("http://media.example.com/x.csv?sig=abc")
    assert up.transport.exchanges == []
    assert "sig=abc" not in str(info.value)  # the signature is a credential


async def test_export_errors(upstream, clock) -> None:
    end = clock.now()
    window = {"start_at": end - timedelta(days=10), "end_at": end}
    async with upstream() as up:
        with pytest.raises(PermissionDeniedError, match="reporting role"):
            await up.snap.create_analytics_export("exportActivityData", contract=PROFESSIONAL_CONTRACT, **window)
        await up.snap.create_analytics_export("exportActivityData", contract=ENTERPRISE_CONTRACT, **window)
        with pytest.raises(ConflictError, match="still ENQUEUED"):
            await up.snap.create_analytics_export("exportActivityData", contract=ENTERPRISE_CONTRACT, **window)
        with pytest.raises(NotFoundError):
            await up.snap.get_analytics_export(1, contract=ENTERPRISE_CONTRACT)
        sent = len(up.transport.exchanges)
        with pytest.raises(ValidationError) as too_long:
            await up.snap.create_analytics_export(
                "exportSeatData", contract=ENTERPRISE_CONTRACT, start_at=end - timedelta(days=91), end_at=end
            )
        with pytest.raises(ValidationError) as bad_action:
            await up.snap.create_analytics_export("exportEverything", contract=ENTERPRISE_CONTRACT, **window)
        assert len(up.transport.exchanges) == sent  # refused before sending
    assert "90 days" in str(too_long.value)
    assert "action" in bad_action.value.fields


async def test_failed_export_job(upstream, clock) -> None:
    end = clock.now()
    async with upstream(export_failures=["FAILED_DUE_TO_TIMED_OUT"]) as up:
        job = await up.snap.create_analytics_export(
            "exportSeatData", contract=ENTERPRISE_CONTRACT, start_at=end - timedelta(days=1), end_at=end
        )
        for _ in range(2):
            job = await up.snap.get_analytics_export(job.id, contract=ENTERPRISE_CONTRACT)
    assert job.status == "FAILED_DUE_TO_TIMED_OUT" and job.is_failed and job.download_url is None


@pytest.mark.parametrize("token", [None, "invalid-token", "expired-token"])
async def test_partner_authentication_errors(upstream, token) -> None:
    async with upstream() as up:
        with pytest.raises(AuthenticationError) as info:
            await up.partner(token).list_contracts()
    assert info.value.status == 401 and info.value.code


# ------------------------------------------------------------------ profile associations


def keys_with(match: bool, n: int, prefix: str = "rec") -> list[ProfileAssociationKey]:
    found: list[ProfileAssociationKey] = []
    i = 0
    while len(found) < n:
        record = f"{prefix}{ODD}{i}"
        if record_matches(record) == match:
            found.append(ProfileAssociationKey(instance_id=f"sf{ODD}", partner="salesforce", record_id=record))
        i += 1
    return found


async def test_single_association_match_and_miss(upstream) -> None:
    (hit,) = keys_with(True, 1)
    (miss,) = keys_with(False, 1)
    async with upstream() as up:
        found = await up.snap.get_profile_association(hit)
        missing = await up.snap.get_profile_association(miss)
    assert found is not None and found.member and found.member.startswith("urn:li:person:")
    assert found.profile and found.profile.startswith("https://www.linkedin.com/sales/people/")
    assert missing is None
    raw = up.transport.exchanges[0].url.raw_path.decode()
    assert raw.startswith("/v2/salesNavigatorProfileAssociations/%28instanceId%3Asf%252C%2528%2529%253A%2527%2525")
    assert [e.status for e in up.transport.exchanges] == [200, 404]


async def test_batch_over_100_keys_is_split_and_mapped_back(upstream) -> None:
    hits, misses = keys_with(True, 180), keys_with(False, 70)
    keys = [k for pair in zip(hits[:70], misses, strict=True) for k in pair] + hits[70:]
    async with upstream() as up:
        single = await up.snap.get_profile_association(hits[0])
        batch = await up.snap.batch_get_profile_associations([*keys, keys[0]])  # a duplicate is asked once
    requests = up.transport.to("/salesNavigatorProfileAssociations")
    assert [e.url.query.decode().count("(instanceId:") for e in requests] == [100, 100, 50]
    query = requests[0].url.query.decode()
    assert query.startswith("ids=List((instanceId:sf%2C%28%29%3A%27%25%20%C3%A9")
    assert set(batch.results) == set(hits) and set(batch.unmatched) == set(misses)
    assert {batch.statuses[k] for k in hits} == {200} and {batch.statuses[k] for k in misses} == {404}
    assert set(batch.errors) == set(misses) and batch.unanswered == []
    assert batch.get(hits[0]) == single


async def test_batch_of_nothing_sends_nothing(upstream) -> None:
    async with upstream() as up:
        batch = await up.snap.batch_get_profile_associations([])
    assert batch.results == {} and up.transport.exchanges == []


# ------------------------------------------------------------------ CRM data validation


async def test_crm_validation_export(upstream, clock) -> None:
    async with upstream() as up:
        created = await up.snap.create_crm_validation_export(
            "sf-instance-001", export_start_at=clock.now() - timedelta(days=30)
        )
        again = await up.snap.get_crm_validation_export(
            created.job_id, crm_instance="urn:li:crmInstance:sf-instance-001"
        )
        files = [await up.snap.download_export(url, expire_at=again.expire_at) for url in again.download_urls or []]
        with pytest.raises(NotFoundError):
            await up.snap.get_crm_validation_export(created.job_id, crm_instance="other-instance")
    create = up.transport.exchanges[0]
    assert create.status == 201
    assert created.job_id == int(create.response_headers["x-restli-id"])
    assert created.status == "PROCESSING"
    assert "crmInstanceId=urn%3Ali%3AcrmInstance%3Asf-instance-001" in str(create.url)
    assert again.is_completed and again.next_export_start_at and files
    for file in files:
        table = rows(file.content)
        assert table[0] == ["recordId", "partner", "status", "linkedinMember", "detail"]
        assert {row[2] for row in table[1:]} <= {"VALID", "NOT_FOUND", "CHANGED_JOB", "DUPLICATE"}


async def test_crm_validation_failure(upstream, clock) -> None:
    async with upstream(export_failures=["FAILED_DUE_TO_INTERNAL_ERROR"]) as up:
        created = await up.snap.create_crm_validation_export("sf-2", export_start_at=clock.now() - timedelta(days=1))
        job = await up.snap.get_crm_validation_export(created.job_id, crm_instance="sf-2")
    assert job.is_failed and job.download_urls is None

"""The partner API: contracts, tokens, analytics exports, profile associations, CRM data validation."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx2
import pytest

from salesnav_mcp.sandbox.jobs import record_matches
from tests.sandbox.helpers import Sandbox

pytestmark = pytest.mark.anyio
ENTERPRISE, PROFESSIONAL = "urn:li:salesContract:12345", "urn:li:salesContract:67890"
DAY_MS = 24 * 3600 * 1000


def now_ms(sb: Sandbox) -> int:
    return int(sb.clock.now().timestamp() * 1000)


async def create_export(sb: Sandbox, action: str = "exportActivityData", contract: str = ENTERPRISE,
                        days: int = 30, **override: Any) -> httpx2.Response:
    end = now_ms(sb)
    body = {"contract": contract, "startAt": end - days * DAY_MS, "endAt": end, **override}
    return await sb.li.post("/salesAnalyticsExportJobs", params={"action": action}, json=body)


async def poll(sb: Sandbox, job_id: int, contract: str = ENTERPRISE) -> dict[str, Any]:
    response = await sb.li.get(f"/salesAnalyticsExportJobs/{job_id}", params={"contract": contract})
    assert response.status_code == 200, response.text
    return response.json()


async def download(sb: Sandbox, url: str) -> httpx2.Response:
    assert url.startswith("http://sandbox/sandbox-media/")
    return await sb.raw.get(url)


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


async def test_contracts_and_sales_access_tokens(sb: Sandbox) -> None:
    contracts = (await sb.li.get("/salesContracts", params={"q": "contractsByMember"})).json()
    assert [(c["contract"], c["hasReportingAccess"]) for c in contracts["elements"]] == [
        (ENTERPRISE, True), (PROFESSIONAL, False)]
    assert contracts["elements"][0]["name"] == "Enterprise Sales Contract"
    assert (await sb.li.get("/salesContracts")).status_code == 400
    token = (await sb.li.get("/salesAccessTokens", params={"q": "viewerAndDeveloperApp"})).json()
    element = token["elements"][0]
    assert element["token"] and element["expiryTime"] == int(sb.clock.now().timestamp()) + 30 * 60
    assert (await sb.li.get("/salesAccessTokens", params={"q": "other"})).status_code == 400


async def test_export_job_lifecycle_and_activity_csv(sb: Sandbox) -> None:
    created = await create_export(sb)
    assert created.status_code == 200, created.text
    value = created.json()["value"]
    assert value["status"] == "ENQUEUED" and isinstance(value["id"], int)
    assert (await poll(sb, value["id"]))["status"] == "PROCESSING"
    done = await poll(sb, value["id"])
    assert done["status"] == "COMPLETED" and done["rowCount"] > 0
    assert done["expireAt"] == now_ms(sb) + 3600 * 1000
    assert done["downloadUrl"].startswith(f"http://sandbox/sandbox-media/exports/{value['id']}.csv?expires=")
    response = await download(sb, done["downloadUrl"])
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = rows(response.content)
    assert len(table) == done["rowCount"]
    assert list(table[0]) == ["activityId", "activityType", "createdAt", "seatId", "memberIdentityKey"]
    assert {r["activityType"] for r in table} <= {"SAVED_LEAD", "SAVED_ACCOUNT", "SEARCH_PERFORMED", "PROFILE_VIEWED",
                                                  "INMAIL_SENT", "MESSAGE_SENT", "CONNECTION_MADE"}
    first = table[0]["createdAt"]
    assert len(first) == 19 and first[2] == first[5] == "-" and first[10] == " "  # MM-DD-YYYY HH:MM:SS
    assert (await poll(sb, value["id"])) == done, "a completed job stays put while its URL is valid"


async def test_expired_download_urls_are_refused_and_renewed(sb: Sandbox) -> None:
    job_id = (await create_export(sb, "exportSeatData")).json()["value"]["id"]
    await poll(sb, job_id)
    done = await poll(sb, job_id)
    table = rows((await download(sb, done["downloadUrl"])).content)
    assert list(table[0]) == ["seatId", "memberIdentityKey", "seatHolderName", "seatStatus", "ssi", "connections"]
    assert "Alex Morgan" in {r["seatHolderName"] for r in table}
    tampered = done["downloadUrl"].replace("sig=", "sig=0")
    assert (await sb.raw.get(tampered)).status_code == 403
    sb.clock.advance(timedelta(hours=1, seconds=1))
    expired = await download(sb, done["downloadUrl"])
    assert expired.status_code == 403 and "expired" in expired.text
    renewed = await poll(sb, job_id)
    assert renewed["downloadUrl"] != done["downloadUrl"] and renewed["expireAt"] > done["expireAt"]
    assert (await download(sb, renewed["downloadUrl"])).status_code == 200


async def test_outcome_export_columns(sb: Sandbox) -> None:
    job_id = (await create_export(sb, "exportActivityOutcomeData", days=60)).json()["value"]["id"]
    await poll(sb, job_id)
    table = rows((await download(sb, (await poll(sb, job_id))["downloadUrl"])).content)
    assert list(table[0]) == ["activityId", "activityType", "outcome", "createdAt", "seatId"]
    assert {r["activityType"] for r in table} <= {"INMAIL_SENT", "MESSAGE_SENT"}


async def test_export_validation_conflict_and_access(sb: Sandbox) -> None:
    no_reporting = await create_export(sb, contract=PROFESSIONAL)
    assert no_reporting.status_code == 403 and set(no_reporting.json()) == {"message", "serviceErrorCode", "status"}
    unknown = await create_export(sb, contract="urn:li:salesContract:1")
    assert unknown.status_code == 403
    too_long = await create_export(sb, days=91)
    assert too_long.status_code == 400 and "90 days" in too_long.json()["message"]
    backwards = await create_export(sb, startAt=now_ms(sb), endAt=now_ms(sb) - 1)
    assert backwards.status_code == 400
    not_a_number = await create_export(sb, startAt="yesterday")
    assert not_a_number.status_code == 400 and "startAt" in not_a_number.json()["message"]
    bad_action = await sb.li.post("/salesAnalyticsExportJobs", params={"action": "exportEverything"}, json={})
    assert bad_action.status_code == 400
    first = (await create_export(sb)).json()["value"]["id"]
    conflict = await create_export(sb)
    assert conflict.status_code == 409 and str(first) in conflict.json()["message"]
    assert (await create_export(sb, "exportSeatData")).status_code == 200, "other actions are independent"
    await poll(sb, first)
    await poll(sb, first)
    assert (await create_export(sb)).status_code == 200, "a finished job frees the slot"
    wrong_contract = await sb.li.get(f"/salesAnalyticsExportJobs/{first}", params={"contract": PROFESSIONAL})
    assert wrong_contract.status_code == 404
    missing_contract = await sb.li.get(f"/salesAnalyticsExportJobs/{first}")
    assert missing_contract.status_code == 400
    assert (await sb.li.get("/salesAnalyticsExportJobs/1", params={"contract": ENTERPRISE})).status_code == 404


async def test_configured_failures_go_to_the_next_jobs(make_sandbox: Callable[..., Any]) -> None:
    failures = ["FAILED_DUE_TO_DATA_DELAY", "FAILED_DUE_TO_TIMED_OUT"]
    async with make_sandbox(export_failures=failures) as sb:
        first = (await create_export(sb)).json()["value"]["id"]
        await poll(sb, first)
        assert (await poll(sb, first)) == {"id": first, "status": "FAILED_DUE_TO_DATA_DELAY"}
        crm = await sb.li.post("/crmDataValidationExportJobs", params={"crmInstanceId": "urn:li:crmInstance:sf-1"},
                               json={"exportStartAt": now_ms(sb) - DAY_MS})
        job_id = crm.json()["jobId"]
        failed = (await sb.li.get(f"/crmDataValidationExportJobs/{job_id}",
                                  params={"crmInstanceId": "urn:li:crmInstance:sf-1"})).json()
        assert failed["status"] == "FAILED_DUE_TO_INTERNAL_ERROR", "CRM jobs only know this failure"
        third = (await create_export(sb)).json()["value"]["id"]
        await poll(sb, third)
        assert (await poll(sb, third))["status"] == "COMPLETED"


# ------------------------------------------------------------------ profile associations


def named(instance: str, partner: str, record: str) -> str:
    enc = lambda v: quote(v, safe="")  # noqa: E731 - Rest.li 2.0 value encoding
    return f"(instanceId:{enc(instance)},partner:{enc(partner)},recordId:{enc(record)})"


def record_ids(hit: bool, count: int, prefix: str = "contact-") -> list[str]:
    found, n = [], 0
    while len(found) < count:
        record = f"{prefix}{n}"
        if record_matches(record) == hit:
            found.append(record)
        n += 1
    return found


async def test_single_association_hit_and_miss(sb: Sandbox) -> None:
    hit, miss = record_ids(True, 1)[0], record_ids(False, 1)[0]
    encoded_key = quote(named("sf-instance-001", "salesforce", hit), safe="")
    response = await sb.li.get(f"/salesNavigatorProfileAssociations/{encoded_key}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["member"].startswith("urn:li:person:")
    assert body["profile"] == "https://www.linkedin.com/sales/people/" + body["member"].rsplit(":", 1)[1]
    literal = await sb.li.get(f"/salesNavigatorProfileAssociations/{named('sf-instance-001', 'salesforce', hit)}")
    positional = await sb.li.get(f"/salesNavigatorProfileAssociations/sf-instance-001,salesforce,{hit}")
    assert literal.json() == positional.json() == body
    missed = await sb.li.get(f"/salesNavigatorProfileAssociations/sf-instance-001,salesforce,{miss}")
    assert missed.status_code == 404 and missed.json()["status"] == 404
    broken = await sb.li.get("/salesNavigatorProfileAssociations/only-two,parts")
    assert broken.status_code == 400


async def test_batch_associations_with_misses_and_odd_characters(sb: Sandbox) -> None:
    hits, misses = record_ids(True, 2), record_ids(False, 1)
    odd = next(r for r in (f"Müller, Jörg (ACME:{n}) 50% 'x'" for n in range(100)) if record_matches(r))
    records = [*hits, *misses, odd]
    keys = [named("sf-instance-001", "salesforce", r) for r in records]
    raw_url = "http://sandbox/v2/salesNavigatorProfileAssociations?ids=List(" + ",".join(keys) + ")"
    response = await sb.li.get(raw_url)
    assert response.status_code == 200, response.text
    body = response.json()
    display = [f"(instanceId:sf-instance-001,partner:salesforce,recordId:{r})" for r in records]
    assert set(body["statuses"]) == set(display)
    for record, key in zip(records, display, strict=True):
        if record in misses:
            assert body["statuses"][key] == 404 and key in body["errors"] and key not in body["results"]
        else:
            assert body["statuses"][key] == 200 and body["results"][key]["member"].startswith("urn:li:person:")
    single = await sb.li.get(f"/salesNavigatorProfileAssociations/{quote(keys[-1], safe='')}")
    assert single.json() == body["results"][display[-1]], "batch and single agree, odd characters included"
    positional = await sb.li.get(f"http://sandbox/v2/salesNavigatorProfileAssociations?ids=List((sf-1,sf,{hits[0]}))")
    assert positional.json()["statuses"] == {f"(sf-1,sf,{hits[0]})": 200}


async def test_batch_limits_and_malformed_ids(sb: Sandbox) -> None:
    keys = ",".join(named("i", "p", f"r{n}") for n in range(101))
    too_many = await sb.li.get(f"http://sandbox/v2/salesNavigatorProfileAssociations?ids=List({keys})")
    assert too_many.status_code == 400 and "100" in too_many.json()["message"]
    hundred = ",".join(named("i", "p", f"r{n}") for n in range(100))
    assert (await sb.li.get(f"http://sandbox/v2/salesNavigatorProfileAssociations?ids=List({hundred})")).status_code == 200
    for bad in ("List()", "nonsense", "List((a,b))", "List((instanceId:a,partner:b))"):
        response = await sb.li.get(f"http://sandbox/v2/salesNavigatorProfileAssociations?ids={bad}")
        assert response.status_code == 400, bad
    assert (await sb.li.get("/salesNavigatorProfileAssociations")).status_code == 400


# ------------------------------------------------------------------ CRM data validation


async def test_crm_validation_lifecycle(sb: Sandbox) -> None:
    instance = "urn:li:crmInstance:sf-instance-001"
    start = now_ms(sb) - 7 * DAY_MS
    created = await sb.li.post("/crmDataValidationExportJobs", params={"crmInstanceId": instance},
                               json={"exportStartAt": start})
    assert created.status_code == 201, created.text
    job = created.json()
    assert job == {"jobId": job["jobId"], "exportStartAt": start, "status": "PROCESSING"}
    assert created.headers["X-RestLi-Id"] == str(job["jobId"])
    assert created.headers["Location"] == f"/crmDataValidationExportJobs/{job['jobId']}"
    double_encoded = {"crmInstanceId": quote(instance, safe="")}  # the seed's example form
    done = (await sb.li.get(f"/crmDataValidationExportJobs/{job['jobId']}", params=double_encoded)).json()
    assert done["status"] == "COMPLETED" and done["nextExportStartAt"] == done["exportEndAt"] == now_ms(sb)
    assert done["expireAt"] == now_ms(sb) + 3600 * 1000 and done["downloadUrls"]
    records = []
    for url in done["downloadUrls"]:
        response = await download(sb, url)
        assert response.status_code == 200
        records += rows(response.content)
    assert list(records[0]) == ["recordId", "partner", "status", "linkedinMember", "detail"]
    assert {r["status"] for r in records} <= {"VALID", "NOT_FOUND", "CHANGED_JOB", "DUPLICATE"}
    for record in records:
        assert (record["status"] == "NOT_FOUND") == (not record_matches(record["recordId"]))
    other = await sb.li.get(f"/crmDataValidationExportJobs/{job['jobId']}",
                            params={"crmInstanceId": "urn:li:crmInstance:other"})
    assert other.status_code == 404
    for bad_params, bad_body in (({"crmInstanceId": "sf-instance-001"}, {}),
                                 ({"crmInstanceId": instance}, {"exportStartAt": now_ms(sb) + DAY_MS}),
                                 ({"crmInstanceId": instance}, {"exportStartAt": "soon"})):
        response = await sb.li.post("/crmDataValidationExportJobs", params=bad_params, json=bad_body)
        assert response.status_code == 400, bad_params

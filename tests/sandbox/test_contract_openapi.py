"""Contract test: every partner-API response the sandbox gives conforms to the seed OpenAPI schemas.

A scenario walks every operation through success and failure paths; each response
is matched to its operation and validated with jsonschema against the schema the
seed documents for that status. Error bodies are always held to ErrorResponse.
Statuses the seed does not list for an operation are allowed only where the agreed
contract adds them (see UNDOCUMENTED_BUT_AGREED).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx2
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.sandbox import SandboxConfig, create_app
from salesnav_mcp.sandbox.jobs import record_matches
from tests.sandbox.helpers import RESTLI

pytestmark = pytest.mark.anyio
SPEC_PATH = Path(__file__).with_name("linkedin-sales-navigator.openapi.yml")
SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
SPEC_URI = "urn:seed:linkedin-sales-navigator"
REGISTRY = Registry().with_resource(SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012))
# (operationId, status) pairs the agreed contract adds to the seed: 403 without reporting access,
# 409 for a second running job, 400 for a job poll without its required `contract` parameter.
UNDOCUMENTED_BUT_AGREED = {("createSalesAnalyticsExportJob", 403), ("createSalesAnalyticsExportJob", 409),
                           ("getSalesAnalyticsExportJob", 400)}


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]]:
    for template, item in SPEC["paths"].items():
        if method.lower() not in item:
            continue
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if template.startswith("/salesNavigatorProfileAssociations/"):
            pattern = "/salesNavigatorProfileAssociations/.+"  # the key travels in several encodings
        if re.fullmatch(pattern, path):
            operation = item[method.lower()]
            return operation["operationId"], operation
    raise AssertionError(f"no seed operation for {method} {path}")


def validate(schema_ref: dict[str, Any], body: Any) -> None:
    ref = schema_ref["$ref"]
    validator = jsonschema.Draft202012Validator({"$ref": f"{SPEC_URI}{ref}"}, registry=REGISTRY,
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(body)


def check_response(response: httpx2.Response) -> tuple[str, int]:
    path = urlsplit(str(response.request.url)).path.removeprefix("/v2")
    operation_id, operation = operation_for(response.request.method, path)
    status = response.status_code
    documented = operation["responses"].get(str(status))
    if documented is None:
        assert (operation_id, status) in UNDOCUMENTED_BUT_AGREED, f"{operation_id} answered {status}: {response.text}"
        validate({"$ref": "#/components/schemas/ErrorResponse"}, response.json())
    else:
        validate(documented["content"]["application/json"]["schema"], response.json())
        if "headers" in documented:
            assert response.headers["X-RestLi-Id"].isdigit() and response.headers["Location"]
    if status >= 400:
        validate({"$ref": "#/components/schemas/ErrorResponse"}, response.json())
    return operation_id, status


async def test_every_partner_response_matches_the_seed_schemas() -> None:
    clock = ManualClock()
    app = create_app(SandboxConfig(clock=clock, export_failures=["FAILED_DUE_TO_EXCEEDED_FILE_SIZE_ERROR"]))
    seen: list[httpx2.Response] = []

    async def keep(response: httpx2.Response) -> None:
        await response.aread()
        seen.append(response)

    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://sandbox/v2",
                                  headers=RESTLI, event_hooks={"response": [keep]}) as li:
        now = int(clock.now().timestamp() * 1000)
        day = 24 * 3600 * 1000
        await li.get("/salesContracts", params={"q": "contractsByMember"})
        await li.get("/salesContracts", params={"q": "contractsByMember"}, headers={"Authorization": ""})
        await li.get("/salesAccessTokens", params={"q": "viewerAndDeveloperApp"})
        await li.get("/salesAccessTokens", params={"q": "viewerAndDeveloperApp"}, headers={"Authorization": ""})

        for action in ("exportSeatData", "exportActivityData", "exportActivityOutcomeData"):
            job = (await li.post("/salesAnalyticsExportJobs", params={"action": action},
                                 json={"contract": "urn:li:salesContract:12345", "startAt": now - 30 * day,
                                       "endAt": now})).json()["value"]
            for _ in range(3):
                await li.get(f"/salesAnalyticsExportJobs/{job['id']}", params={"contract": "urn:li:salesContract:12345"})
        clock.advance(timedelta(hours=2))
        await li.get(f"/salesAnalyticsExportJobs/{job['id']}", params={"contract": "urn:li:salesContract:12345"})
        await li.post("/salesAnalyticsExportJobs", params={"action": "exportSeatData"},
                      json={"contract": "urn:li:salesContract:67890", "startAt": now - day, "endAt": now})
        await li.post("/salesAnalyticsExportJobs", params={"action": "exportSeatData"},
                      json={"contract": "urn:li:salesContract:12345", "startAt": now - 100 * day, "endAt": now})
        await li.post("/salesAnalyticsExportJobs", params={"action": "exportSeatData"},
                      json={"contract": "urn:li:salesContract:12345", "startAt": now - day, "endAt": now})
        await li.post("/salesAnalyticsExportJobs", params={"action": "exportSeatData"},
                      json={"contract": "urn:li:salesContract:12345", "startAt": now - day, "endAt": now})
        await li.get("/salesAnalyticsExportJobs/1", params={"contract": "urn:li:salesContract:12345"})
        await li.get("/salesAnalyticsExportJobs/1")

        hit = next(f"rec-{n}" for n in range(100) if record_matches(f"rec-{n}"))
        miss = next(f"rec-{n}" for n in range(100) if not record_matches(f"rec-{n}"))
        await li.get(f"/salesNavigatorProfileAssociations/sf-1,salesforce,{hit}")
        await li.get(f"/salesNavigatorProfileAssociations/sf-1,salesforce,{miss}")
        await li.get("/salesNavigatorProfileAssociations/" + quote(f"(instanceId:sf-1,partner:sf,recordId:{hit})",
                                                                   safe=""))
        await li.get("/salesNavigatorProfileAssociations/too,few")
        await li.get(f"http://sandbox/v2/salesNavigatorProfileAssociations?ids=List((sf-1,sf,{hit}),(sf-1,sf,{miss}))")
        await li.get("http://sandbox/v2/salesNavigatorProfileAssociations?ids=List(")

        instance = {"crmInstanceId": "urn:li:crmInstance:sf-1"}
        crm = (await li.post("/crmDataValidationExportJobs", params=instance, json={"exportStartAt": now - day})).json()
        crm_ok = (await li.post("/crmDataValidationExportJobs", params=instance, json={})).json()
        await li.get(f"/crmDataValidationExportJobs/{crm['jobId']}", params=instance)
        await li.get(f"/crmDataValidationExportJobs/{crm_ok['jobId']}", params=instance)
        await li.get(f"/crmDataValidationExportJobs/{crm_ok['jobId']}", params=instance)
        await li.get("/crmDataValidationExportJobs/42", params=instance)
        await li.post("/crmDataValidationExportJobs", params={"crmInstanceId": "nope"}, json={})

    checked = [check_response(response) for response in seen]
    operations = {op for op, _ in checked}
    assert operations == {op["operationId"] for item in SPEC["paths"].values() for op in item.values()}
    assert {status for _, status in checked} >= {200, 201, 400, 401, 403, 404, 409}
    statuses = [r.json().get("status") for r in seen if r.request.url.path.startswith("/v2/salesAnalyticsExportJobs/")]
    assert "FAILED_DUE_TO_EXCEEDED_FILE_SIZE_ERROR" in statuses and "COMPLETED" in statuses


def test_the_validator_rejects_what_the_seed_forbids() -> None:
    job = {"$ref": "#/components/schemas/SalesAnalyticsExportJob"}
    validate(job, {"id": 1, "status": "ENQUEUED"})
    for bad in ({"id": "1", "status": "ENQUEUED"}, {"id": 1, "status": "DONE"}, {"status": "COMPLETED"},
                # OpenAPI 3.1 ignores `nullable`, so the seed's own null example would not validate:
                # the sandbox leaves absent fields out instead.
                {"id": 1, "status": "ENQUEUED", "downloadUrl": None}):
        with pytest.raises(jsonschema.ValidationError):
            validate(job, bad)

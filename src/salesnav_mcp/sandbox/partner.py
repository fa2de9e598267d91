"""The LinkedIn Sales Navigator partner API (`/v2/...`, Rest.li 2.0) as the sandbox serves it.

Optional fields without a value are left out (Rest.li style) rather than sent as
null: the seed schema is OpenAPI 3.1, where `nullable` has no effect, so a null
would not validate. Errors are always `{message, serviceErrorCode, status}`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .bodies import json_body
from .data import CONTRACTS
from .errors import restli_error
from .jobs import MAX_RANGE_MS, CrmJob, ExportJob, record_digest, record_matches, take_outcome
from .restli import AssociationKey, AssociationKeyError, parse_batch, parse_path_key, raw_query_param
from .routes import routes
from .world import SandboxWorld, epoch_ms

ACTIONS = ("exportSeatData", "exportActivityOutcomeData", "exportActivityData")
TOKEN_LIFETIME = timedelta(minutes=30)
_CRM_INSTANCE = re.compile(r"urn:li:crmInstance:(.+)")
_PREFIX = "/salesNavigatorProfileAssociations/"

Handler = Callable[[Request, SandboxWorld], Awaitable[Response]]


def _authenticate(request: Request) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise restli_error(401, "Empty oauth2_access_token", 65604)
    if token.startswith("invalid"):
        raise restli_error(401, "Invalid access token", 65600)
    if token.startswith("expired"):
        raise restli_error(401, "The token used in the request has expired", 65601)
    if request.headers.get("x-restli-protocol-version", "").strip() != "2.0.0":
        raise restli_error(400, "Missing or unsupported X-Restli-Protocol-Version header; send "
                                "X-Restli-Protocol-Version: 2.0.0", 100)


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        _authenticate(request)
        return await handler(request, request.app.state.world)

    run.__name__ = handler.__name__
    return run


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


async def _json_object(request: Request) -> dict[str, Any]:
    data = await json_body(request, lambda message: restli_error(400, message, 100))
    if not isinstance(data, dict):
        raise restli_error(400, "Request body must be a JSON object", 100)
    return data


def _ms_field(body: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = body.get(name)
    if value is None:
        if required:
            raise restli_error(400, f"Missing required field '{name}' (milliseconds since epoch)", 100)
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise restli_error(400, f"Field '{name}' must be a non-negative integer (milliseconds since epoch)", 100)
    return value


# ------------------------------------------------------------------ contracts and tokens


@endpoint
async def contracts(request: Request, world: SandboxWorld) -> Response:
    q = request.query_params.get("q")
    if q != "contractsByMember":
        raise restli_error(400, "Query parameter 'q' must be 'contractsByMember'", 100)
    elements = [{"contract": c.urn, "name": c.name, "description": c.description,
                 "hasReportingAccess": c.has_reporting_access} for c in CONTRACTS]
    return JSONResponse({"elements": elements, "paging": {"count": 10, "start": 0, "links": []}})


@endpoint
async def sales_access_tokens(request: Request, world: SandboxWorld) -> Response:
    if request.query_params.get("q") != "viewerAndDeveloperApp":
        raise restli_error(400, "Query parameter 'q' must be 'viewerAndDeveloperApp'", 100)
    expiry = int((world.now() + TOKEN_LIFETIME).timestamp())
    token = f"AQX{world.token(48)}"
    world.sales_access_tokens.append((token, expiry))
    return JSONResponse({"elements": [{"token": token, "expiryTime": expiry}],
                         "paging": {"count": 1, "start": 0, "links": []}})


# ------------------------------------------------------------------ analytics exports


def _contract_with_reporting(world: SandboxWorld, urn: str) -> None:
    contract = world.contracts.get(urn)
    if contract is None:
        raise restli_error(403, f"The member holds no seat on contract {urn}", 100)
    if not contract.has_reporting_access:
        raise restli_error(403, f"Exports need a reporting role on contract {urn} ({contract.name} has none)", 100)


@endpoint
async def create_export(request: Request, world: SandboxWorld) -> Response:
    action = request.query_params.get("action")
    if action not in ACTIONS:
        raise restli_error(400, f"Query parameter 'action' must be one of {', '.join(ACTIONS)}", 100)
    body = await _json_object(request)
    contract = body.get("contract")
    if not isinstance(contract, str) or not contract:
        raise restli_error(400, "Missing required field 'contract' (a urn:li:salesContract URN)", 100)
    start = _ms_field(body, "startAt", required=True) or 0
    end = _ms_field(body, "endAt", required=True) or 0
    if start >= end:
        raise restli_error(400, "startAt must be before endAt", 100)
    if end - start > MAX_RANGE_MS:
        raise restli_error(400, "The export range must not exceed 90 days", 100)
    _contract_with_reporting(world, contract)
    for job in world.export_jobs.values():
        if job.action == action and job.contract == contract and job.in_progress:
            raise restli_error(409, f"Export job {job.id} for {action} on this contract is still {job.status}; "
                                    "wait for it to finish", 100)
    job = ExportJob(id=world.next_export_id, action=action, contract=contract, start_at=start, end_at=end,
                    outcome=take_outcome(world))
    world.next_export_id += 1
    world.export_jobs[job.id] = job
    return JSONResponse({"value": job.json(_base_url(request))})


@endpoint
async def get_export(request: Request, world: SandboxWorld) -> Response:
    contract = request.query_params.get("contract")
    if not contract:
        raise restli_error(400, "Missing required query parameter 'contract'", 100)
    job = world.export_jobs.get(request.path_params["job_id"])
    if job is None or job.contract != contract:
        raise restli_error(404, f"No export job {request.path_params['job_id']} on contract {contract}", 0)
    job.advance(world)
    return JSONResponse(job.json(_base_url(request)))


# ------------------------------------------------------------------ profile associations


def _association(world: SandboxWorld, key: AssociationKey) -> dict[str, Any] | None:
    if not record_matches(key.record_id):
        return None
    lead = world.leads[int.from_bytes(record_digest(key.record_id)[1:5], "big") % len(world.leads)]
    body = {"member": f"urn:li:person:{lead.person_id}",
            "profile": f"https://www.linkedin.com/sales/people/{lead.person_id}"}
    if lead.picture:
        body["profilePhoto"] = lead.picture
    return body


@endpoint
async def get_association(request: Request, world: SandboxWorld) -> Response:
    raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
    try:
        key = parse_path_key(raw_path.split(_PREFIX, 1)[-1])
    except AssociationKeyError as exc:
        raise restli_error(400, f"Invalid association key: {exc}", 100) from None
    found = _association(world, key)
    if found is None:
        raise restli_error(404, f"Match unavailable for {key.display}", 0)
    return JSONResponse(found)


@endpoint
async def batch_associations(request: Request, world: SandboxWorld) -> Response:
    raw_ids = raw_query_param(request.scope.get("query_string", b"").decode("latin-1"), "ids")
    if raw_ids is None:
        raise restli_error(400, "Missing required query parameter 'ids'", 100)
    try:
        keys = parse_batch(raw_ids)
    except AssociationKeyError as exc:
        raise restli_error(400, f"Invalid ids: {exc}", 100) from None
    results: dict[str, Any] = {}
    statuses: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in keys:
        found = _association(world, key)
        if found is None:
            statuses[key.display] = 404
            errors[key.display] = "Match unavailable"
        else:
            statuses[key.display] = 200
            results[key.display] = found
    return JSONResponse({"results": results, "statuses": statuses, "errors": errors})


# ------------------------------------------------------------------ CRM data validation


def _crm_instance(request: Request) -> str:
    value = request.query_params.get("crmInstanceId") or ""
    if "%3a" in value.lower():  # sent encoded twice, as the seed's example shows
        value = unquote(value)
    if not _CRM_INSTANCE.fullmatch(value):
        raise restli_error(400, "Query parameter 'crmInstanceId' must be a URL-encoded urn:li:crmInstance:<id>", 100)
    return value


@endpoint
async def create_crm_job(request: Request, world: SandboxWorld) -> Response:
    instance = _crm_instance(request)
    body = await _json_object(request)
    now_ms = epoch_ms(world.now())
    start = _ms_field(body, "exportStartAt", required=False)
    if start is None:
        start = now_ms - 30 * 24 * 3600 * 1000
    if start > now_ms:
        raise restli_error(400, "exportStartAt must not be in the future", 100)
    job = CrmJob(id=world.next_crm_id, instance=instance, export_start_at=start,
                 outcome=take_outcome(world, allowed=("FAILED_DUE_TO_INTERNAL_ERROR",)))
    world.next_crm_id += 1
    world.crm_jobs[job.id] = job
    headers = {"X-RestLi-Id": str(job.id), "Location": f"/crmDataValidationExportJobs/{job.id}"}
    return JSONResponse(job.json(_base_url(request)), status_code=201, headers=headers)


@endpoint
async def get_crm_job(request: Request, world: SandboxWorld) -> Response:
    instance = _crm_instance(request)
    job = world.crm_jobs.get(request.path_params["job_id"])
    if job is None or job.instance != instance:
        raise restli_error(404, f"No CRM validation job {request.path_params['job_id']} for {instance}", 0)
    job.advance(world)
    return JSONResponse(job.json(_base_url(request)))


ROUTES = routes({
    "GET /salesContracts": contracts,
    "GET /salesAccessTokens": sales_access_tokens,
    "POST /salesAnalyticsExportJobs": create_export,
    "GET /salesAnalyticsExportJobs/{job_id:int}": get_export,
    "GET /salesNavigatorProfileAssociations": batch_associations,
    "GET /salesNavigatorProfileAssociations/{key:path}": get_association,
    "POST /crmDataValidationExportJobs": create_crm_job,
    "GET /crmDataValidationExportJobs/{job_id:int}": get_crm_job,
})

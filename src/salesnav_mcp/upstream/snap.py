"""Typed async client of LinkedIn's Sales Navigator Application Platform (SNAP) partner API, Rest.li 2.0.

Every request carries `X-Restli-Protocol-Version: 2.0.0`. Compound keys follow
Rest.li 2.0: in a path the key `(instanceId:a,partner:b,recordId:c)` is URL-encoded
as a whole (its values already percent-encoded); in a batch query the structure
stays literal, `ids=List((...),(...))`, with only the values encoded -- so the
query string is built here and never re-encoded by the HTTP library.

Single profile-association lookups return None for a 404 (no high-confidence match),
because a miss is an ordinary answer there, not a failure.

Export-job creation is not idempotent (each call creates a job), so it is never
repeated once it may have reached LinkedIn. Export files are fetched from their
pre-signed URLs without the bearer token.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TypeVar, Unpack
from urllib.parse import urlsplit

import httpx2
from pydantic import SecretStr

from salesnav_mcp.models.common import datetime_to_epoch_ms
from salesnav_mcp.models.snap import (
    MAX_BATCH_KEYS,
    AnalyticsExportAction,
    AnalyticsExportJob,
    AnalyticsExportJobResponse,
    AnalyticsExportRequest,
    BatchProfileAssociationResponse,
    ContractsResponse,
    CrmValidationExportJob,
    CrmValidationExportRequest,
    ExportFile,
    ProfileAssociation,
    ProfileAssociationBatch,
    ProfileAssociationKey,
    SalesAccessToken,
    SalesAccessTokenResponse,
    crm_instance_urn,
)
from salesnav_mcp.upstream.base import Call, ClientOptions, UpstreamClient, path_only
from salesnav_mcp.upstream.error_mapping import map_download_error, map_restli_error
from salesnav_mcp.upstream.errors import (
    DownloadExpiredError,
    NotFoundError,
    UnknownOutcomeError,
    UpstreamFailure,
    ValidationError,
)

RESTLI_PROTOCOL_VERSION = "2.0.0"

CONTRACTS = Call("GET", "/salesContracts")
EXPORT_CREATE = Call("POST", "/salesAnalyticsExportJobs", idempotent=False)
EXPORT_GET = Call("GET", "/salesAnalyticsExportJobs/{id}")
ACCESS_TOKEN = Call("GET", "/salesAccessTokens")
ASSOCIATION_GET = Call("GET", "/salesNavigatorProfileAssociations/{key}")
ASSOCIATION_BATCH = Call("GET", "/salesNavigatorProfileAssociations")
CRM_EXPORT_CREATE = Call("POST", "/crmDataValidationExportJobs", idempotent=False)
CRM_EXPORT_GET = Call("GET", "/crmDataValidationExportJobs/{id}")
DOWNLOAD = Call("GET", "(export download)")

T = TypeVar("T")


def chunked(items: Sequence[T], size: int = MAX_BATCH_KEYS) -> Iterator[Sequence[T]]:
    """Upstream batches of at most `size` items, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def batch_ids_query(keys: Iterable[ProfileAssociationKey]) -> str:
    """`ids=List((instanceId:a,partner:b,recordId:c),...)`: literal structure, encoded values."""
    return "ids=List(" + ",".join(key.restli() for key in keys) + ")"


class SnapClient(UpstreamClient):
    """The partner API: contracts, analytics exports, sales access tokens, profile associations, CRM validation."""

    api_name = "LinkedIn partner API"
    _error_mapper = staticmethod(map_restli_error)

    _base_url_setting = "linkedin_api_base_url"
    _credential_setting = "linkedin_access_token"

    def __init__(self, *, access_token: SecretStr | str | None = None, **options: Unpack[ClientOptions]) -> None:
        super().__init__(credential=access_token, **options)

    def _headers(self) -> dict[str, str]:
        return {**super()._headers(), "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION}

    # ------------------------------------------------------------------ contracts and tokens

    async def list_contracts(self) -> ContractsResponse:
        """`GET /salesContracts?q=contractsByMember`: contracts where the member has a seat."""
        return await self._call(CONTRACTS, ContractsResponse, params={"q": "contractsByMember"})

    async def get_sales_access_token(self) -> SalesAccessToken:
        """`GET /salesAccessTokens?q=viewerAndDeveloperApp`: a short-lived token for the embedded profile."""
        tokens = await self._call(ACCESS_TOKEN, SalesAccessTokenResponse, params={"q": "viewerAndDeveloperApp"})
        if not tokens.elements:
            raise UpstreamFailure(f"{self.api_name} returned no sales access token.", api=self.api_name)
        return tokens.elements[0]

    # ------------------------------------------------------------------ analytics exports

    async def create_analytics_export(
        self,
        action: AnalyticsExportAction | str,
        *,
        contract: str,
        start_at: datetime | int,
        end_at: datetime | int,
    ) -> AnalyticsExportJob:
        """`POST /salesAnalyticsExportJobs?action=...`: start an export (times as datetimes or ms); ENQUEUED job."""
        try:
            kind = AnalyticsExportAction(action)
        except ValueError:
            raise ValidationError(
                "Invalid export request, nothing was sent.",
                fields={"action": f"must be one of {', '.join(a.value for a in AnalyticsExportAction)}"},
                api=self.api_name,
            ) from None
        req = self._build(
            AnalyticsExportRequest,
            None,
            {"contract": contract, "startAt": datetime_to_epoch_ms(start_at), "endAt": datetime_to_epoch_ms(end_at)},
            "analytics export",
        )
        params = {"action": kind.value}
        created = await self._call(EXPORT_CREATE, AnalyticsExportJobResponse, params=params, json_body=req.to_wire())
        return created.value

    async def get_analytics_export(self, job_id: int, *, contract: str) -> AnalyticsExportJob:
        """`GET /salesAnalyticsExportJobs/{id}?contract=`: poll until `is_completed` (download_url) or `is_failed`."""
        return await self._call(
            EXPORT_GET,
            AnalyticsExportJob,
            path=f"/salesAnalyticsExportJobs/{int(job_id)}",
            params={"contract": contract},
        )

    # ------------------------------------------------------------------ profile associations

    async def get_profile_association(self, key: ProfileAssociationKey) -> ProfileAssociation | None:
        """The Sales Navigator profile matched to one CRM record, or None when there is no confident match (404)."""
        path = f"/salesNavigatorProfileAssociations/{key.path_segment()}"
        try:
            return await self._call(ASSOCIATION_GET, ProfileAssociation, path=path)
        except NotFoundError:
            return None

    async def batch_get_profile_associations(self, keys: Iterable[ProfileAssociationKey]) -> ProfileAssociationBatch:
        """Matches for any number of CRM records: split into upstream batches of <= 100, mapped back to `keys`."""
        unique = list(dict.fromkeys(keys))
        batch = ProfileAssociationBatch()
        for part in chunked(unique):
            raw = await self._call(ASSOCIATION_BATCH, BatchProfileAssociationResponse, raw_query=batch_ids_query(part))
            _merge_batch(batch, part, raw)
        return batch

    # ------------------------------------------------------------------ CRM data validation

    async def create_crm_validation_export(
        self, crm_instance: str, *, export_start_at: datetime | int
    ) -> CrmValidationExportJob:
        """`POST /crmDataValidationExportJobs?crmInstanceId=`: 201; the job id comes from `X-RestLi-Id`/`Location`."""
        req = self._build(
            CrmValidationExportRequest,
            None,
            {"exportStartAt": datetime_to_epoch_ms(export_start_at)},
            "CRM validation export",
        )
        reply = await self._request(
            CRM_EXPORT_CREATE,
            path=CRM_EXPORT_CREATE.route,
            params={"crmInstanceId": crm_instance_urn(crm_instance)},
            json_body=req.to_wire(),
            expect=(200, 201),
            body="optional",  # the id is in the headers; the body may be absent or partial
        )
        job_id = _created_id(reply.headers) or (reply.data.get("jobId") if isinstance(reply.data, dict) else None)
        if job_id is None:
            raise UnknownOutcomeError(
                f"{self.api_name} created a CRM validation export but did not say its id.", api=self.api_name
            )
        fields = reply.data if isinstance(reply.data, dict) else {}
        return self._parse(
            CrmValidationExportJob,
            {"status": "PROCESSING", "exportStartAt": req.export_start_at, **fields, "jobId": job_id},
            CRM_EXPORT_CREATE,
        )

    async def get_crm_validation_export(self, job_id: int, *, crm_instance: str) -> CrmValidationExportJob:
        """`GET /crmDataValidationExportJobs/{id}?crmInstanceId=`: PROCESSING -> COMPLETED (download_urls)."""
        return await self._call(
            CRM_EXPORT_GET,
            CrmValidationExportJob,
            path=f"/crmDataValidationExportJobs/{int(job_id)}",
            params={"crmInstanceId": crm_instance_urn(crm_instance)},
        )

    # ------------------------------------------------------------------ export files

    async def download_export(self, url: str, *, expire_at: int | None = None) -> ExportFile:
        """Fetch an export file from its pre-signed URL, without credentials.

        DownloadExpiredError when the link has expired (checked against `expire_at`, in ms,
        before fetching, and on upstream's 403/410): get the job again for a fresh URL.
        """
        parts = urlsplit(url)
        api_origin = urlsplit(self.base_url)
        same_host = (parts.scheme, parts.netloc) == (api_origin.scheme, api_origin.netloc)
        if parts.scheme != "https" and not same_host:
            raise ValidationError(
                "Refusing to fetch an export over plain HTTP.", fields={"url": path_only(url)}, api=self.api_name
            )
        if expire_at is not None and datetime_to_epoch_ms(self._clock.now()) >= expire_at:
            raise DownloadExpiredError("The export download link has expired.", api=self.api_name)
        reply = await self._request(
            DOWNLOAD,
            url=url,
            authenticated=False,
            body="bytes",
            error_mapper=map_download_error,
            follow_redirects=True,
        )
        return ExportFile(content=reply.content, media_type=reply.headers.get("content-type"))


def _created_id(headers: httpx2.Headers) -> int | str | None:
    """Id of a created Rest.li entity: `X-RestLi-Id`, else the last segment of `Location`."""
    candidate = headers.get("x-restli-id") or ""
    if not candidate and headers.get("location"):
        candidate = urlsplit(headers["location"]).path.rstrip("/").rsplit("/", 1)[-1]
    candidate = candidate.strip()
    if not candidate:
        return None
    return int(candidate) if candidate.isdigit() else candidate


def _merge_batch(
    batch: ProfileAssociationBatch, keys: Sequence[ProfileAssociationKey], raw: BatchProfileAssociationResponse
) -> None:
    """Map upstream's string keys back to the caller's key objects (exact Rest.li form wins over looser ones)."""
    lookup: dict[str, ProfileAssociationKey] = {}
    ambiguous: set[str] = set()
    for key in keys:
        for form in key.response_forms()[1:]:
            if form in lookup and lookup[form] != key:
                ambiguous.add(form)
            lookup.setdefault(form, key)
    for form in ambiguous:
        del lookup[form]
    for key in keys:
        lookup[key.restli()] = key

    answered: set[ProfileAssociationKey] = set()
    for text, result in raw.results.items():
        if (key := lookup.get(text)) is not None:
            batch.results[key] = result
            answered.add(key)
    for text, status in raw.statuses.items():
        if (key := lookup.get(text)) is not None:
            batch.statuses[key] = status
            answered.add(key)
    for text, error in raw.errors.items():
        if (key := lookup.get(text)) is not None:
            message = error.get("message") if isinstance(error, dict) else error
            batch.errors[key] = str(message if message is not None else error)
            answered.add(key)
    for key in keys:
        if key in batch.results:
            batch.statuses.setdefault(key, 200)
        if key not in answered:
            batch.unanswered.append(key)

"""Requests and responses of LinkedIn's Sales Navigator Application Platform (partner API, Rest.li 2.0)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from pydantic import ConfigDict, Field, field_validator, model_validator

from salesnav_mcp.models.common import RequestModel, WireModel, epoch_to_datetime

MAX_EXPORT_RANGE_DAYS = 90
MAX_BATCH_KEYS = 100


class Paging(WireModel):
    count: int | None = None
    start: int | None = None
    links: list[Any] = Field(default_factory=list)


# --------------------------------------------------------------------------- contracts and tokens


class Contract(WireModel):
    contract: str  # urn:li:salesContract:<id>
    name: str
    description: str | None = None
    has_reporting_access: bool


class ContractsResponse(WireModel):
    elements: list[Contract] = Field(default_factory=list)
    paging: Paging | None = None


class SalesAccessToken(WireModel):
    """Short-lived token for the embedded-profile iframe (`sat=`). Kept out of repr: it grants access."""

    token: str = Field(repr=False)
    expiry_time: int  # seconds since epoch

    @property
    def expires_at(self) -> datetime:
        expires = epoch_to_datetime(self.expiry_time)
        assert expires is not None
        return expires


class SalesAccessTokenResponse(WireModel):
    elements: list[SalesAccessToken] = Field(default_factory=list)
    paging: Paging | None = None


# --------------------------------------------------------------------------- analytics exports


class AnalyticsExportAction(StrEnum):
    SEAT = "exportSeatData"
    ACTIVITY_OUTCOME = "exportActivityOutcomeData"
    ACTIVITY = "exportActivityData"


class ExportStatus(StrEnum):
    ENQUEUED = "ENQUEUED"
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"


class AnalyticsExportRequest(RequestModel):
    """Body of `POST /salesAnalyticsExportJobs?action=...`; times in ms since epoch, range at most 90 days."""

    contract: str = Field(pattern=r"^urn:li:salesContract:.+")
    start_at: int = Field(ge=0)
    end_at: int = Field(ge=0)

    @model_validator(mode="after")
    def _sane_range(self) -> AnalyticsExportRequest:
        if self.start_at >= self.end_at:
            raise ValueError("startAt must be before endAt")
        if self.end_at - self.start_at > MAX_EXPORT_RANGE_DAYS * 86_400_000:
            raise ValueError(f"the range may span at most {MAX_EXPORT_RANGE_DAYS} days")
        return self


class _ExportJobState(WireModel):
    status: str  # ExportStatus or a FAILED_* value; kept open for statuses added later

    @property
    def is_completed(self) -> bool:
        return self.status == ExportStatus.COMPLETED

    @property
    def is_failed(self) -> bool:
        return self.status.startswith("FAILED")

    @property
    def is_pending(self) -> bool:
        return not (self.is_completed or self.is_failed)


class AnalyticsExportJob(_ExportJobState):
    id: int
    download_url: str | None = Field(default=None, repr=False)  # pre-signed: grants access while valid
    expire_at: int | None = None  # ms since epoch
    row_count: int | None = None

    @property
    def expires_at(self) -> datetime | None:
        return epoch_to_datetime(self.expire_at)


class AnalyticsExportJobResponse(WireModel):
    value: AnalyticsExportJob


# --------------------------------------------------------------------------- profile associations


def restli_encode(value: str) -> str:
    """Percent-encode a value inside a Rest.li 2.0 key: everything but unreserved characters.

    That covers Rest.li's reserved `%`, `,`, `(`, `)`, `:` and `'` plus non-ASCII and anything URL-unsafe.
    """
    return quote(value, safe="")


class ProfileAssociationKey(RequestModel):
    """A CRM record's key: which CRM instance, which partner (e.g. "salesforce"), which record."""

    model_config = ConfigDict(frozen=True)

    instance_id: str = Field(min_length=1)
    partner: str = Field(min_length=1)
    record_id: str = Field(min_length=1)

    def restli(self) -> str:
        """Rest.li 2.0 string form with encoded values: `(instanceId:a,partner:b,recordId:c)`."""
        return (
            f"(instanceId:{restli_encode(self.instance_id)},partner:{restli_encode(self.partner)},"
            f"recordId:{restli_encode(self.record_id)})"
        )

    def literal(self) -> str:
        """The same form with values as they are (how some servers echo keys back)."""
        return f"(instanceId:{self.instance_id},partner:{self.partner},recordId:{self.record_id})"

    def positional(self) -> str:
        """The seed's positional rendering `(a,b,c)`."""
        return f"({self.instance_id},{self.partner},{self.record_id})"

    def path_segment(self) -> str:
        """The key as one URL path segment: the Rest.li form, URL-encoded as a whole."""
        return quote(self.restli(), safe="")

    def response_forms(self) -> tuple[str, ...]:
        """Every spelling under which a batch response may key this record, most exact first."""
        return (self.restli(), self.literal(), self.positional())


class ProfileAssociation(WireModel):
    member: str | None = None  # urn:li:person:<id>
    profile: str | None = None  # Sales Navigator profile URL
    profile_photo: str | None = None


class BatchProfileAssociationResponse(WireModel):
    """The raw batch answer, keyed by the key's string form."""

    results: dict[str, ProfileAssociation] = Field(default_factory=dict)
    statuses: dict[str, int] = Field(default_factory=dict)
    errors: dict[str, Any] = Field(default_factory=dict)


@dataclass
class ProfileAssociationBatch:
    """A batch answer mapped back onto the caller's keys.

    `results` holds the matches; `statuses` every status upstream reported (404 = no
    high-confidence match); `errors` upstream's error text per key; `unanswered`
    keys upstream said nothing about.
    """

    results: dict[ProfileAssociationKey, ProfileAssociation] = field(default_factory=dict)
    statuses: dict[ProfileAssociationKey, int] = field(default_factory=dict)
    errors: dict[ProfileAssociationKey, str] = field(default_factory=dict)
    unanswered: list[ProfileAssociationKey] = field(default_factory=list)

    def get(self, key: ProfileAssociationKey) -> ProfileAssociation | None:
        return self.results.get(key)

    @property
    def unmatched(self) -> list[ProfileAssociationKey]:
        """Keys without a match (404, error, or no answer)."""
        seen = set(self.results)
        keys = list(dict.fromkeys([*self.statuses, *self.errors, *self.unanswered]))
        return [key for key in keys if key not in seen]


# --------------------------------------------------------------------------- CRM data validation

CRM_INSTANCE_URN_PREFIX = "urn:li:crmInstance:"


def crm_instance_urn(instance: str) -> str:
    """`sf-instance-001` or `urn:li:crmInstance:sf-instance-001` -> the URN."""
    return instance if instance.startswith(CRM_INSTANCE_URN_PREFIX) else CRM_INSTANCE_URN_PREFIX + instance


class CrmValidationExportRequest(RequestModel):
    export_start_at: int = Field(ge=0)  # ms since epoch


class CrmValidationExportJob(_ExportJobState):
    job_id: int
    export_start_at: int | None = None
    export_end_at: int | None = None
    download_urls: list[str] | None = Field(default=None, repr=False)  # pre-signed
    next_export_start_at: int | None = None
    expire_at: int | None = None  # ms since epoch

    @field_validator("job_id", mode="before")
    @classmethod
    def _numeric_id(cls, value: Any) -> Any:
        return int(value) if isinstance(value, str) and value.isdigit() else value

    @property
    def expires_at(self) -> datetime | None:
        return epoch_to_datetime(self.expire_at)


class ExportFile(WireModel):
    """A downloaded export file."""

    content: bytes = Field(repr=False)
    media_type: str | None = None

    def text(self) -> str:
        return self.content.decode("utf-8-sig")

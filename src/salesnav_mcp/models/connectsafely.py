"""Requests and responses of the ConnectSafely LinkedIn API (base path `/linkedin`).

Requests are strict (unknown keys rejected before anything is sent, limits checked);
responses are tolerant (extra fields kept, documented variants normalised).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator

from salesnav_mcp.models.common import RequestModel, WireModel

ConnectionDegreeCode = Literal["F", "S", "O"]  # 1st, 2nd, 3rd+ (Sales Navigator RELATIONSHIP ids)
HeadcountCode = Literal["A", "B", "C", "D", "E", "F", "G", "H", "I"]
MessagingChannel = Literal["auto", "sales_navigator", "linkedin_inbox"]
PremiumType = str  # SALES_NAVIGATOR | BUSINESS_PREMIUM | RECRUITER | FREE | UNKNOWN (kept open: upstream may add)

MAX_PAGE_SIZE = 100
MAX_MESSAGE_CHARS = 8000
MAX_SUBJECT_CHARS = 200
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

_GEO_URN_PREFIX = "urn:li:geo:"


# --------------------------------------------------------------------------- search


class PeopleSearchFilters(RequestModel):
    """Filters of `POST /search/people`. Any other key is an error (upstream would silently ignore it)."""

    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    school: str | None = None
    title: str | None = Field(default=None, description='Boolean title query, e.g. "CTO OR VP Engineering".')
    current_company_ids: list[str] | None = None
    past_company_ids: list[str] | None = None
    location_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("locationId", "location_id", "geoUrn", "geo_urn"),
        serialization_alias="locationId",
        description="LinkedIn geo id (a `urn:li:geo:<id>` is accepted too).",
    )
    connection_degree: list[ConnectionDegreeCode] | None = None
    industry: list[str] | None = None
    profile_language: list[str] | None = None
    service_categories: list[str] | None = None
    open_to_work: bool | None = None

    @field_validator("location_id")
    @classmethod
    def _bare_geo_id(cls, value: str | None) -> str | None:
        return value.removeprefix(_GEO_URN_PREFIX) if value else value


class CompanySearchFilters(RequestModel):
    """Filters of `POST /search/companies`: HQ location, industries, headcount bands (Sales Navigator letters)."""

    location_id: str | None = Field(
        default=None,
        validation_alias=AliasChoices("locationId", "location_id", "geoUrn", "geo_urn"),
        serialization_alias="locationId",
        description="Geo id of the headquarters (a `urn:li:geo:<id>` is accepted too).",
    )
    industry: list[str] | None = None
    company_size: list[HeadcountCode] | None = None

    @field_validator("location_id")
    @classmethod
    def _bare_geo_id(cls, value: str | None) -> str | None:
        return value.removeprefix(_GEO_URN_PREFIX) if value else value


class _SearchRequest(RequestModel):
    account_id: str | None = None
    keywords: str = ""
    url: str | None = Field(default=None, description="A LinkedIn or Sales Navigator search URL.")
    count: int = Field(default=25, ge=1, le=MAX_PAGE_SIZE)
    start: int = Field(default=0, ge=0)

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) URL")
        return value


class PeopleSearchRequest(_SearchRequest):
    filters: PeopleSearchFilters | None = None


class CompanySearchRequest(_SearchRequest):
    filters: CompanySearchFilters | None = None


class Pagination(WireModel):
    count: int | None = None
    start: int | None = None
    total: int | None = None  # only for Sales Navigator URL searches


class Person(WireModel):
    profile_id: str | None = None
    profile_urn: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    profile_picture: str | None = None
    location: str | None = None
    connection_degree: str | None = None  # "1st" | "2nd" | "3rd+"
    current_position: Any = None
    profile_url: str | None = None
    is_premium: bool | None = None
    is_open_to_work: bool | None = None


class Company(WireModel):
    company_id: str | None = None
    name: str | None = None
    universal_name: str | None = None
    headline: str | None = None
    description: str | None = None
    logo_url: str | None = None
    industry: str | None = None
    follower_count: int | None = None
    company_url: str | None = None
    location: str | None = None


class PeopleSearchResponse(WireModel):
    people: list[Person] = Field(default_factory=list)
    pagination: Pagination = Field(default_factory=Pagination)
    has_more: bool = False


class CompanySearchResponse(WireModel):
    companies: list[Company] = Field(default_factory=list)
    pagination: Pagination = Field(default_factory=Pagination)
    has_more: bool = False


class GeoLookupRequest(RequestModel):
    keywords: str = Field(min_length=1)


class GeoLookupResponse(WireModel):
    geo_id: str
    name: str | None = None

    @field_validator("geo_id", mode="before")
    @classmethod
    def _text_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


# --------------------------------------------------------------------------- SSI and credits


class SsiSubScore(WireModel):
    pillar: str  # PROFESSIONAL_BRAND | FIND_RIGHT_PEOPLE | INSIGHT_ENGAGEMENT | STRONG_RELATIONSHIP
    score: float | None = None  # 0-25


class SsiScore(WireModel):
    overall: float | None = None  # 0-100
    sub_scores: list[SsiSubScore] = Field(default_factory=list)


class SsiGroupScore(WireModel):
    group_type: str | None = None  # INDUSTRY | NETWORK
    rank: float | None = None  # top-N percent
    industry_name: str | None = None
    score: SsiScore | None = None


class SsiResponse(WireModel):
    account_id: str | None = None
    member_score: SsiScore = Field(default_factory=SsiScore)
    industry: SsiGroupScore | None = None
    network: SsiGroupScore | None = None
    group_score: list[SsiGroupScore] = Field(default_factory=list)
    profile_urn: str | None = None
    active_seat: bool | None = None


class InMailCreditsResponse(WireModel):
    """InMail balance. Upstream names the balance `inMailCredits` (live) or `availableCredits` (docs): both land here."""

    in_mail_credits: int = 0
    total_credits: int | None = None
    used_credits: int | None = None
    entity_urn: str | None = None
    account_id: str | None = None
    premium_type: PremiumType | None = None
    message: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_balance_field(cls, data: Any) -> Any:
        has_balance = isinstance(data, dict) and ("inMailCredits" in data or "in_mail_credits" in data)
        if isinstance(data, dict) and not has_balance and "availableCredits" in data:
            data = {**data, "inMailCredits": data["availableCredits"]}
        return data


# --------------------------------------------------------------------------- accounts


class Account(WireModel):
    id: str
    first_name: str | None = None
    last_name: str | None = None
    public_id: str | None = None
    picture: str | None = None
    status: str | None = None  # AVAILABLE | WARMUP | ERROR | UNKNOWN
    enabled: bool | None = None
    api_seat_allocated: bool | None = None


class AccountStatus(WireModel):
    id: str | None = None
    status: str | None = None  # AVAILABLE | IN_USE | ERROR


# --------------------------------------------------------------------------- conversations


class Participant(WireModel):
    profile_id: str | None = None
    name: str | None = None
    headline: str | None = None
    profile_url: str | None = None
    profile_picture: str | None = None
    distance: str | None = None


class LatestMessage(WireModel):
    text: str | None = None
    sent_at: datetime | None = None
    sender_name: str | None = None
    has_attachment: bool | None = None


class Conversation(WireModel):
    conversation_urn: str
    conversation_id: str | None = None
    last_activity_at: datetime | None = None
    unread_count: int | None = None
    participants: list[Participant] = Field(default_factory=list)
    latest_message: LatestMessage | None = None
    source: str | None = None  # "sales_navigator" | "linkedin"
    sales_nav_thread_id: str | None = None

    @property
    def is_sales_navigator(self) -> bool:
        return self.source == "sales_navigator" or self.conversation_urn.startswith("urn:li:salesNav_thread:")


class AccountRef(WireModel):
    id: str | None = None
    name: str | None = None


class ConversationsPage(WireModel):
    conversations: list[Conversation] = Field(default_factory=list)
    accounts: list[AccountRef] = Field(default_factory=list)
    next_cursor: str | None = None
    has_more: bool = False
    from_cache: bool | None = None


class Attachment(WireModel):
    asset_urn: str
    byte_size: int | None = None
    media_type: str | None = None
    name: str | None = None


class Message(WireModel):
    message_urn: str | None = None
    text: str | None = None
    sent_at: datetime | None = None
    sender_profile_id: str | None = None
    sender_name: str | None = None
    is_sent_by_owner: bool | None = None
    has_attachment: bool | None = None
    attachments: list[Any] = Field(default_factory=list)


class MessagesPage(WireModel):
    messages: list[Message] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    has_more: bool = False
    cursor: str | None = None


# --------------------------------------------------------------------------- sending


class AttachmentFile(RequestModel):
    asset_urn: str = Field(pattern=r"^urn:li:")
    byte_size: int = Field(ge=0, le=MAX_ATTACHMENT_BYTES)
    media_type: str = Field(min_length=1)
    name: str = Field(min_length=1)


class AttachmentRef(RequestModel):
    """One entry of `attachments`: `{file: {assetUrn, byteSize, mediaType, name}}` (the upload's result)."""

    file: AttachmentFile

    @classmethod
    def of(cls, attachment: Attachment) -> AttachmentRef:
        return cls(
            file=AttachmentFile(
                asset_urn=attachment.asset_urn,
                byte_size=attachment.byte_size or 0,
                media_type=attachment.media_type or "application/octet-stream",
                name=attachment.name or "attachment",
            )
        )


class SendMessageRequest(RequestModel):
    """`POST /conversations/send`: a recipient (id or URN) or an existing conversation is required."""

    account_id: str | None = None
    recipient_profile_id: str | None = None
    recipient_profile_urn: str | None = None
    conversation_urn: str | None = None
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT_CHARS)
    attachments: list[AttachmentRef] | None = None
    messaging_channel: MessagingChannel | None = None

    @model_validator(mode="after")
    def _someone_to_send_to(self) -> SendMessageRequest:
        if not (self.recipient_profile_id or self.recipient_profile_urn or self.conversation_urn):
            raise ValueError("give recipientProfileId, recipientProfileUrn or conversationUrn")
        return self


class SendMessageResponse(WireModel):
    message: str | None = None  # the text as sent
    recipient_profile_urn: str | None = None
    conversation_urn: str | None = None  # when upstream says which thread it went to
    sent_message: dict[str, Any] | None = None
    thread_id: str | None = None  # only for Sales Navigator sends

    @field_validator("thread_id", mode="before")
    @classmethod
    def _text_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class SalesNavSendRequest(RequestModel):
    """`POST /sales-nav/send`: reply in `threadId` or open a thread to `recipients`; `copyToCrm` logs it to the CRM."""

    account_id: str | None = None
    body: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)
    subject: str | None = Field(default=None, max_length=MAX_SUBJECT_CHARS)
    thread_id: str | None = None
    recipients: list[str] | None = None
    copy_to_crm: bool = False
    attachments: list[AttachmentRef] | None = None

    @model_validator(mode="after")
    def _thread_or_recipients(self) -> SalesNavSendRequest:
        if bool(self.thread_id) == bool(self.recipients):
            raise ValueError("give exactly one of threadId or a non-empty recipients list")
        return self


class SalesNavSendResponse(WireModel):
    message: str | None = None
    thread_id: str | None = None
    message_id: str | None = None
    account_id: str | None = None

    @field_validator("thread_id", "message_id", mode="before")
    @classmethod
    def _text_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class UploadAttachmentResponse(WireModel):
    attachment: Attachment

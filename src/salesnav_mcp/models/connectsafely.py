"""Requests and responses of the ConnectSafely LinkedIn API (base path `/linkedin`).

Requests are strict (unknown keys rejected before anything is sent, limits checked);
responses are tolerant (extra fields kept, documented variants normalised).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import unquote

from pydantic import AfterValidator, AliasChoices, BeforeValidator, Field, field_validator, model_validator

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


def _int_as_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) else value


TextId = Annotated[str, BeforeValidator(_int_as_text)]  # an id upstream sends as a number or as text
GeoId = Annotated[str, AfterValidator(lambda value: value.removeprefix(_GEO_URN_PREFIX))]


def _location_field(description: str) -> Any:
    """A search filter's geo id, read as `locationId` or `geoUrn` (either spelling), sent as `locationId`."""
    return Field(
        default=None,
        validation_alias=AliasChoices("locationId", "location_id", "geoUrn", "geo_urn"),
        serialization_alias="locationId",
        description=description,
    )


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
    location_id: GeoId | None = _location_field("LinkedIn geo id (a `urn:li:geo:<id>` is accepted too).")
    connection_degree: list[ConnectionDegreeCode] | None = None
    industry: list[str] | None = None
    profile_language: list[str] | None = None
    service_categories: list[str] | None = None
    open_to_work: bool | None = None


class CompanySearchFilters(RequestModel):
    """Filters of `POST /search/companies`: HQ location, industries, headcount bands (Sales Navigator letters)."""

    location_id: GeoId | None = _location_field("Geo id of the headquarters (a `urn:li:geo:<id>` is accepted too).")
    industry: list[str] | None = None
    company_size: list[HeadcountCode] | None = None


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
    geo_id: TextId
    name: str | None = None


# --------------------------------------------------------------------------- SSI and credits


class SsiSubScore(WireModel):
    pillar: str  # PROFESSIONAL_BRAND | FIND_RIGHT_PEOPLE | INSIGHT_ENGAGEMENT | STRONG_RELATIONSHIP
    score: float | None = None  # 0-25


class SsiScore(WireModel):
    overall: float | None = None  # 0-100
    sub_scores: list[SsiSubScore] = Field(default_factory=list)


class SsiPillar(WireModel):
    """One entry of a group's `pillars` (DEFINE: the group's average per pillar, like `subScores`)."""

    pillar: str | None = None
    score: float | None = None


class SsiGroupScore(WireModel):
    """A group comparison. The notes' shape (`groupType`, `rank`, `score`) and the seed's (`group`,
    `averageScore`, `groupSize`, `change`, `pillars`) are both read; `group` fills `groupType` when it is absent.

    `change` (DEFINE): today's rank minus yesterday's, so negative means the member moved toward the top.
    """

    group_type: str | None = None  # INDUSTRY | NETWORK
    group: str | None = None
    rank: float | None = None  # top-N percent
    industry_name: str | None = None
    score: SsiScore | None = None
    average_score: float | None = None  # 0-100
    group_size: int | None = None
    change: float | None = None
    pillars: list[SsiPillar] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _group_names_the_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and not (data.get("groupType") or data.get("group_type")) and data.get("group"):
            data = {**data, "groupType": data["group"]}
        return data


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
    """The account's LinkedIn session: AVAILABLE, IN_USE (a request or the vendor's warm-up automation is
    driving it) or ERROR."""

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


class ConversationLabel(WireModel):
    id: str | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: Any) -> Any:
        return {"id": data} if isinstance(data, str) else data


class Conversation(WireModel):
    conversation_urn: str
    conversation_id: str | None = None
    last_activity_at: datetime | None = None
    unread_count: int | None = None
    participants: list[Participant] = Field(default_factory=list)
    latest_message: LatestMessage | None = None
    source: str | None = None  # "sales_navigator" | "linkedin"
    sales_nav_thread_id: str | None = None
    subject: str | None = None  # Sales Navigator (InMail) threads
    labels: list[ConversationLabel] = Field(default_factory=list)

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


class MessageAttachment(WireModel):
    """An attachment as a read message lists it (every field optional: upstream's shapes vary)."""

    asset_urn: str | None = None
    byte_size: int | None = None
    media_type: str | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_name(cls, data: Any) -> Any:
        return {"name": data} if isinstance(data, str) else data


class Message(WireModel):
    message_urn: str | None = None
    text: str | None = None
    sent_at: datetime | None = None
    sender_profile_id: str | None = None
    sender_name: str | None = None
    is_sent_by_owner: bool | None = None
    has_attachment: bool | None = None
    attachments: list[MessageAttachment] = Field(default_factory=list)
    subject: str | None = None  # an InMail's subject

    @property
    def attachment_names(self) -> list[str]:
        return [a.name for a in self.attachments if a.name]


class MessagesPage(WireModel):
    messages: list[Message] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    has_more: bool = False
    cursor: str | None = None


class RecentMessage(Message):
    conversation_urn: str | None = None


class RecentMessagesPage(WireModel):
    """`GET /messaging/recent-messages` (DEFINE, the fields are undocumented): the account's messages across
    threads, newest first, only those after `since` when given; `cursor` continues with older ones."""

    messages: list[RecentMessage] = Field(default_factory=list)
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
    thread_id: TextId | None = None  # only for Sales Navigator sends


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
    thread_id: TextId | None = None
    message_id: TextId | None = None
    account_id: str | None = None


class UploadAttachmentResponse(WireModel):
    attachment: Attachment


# --------------------------------------------------------------------------- research: profiles and companies

_DEGREE_NAMES = {"DISTANCE_1": "1st", "DISTANCE_2": "2nd", "DISTANCE_3": "3rd", "3rd+": "3rd"}
_PROFILE_LISTS = ("experience", "education", "skills")
_PROFILE_URL = re.compile(r"linkedin\.com/in/([^/?#]+)")


class ProfileRequest(RequestModel):
    """`POST /profile`. `profile_id` is the public id (vanity slug); a profile URL is reduced to its slug
    (upstream tolerates URLs but documents slugs), a URN is refused before sending (upstream does not take one)."""

    profile_id: str = Field(min_length=1)
    account_id: str | None = None
    include_experience: bool = False
    include_education: bool = False
    include_skills: bool = False
    include_contact: bool = False
    include_geo_location: bool = False
    force_refresh: bool = Field(default=False, description="Skip upstream's 6 h cache (counts against the quota).")

    @field_validator("profile_id")
    @classmethod
    def _slug(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("urn:"):
            raise ValueError("give the public profile id (e.g. jane-doe-1a2b3c), not a URN")
        match = _PROFILE_URL.search(value)
        slug = unquote(match.group(1)) if match else value
        if not slug or re.search(r"[\s/]", slug):
            raise ValueError("must be a public profile id such as jane-doe-1a2b3c, or a linkedin.com/in/ URL")
        return slug


class ProfileLocation(WireModel):
    country_code: str | None = None
    postal_code: str | None = None
    geo_location_name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, data: Any) -> Any:
        return {"geoLocationName": data} if isinstance(data, str) else data


class GeoLocation(WireModel):
    city: str | None = None
    state: str | None = None
    country: str | None = None
    full_location: str | None = None


class Experience(WireModel):
    title: str | None = None
    company_name: str | None = None
    employment_type: str | None = None
    duration: str | None = None
    location: str | None = None
    description: str | None = None
    company_url: str | None = None
    company_logo_url: str | None = None


class Education(WireModel):
    school_name: str | None = None
    degree: str | None = None
    field_of_study: str | None = None
    date_range: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    grade: str | None = None
    activities: str | None = None
    description: str | None = None


class Skill(WireModel):
    skill_id: TextId | None = None
    name: str | None = None
    endorsement_count: int | None = None
    is_endorsed: bool | None = None


class Profile(WireModel):
    """One person's profile. `connection_degree` is normalised to "1st" | "2nd" | "3rd" (upstream answers
    those, or DISTANCE_1/2/3); the lists are here whether upstream put them inside `profile` or beside it.
    Contact details, when asked for, stay in the extra fields under upstream's own (undocumented) names."""

    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    public_identifier: str | None = None
    entity_urn: str | None = None  # urn:li:fsd_profile:...
    profile_picture: str | None = None
    location: ProfileLocation | None = None
    is_premium: bool | None = None
    is_verified: bool | None = None
    supports_free_email: bool | None = None  # a free InMail is possible (open profile)
    connection_count: int | None = None
    follower_count: int | None = None
    is_connected: bool | None = None
    invitation_sent: bool | None = None
    invitation_received: bool | None = None
    connection_degree: str | None = None
    geo_location: GeoLocation | None = None  # with include_geo_location
    experience: list[Experience] = Field(default_factory=list)
    education: list[Education] = Field(default_factory=list)
    skills: list[Skill] = Field(default_factory=list)

    @field_validator("connection_degree", mode="before")
    @classmethod
    def _one_spelling(cls, value: Any) -> Any:
        return _DEGREE_NAMES.get(value, value) if isinstance(value, str) else value


class ProfileResponse(WireModel):
    """`POST /profile`. `cached` answers came from upstream's 6 h cache and cost no quota."""

    profile_id: str | None = None
    account_id: str | None = None
    profile: Profile
    cached: bool | None = None
    cached_at: datetime | None = None
    expires_at: datetime | None = None
    message: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _lists_into_profile(cls, data: Any) -> Any:
        if not (isinstance(data, dict) and isinstance(data.get("profile"), dict)):
            return data
        beside = {key: data[key] for key in _PROFILE_LISTS if key in data and key not in data["profile"]}
        if not beside:
            return data
        rest = {key: value for key, value in data.items() if key not in beside}
        return {**rest, "profile": {**data["profile"], **beside}}


class CompanyDetailsRequest(RequestModel):
    """`POST /search/companies/details`: a numeric company id (sent as text) or a universal name."""

    company_id: str = Field(min_length=1)
    account_id: str | None = None

    @field_validator("company_id", mode="before")
    @classmethod
    def _text_id(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value.strip() if isinstance(value, str) else value


class EmployeeRange(WireModel):
    start: int | None = None
    end: int | None = None  # None: open-ended (10,001+)


class Headquarters(WireModel):
    """Keys undocumented (DEFINE): city, geographicArea, country, postalCode, line1; others kept as extras."""

    city: str | None = None
    geographic_area: str | None = None
    country: str | None = None
    postal_code: str | None = None
    line1: str | None = None


class CompanyDetails(WireModel):
    id: TextId | None = None
    name: str | None = None
    universal_name: str | None = None
    tagline: str | None = None
    description: str | None = None
    website_url: str | None = None
    phone: str | None = None
    company_type: str | None = None
    headquarters: Headquarters | None = None
    employee_range: EmployeeRange | None = None
    staff_count: int | None = None
    specialities: list[str] = Field(default_factory=list)
    logo_url: str | None = None
    cover_image_url: str | None = None
    linkedin_url: str | None = None
    is_active: bool | None = None
    is_verified: bool | None = None


class CompanyDetailsResponse(WireModel):
    company: CompanyDetails


# --------------------------------------------------------------------------- relationships and invitations

MAX_CONNECT_NOTE_CHARS = 300
_AGO = re.compile(r"(\d+|an?|one)\s+(second|minute|hour|day|week|month|year)s?\s+ago", re.IGNORECASE)
_AGO_UNIT = {
    "second": timedelta(seconds=1),
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}


class Relationship(WireModel):
    """`GET /relationship/{profileId}` (upstream sends no `success` field). `status`: NOT_CONNECTED is the
    documented value; the sandbox also answers CONNECTED, INVITATION_SENT, INVITATION_RECEIVED (DEFINE)."""

    connected: bool = False
    invitation_sent: bool = False
    invitation_received: bool = False
    status: str | None = None
    profile_urn: str | None = None
    account_id: str | None = None

    @property
    def can_invite(self) -> bool:
        """The documented rule: invite only when neither connected nor already invited."""
        return not (self.connected or self.invitation_sent)


class ConnectRequest(RequestModel):
    """`POST /connect`: exactly one of `profile_urn` (preferred upstream) or `profile_id`, and an optional note."""

    account_id: str | None = None
    profile_id: str | None = None
    profile_urn: str | None = Field(default=None, pattern=r"^urn:li:")
    custom_message: str | None = Field(default=None, max_length=MAX_CONNECT_NOTE_CHARS)

    @field_validator("custom_message")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value if value and value.strip() else None

    @model_validator(mode="after")
    def _one_person(self) -> ConnectRequest:
        if bool(self.profile_id) == bool(self.profile_urn):
            raise ValueError("give exactly one of profileUrn or profileId")
        return self


class ConnectResponse(WireModel):
    message: str | None = None
    profile_urn: str | None = None


class WithdrawInvitationRequest(RequestModel):
    profile_id: str = Field(min_length=1)
    account_id: str | None = None


class WithdrawInvitationResponse(WireModel):
    message: str | None = None


class InvitationProfile(WireModel):
    first_name: str | None = None
    last_name: str | None = None
    headline: str | None = None
    profile_url: str | None = None
    public_identifier: str | None = None


class SentInvitation(WireModel):
    invitation_id: TextId | None = None
    invitation_urn: str | None = None
    member_urn: str | None = None
    sent_at: str | None = None  # relative text, e.g. "2 days ago"
    profile: InvitationProfile | None = None

    @property
    def sent_ago(self) -> timedelta | None:
        """How long ago it was sent, read from the relative text (None when the text is not understood)."""
        text = (self.sent_at or "").strip().lower()
        if text in ("just now", "now", "today"):
            return timedelta(0)
        match = _AGO.search(text)
        if match is None:
            return None
        amount = int(match.group(1)) if match.group(1).isdigit() else 1
        return amount * _AGO_UNIT[match.group(2).lower()]


class SentInvitationsPage(WireModel):
    """`GET /invitations/sent`: pending invitations, newest first; `count` is how many this page holds."""

    invitations: list[SentInvitation] = Field(default_factory=list)
    count: int | None = None
    start_index: int | None = None
    account_id: str | None = None


# --------------------------------------------------------------------------- quotas


class Quota(WireModel):
    feature: str  # PROFILE_VIEW | CONNECT | SEARCH_PEOPLE | MESSAGE | FOLLOW | ...
    window: str | None = None  # daily | weekly
    used: int | None = None
    limit: int | None = None
    linkedin_limit: int | None = None
    remaining: int | None = None
    limit_reached: bool | None = None
    limit_reached_at: datetime | None = None
    reset_at: datetime | None = None


class QuotaResponse(WireModel):
    """`GET /account/{accountId}/quota` (no `success` field documented)."""

    account_id: str | None = None
    quotas: list[Quota] = Field(default_factory=list)

    def feature(self, name: str) -> Quota | None:
        return next((q for q in self.quotas if q.feature == name), None)


# --------------------------------------------------------------------------- webhooks


class WebhookSender(WireModel):
    id: str | None = None  # the sender's profile URN
    name: str | None = None
    profile_url: str | None = None
    profile_picture: str | None = None


class MessageReceivedData(WireModel):
    """`data` of a `message.received` webhook; its wire names are snake_case (accepted as field names)."""

    id: str | None = None
    message_urn: str
    account_id: str | None = None
    provider: str | None = None  # "LINKEDIN"
    sender: WebhookSender | None = None
    body: str | None = None
    timestamp: datetime | None = None
    conversation_id: str | None = None
    attachments: list[MessageAttachment] = Field(default_factory=list)


class MessageReceivedEvent(WireModel):
    """A `message.received` webhook. Delivery is at least once and unordered: dedupe on `data.message_urn`."""

    event: Literal["message.received"]
    object: str | None = None  # "event"
    data: MessageReceivedData

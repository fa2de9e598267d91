"""Typed async client of the ConnectSafely LinkedIn API (`https://api.connectsafely.ai/linkedin`).

Every endpoint the server uses is one method; network handling, retries and error
mapping live in `UpstreamClient._request`. Searches, the geo lookup, profile and
company lookups are POSTs that change nothing (a profile fetch may count against the
profile quota once, and upstream caches it), so they are retried like reads; sends,
connection requests, withdrawals and uploads are never repeated once they may have
reached upstream (see `retry.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Unpack
from urllib.parse import quote

import pydantic
from pydantic import SecretStr, TypeAdapter

from salesnav_mcp.models.connectsafely import (
    MAX_ATTACHMENT_BYTES,
    MAX_PAGE_SIZE,
    Account,
    AccountStatus,
    Attachment,
    CompanyDetails,
    CompanyDetailsRequest,
    CompanyDetailsResponse,
    CompanySearchRequest,
    CompanySearchResponse,
    ConnectRequest,
    ConnectResponse,
    ConversationsPage,
    GeoLookupRequest,
    GeoLookupResponse,
    InMailCreditsResponse,
    MessagesPage,
    PeopleSearchRequest,
    PeopleSearchResponse,
    ProfileRequest,
    ProfileResponse,
    QuotaResponse,
    RecentMessagesPage,
    Relationship,
    SalesNavSendRequest,
    SalesNavSendResponse,
    SendMessageRequest,
    SendMessageResponse,
    SentInvitationsPage,
    SsiResponse,
    UploadAttachmentResponse,
    WithdrawInvitationRequest,
    WithdrawInvitationResponse,
)
from salesnav_mcp.upstream.base import Call, ClientOptions, UpstreamClient
from salesnav_mcp.upstream.error_mapping import map_connectsafely_error
from salesnav_mcp.upstream.errors import UpstreamFailure, ValidationError

_ACCOUNTS = TypeAdapter(list[Account])

SEARCH_PEOPLE = Call("POST", "/search/people")
SEARCH_COMPANIES = Call("POST", "/search/companies")
GEO_LOOKUP = Call("POST", "/search/geo")
SSI = Call("GET", "/ssi")
INMAIL_CREDITS = Call("GET", "/inmail/credits")
ACCOUNTS = Call("GET", "/accounts")
ACCOUNT_STATUS = Call("GET", "/account/status")
CONVERSATIONS = Call("GET", "/conversations")
MESSAGES = Call("GET", "/conversations/{conversationUrn}/messages")
SEND = Call("POST", "/conversations/send", idempotent=False)
SALES_NAV_SEND = Call("POST", "/sales-nav/send", idempotent=False)
UPLOAD = Call("POST", "/conversations/upload-attachment", idempotent=False)
RECENT_MESSAGES = Call("GET", "/messaging/recent-messages")
PROFILE = Call("POST", "/profile")
COMPANY_DETAILS = Call("POST", "/search/companies/details")
RELATIONSHIP = Call("GET", "/relationship/{profileId}")
ACCOUNT_RELATIONSHIP = Call("GET", "/relationship/{accountId}/{profileId}")
CONNECT = Call("POST", "/connect", idempotent=False)
WITHDRAW = Call("POST", "/invitations/withdraw", idempotent=False)
SENT_INVITATIONS = Call("GET", "/invitations/sent")
QUOTA = Call("GET", "/account/{accountId}/quota")

# Connection requests are slow upstream; clients allow them a minute.
CONNECT_TIMEOUT = 60.0


def _segment(value: str, name: str, api: str) -> str:
    """A path segment: non-empty, not a dot segment (HTTP clients resolve those into another path), and
    percent-encoded (a URN keeps no bare `:`)."""
    if not value.strip():
        raise ValidationError("Invalid request, nothing was sent.", fields={name: "must not be empty"}, api=api)
    if value.strip() in (".", ".."):
        raise ValidationError("Invalid request, nothing was sent.", fields={name: "must not be . or .."}, api=api)
    return quote(value.strip(), safe="")


def _check_count(count: int, *, name: str = "count") -> None:
    if not 1 <= count <= MAX_PAGE_SIZE:
        raise ValidationError(
            "Invalid request, nothing was sent.", fields={name: f"must be 1..{MAX_PAGE_SIZE}"}, api="ConnectSafely"
        )


class ConnectSafelyClient(UpstreamClient):
    """ConnectSafely: search, SSI, InMail credits, accounts, conversations, sending, attachments.

    `account_id=None` everywhere means upstream's default account.
    """

    api_name = "ConnectSafely"
    _error_mapper = staticmethod(map_connectsafely_error)

    _base_url_setting = "connectsafely_base_url"
    _credential_setting = "connectsafely_api_key"

    def __init__(
        self,
        *,
        api_key: SecretStr | str | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
        **options: Unpack[ClientOptions],
    ) -> None:
        self._connect_timeout = connect_timeout
        super().__init__(credential=api_key, **options)

    # ------------------------------------------------------------------ search

    async def search_people(self, request: PeopleSearchRequest | None = None, /, **fields: Any) -> PeopleSearchResponse:
        """`POST /search/people`: keywords and `filters`, or a Sales Navigator lead-search `url`; `count`/`start` page."""
        req = self._build(PeopleSearchRequest, request, fields, "people search")
        return await self._call(SEARCH_PEOPLE, PeopleSearchResponse, json_body=req.to_wire())

    async def search_companies(
        self, request: CompanySearchRequest | None = None, /, **fields: Any
    ) -> CompanySearchResponse:
        """`POST /search/companies`: keywords and `filters`, or a Sales Navigator account-search `url`."""
        req = self._build(CompanySearchRequest, request, fields, "company search")
        return await self._call(SEARCH_COMPANIES, CompanySearchResponse, json_body=req.to_wire())

    async def lookup_geo(self, keywords: str) -> GeoLookupResponse:
        """`POST /search/geo`: the best-matching LinkedIn geo id for a place name (NotFoundError when none)."""
        req = self._build(GeoLookupRequest, None, {"keywords": keywords}, "geo lookup")
        return await self._call(GEO_LOOKUP, GeoLookupResponse, json_body=req.to_wire())

    # ------------------------------------------------------------------ insights

    async def get_ssi(self, *, account_id: str | None = None) -> SsiResponse:
        """`GET /ssi`: Social Selling Index (NoSeatError without a seat; SessionExpiredError on upstream's 500)."""
        return await self._call(SSI, SsiResponse, params={"accountId": account_id})

    async def get_inmail_credits(self, *, account_id: str | None = None) -> InMailCreditsResponse:
        """`GET /inmail/credits`: balance (`in_mail_credits`), totals for Sales Navigator, and `premium_type`."""
        return await self._call(INMAIL_CREDITS, InMailCreditsResponse, params={"accountId": account_id})

    # ------------------------------------------------------------------ accounts

    async def list_accounts(self, query: str | None = None) -> list[Account]:
        """`GET /accounts`: the connected LinkedIn accounts (upstream answers a bare array)."""
        reply = await self._request(ACCOUNTS, path=ACCOUNTS.route, params={"q": query})
        data = reply.data.get("accounts") if isinstance(reply.data, dict) else reply.data
        return self._parse_accounts(data)

    async def get_account_status(self, account_id: str) -> AccountStatus:
        """`GET /account/status`: AVAILABLE | IN_USE | ERROR (NotFoundError for an unknown id)."""
        return await self._call(ACCOUNT_STATUS, AccountStatus, params={"accountId": account_id})

    async def get_quota(self, account_id: str) -> QuotaResponse:
        """`GET /account/{accountId}/quota`: per-feature usage (PROFILE_VIEW, CONNECT, SEARCH_PEOPLE, MESSAGE, ...).

        Upstream reads it from its database, so polling it costs no LinkedIn activity.
        """
        path = f"/account/{_segment(account_id, 'accountId', self.api_name)}/quota"
        return await self._call(QUOTA, QuotaResponse, path=path)

    def _parse_accounts(self, data: Any) -> list[Account]:
        try:
            return _ACCOUNTS.validate_python(data)
        except pydantic.ValidationError as exc:
            raise UpstreamFailure(
                f"ConnectSafely GET /accounts answered in an unexpected shape ({type(exc).__name__}).",
                api=self.api_name,
            ) from None

    # ------------------------------------------------------------------ conversations

    async def list_conversations(
        self,
        *,
        account_id: str | None = None,
        count: int = 20,
        next_cursor: str | None = None,
        unread_only: bool | None = None,
        label_id: str | None = None,
        labeled_only: bool | None = None,
    ) -> ConversationsPage:
        """`GET /conversations`: classic and Sales Navigator threads; page on with `next_cursor`."""
        _check_count(count)
        params = {
            "accountId": account_id,
            "count": count,
            "nextCursor": next_cursor,
            "unreadOnly": unread_only,
            "labelId": label_id,
            "labeledOnly": labeled_only,
        }
        return await self._call(CONVERSATIONS, ConversationsPage, params=params)

    async def get_messages(
        self,
        conversation_urn: str,
        *,
        account_id: str | None = None,
        count: int = 50,
        cursor: str | None = None,
        since: datetime | int | str | None = None,
        sync: bool | None = None,
    ) -> MessagesPage:
        """`GET /conversations/{urn}/messages`: a thread's messages (Sales Nav thread URNs included); `cursor` = older."""
        if not conversation_urn.startswith("urn:li:"):
            raise ValidationError(
                "Invalid messages request, nothing was sent.",
                fields={"conversationUrn": "must be a conversation URN (urn:li:...)"},
                api=self.api_name,
            )
        _check_count(count)
        params = {"accountId": account_id, "count": count, "cursor": cursor, "since": since, "sync": sync}
        path = f"/conversations/{quote(conversation_urn, safe='')}/messages"
        return await self._call(MESSAGES, MessagesPage, path=path, params=params)

    async def get_recent_messages(
        self,
        *,
        account_id: str | None = None,
        since: datetime | int | str | None = None,
        count: int = 20,
        cursor: str | None = None,
    ) -> RecentMessagesPage:
        """`GET /messaging/recent-messages`: the account's latest messages across threads, newest first.

        DEFINE (upstream documents no fields): `since` (a datetime, epoch ms or ISO text) keeps only messages
        sent after it; `count` 1-100; `cursor` (from the previous page) continues with older messages.
        Answer `{messages: [{messageUrn, conversationUrn, text, sentAt, senderProfileId, senderName,
        isSentByOwner, ...}], hasMore, cursor}`.
        """
        _check_count(count)
        params = {"accountId": account_id, "since": since, "count": count, "cursor": cursor}
        return await self._call(RECENT_MESSAGES, RecentMessagesPage, params=params)

    # ------------------------------------------------------------------ research: profiles and companies

    async def get_profile(self, request: ProfileRequest | None = None, /, **fields: Any) -> ProfileResponse:
        """`POST /profile`: one person's profile by public id (a profile URL is reduced to it; a URN is refused).

        Upstream caches a profile for 6 h; only a miss or `force_refresh` counts against the account's quota
        of 120 distinct profiles per rolling 24 h (RateLimitedError with `retry_at` past it). The lists
        (experience, education, skills) land in `profile` whichever documented shape upstream used, and
        `connection_degree` reads "1st" | "2nd" | "3rd".
        """
        req = self._build(ProfileRequest, request, fields, "profile")
        return await self._call(PROFILE, ProfileResponse, json_body=req.to_wire())

    async def get_company_details(self, company_id: str | int, *, account_id: str | None = None) -> CompanyDetails:
        """`POST /search/companies/details`: a company page by numeric id or universal name (NotFoundError if none).

        DEFINE: a numeric id travels as text ("1234").
        """
        req = self._build(
            CompanyDetailsRequest, None, {"company_id": company_id, "account_id": account_id}, "company details"
        )
        found = await self._call(COMPANY_DETAILS, CompanyDetailsResponse, json_body=req.to_wire())
        return found.company

    # ------------------------------------------------------------------ relationships and invitations

    async def get_relationship(self, profile_id: str, *, account_id: str | None = None) -> Relationship:
        """`GET /relationship/{profileId}` (`/relationship/{accountId}/{profileId}` for a given account).

        Whether the account is connected to the person, has invited them or was invited by them;
        NotFoundError for an unknown profile. After an unanswered `send_connection_request`, this tells
        whether the invitation went out.
        """
        profile = _segment(profile_id, "profileId", self.api_name)
        if account_id is None:
            call, path = RELATIONSHIP, f"/relationship/{profile}"
        else:
            account = _segment(account_id, "accountId", self.api_name)
            call, path = ACCOUNT_RELATIONSHIP, f"/relationship/{account}/{profile}"
        return await self._call(call, Relationship, path=path)

    async def send_connection_request(self, request: ConnectRequest | None = None, /, **fields: Any) -> ConnectResponse:
        """`POST /connect`: invite a person (`profile_urn` or `profile_id`, optional note of at most 300 characters).

        An outbound action to a person: never repeated once it may have reached upstream, so a timeout
        (this call is allowed `connect_timeout`, 60 s by default) or a dropped answer raises
        UnknownOutcomeError; `get_relationship` then tells whether it went out. Refusals: ValidationError
        (already connected, already invited, missing fields; upstream's `code` kept), NotFoundError (unknown
        profile), RateLimitedError with `retry_at` (past 90 a week; upstream then holds requests for 24 h).
        """
        req = self._build(ConnectRequest, request, fields, "connection")
        return await self._call(
            CONNECT, ConnectResponse, json_body=req.to_wire(), attempt_timeout=max(self._timeout, self._connect_timeout)
        )

    async def withdraw_invitation(
        self, profile_id: str, *, account_id: str | None = None
    ) -> WithdrawInvitationResponse:
        """`POST /invitations/withdraw`: take back a pending invitation (ValidationError when none is pending).

        Not repeated once it may have reached upstream: a second try after a lost answer would be refused
        as "none pending" and hide that the first one worked.
        """
        req = self._build(
            WithdrawInvitationRequest, None, {"profile_id": profile_id, "account_id": account_id}, "withdrawal"
        )
        return await self._call(WITHDRAW, WithdrawInvitationResponse, json_body=req.to_wire())

    async def list_sent_invitations(
        self, *, account_id: str | None = None, start_index: int = 0
    ) -> SentInvitationsPage:
        """`GET /invitations/sent`: pending invitations, newest first; page on with `start_index`.

        `sent_at` is upstream's relative text ("2 days ago"); `SentInvitation.sent_ago` reads it.
        """
        if start_index < 0:
            raise ValidationError(
                "Invalid request, nothing was sent.", fields={"startIndex": "must be >= 0"}, api=self.api_name
            )
        params = {"accountId": account_id, "startIndex": start_index}
        return await self._call(SENT_INVITATIONS, SentInvitationsPage, params=params)

    # ------------------------------------------------------------------ sending (never retried once it may have left)

    async def send_message(self, request: SendMessageRequest | None = None, /, **fields: Any) -> SendMessageResponse:
        """`POST /conversations/send`. UnknownOutcomeError when it may or may not have been sent."""
        req = self._build(SendMessageRequest, request, fields, "send")
        return await self._call(SEND, SendMessageResponse, json_body=req.to_wire())

    async def send_sales_nav_message(
        self, request: SalesNavSendRequest | None = None, /, **fields: Any
    ) -> SalesNavSendResponse:
        """`POST /sales-nav/send`: Sales Navigator message with optional `copy_to_crm`."""
        req = self._build(SalesNavSendRequest, request, fields, "Sales Navigator send")
        return await self._call(SALES_NAV_SEND, SalesNavSendResponse, json_body=req.to_wire())

    async def upload_attachment(
        self, content: bytes, *, filename: str, media_type: str, account_id: str | None = None
    ) -> Attachment:
        """`POST /conversations/upload-attachment`: raw bytes in, the attachment to put in a send's `attachments`."""
        problems: dict[str, str] = {}
        if not filename.strip():
            problems["filename"] = "must not be empty"
        if "/" not in media_type:
            problems["mediaType"] = "must be a MIME type such as application/pdf"
        if not content:
            problems["content"] = "the file is empty"
        elif len(content) > MAX_ATTACHMENT_BYTES:
            problems["content"] = f"{len(content)} bytes; at most {MAX_ATTACHMENT_BYTES} (20 MB)"
        if problems:
            raise ValidationError("Invalid attachment, nothing was sent.", fields=problems, api=self.api_name)
        params = {"accountId": account_id, "filename": filename}
        uploaded = await self._call(
            UPLOAD, UploadAttachmentResponse, params=params, content=content, content_type=media_type
        )
        return uploaded.attachment

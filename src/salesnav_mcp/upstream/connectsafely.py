"""Typed async client of the ConnectSafely LinkedIn API (`https://api.connectsafely.ai/linkedin`).

Every endpoint the server uses is one method; network handling, retries and error
mapping live in `UpstreamClient._request`. Searches and the geo lookup are POSTs
that change nothing, so they are retried like reads; sends and uploads are never
repeated once they may have reached upstream (see `retry.py`).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx2
import pydantic
from pydantic import SecretStr, TypeAdapter

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import DEFAULT_CONNECTSAFELY_BASE_URL, Settings
from salesnav_mcp.models.connectsafely import (
    MAX_ATTACHMENT_BYTES,
    MAX_PAGE_SIZE,
    Account,
    AccountStatus,
    Attachment,
    CompanySearchRequest,
    CompanySearchResponse,
    ConversationsPage,
    GeoLookupRequest,
    GeoLookupResponse,
    InMailCreditsResponse,
    MessagesPage,
    PeopleSearchRequest,
    PeopleSearchResponse,
    SalesNavSendRequest,
    SalesNavSendResponse,
    SendMessageRequest,
    SendMessageResponse,
    SsiResponse,
    UploadAttachmentResponse,
)
from salesnav_mcp.upstream.base import Call, UpstreamClient
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

    def __init__(
        self,
        *,
        api_key: SecretStr | str | None = None,
        base_url: str | None = None,
        settings: Settings | None = None,
        http: httpx2.AsyncClient | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        sandbox: bool = False,
    ) -> None:
        super().__init__(
            base_url=base_url or (settings.connectsafely_base_url if settings else DEFAULT_CONNECTSAFELY_BASE_URL),
            credential=api_key if api_key is not None else (settings.connectsafely_api_key if settings else None),
            settings=settings,
            http=http,
            transport=transport,
            clock=clock,
            rng=rng,
            sandbox=sandbox,
        )

    # ------------------------------------------------------------------ search

    async def search_people(self, request: PeopleSearchRequest | None = None, /, **fields: Any) -> PeopleSearchResponse:
        """`POST /search/people`: keywords and `filters`, or a Sales Navigator lead-search `url`; `count`/`start` page."""
        req = self._build(PeopleSearchRequest, request, fields, "people search")
        reply = await self._request(SEARCH_PEOPLE, path=SEARCH_PEOPLE.route, json_body=req.to_wire())
        return self._parse(PeopleSearchResponse, reply.data, SEARCH_PEOPLE)

    async def search_companies(
        self, request: CompanySearchRequest | None = None, /, **fields: Any
    ) -> CompanySearchResponse:
        """`POST /search/companies`: keywords and `filters`, or a Sales Navigator account-search `url`."""
        req = self._build(CompanySearchRequest, request, fields, "company search")
        reply = await self._request(SEARCH_COMPANIES, path=SEARCH_COMPANIES.route, json_body=req.to_wire())
        return self._parse(CompanySearchResponse, reply.data, SEARCH_COMPANIES)

    async def lookup_geo(self, keywords: str) -> GeoLookupResponse:
        """`POST /search/geo`: the best-matching LinkedIn geo id for a place name (NotFoundError when none)."""
        req = self._build(GeoLookupRequest, None, {"keywords": keywords}, "geo lookup")
        reply = await self._request(GEO_LOOKUP, path=GEO_LOOKUP.route, json_body=req.to_wire())
        return self._parse(GeoLookupResponse, reply.data, GEO_LOOKUP)

    # ------------------------------------------------------------------ insights

    async def get_ssi(self, *, account_id: str | None = None) -> SsiResponse:
        """`GET /ssi`: Social Selling Index (NoSeatError without a seat; SessionExpiredError on upstream's 500)."""
        reply = await self._request(SSI, path=SSI.route, params={"accountId": account_id})
        return self._parse(SsiResponse, reply.data, SSI)

    async def get_inmail_credits(self, *, account_id: str | None = None) -> InMailCreditsResponse:
        """`GET /inmail/credits`: balance (`in_mail_credits`), totals for Sales Navigator, and `premium_type`."""
        reply = await self._request(INMAIL_CREDITS, path=INMAIL_CREDITS.route, params={"accountId": account_id})
        return self._parse(InMailCreditsResponse, reply.data, INMAIL_CREDITS)

    # ------------------------------------------------------------------ accounts

    async def list_accounts(self, query: str | None = None) -> list[Account]:
        """`GET /accounts`: the connected LinkedIn accounts (upstream answers a bare array)."""
        reply = await self._request(ACCOUNTS, path=ACCOUNTS.route, params={"q": query})
        data = reply.data.get("accounts") if isinstance(reply.data, dict) else reply.data
        return self._parse_accounts(data)

    async def get_account_status(self, account_id: str) -> AccountStatus:
        """`GET /account/status`: AVAILABLE | IN_USE | ERROR (NotFoundError for an unknown id)."""
        reply = await self._request(ACCOUNT_STATUS, path=ACCOUNT_STATUS.route, params={"accountId": account_id})
        return self._parse(AccountStatus, reply.data, ACCOUNT_STATUS)

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
        reply = await self._request(CONVERSATIONS, path=CONVERSATIONS.route, params=params)
        return self._parse(ConversationsPage, reply.data, CONVERSATIONS)

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
        reply = await self._request(MESSAGES, path=path, params=params)
        return self._parse(MessagesPage, reply.data, MESSAGES)

    # ------------------------------------------------------------------ sending (never retried once it may have left)

    async def send_message(self, request: SendMessageRequest | None = None, /, **fields: Any) -> SendMessageResponse:
        """`POST /conversations/send`. UnknownOutcomeError when it may or may not have been sent."""
        req = self._build(SendMessageRequest, request, fields, "send")
        reply = await self._request(SEND, path=SEND.route, json_body=req.to_wire())
        return self._parse(SendMessageResponse, reply.data, SEND)

    async def send_sales_nav_message(
        self, request: SalesNavSendRequest | None = None, /, **fields: Any
    ) -> SalesNavSendResponse:
        """`POST /sales-nav/send`: Sales Navigator message with optional `copy_to_crm`."""
        req = self._build(SalesNavSendRequest, request, fields, "Sales Navigator send")
        reply = await self._request(SALES_NAV_SEND, path=SALES_NAV_SEND.route, json_body=req.to_wire())
        return self._parse(SalesNavSendResponse, reply.data, SALES_NAV_SEND)

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
        reply = await self._request(
            UPLOAD,
            path=UPLOAD.route,
            params={"accountId": account_id, "filename": filename},
            content=content,
            content_type=media_type,
        )
        return self._parse(UploadAttachmentResponse, reply.data, UPLOAD).attachment

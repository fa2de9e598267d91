"""The ConnectSafely LinkedIn API (`/linkedin/...`) as the sandbox serves it.

Choices the public documentation leaves open (kept in step with the clients):
- times (`sentAt`, `lastActivityAt`) are ISO-8601 UTC strings with milliseconds;
- `currentPosition` of a person is `{title, companyName, companyId, companyUrn}`;
- `pagination.count` is the number of items returned; searches serve at most 1,000
  results; URL searches report every match in `total`, plain keyword searches no `total`;
- when `url` is given, body `keywords` and `filters` are ignored (the URL says it all);
- message `cursor` values are opaque; `since` takes ISO-8601 or epoch milliseconds;
- `/sales-nav/send` takes exactly one recipient when it opens a thread;
- `/account/status` is truthful (see `sessions.py`); Sales Navigator accounts' credits carry
  seed 000's `availableCredits` beside `inMailCredits`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from salesnav_mcp.salesnav_ids import HEADCOUNT

from . import search, ssi
from .bodies import json_body
from .data import DEFAULT_ACCOUNT_ID
from .errors import ApiError, cs_account_not_found, cs_error, cs_no_seat
from .inbox import SALES_NAV_PREFIX
from .messaging import CHANNELS, MAX_SUBJECT, MAX_TEXT, deliver, resolve_attachments
from .population import Company, Lead
from .routes import routes
from .search_url import SearchFilter, SearchUrl, SearchUrlError, read_search_url
from .sessions import session_status
from .world import LABELS, Account, Attachment, Conversation, Message, SandboxWorld, iso, next_midnight
from .zod import Validator

MAX_RESULTS = 1000
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_DEGREE_TEXT = {"F": "1st", "S": "2nd", "O": "3rd+"}
_DISTANCE = {"F": "DISTANCE_1", "S": "DISTANCE_2", "O": "DISTANCE_3"}

Handler = Callable[[Request, SandboxWorld], Awaitable[Response]]


# ------------------------------------------------------------------ plumbing


def _authenticate(request: Request) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, {"error": "Unauthorized"})
    if token.startswith("invalid"):
        raise ApiError(401, {"success": False, "code": "INVALID_API_KEY", "message": "Invalid API key"})


def endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        _authenticate(request)
        world = request.app.state.world
        world.settle()
        return await handler(request, world)

    run.__name__ = handler.__name__
    return run


async def _json_body(request: Request) -> dict[str, Any]:
    data = await json_body(request, lambda message: cs_error(400, message))
    if not isinstance(data, dict):
        check = Validator()
        check.issue("invalid_type", [], f"Expected object, received {'array' if isinstance(data, list) else 'value'}",
                    expected="object")
        check.check()
    return data


def _account(world: SandboxWorld, account_id: Any) -> Account:
    if account_id is None or account_id == "":
        return world.accounts[DEFAULT_ACCOUNT_ID]
    account = world.accounts.get(account_id) if isinstance(account_id, str) else None
    if account is None:
        raise cs_account_not_found()
    return account


def _checked_account(world: SandboxWorld, check: Validator) -> Account:
    """Refuse the call with every issue found so far; else the account its `accountId` names (the default without)."""
    check.check()
    return _account(world, check.source.get("accountId"))


def _ok(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse({"success": True, **body})


def _count_search(world: SandboxWorld, account: Account) -> None:
    """Per-account search limits (each page call counts); over -> 429 and the call is not counted."""
    counter = world.search_calls[account.id]
    now = world.now()
    counter.prune(now)
    per_minute, per_day = world.config.search_per_minute, world.config.search_per_day
    if len(counter.recent) >= per_minute:
        limit, reset = per_minute, counter.recent[0] + timedelta(seconds=60)
    elif counter.per_day[now.date()] >= per_day:
        limit, reset = per_day, next_midnight(now)
    else:
        counter.recent.append(now)
        counter.per_day[now.date()] += 1
        counter.total += 1
        return
    raise ApiError(
        429,
        {"success": False, "error": f"Rate limit exceeded for search. Resets at {iso(reset)}", "holdUntil": iso(reset)},
        {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
         "X-RateLimit-Reset": str(math.ceil(reset.timestamp()))},
    )


# ------------------------------------------------------------------ shapes


def person_json(lead: Lead, world: SandboxWorld, account: Account) -> dict[str, Any]:
    company = world.population.companies_by_id[lead.company_id]
    shown = world.as_shown(lead)  # its name as a test may have set it
    return {
        "profileId": lead.profile_id,
        "profileUrn": lead.profile_urn,
        "firstName": shown.first_name,
        "lastName": shown.last_name,
        "headline": lead.headline,
        "profilePicture": lead.picture,
        "location": lead.location,
        "connectionDegree": _DEGREE_TEXT[lead.degree(account.id)],
        "currentPosition": {"title": lead.title, "companyName": company.name, "companyId": str(company.company_id),
                            "companyUrn": company.urn},
        "profileUrl": lead.profile_url,
        "isPremium": lead.is_premium,
        "isOpenToWork": lead.open_to_work,
    }


def company_json(company: Company) -> dict[str, Any]:
    return {
        "companyId": str(company.company_id),
        "name": company.name,
        "universalName": company.universal_name,
        "headline": company.tagline,
        "description": company.description,
        "logoUrl": company.logo_url,
        "industry": company.industry_name,
        "followerCount": company.follower_count,
        "companyUrl": f"https://www.linkedin.com/company/{company.universal_name}",
        "location": company.hq_location,
        "employeeCountRange": HEADCOUNT[company.headcount],
    }


def _participant(lead: Lead, account_id: str) -> dict[str, Any]:
    return {"profileId": lead.profile_id, "profileUrn": lead.profile_urn, "name": lead.full_name,
            "headline": lead.headline, "profileUrl": lead.profile_url, "profilePicture": lead.picture,
            "distance": _DISTANCE[lead.degree(account_id)]}


def _participants(conversation: Conversation, account_id: str) -> list[dict[str, Any]]:
    """Everyone in the conversation but the account itself."""
    return [_participant(lead, account_id) for lead in (conversation.lead, *conversation.others)]


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    last = conversation.messages[-1]
    item: dict[str, Any] = {
        "conversationUrn": conversation.urn,
        "conversationId": conversation.conversation_id,
        "lastActivityAt": iso(last.sent_at),
        "unreadCount": conversation.unread_count,
        "participants": _participants(conversation, conversation.account_id),
        "latestMessage": {"text": last.text, "sentAt": iso(last.sent_at), "senderName": last.sender_name,
                          "hasAttachment": bool(last.attachments)},
        "source": conversation.source,
        "labels": [{"id": label, "name": LABELS[label]} for label in conversation.labels],
    }
    if conversation.source == "sales_navigator":
        item["salesNavThreadId"] = conversation.conversation_id
        item["subject"] = conversation.subject
    return item


def message_json(message: Message) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messageUrn": message.urn,
        "text": message.text,
        "sentAt": iso(message.sent_at),
        "senderProfileId": message.sender_profile_id,
        "senderName": message.sender_name,
        "isSentByOwner": message.by_owner,
        "hasAttachment": bool(message.attachments),
        "attachments": [a.json() for a in message.attachments],
    }
    if message.subject:
        body["subject"] = message.subject
    return body


# ------------------------------------------------------------------ search


def _paging(body: dict[str, Any]) -> tuple[Validator, int, int]:
    check = Validator(body)
    count = check.integer("count", default=25, minimum=1, maximum=100)
    start = check.integer("start", default=0, minimum=0)
    return check, count or 25, start or 0


def _sales_nav_query(url: str, kind: str, account: Account) -> SearchUrl:
    if "/sales/search/" not in url:
        raise cs_error(400, "url must be a Sales Navigator search URL "
                            f"(https://www.linkedin.com/sales/search/{kind}?query=...)", "INVALID_SEARCH_URL")
    if not account.has_seat:
        raise cs_no_seat(account.premium_type)
    try:
        query = read_search_url(url)
    except SearchUrlError as exc:
        raise cs_error(400, f"Invalid Sales Navigator URL: {exc}", "INVALID_SEARCH_URL") from None
    if query.kind != kind:
        other = "/search/companies" if query.kind == "company" else "/search/people"
        noun = "an account search (/sales/search/company)" if query.kind == "company" else \
            "a lead search (/sales/search/people)"
        raise cs_error(400, f"This URL is {noun}; send it to {other}", "INVALID_SEARCH_URL")
    return query


def _page(results: list[Any], start: int, count: int, from_url: bool) -> tuple[list[Any], dict[str, Any], bool]:
    """At most the first 1,000 results are served; `total` counts every match, as LinkedIn reports it."""
    visible = results[:MAX_RESULTS]
    page = visible[start:start + count]
    pagination: dict[str, Any] = {"count": len(page), "start": start}
    if from_url:
        pagination["total"] = len(results)
    return page, pagination, start + len(page) < len(visible)


def _check_people_filters(check: Validator) -> dict[str, Any]:
    filters = check.object("filters") or {}
    for key in ("firstName", "lastName", "company", "school", "title", "locationId", "geoUrn"):
        check.string(["filters", key])
    for key in ("currentCompanyIds", "pastCompanyIds", "connectionDegree", "industry", "profileLanguage",
                "serviceCategories"):
        check.string_list(["filters", key])
    check.boolean(["filters", "openToWork"])
    return filters


def _check_company_filters(check: Validator) -> dict[str, Any]:
    filters = check.object("filters") or {}
    check.string(["filters", "locationId"])
    check.string_list(["filters", "industry"])
    sizes = check.string_list(["filters", "companySize"]) or []
    for i in range(len(sizes)):
        check.choice(["filters", "companySize", i], list(HEADCOUNT), default="A")
    return filters


@dataclass(frozen=True)
class _SearchAsk:
    """A checked search call: its account and keywords, a search URL's filters (None without a URL) or the plain
    `filters`, and the page asked for."""

    account: Account
    keywords: str
    url_filters: tuple[SearchFilter, ...] | None
    filters: dict[str, Any]
    start: int
    count: int

    def answer(self, key: str, results: list[Any], shape: Callable[[Any], dict[str, Any]]) -> JSONResponse:
        page, pagination, has_more = _page(results, self.start, self.count, self.url_filters is not None)
        return _ok({key: [shape(r) for r in page], "pagination": pagination, "hasMore": has_more})


async def _search_ask(request: Request, world: SandboxWorld, kind: str,
                      check_filters: Callable[[Validator], dict[str, Any]]) -> _SearchAsk:
    """Check a search body and its URL, then count the call against the account's search limits."""
    body = await _json_body(request)
    check, count, start = _paging(body)
    keywords = check.string("keywords") or ""
    url = check.string("url")
    filters = check_filters(check)
    account = _checked_account(world, check)
    query = _sales_nav_query(url, kind, account) if url else None
    _count_search(world, account)
    if query is None:
        return _SearchAsk(account, keywords, None, filters, start, count)
    return _SearchAsk(account, query.keywords or "", query.filters, filters, start, count)


@endpoint
async def search_people(request: Request, world: SandboxWorld) -> Response:
    ask = await _search_ask(request, world, "people", _check_people_filters)
    leads = search.find_leads(world.population, ask.keywords, ask.url_filters, ask.filters, ask.account.id)
    return ask.answer("people", leads, lambda lead: person_json(lead, world, ask.account))


@endpoint
async def search_companies(request: Request, world: SandboxWorld) -> Response:
    ask = await _search_ask(request, world, "company", _check_company_filters)
    companies = search.find_companies(world.population, ask.keywords, ask.url_filters, ask.filters)
    return ask.answer("companies", companies, company_json)


@endpoint
async def search_geo(request: Request, world: SandboxWorld) -> Response:
    check = Validator(await _json_body(request))
    keywords = check.string("keywords", required=True, min_length=1)
    _checked_account(world, check)
    place = world.population.gazetteer.lookup(keywords or "")
    if place is None:
        raise cs_error(404, f"No location matches {keywords!r}")
    return _ok({"geoId": place.geo_id, "name": place.name})


# ------------------------------------------------------------------ account, SSI, credits


@endpoint
async def list_accounts(request: Request, world: SandboxWorld) -> Response:
    needle = (request.query_params.get("q") or "").strip().casefold()
    items = []
    for account in world.accounts.values():
        haystack = f"{account.name} {account.seed.public_id}".casefold()
        if needle and needle not in haystack:
            continue
        items.append({"id": account.id, "firstName": account.seed.first_name, "lastName": account.seed.last_name,
                      "publicId": account.seed.public_id, "picture": account.picture, "status": account.seed.status,
                      "enabled": True, "apiSeatAllocated": True})
    return JSONResponse(items)


@endpoint
async def account_status(request: Request, world: SandboxWorld) -> Response:
    account = _account(world, request.query_params.get("accountId"))
    return _ok({"id": account.id, "firstName": account.seed.first_name, "lastName": account.seed.last_name,
                "publicId": account.seed.public_id, "premiumType": account.premium_type,
                "status": session_status(world, account), "enabled": True,
                "apiSeatAllocated": True})


@endpoint
async def get_ssi(request: Request, world: SandboxWorld) -> Response:
    account = _account(world, request.query_params.get("accountId"))
    if not account.has_seat:
        raise cs_no_seat(account.premium_type)
    day = world.now().date()
    member = ssi.member_score(world.seed, account.id, day)
    groups = ssi.group_scores(world.seed, account.id, day, account.seed.industry, member["overall"])
    body: dict[str, Any] = {"accountId": account.id, "memberScore": member, "industry": groups[0],
                            "network": groups[1], "groupScore": groups, "profileUrn": account.profile_urn,
                            "activeSeat": True}
    if request.query_params.get("debug") == "true":
        body["rawJson"] = {"memberScore": member, "groupScore": groups, "memberUrn": account.profile_urn,
                           "date": day.isoformat()}
    return _ok(body)


@endpoint
async def inmail_credits(request: Request, world: SandboxWorld) -> Response:
    account = _account(world, request.query_params.get("accountId"))
    body: dict[str, Any] = {"inMailCredits": account.inmail_credits,
                            "entityUrn": f"urn:li:fsd_inMailCredits:{account.seed.public_id}",
                            "accountId": account.id, "premiumType": account.premium_type}
    if account.has_seat and account.seed.inmail_total is not None:
        body["availableCredits"] = account.inmail_credits  # seed 000's name for the balance, beside the live one
        body["totalCredits"] = account.seed.inmail_total
        body["usedCredits"] = account.seed.inmail_total - account.inmail_credits
    if account.premium_type == "FREE":
        body["message"] = "Free LinkedIn accounts have no InMail credits"
    return _ok(body)


# ------------------------------------------------------------------ conversations


@endpoint
async def list_conversations(request: Request, world: SandboxWorld) -> Response:
    params = dict(request.query_params)
    check = Validator(params)
    count = check.integer("count", default=20, minimum=1, maximum=100, coerce=True) or 20
    unread_only = check.boolean("unreadOnly", coerce=True)
    labeled_only = check.boolean("labeledOnly", coerce=True)
    account = _checked_account(world, check)
    offset = 0
    cursor = params.get("nextCursor")
    if cursor:
        prefix, _, raw = cursor.partition(":")
        if prefix != "linkedin" or not raw.isdigit():
            raise cs_error(400, f"Invalid nextCursor {cursor!r}; pass back the nextCursor of the previous page")
        offset = int(raw)
    items = world.conversations_of(account.id)
    if unread_only:
        items = [c for c in items if c.unread_count > 0]
    label = params.get("labelId")
    if label:
        items = [c for c in items if label in c.labels]
    elif labeled_only:
        items = [c for c in items if c.labels]
    page = items[offset:offset + count]
    has_more = offset + len(page) < len(items)
    return _ok({"conversations": [conversation_json(c) for c in page],
                "accounts": [{"id": account.id, "name": account.name}],
                "nextCursor": f"linkedin:{offset + len(page)}" if has_more else None,
                "hasMore": has_more, "fromCache": False})


def _conversation(world: SandboxWorld, account: Account, urn: str) -> Conversation:
    conversation = world.conversations.get(urn.strip())
    if conversation is None or conversation.account_id != account.id:
        raise cs_error(404, f"Conversation {urn} not found for this account", "CONVERSATION_NOT_FOUND")
    return conversation


def _parse_since(raw: str) -> datetime:
    text = raw.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000, UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise cs_error(400, f"Invalid since {raw!r}; use ISO-8601 or epoch milliseconds") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _message_page(request: Request, world: SandboxWorld, *, default_count: int) -> tuple[dict[str, str], int, Account]:
    """A message listing's query parameters, its checked page size `count` (1-100) and its account."""
    params = dict(request.query_params)
    check = Validator(params)
    count = check.integer("count", default=default_count, minimum=1, maximum=100, coerce=True) or default_count
    return params, count, _checked_account(world, check)


@endpoint
async def list_messages(request: Request, world: SandboxWorld) -> Response:
    params, count, account = _message_page(request, world, default_count=50)
    conversation = _conversation(world, account, request.path_params["urn"])
    messages = conversation.messages
    next_cursor = None
    if params.get("since"):
        since = _parse_since(params["since"])
        newer = [m for m in messages if m.sent_at > since]
        page, has_more = newer[:count], len(newer) > count
    else:
        end = len(messages)
        if params.get("cursor"):
            raw = params["cursor"]
            if not raw.isdigit() or not 0 <= int(raw) <= len(messages):
                raise cs_error(400, f"Invalid cursor {raw!r}; pass back the cursor of the previous page")
            end = int(raw)
        begin = max(0, end - count)
        page, has_more = messages[begin:end], begin > 0
        next_cursor = str(begin) if has_more else None
    return _ok({"messages": [message_json(m) for m in page],
                "participants": _participants(conversation, account.id),
                "hasMore": has_more, "cursor": next_cursor, "conversationUrn": conversation.urn,
                "source": conversation.source})


def _text_and_subject(check: Validator, text_field: str) -> tuple[str, str | None]:
    """A message's text and subject, as both send endpoints check them."""
    text = check.string(text_field, required=True, min_length=1, max_length=MAX_TEXT)
    return text or "", check.string("subject", max_length=MAX_SUBJECT)


def _attachment_urns(check: Validator) -> list[str]:
    raw = check.source.get("attachments")
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.string_list("attachments")  # records the type issue
        return []
    urns = []
    for i in range(len(raw)):
        urn = check.string(["attachments", i, "file", "assetUrn"], required=True)
        if urn:
            urns.append(urn)
    return urns


@endpoint
async def send_message(request: Request, world: SandboxWorld) -> Response:
    check = Validator(await _json_body(request))
    text, subject = _text_and_subject(check, "message")
    recipient_id = check.string("recipientProfileId")
    recipient_urn = check.string("recipientProfileUrn")
    conversation_ref = check.string("conversationUrn")
    preference = check.choice("messagingChannel", CHANNELS, default="auto")
    urns = _attachment_urns(check)
    if not (recipient_id or recipient_urn or conversation_ref):
        check.custom(["recipientProfileId"], "Either recipientProfileId or recipientProfileUrn must be provided")
    account = _checked_account(world, check)
    if preference == "sales_navigator" and not account.has_seat:
        raise cs_no_seat(account.premium_type)
    attachments = resolve_attachments(world, account, urns)
    if conversation_ref:
        conversation = _conversation(world, account, conversation_ref)
        sent, conversation = deliver(world, account, text=text, subject=subject, conversation=conversation,
                                     attachments=attachments)
    else:
        lead = world.population.lead(recipient_urn or recipient_id or "")
        if lead is None:
            raise cs_error(400, "Recipient not found", "RECIPIENT_NOT_FOUND")
        sent, conversation = deliver(world, account, text=text, subject=subject, lead=lead,
                                     preference=preference, attachments=attachments)
    message = conversation.messages[-1]
    response: dict[str, Any] = {
        "message": sent.text,
        "recipientProfileUrn": sent.recipient_urn,
        "conversationUrn": sent.conversation_urn,
        "sentMessage": {**message_json(message), "conversationUrn": sent.conversation_urn, "channel": sent.channel,
                        "newConversation": sent.new_conversation},
    }
    if sent.thread_id is not None:
        response["threadId"] = sent.thread_id
    return _ok(response)


@endpoint
async def sales_nav_send(request: Request, world: SandboxWorld) -> Response:
    check = Validator(await _json_body(request))
    text, subject = _text_and_subject(check, "body")
    thread_ref = check.string("threadId")
    recipients = check.string_list("recipients", max_items=1)
    copy_to_crm = check.boolean("copyToCrm")
    urns = _attachment_urns(check)
    if not thread_ref and not recipients:
        check.custom(["threadId"], "Either threadId or recipients must be provided")
    account = _checked_account(world, check)
    if not account.has_seat:
        raise cs_no_seat(account.premium_type)
    attachments = resolve_attachments(world, account, urns)
    if thread_ref:
        urn = thread_ref if thread_ref.startswith("urn:") else SALES_NAV_PREFIX + thread_ref
        conversation = world.conversations.get(urn)
        if conversation is None or conversation.account_id != account.id or conversation.source != "sales_navigator":
            raise cs_error(404, f"Sales Navigator thread {thread_ref} not found for this account", "THREAD_NOT_FOUND")
        sent, conversation = deliver(world, account, text=text, subject=subject, conversation=conversation,
                                     attachments=attachments, copy_to_crm=copy_to_crm, endpoint="/sales-nav/send",
                                     text_field="body")
    else:
        lead = world.population.lead((recipients or [""])[0])
        if lead is None:
            raise cs_error(400, "Recipient not found", "RECIPIENT_NOT_FOUND")
        sent, conversation = deliver(world, account, text=text, subject=subject, lead=lead,
                                     preference="sales_navigator", attachments=attachments, copy_to_crm=copy_to_crm,
                                     endpoint="/sales-nav/send", text_field="body")
    return _ok({"message": "Message sent", "threadId": sent.thread_id,
                "messageId": sent.message_urn.rsplit(":", 1)[-1], "accountId": account.id})


@endpoint
async def upload_attachment(request: Request, world: SandboxWorld) -> Response:
    params = dict(request.query_params)
    check = Validator(params)
    filename = check.string("filename", required=True, min_length=1, max_length=255)
    account = _checked_account(world, check)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        raise cs_error(413, "Attachment is larger than 20 MB", "FILE_TOO_LARGE")
    digest = hashlib.sha256()
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise cs_error(413, "Attachment is larger than 20 MB", "FILE_TOO_LARGE")
        digest.update(chunk)
    if size == 0:
        raise cs_error(400, "Attachment body is empty; send the file's bytes as the request body")
    media_type = request.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
    attachment = Attachment(asset_urn=f"urn:li:digitalmediaAsset:D4E{world.token(18)}", account_id=account.id,
                            name=filename or "file", media_type=media_type or "application/octet-stream",
                            byte_size=size, sha256=digest.hexdigest())
    world.attachments[attachment.asset_urn] = attachment
    return _ok({"attachment": attachment.json()})


ROUTES = routes({
    "GET /accounts": list_accounts,
    "GET /account/status": account_status,
    "POST /search/people": search_people,
    "POST /search/companies": search_companies,
    "POST /search/geo": search_geo,
    "GET /ssi": get_ssi,
    "GET /inmail/credits": inmail_credits,
    "GET /conversations": list_conversations,
    "POST /conversations/send": send_message,
    "POST /conversations/upload-attachment": upload_attachment,
    "GET /conversations/{urn:path}/messages": list_messages,
    "POST /sales-nav/send": sales_nav_send,
})

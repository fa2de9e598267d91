"""Running searches: one canonical query per search, pages fetched in paced waves, stored.

Two engines run a search. Sales Navigator: filters (or a pasted Sales Navigator URL) become one
canonical Sales Navigator URL; that URL is the search's identity for the monthly budget, so the
same query asked twice inside the cache window costs one search (or, in the page unit, the pages
it walks). Plain LinkedIn search (`plain_search`): for accounts without a seat, keywords and
plain filters, never charged to the budget. Which engine runs is the caller's choice or, by
default, the account's seat (`plan_search`). Pages are fetched in small concurrent waves, each
call paced to the account's upstream search limits (both engines share them), stored as they
arrive, and served back through cursors without further upstream calls.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import BudgetStatus, SearchLease
from salesnav_mcp.guardrails.fields import one_line
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.outreach import seat_from_premium
from salesnav_mcp.operations.partner.files import StoredExport, export_store
from salesnav_mcp.operations.people import remember_leads
from salesnav_mcp.operations.plain_search import (
    PlainFilters,
    plain_from_query,
    plain_key,
    plain_request,
    request_from_key,
)
from salesnav_mcp.operations.progress import ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.spreadsheet import cell
from salesnav_mcp.salesnav_url import SearchQuery, build_search_url
from salesnav_mcp.store import SearchEngine, SearchRecord
from salesnav_mcp.upstream.errors import NoSeatError, UpstreamError

SearchKind = Literal["people", "company"]
EngineChoice = Literal["auto", "sales_navigator", "linkedin"]
UNIT_NAMES = {"search": ("search", "searches"), "page": ("page", "pages")}

RESULT_CAP = 1000  # results one search may bring back (upstream cap)
UPSTREAM_PAGE = 100  # largest page upstream serves
WAVE = 3  # pages fetched at once


# ----------------------------------------------------------------------------- what a search stores and shows


class BudgetOut(BaseModel):
    account_id: str
    unit: Literal["search", "page"] = Field(
        description="What one unit is: a distinct search (its pages free), or each page walked"
    )
    used: int
    limit: int
    remaining: int
    resets_at: datetime = Field(description="The first instant of next month (UTC)")
    needs_confirmation: bool = Field(
        description="New searches need the user's confirmation (warning threshold reached)."
    )


class LeadOut(BaseModel):
    name: str
    title: str | None = None
    company: str | None = None
    company_id: str | None = None
    location: str | None = None
    degree: str | None = Field(default=None, description="1st | 2nd | 3rd+")
    profile_id: str | None = None
    profile_urn: str | None = None
    profile_url: str | None = None
    open_to_work: bool | None = None


class CompanyOut(BaseModel):
    name: str
    company_id: str | None = None
    industry: str | None = None
    location: str | None = None
    followers: int | None = None
    headline: str | None = None
    description: str | None = Field(default=None, description="The company's own text (untrusted data)")
    logo_url: str | None = None
    company_url: str | None = None


def budget_out(status: BudgetStatus) -> BudgetOut:
    return BudgetOut.model_validate(status, from_attributes=True)


def _line(text: Any) -> str | None:
    """A short text from LinkedIn, as every row keeps it: on one line (a name cannot start a line of a reply)."""
    return one_line(str(text), 300) if text else None


def lead_from(person: Any) -> LeadOut:
    position = person.current_position if isinstance(person.current_position, dict) else {}
    name = " ".join(p for p in (person.first_name, person.last_name) if p) or person.profile_id or "(unknown)"
    return LeadOut(
        name=_line(name) or "(unknown)",
        title=_line(position.get("title") or person.headline),
        company=_line(position.get("companyName")),
        company_id=position.get("companyId"),
        location=_line(person.location),
        degree=person.connection_degree,
        profile_id=person.profile_id,
        profile_urn=person.profile_urn,
        profile_url=person.profile_url,
        open_to_work=person.is_open_to_work,
    )


def result_rows(kind: SearchKind, items: list[dict[str, Any]]) -> dict[str, Any]:
    """The `leads` or the `companies` of a result that shows these stored items."""
    if kind == "people":
        return {"leads": [LeadOut(**i) for i in items]}
    return {"companies": [CompanyOut(**i) for i in items]}


def company_from(company: Any) -> CompanyOut:
    return CompanyOut(
        name=_line(company.name or company.universal_name or company.company_id) or "(unknown)",
        company_id=company.company_id,
        industry=_line(company.industry),
        location=_line(company.location),
        followers=company.follower_count,
        headline=_line(company.headline),
        description=company.description,
        logo_url=company.logo_url,
        company_url=company.company_url,
    )


def budget_line(b: BudgetOut) -> str:
    """One line every budget report shows, naming the unit."""
    one, many = UNIT_NAMES[b.unit]
    unit = many if b.unit == "search" else f"{many} walked ({one} unit)"
    return (
        f"Budget: {b.used}/{b.limit} Sales Navigator {unit} used this month, {b.remaining} left "
        f"(resets {b.resets_at:%Y-%m-%d})."
    )


# ----------------------------------------------------------------------------- a search's identity


def canonical_query(query: SearchQuery) -> SearchQuery:
    """The query without session parts and with filters in a fixed order: one identity per search."""
    filters = tuple(
        sorted(
            (
                f.model_copy(
                    update={
                        "values": tuple(sorted(f.values, key=lambda v: (v.selection_type, v.id or "", v.text or "")))
                    }
                )
                for f in query.filters
            ),
            key=lambda f: (f.type, f.sub_filter or ""),
        )
    )
    return SearchQuery(kind=query.kind, keywords=(query.keywords or "").strip() or None, filters=filters)


def query_key(kind: SearchKind, url: str) -> str:
    """What the budget knows a Sales Navigator search by."""
    return f"{kind}|{url}"


@dataclass(frozen=True)
class SearchSpec:
    """One search as it runs upstream: a canonical Sales Navigator URL, or a plain search's keywords and filters."""

    kind: SearchKind
    engine: SearchEngine
    url: str | None = None  # engine sales_navigator
    plain: PlainFilters | None = None  # engine linkedin

    @property
    def query_key(self) -> str:
        if self.engine == "sales_navigator":
            return query_key(self.kind, self.url or "")
        assert self.plain is not None
        return plain_key(self.kind, self.plain)

    def request(self) -> dict[str, Any]:
        """The upstream body besides account and paging."""
        if self.engine == "sales_navigator":
            return {"url": self.url}
        assert self.plain is not None
        return plain_request(self.plain)


def sales_navigator_spec(query: SearchQuery) -> SearchSpec:
    return SearchSpec(query.kind, "sales_navigator", url=build_search_url(canonical_query(query)))


def plain_spec(kind: SearchKind, filters: PlainFilters) -> SearchSpec:
    return SearchSpec(kind, "linkedin", plain=filters)


@dataclass(frozen=True)
class StoredQuery:
    """What a stored search ran: its kind, engine, and its Sales Navigator URL or plain request."""

    kind: SearchKind
    engine: SearchEngine
    url: str | None
    plain: dict[str, Any] | None


def stored_query(record: SearchRecord) -> StoredQuery:
    kind_text, rest = record.query_key.split("|", 1)
    kind: SearchKind = "people" if kind_text == "people" else "company"
    plain = request_from_key(record.query_key)
    if plain is not None:
        return StoredQuery(kind, "linkedin", None, plain)
    return StoredQuery(kind, "sales_navigator", rest, None)


# ----------------------------------------------------------------------------- which engine runs


async def account_seat(svc: Services, account_id: str) -> bool | None:
    """Whether the account has a Sales Navigator seat, from its premium type (read once per process).

    None when upstream cannot say (an unknown premium type, or the read failed): then Sales Navigator
    is tried, and a refusal for want of a seat switches to plain search.
    """
    if account_id in svc.seats:
        return svc.seats[account_id]
    try:
        credits = await svc.connectsafely.get_inmail_credits(account_id=account_id)
    except UpstreamError:
        return None
    seat = seat_from_premium(credits.premium_type)
    if seat is not None:
        svc.seats[account_id] = seat
    return seat


async def plan_search(
    svc: Services,
    account_id: str,
    kind: SearchKind,
    *,
    query: SearchQuery | None = None,
    plain: PlainFilters | None = None,
    engine: EngineChoice = "auto",
) -> SearchSpec:
    """The search to run: plain filters run plainly; a Sales Navigator query runs on Sales Navigator, or plainly
    when asked to or (engine auto) when the account has no seat."""
    if plain is not None:
        if engine == "sales_navigator":
            raise OperationError(
                "plain_filters describe a plain LinkedIn search; for engine=sales_navigator give filters or url."
            )
        return plain_spec(kind, plain)
    if query is None:
        raise OperationError("Give the search's filters, plain_filters or url.")
    if engine == "linkedin" or (engine == "auto" and await account_seat(svc, account_id) is False):
        return plain_spec(kind, plain_from_query(query))
    return sales_navigator_spec(query)


def encode_cursor(search_id: str, offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([search_id, offset]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        search_id, offset = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(search_id, str) or not isinstance(offset, int) or offset < 0:
            raise ValueError
        return search_id, offset
    except (ValueError, TypeError) as exc:
        raise OperationError(
            "'cursor' is not a cursor from a search result; pass next_cursor exactly as returned."
        ) from exc


# ----------------------------------------------------------------------------- running a search


async def fetch_page(
    svc: Services,
    spec: SearchSpec,
    account_id: str,
    start: int,
    count: int,
    *,
    before_call: Callable[[], Awaitable[None]] | None = None,
) -> tuple[list[dict[str, Any]], int | None, bool]:
    """One paced upstream page: (items as stored, total, has_more). Both engines share the search pacing.

    `before_call` runs once the pacing slot is taken, right before upstream is called (a lease renews there).
    """
    await svc.guardrails.pacer.acquire(account_id)
    if before_call is not None:
        await before_call()
    body = spec.request()
    if spec.kind == "people":
        people = await svc.connectsafely.search_people(account_id=account_id, start=start, count=count, **body)
        items = [lead_from(p).model_dump(mode="json") for p in people.people]
        return items, people.pagination.total, people.has_more
    companies = await svc.connectsafely.search_companies(account_id=account_id, start=start, count=count, **body)
    items = [company_from(c).model_dump(mode="json") for c in companies.companies]
    return items, companies.pagination.total, companies.has_more


def _item_key(item: dict[str, Any]) -> str:
    return str(item.get("profile_urn") or item.get("profile_id") or item.get("company_id") or item.get("name"))


async def fill_search(
    svc: Services, lease: SearchLease, spec: SearchSpec, want: int, progress: ReportProgress
) -> None:
    """Fetch pages until `want` results are stored (or upstream has no more), reporting progress.

    A fresh search's first page goes alone (it tells the total); later pages go in waves of
    WAVE concurrent calls, each paced. Pages are recorded in order as each wave completes, so
    a cancelled search keeps what it fetched. In the page unit each page is charged before it is
    fetched (`SearchLease.take_pages`): when the budget runs out the search stops with what it has,
    and the pages of a wave that failed are given back.
    """
    account_id = lease.search.account_id
    kind = spec.kind
    while not lease.search.complete and lease.search.item_count < want:
        target = min(want, RESULT_CAP, RESULT_CAP if lease.search.total is None else lease.search.total)
        start = lease.search.next_offset
        if start >= target:
            break  # duplicates across pages left fewer results than offsets walked
        width = 1 if start == 0 else WAVE
        starts = list(range(start, target, UPSTREAM_PAGE))[:width]
        charged_before = lease.pages_charged
        starts = starts[: await lease.take_pages(len(starts))]
        if not starts:
            break  # the budget has no page left (page unit)
        pages: dict[int, tuple[list[dict[str, Any]], int | None, bool]] = {}

        async def fetch(page_start: int, count: int, pages: dict = pages) -> None:
            pages[page_start] = await fetch_page(svc, spec, account_id, page_start, count, before_call=lease.renew)

        try:
            async with anyio.create_task_group() as tg:
                for page_start in starts:
                    tg.start_soon(fetch, page_start, min(UPSTREAM_PAGE, target - page_start))
        except BaseException:
            with anyio.CancelScope(shield=True):
                await lease.refund_pages(lease.pages_charged - charged_before)
            raise
        for page_start in starts:
            items, total, has_more = pages[page_start]
            count = min(UPSTREAM_PAGE, target - page_start)
            next_offset = page_start + count
            complete = not has_more or len(items) < count or next_offset >= RESULT_CAP
            await lease.record_page(items, key=_item_key, next_offset=next_offset, total=total, complete=complete)
            if kind == "people":
                await remember_leads(svc, items)
            if complete:
                break
        stored = lease.search.item_count
        await progress(min(stored, target), target, f"{stored} results stored")


@dataclass(frozen=True)
class SearchRun:
    search_id: str
    engine: SearchEngine
    charged: bool  # this run spent one search (the first page, in the page unit) from the monthly budget
    cached: bool  # served from a search run inside the cache window
    pages_charged: int = 0  # further pages charged by this run (page unit)
    budget_stopped: bool = False  # fewer results than asked: the budget had no page left (page unit)
    note: str | None = None  # e.g. why a plain search ran instead of Sales Navigator


async def run_search(
    svc: Services,
    spec: SearchSpec,
    account_id: str,
    *,
    max_results: int,
    confirmed: bool,
    progress: ReportProgress,
) -> SearchRun:
    """Run (or reuse) this search; a Sales Navigator one under the monthly budget, a plain one free.

    Past the budget's warning threshold an unconfirmed Sales Navigator run raises BudgetConfirmationRequired.
    """
    async with svc.guardrails.budget.search(
        account_id, spec.query_key, confirmed=confirmed, actor=svc.actor(), engine=spec.engine
    ) as lease:
        await fill_search(svc, lease, spec, max_results, progress)
        return SearchRun(
            search_id=lease.search_id,
            engine=spec.engine,
            charged=lease.charged and spec.engine == "sales_navigator",
            cached=lease.cached,
            pages_charged=lease.pages_charged,
            budget_stopped=lease.budget_stopped,
        )


async def find(
    svc: Services,
    account_id: str,
    kind: SearchKind,
    *,
    query: SearchQuery | None = None,
    plain: PlainFilters | None = None,
    engine: EngineChoice = "auto",
    max_results: int,
    confirmed: bool,
    progress: ReportProgress,
) -> SearchRun:
    """Plan the search (`plan_search`) and run it. With engine auto, a Sales Navigator search the account
    turns out to have no seat for runs again as a plain search (nothing was charged for the refused one)."""
    no_seat = f"Account {account_id} has no Sales Navigator seat: ran a plain LinkedIn search (no budget spent)."
    spec = await plan_search(svc, account_id, kind, query=query, plain=plain, engine=engine)
    chosen = engine == "auto" and query is not None  # the seat decided the engine
    try:
        run = await run_search(svc, spec, account_id, max_results=max_results, confirmed=confirmed, progress=progress)
    except NoSeatError:
        if not chosen or spec.engine != "sales_navigator" or query is None:
            raise
        svc.seats[account_id] = False
        spec = plain_spec(kind, plain_from_query(query))
        run = await run_search(svc, spec, account_id, max_results=max_results, confirmed=confirmed, progress=progress)
    return replace(run, note=no_seat) if chosen and spec.engine == "linkedin" else run


# ----------------------------------------------------------------------------- reading what a search stored


@dataclass(frozen=True)
class StoredPage:
    search: SearchRecord
    query: StoredQuery
    offset: int
    items: list[dict[str, Any]]

    @property
    def kind(self) -> SearchKind:
        return self.query.kind

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.items)

    @property
    def more(self) -> bool:
        return self.next_offset < self.search.item_count


async def stored_page(svc: Services, search_id: str, offset: int, limit: int) -> StoredPage | None:
    """Stored results of a search the current user may see (no upstream call); None if none is stored."""
    page = await svc.guardrails.budget.page(search_id, offset, limit)
    if page is None:
        return None
    svc.require_account(page.search.account_id)
    return StoredPage(search=page.search, query=stored_query(page.search), offset=offset, items=page.items)


# What the results view filters and sorts by, per kind (the columns it shows).
VIEW_COLUMNS: dict[SearchKind, tuple[str, ...]] = {
    "people": ("name", "title", "company", "location", "degree"),
    "company": ("name", "industry", "location", "followers"),
}
SortColumn = Literal["name", "title", "company", "location", "degree", "industry", "followers"]


@dataclass(frozen=True)
class ViewRows:
    page: StoredPage  # every stored result
    matched: int  # results the filter kept
    offset: int
    items: list[dict[str, Any]]  # the rows of this page, filtered and sorted


def _sort_key(column: str) -> Any:
    def key(item: dict[str, Any]) -> Any:
        value = item[column]
        return value if isinstance(value, int | float) and not isinstance(value, bool) else str(value).casefold()

    return key


def view_rows(
    page: StoredPage, *, offset: int, limit: int, text: str = "", sort: str | None = None, descending: bool = False
) -> ViewRows:
    """One page of a stored search as the results view shows it: the results whose shown columns contain `text`
    (any case), sorted by a shown column (stored order otherwise); pure, no upstream call."""
    columns = VIEW_COLUMNS[page.kind]
    needle = text.strip().casefold()
    items = [
        item
        for item in page.items
        if not needle or any(needle in str(item.get(c) or "").casefold() for c in columns)
    ]
    if sort is not None:
        if sort not in columns:
            raise OperationError(f"sort: a {page.kind} search sorts by {', '.join(columns)}, not {sort!r}.")
        present = [i for i in items if i.get(sort) not in (None, "")]
        missing = [i for i in items if i.get(sort) in (None, "")]
        items = sorted(present, key=_sort_key(sort), reverse=descending) + missing
    return ViewRows(page=page, matched=len(items), offset=offset, items=items[offset : offset + limit])


# ----------------------------------------------------------------------------- a stored search as CSV

LEAD_COLUMNS = tuple(LeadOut.model_fields)
COMPANY_COLUMNS = tuple(CompanyOut.model_fields)


def search_csv(page: StoredPage) -> str:
    """Every item of a stored page as CSV (a header row, then one row per lead or company)."""
    columns = LEAD_COLUMNS if page.kind == "people" else COMPANY_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for item in page.items:
        writer.writerow([cell(item.get(column)) for column in columns])
    return buffer.getvalue()


async def export_search(svc: Services, search_id: str) -> tuple[StoredExport, StoredPage, str]:
    """Write every stored result of a search the user may see to a CSV file in the exports folder (no upstream
    call); returns the stored export, the page written and the file's path."""
    page = await stored_page(svc, search_id, 0, RESULT_CAP)
    if page is None:
        raise OperationError(f"No stored search {search_id!r}: it expired or never existed. Run the search again.")
    store = export_store(svc)
    stored = await store.save_export(
        "search",
        search_csv(page).encode("utf-8"),
        created_at=svc.clock.now(),
        rows=len(page.items),
        source=page.search.account_id,
        summary={"search_id": search_id, "kind": page.kind, "engine": page.query.engine},
        sandbox=svc.connectsafely.sandbox,
        created_by=svc.actor(),
    )
    return stored, page, str(store.root / f"{stored.export_id}.csv")

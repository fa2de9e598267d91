"""Running Sales Navigator searches: one canonical query per search, pages fetched in paced waves, stored.

Filters (or a pasted Sales Navigator URL) become one canonical Sales Navigator URL; that URL
is the search's identity for the monthly budget, so the same query asked twice inside the
cache window costs one search. Pages are fetched in small concurrent waves, each call paced
to the account's upstream limits, stored as they arrive, and served back through cursors
without further upstream calls.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field

from salesnav_mcp.guardrails import BudgetStatus, SearchLease
from salesnav_mcp.operations.errors import OperationError
from salesnav_mcp.operations.people import remember_leads
from salesnav_mcp.operations.progress import ReportProgress
from salesnav_mcp.operations.services import Services
from salesnav_mcp.salesnav_url import SearchQuery
from salesnav_mcp.store import SearchRecord

SearchKind = Literal["people", "company"]

RESULT_CAP = 1000  # results one search may bring back (upstream cap)
UPSTREAM_PAGE = 100  # largest page upstream serves
WAVE = 3  # pages fetched at once


# ----------------------------------------------------------------------------- what a search stores and shows


class BudgetOut(BaseModel):
    account_id: str
    used: int
    limit: int
    remaining: int
    resets_at: str = Field(description="ISO-8601 UTC; the first instant of next month")
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
    company_url: str | None = None


def budget_out(status: BudgetStatus) -> BudgetOut:
    return BudgetOut(
        account_id=status.account_id,
        used=status.used,
        limit=status.limit,
        remaining=status.remaining,
        resets_at=status.resets_at.isoformat(),
        needs_confirmation=status.warn,
    )


def lead_from(person: Any) -> LeadOut:
    position = person.current_position if isinstance(person.current_position, dict) else {}
    name = " ".join(p for p in (person.first_name, person.last_name) if p) or person.profile_id or "(unknown)"
    return LeadOut(
        name=name,
        title=position.get("title") or person.headline,
        company=position.get("companyName"),
        company_id=position.get("companyId"),
        location=person.location,
        degree=person.connection_degree,
        profile_id=person.profile_id,
        profile_urn=person.profile_urn,
        profile_url=person.profile_url,
        open_to_work=person.is_open_to_work,
    )


def company_from(company: Any) -> CompanyOut:
    return CompanyOut(
        name=company.name or company.universal_name or company.company_id or "(unknown)",
        company_id=company.company_id,
        industry=company.industry,
        location=company.location,
        followers=company.follower_count,
        headline=company.headline,
        company_url=company.company_url,
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
    """What the budget knows a search by."""
    return f"{kind}|{url}"


def kind_and_url(record: SearchRecord) -> tuple[SearchKind, str]:
    kind, url = record.query_key.split("|", 1)
    return ("people" if kind == "people" else "company"), url


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
    svc: Services, kind: SearchKind, account_id: str, url: str, start: int, count: int
) -> tuple[list[dict[str, Any]], int | None, bool]:
    """One paced upstream page: (items as stored, total, has_more)."""
    await svc.guardrails.pacer.acquire(account_id)
    if kind == "people":
        people = await svc.connectsafely.search_people(account_id=account_id, url=url, start=start, count=count)
        items = [lead_from(p).model_dump(mode="json") for p in people.people]
        return items, people.pagination.total, people.has_more
    companies = await svc.connectsafely.search_companies(account_id=account_id, url=url, start=start, count=count)
    items = [company_from(c).model_dump(mode="json") for c in companies.companies]
    return items, companies.pagination.total, companies.has_more


def _item_key(item: dict[str, Any]) -> str:
    return str(item.get("profile_urn") or item.get("profile_id") or item.get("company_id") or item.get("name"))


async def fill_search(
    svc: Services, lease: SearchLease, kind: SearchKind, url: str, want: int, progress: ReportProgress
) -> None:
    """Fetch pages until `want` results are stored (or upstream has no more), reporting progress.

    A fresh search's first page goes alone (it tells the total); later pages go in waves of
    WAVE concurrent calls, each paced. Pages are recorded in order as each wave completes, so
    a cancelled search keeps what it fetched.
    """
    account_id = lease.search.account_id
    while not lease.search.complete and lease.search.item_count < want:
        target = min(want, RESULT_CAP, RESULT_CAP if lease.search.total is None else lease.search.total)
        start = lease.search.next_offset
        if start >= target:
            break  # duplicates across pages left fewer results than offsets walked
        width = 1 if start == 0 else WAVE
        starts = list(range(start, target, UPSTREAM_PAGE))[:width]
        pages: dict[int, tuple[list[dict[str, Any]], int | None, bool]] = {}

        async def fetch(page_start: int, count: int, pages: dict = pages) -> None:
            pages[page_start] = await fetch_page(svc, kind, account_id, url, page_start, count)

        async with anyio.create_task_group() as tg:
            for page_start in starts:
                tg.start_soon(fetch, page_start, min(UPSTREAM_PAGE, target - page_start))
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
    charged: bool  # this run spent one search from the monthly budget
    cached: bool  # served from a search run inside the cache window


async def run_search(
    svc: Services,
    kind: SearchKind,
    url: str,
    account_id: str,
    *,
    max_results: int,
    confirmed: bool,
    progress: ReportProgress,
) -> SearchRun:
    """Run (or reuse) the search of this canonical URL under the monthly budget.

    Past the budget's warning threshold an unconfirmed run raises BudgetConfirmationRequired.
    """
    async with svc.guardrails.budget.search(
        account_id, query_key(kind, url), confirmed=confirmed, actor=svc.actor()
    ) as lease:
        await fill_search(svc, lease, kind, url, max_results, progress)
        return SearchRun(search_id=lease.search_id, charged=lease.charged, cached=lease.cached)


# ----------------------------------------------------------------------------- reading what a search stored


@dataclass(frozen=True)
class StoredPage:
    search: SearchRecord
    kind: SearchKind
    url: str  # the canonical Sales Navigator URL
    offset: int
    items: list[dict[str, Any]]

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
    kind, url = kind_and_url(page.search)
    return StoredPage(search=page.search, kind=kind, url=url, offset=offset, items=page.items)

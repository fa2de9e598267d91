"""Helpers shared by the sandbox tests: the in-process sandbox and its clients, search URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
from starlette.applications import Starlette

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.salesnav_url import FilterValue, SearchQuery, UrlFilter, build_search_url
from salesnav_mcp.sandbox.world import SandboxWorld

API_KEY = {"Authorization": "Bearer sk-test-123"}
RESTLI = {"Authorization": "Bearer li-token", "X-Restli-Protocol-Version": "2.0.0"}


@dataclass
class Sandbox:
    app: Starlette
    clock: ManualClock
    cs: httpx2.AsyncClient  # ConnectSafely, base http://sandbox/linkedin, authorised
    li: httpx2.AsyncClient  # partner API, base http://sandbox/v2, authorised, Rest.li 2.0
    raw: httpx2.AsyncClient  # no base path, no headers

    @property
    def world(self) -> SandboxWorld:
        return self.app.state.world

    async def search_people(self, **body: Any) -> httpx2.Response:
        return await self.cs.post("/search/people", json=body)

    async def search_companies(self, **body: Any) -> httpx2.Response:
        return await self.cs.post("/search/companies", json=body)


def lead_url(*filters: UrlFilter, keywords: str | None = None) -> str:
    return build_search_url(SearchQuery(kind="people", keywords=keywords, filters=tuple(filters)))


def account_url(*filters: UrlFilter, keywords: str | None = None) -> str:
    return build_search_url(SearchQuery(kind="company", keywords=keywords, filters=tuple(filters)))


def flt(filter_type: str, *ids: str, exclude: tuple[str, ...] = (), texts: tuple[str, ...] = ()) -> UrlFilter:
    values = [FilterValue(id=i) for i in ids] + [FilterValue(text=t) for t in texts]
    values += [FilterValue(id=i, selection_type="EXCLUDED") for i in exclude]
    return UrlFilter(type=filter_type, values=tuple(values))

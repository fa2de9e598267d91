"""The data views (MCP Apps) in a real headless Chromium, inside the test host that speaks MCP Apps.

The harness of the review card's test (tests/e2e/test_review_card_browser.py), all on 127.0.0.1: a standalone
sandbox plays LinkedIn, `salesnav-mcp serve --http` runs live against it, and the host page connects with the Apps
extension, calls a tool as the model would and renders the tool's view with its result. Each test starts its own
sandbox and server on a clock fixed at EPOCH (tests/e2e/fixed_clock.py), so what a view shows, and the screenshots
in docs/screenshots, are the same on every run.

Each view must render the result it is given (rows, scores, chart points, counts checked in the DOM against the
tool's structured result), page and export through app-only calls that neither reach upstream nor spend budget,
and show a lead name carrying markup as text.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.guardrails.confirm import sha256_hex
from salesnav_mcp.guardrails.drafts import content_hash
from salesnav_mcp.operations.coaching import WEEKLY_ACTIONS
from salesnav_mcp.operations.insights import read_ssi
from salesnav_mcp.salesnav_url import FilterValue, SearchQuery, UrlFilter, build_search_url
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.wiring import open_services
from salesnav_mcp.store import Draft
from tests.e2e.browser import Tab, chromium, screenshot_path
from tests.e2e.fixed_clock import fixed_clock_env, launcher
from tests.e2e.test_review_card_browser import host, host_site, only_local, open_host  # noqa: F401 - fixture
from tests.support.processes import Running, isolated_env, mcp_http_server, sandbox_server
from tests.support.settings import SANDBOX_SERVER, make_settings

pytestmark = [pytest.mark.anyio, pytest.mark.browser, pytest.mark.slow, pytest.mark.node]

EPOCH = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)  # a Monday; the month's budget resets 2026-12-01
SEARCH_VIEW, SSI_VIEW = "ui://salesnav/search.html", "ui://salesnav/ssi.html"
OVERVIEW_VIEW, EXPORT_VIEW = "ui://salesnav/overview.html", "ui://salesnav/export.html"
MARKUP_NAME = ("<script>alert(1)</script>", "<img src=x onerror=alert(2)>")
CXO = {"filters": {"seniority": ["CXO"]}, "max_results": 55, "page_size": 10}
# The elements a data view is made of: a value from the server never adds any other (it is text).
VIEW_TAGS = {
    "main", "header", "h1", "h2", "h3", "p", "span", "strong", "div", "section", "aside", "article", "nav",
    "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "input", "button", "a", "figure", "details",
    "summary", "canvas",
}


@dataclass
class Live:
    sandbox: Running | None  # None: the server runs on its embedded sandbox
    server: Running

    def state(self) -> dict[str, Any]:
        assert self.sandbox is not None
        with urllib.request.urlopen(f"{self.sandbox.base_url}/_sandbox/state", timeout=10) as response:
            return json.loads(response.read())

    def sandbox_post(self, path: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
        assert self.sandbox is not None
        headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {token}"} if token else {})
        request = urllib.request.Request(
            f"{self.sandbox.base_url}{path}", data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def search_calls(self) -> int:
        return self.state()["searchCalls"].get(DEFAULT_ACCOUNT_ID, {}).get("total", 0)


async def keep_daily_ssi(data_dir: Path, days: int) -> None:
    """Read the SSI once a day for the `days` days before EPOCH into the server's store, as a rep's server would
    have (an embedded sandbox of the same seed serves the same SSI per day as the standalone one)."""
    clock = ManualClock(EPOCH - timedelta(days=days))
    async with open_services(make_settings(data_dir, SANDBOX_SERVER), clock=clock) as svc:
        for _ in range(days):
            await read_ssi(svc, DEFAULT_ACCOUNT_ID)
            clock.advance(timedelta(days=1))


async def keep_sent_requests(data_dir: Path, accepted: int, pending: int) -> None:
    """Connection requests the server sent a week before EPOCH, `accepted` of them since seen accepted (as
    list_invitations records it)."""
    sent_at = EPOCH - timedelta(days=7)
    async with open_services(make_settings(data_dir, SANDBOX_SERVER), clock=ManualClock(EPOCH)) as svc:
        store = svc.guardrails.store
        for n in range(accepted + pending):
            person = f"urn:li:fsd_profile:ACoAAAsked{n:04d}"
            note = f"Hello {n}"
            await store.insert_draft(
                Draft(
                    id=f"request-{n}",
                    account_id=DEFAULT_ACCOUNT_ID,
                    recipient=person,
                    recipient_key=person,
                    channel="invitation",
                    subject=None,
                    text=note,
                    attachments=[],
                    conversation_urn=None,
                    is_new_conversation=True,
                    state="sent",
                    content_hash=content_hash(note, None, [], invitation=True),
                    text_hash=sha256_hex(note),
                    created_at=sent_at,
                    updated_at=sent_at,
                    send_started_at=sent_at,
                )
            )
            if n < accepted:
                await store.mark_invitation_accepted(f"request-{n}", now=EPOCH - timedelta(days=5))


@asynccontextmanager
async def live_server(
    workdir: Path, origin: str, *, embedded: bool = False, ssi_days: int = 0, requests: tuple[int, int] = (0, 0)
) -> AsyncIterator[Live]:
    """A fresh server on the fixed clock, its store holding `ssi_days` days of SSI readings and `requests`
    (accepted, pending) connection requests sent: live against a standalone sandbox (whose state the test
    reads), or on its embedded sandbox (no keys: results say sandbox)."""
    run = launcher(EPOCH)
    env = isolated_env(
        workdir,
        SALESNAV_ACCOUNT_ID=DEFAULT_ACCOUNT_ID,
        SALESNAV_ALLOWED_ORIGINS=origin,  # CORS for the host page
        SALESNAV_APPROVAL_BROWSER="false",
        SALESNAV_APPROVAL_WAIT="0",
    )
    if ssi_days:
        await keep_daily_ssi(Path(env["SALESNAV_DATA_DIR"]), ssi_days)
    if any(requests):
        await keep_sent_requests(Path(env["SALESNAV_DATA_DIR"]), *requests)
    if embedded:
        with mcp_http_server(workdir / "server", fixed_clock_env(env), launcher=run) as server:
            yield Live(None, server)
        return
    with sandbox_server(workdir / "sandbox", fixed_clock_env(isolated_env(workdir)), launcher=run) as sandbox:
        env |= {
            "CONNECTSAFELY_API_KEY": "fake-key",
            "CONNECTSAFELY_BASE_URL": f"{sandbox.base_url}/linkedin",
            "LINKEDIN_ACCESS_TOKEN": "fake-token",
            "LINKEDIN_API_BASE_URL": f"{sandbox.base_url}/v2",
        }
        with mcp_http_server(workdir / "server", fixed_clock_env(env), launcher=run) as server:
            yield Live(sandbox, server)


def view(tab: Tab) -> Any:
    return tab.page.frame_locator("#frame iframe")


async def assert_only_text(tab: Tab) -> None:
    """No server value became markup: only the view's own elements, its one inlined script, no dialog."""
    frame = view(tab)
    tags = await frame.locator("body").evaluate("b => [...b.querySelectorAll('*')].map(e => e.tagName.toLowerCase())")
    assert set(tags) <= VIEW_TAGS, set(tags) - VIEW_TAGS
    assert await frame.locator("script").count() == 1
    assert await frame.locator("img").count() == 0
    assert tab.dialogs == []


async def snapshot(tab: Tab, name: str) -> None:
    """docs/screenshots/NAME.png: the view's frame, whole (the window grown to hold it), the pointer off it."""
    await tab.page.mouse.move(0, 0)
    await view(tab).locator("html").evaluate("h => h.ownerDocument.defaultView.scrollTo(0, 0)")
    await tab.page.evaluate("window.scrollTo(0, 0)")
    frame = tab.page.locator("#frame")
    box = await frame.bounding_box()
    assert box is not None
    await tab.page.set_viewport_size({"width": 820, "height": max(640, int(box["y"] + box["height"]) + 16)})
    await tab.page.wait_for_timeout(100)
    await frame.screenshot(path=screenshot_path(name))
    await tab.page.set_viewport_size({"width": 820, "height": 640})


async def shoot(tab: Tab, name: str) -> None:
    """The view in light and in dark (the host's theme), as docs/screenshots/NAME-light.png and NAME-dark.png."""
    for theme in ("light", "dark"):
        await host(tab, "setTheme", theme)
        await expect(view(tab).locator("html")).to_have_attribute("data-theme", theme)
        await tab.page.wait_for_timeout(150)  # charts redraw on a theme change
        await snapshot(tab, f"{name}-{theme}")
    await host(tab, "setTheme", "light")
    await expect(view(tab).locator("html")).to_have_attribute("data-theme", "light")


async def fits(tab: Tab, width: int) -> None:
    """In a chat column `width` pixels wide the view needs no horizontal scrolling."""
    await host(tab, "setWidth", width)
    await tab.page.wait_for_timeout(150)
    sizes = await view(tab).locator("html").evaluate("h => [h.scrollWidth, h.clientWidth]")
    assert sizes[0] <= sizes[1], sizes


def first_cxo(live: Live) -> dict[str, Any]:
    """The first lead of the CXO search, asked of the sandbox directly (the server spends nothing on it)."""
    seniority = UrlFilter(type="SENIORITY_LEVEL", values=(FilterValue(id="310"),))
    url = build_search_url(SearchQuery(kind="people", filters=(seniority,)))
    body = {"url": url, "accountId": DEFAULT_ACCOUNT_ID, "count": 1}
    return live.sandbox_post("/linkedin/search/people", body, token="fake-key")["people"][0]


async def test_search_results_view(tmp_path: Path, host_site: str) -> None:  # noqa: F811
    async with live_server(tmp_path, host_site) as live, chromium() as browser:
        lead = first_cxo(live)
        live.sandbox_post("/_sandbox/rename", {"profileId": lead["profileId"], "firstName": MARKUP_NAME[0],
                                               "lastName": MARKUP_NAME[1]})
        tab = await open_host(browser, host_site)
        tools = {t["name"]: t for t in await host(tab, "connect", live.server.mcp_url, True)}
        for name in ("search_leads", "search_accounts", "get_search_page"):
            assert tools[name]["_meta"]["ui"]["resourceUri"] == SEARCH_VIEW
        for name in ("search_rows", "search_csv"):
            assert tools[name]["_meta"]["ui"] == {"resourceUri": SEARCH_VIEW, "visibility": ["app"]}

        result = await host(tab, "show", "search_leads", CXO, "light")
        assert not result.get("isError"), result
        data = result["structuredContent"]
        search_id, leads = data["search_id"], data["leads"]
        assert data["budget"]["used"] == 1 and data["fetched"] == 55
        frame = view(tab)
        rows = frame.locator("#rows tr")
        await expect(rows).to_have_count(10)
        assert await frame.locator("body").get_attribute("data-search-id") == search_id
        assert await frame.locator("#rows td.name").all_text_contents() == [lead["name"] for lead in leads]
        first = " ".join(MARKUP_NAME)
        assert leads[0]["name"] == first and leads[0]["profile_id"] == lead["profileId"]
        assert await rows.nth(0).locator("td.name").text_content() == first  # the markup, as text
        assert await rows.nth(0).locator("td.title").text_content() == leads[0]["title"]
        assert await rows.nth(0).locator("td.degree").text_content() == leads[0]["degree"]
        await expect(frame.locator("#meta")).to_have_text(f"Sales Navigator · 55 stored of {data['total']:,} matches")
        await expect(frame.locator("#budget")).to_have_text(
            "Budget: 1/300 Sales Navigator searches used this month, 299 left (resets 2026-12-01)."
        )
        await expect(frame.locator(".badge.sandbox")).to_have_count(0)  # live data (from the standalone sandbox)
        await expect(frame.locator("#range")).to_have_text("1–10 of 55")
        await assert_only_text(tab)
        await shoot(tab, "search-results")
        await fits(tab, 380)  # a narrow chat column: each row becomes a small card
        await snapshot(tab, "search-results-narrow-light")
        await host(tab, "setWidth", 720)

        # From here on nothing may reach upstream's search or the budget: paging, sorting, filtering, export.
        calls, budget = live.search_calls(), (await host(tab, "call", "get_search_budget", {}))["structuredContent"]
        everything = (await host(tab, "call", "search_rows", {"search_id": search_id, "limit": 100}))["structuredContent"]
        assert len(everything["leads"]) == 55

        await frame.locator("#next").click()
        await expect(frame.locator("#range")).to_have_text("11–20 of 55")
        await expect(frame.locator("#rows td.name")).to_have_text([r["name"] for r in everything["leads"][10:20]])
        for start in (21, 31, 41, 51):
            await frame.locator("#next").click()
            await expect(frame.locator("#range")).to_have_text(f"{start}–{min(start + 9, 55)} of 55")
        await expect(rows).to_have_count(5)
        await expect(frame.locator("#next")).to_be_disabled()
        await frame.locator("#prev").click()
        await expect(frame.locator("#range")).to_have_text("41–50 of 55")

        await frame.get_by_role("button", name="Name", exact=True).click()
        await expect(frame.locator("#range")).to_have_text("1–10 of 55")
        by_name = sorted((r["name"] for r in everything["leads"]), key=str.casefold)
        await expect(frame.locator("#rows td.name")).to_have_text(by_name[:10])
        await expect(frame.locator("th[data-key=name]")).to_have_attribute("aria-sort", "ascending")

        word = everything["leads"][3]["company"].split()[0]
        matching = [r for r in everything["leads"] if any(word.casefold() in str(r.get(c) or "").casefold()
                                                          for c in ("name", "title", "company", "location", "degree"))]
        await frame.locator("#filter").fill(word)
        await expect(frame.locator("#range")).to_have_text(f"1–{min(10, len(matching))} of {len(matching)} matching")
        await expect(frame.locator("#rows td.name")).to_have_text(
            sorted((r["name"] for r in matching), key=str.casefold)[:10]
        )
        await frame.locator("#filter").fill("")
        await expect(frame.locator("#range")).to_have_text("1–10 of 55")

        # Draft to selected: the selection goes to the conversation as a message; nothing is drafted or sent here.
        picked = [await rows.nth(n).get_attribute("data-key") for n in (0, 1)]
        assert picked[0] == lead["profileId"]  # the lead named with markup sorts first ("<")
        for n in (0, 1):
            await rows.nth(n).get_by_role("checkbox").check()
        handoff = frame.get_by_role("button", name="Draft to selected (2)")
        await handoff.click()
        await expect(frame.locator("#status")).to_have_text(
            "Handed 2 to the conversation. Nothing is sent without your approval."
        )
        [message] = await host(tab, "messages")
        assert message["role"] == "user"
        text = message["content"][0]["text"]
        assert text.startswith(f"Draft a first message to each of these 2 leads I selected from search {search_id}")
        for row in everything["leads"]:
            assert (f"(profile id: {row['profile_id']})" in text) == (row["profile_id"] in picked), row["name"]
        assert f"- {first}, " in text  # the name as text, for the model to read as data
        drafts = await host(tab, "call", "list_drafts", {})
        assert drafts["structuredContent"]["drafts"] == [] and live.state()["sentMessages"] == []

        await frame.get_by_role("button", name="Export CSV").click()
        await expect(frame.locator("#status")).to_have_text(f"Saved 55 rows as salesnav-{search_id}.csv.")
        [download] = await host(tab, "downloads")
        [content] = download["contents"]
        assert content["resource"]["mimeType"] == "text/csv"
        lines = content["resource"]["text"].split("\r\n")
        assert lines[0].startswith("name,title,company,") and len(lines) == 57 and lines[-1] == ""
        assert any(line.startswith(f"{first},") for line in lines[1:])  # the name as data, exactly

        app_calls = [c["name"] for c in await host(tab, "viewCalls")]
        assert app_calls and set(app_calls) == {"search_rows", "search_csv"}
        assert live.search_calls() == calls
        assert (await host(tab, "call", "get_search_budget", {}))["structuredContent"] == budget

        await assert_only_text(tab)
        assert tab.errors == [] and only_local(tab, host_site, live.server.base_url) == []


async def test_search_results_view_of_accounts_on_the_sandbox(tmp_path: Path, host_site: str) -> None:  # noqa: F811
    async with live_server(tmp_path, host_site, embedded=True) as live, chromium() as browser:
        tab = await open_host(browser, host_site)
        await host(tab, "connect", live.server.mcp_url, True)
        arguments = {"filters": {"keywords": "software"}, "max_results": 40, "page_size": 10}
        result = await host(tab, "show", "search_accounts", arguments, "dark")
        data = result["structuredContent"]
        assert data["sandbox"] is True and data["kind"] == "company" and len(data["companies"]) == 10
        frame = view(tab)
        await expect(frame.locator("h1")).to_have_text("Accounts")
        await expect(frame.locator("header .badge.sandbox")).to_have_text("Sandbox")
        await expect(frame.locator("th[data-key]")).to_have_text(["Name", "Industry", "Location", "Followers"])
        await expect(frame.locator("#rows tr")).to_have_count(10)
        await expect(frame.locator("#rows td.name")).to_have_text([c["name"] for c in data["companies"]])
        followers = [f"{c['followers']:,}" if c["followers"] is not None else "" for c in data["companies"]]
        await expect(frame.locator("#rows td.followers")).to_have_text(followers)
        await expect(frame.locator("#range")).to_have_text("1–10 of 40")
        await frame.get_by_role("button", name="Followers").click()
        await frame.get_by_role("button", name="Followers").click()  # again: largest first
        await expect(frame.locator("th[data-key=followers]")).to_have_attribute("aria-sort", "descending")
        shown = [int(t.replace(",", "")) for t in await frame.locator("#rows td.followers").all_text_contents() if t]
        assert shown == sorted(shown, reverse=True) and len(shown) == 10
        await frame.get_by_role("checkbox", name="Select every row on this page").check()
        await expect(frame.get_by_role("button", name="Ask about selected (10)")).to_be_enabled()
        await assert_only_text(tab)
        assert tab.errors == [] and only_local(tab, host_site, live.server.base_url) == []


async def test_ssi_dashboard_view(tmp_path: Path, host_site: str) -> None:  # noqa: F811
    async with live_server(tmp_path, host_site, embedded=True, ssi_days=20) as live, chromium() as browser:
        tab = await open_host(browser, host_site)
        tools = {t["name"]: t for t in await host(tab, "connect", live.server.mcp_url, True)}
        assert tools["get_ssi"]["_meta"]["ui"]["resourceUri"] == SSI_VIEW
        assert tools["ssi_dashboard_data"]["_meta"]["ui"] == {"resourceUri": SSI_VIEW, "visibility": ["app"]}

        now = (await host(tab, "call", "get_ssi", {}))["structuredContent"]
        result = await host(tab, "show", "get_ssi_history", {"days": 30}, "light")
        history = result["structuredContent"]
        assert history["readings"] == 21, [p["day"] for p in history["points"]]  # 20 kept days and today
        frame = view(tab)
        await expect(frame.locator(".pillar")).to_have_count(4)
        await expect(frame.locator("header .badge.sandbox")).to_have_text("Sandbox")
        await expect(frame.locator(".big .overall")).to_have_text(f"{now['overall']:.1f}")
        for pillar in now["pillars"]:
            item = frame.locator(f".pillar[data-pillar={pillar['pillar']}]")
            assert await item.locator("h3 .name").text_content() == pillar["name"]
            assert await item.locator("h3 .score").text_content() == f"{pillar['score']:.1f}"
            averages = {r["group"]: {p["pillar"]: p["average"] for p in r["pillar_averages"]} for r in now["ranks"]}
            assert await item.locator(".bar .value").all_text_contents() == [
                f"{pillar['score']:.1f}",
                f"{averages['INDUSTRY'][pillar['pillar']]:.1f}",
                f"{averages['NETWORK'][pillar['pillar']]:.1f}",
            ]
        weakest = frame.locator(".pillar.weakest")
        await expect(weakest).to_have_count(1)
        assert await weakest.get_attribute("data-pillar") == now["weakest_pillar"]
        await expect(weakest.locator(".badge.weakest")).to_have_text("Weakest")
        hint = frame.locator("aside.hint")
        await expect(hint.locator("h2")).to_have_text(f"Work on: {next(p['name'] for p in now['pillars'] if p['pillar'] == now['weakest_pillar'])}")
        await expect(hint.locator("li")).to_have_text(list(WEEKLY_ACTIONS[now["weakest_pillar"]]))
        for rank in history["ranks"]:
            move = frame.locator(f".groups li[data-group={rank['group']}] .move")
            if rank["movement"]:
                await expect(move).to_contain_text(f"{abs(rank['movement']):g} point")

        charts = frame.locator("figure.chart")
        await expect(charts).to_have_count(2)
        for n, series in ((0, 1), (1, 4)):
            chart = charts.nth(n)
            assert await chart.get_attribute("data-points") == "21" and await chart.get_attribute("data-series") == str(series)
            assert await chart.locator("canvas").count() == 1
            assert await chart.locator("table.data tbody tr").count() == 21
        days = await charts.nth(0).locator("table.data tbody td:first-child").all_text_contents()
        assert days == [p["day"] for p in history["points"]]
        overall = await charts.nth(0).locator("table.data tbody td:nth-child(2)").all_text_contents()
        assert overall == [f"{p['overall']:.1f}" for p in history["points"]]
        assert days[-1] == "2026-11-16"
        assert [c["name"] for c in await host(tab, "viewCalls")] == ["ssi_dashboard_data"]
        await assert_only_text(tab)
        await shoot(tab, "ssi-dashboard")
        await fits(tab, 380)
        assert tab.errors == [] and only_local(tab, host_site, live.server.base_url) == []


async def test_account_overview_view(tmp_path: Path, host_site: str) -> None:  # noqa: F811
    seeded = live_server(tmp_path, host_site, embedded=True, ssi_days=20, requests=(2, 3))  # 2 of 5 accepted
    async with seeded as live, chromium() as browser:
        tab = await open_host(browser, host_site)
        tools = {t["name"]: t for t in await host(tab, "connect", live.server.mcp_url, True)}
        assert tools["get_account_overview"]["_meta"]["ui"]["resourceUri"] == OVERVIEW_VIEW
        found = await host(tab, "call", "search_leads", {"filters": {"seniority": ["CXO"]}, "max_results": 5})
        recipient = found["structuredContent"]["leads"][1]["profile_id"]
        draft = await host(tab, "call", "draft_message", {"recipient": recipient, "text": "Hello <b>there</b>."})
        draft_id = draft["structuredContent"]["draft_id"]

        result = await host(tab, "show", "get_account_overview", {}, "light")
        accounts = result["structuredContent"]["accounts"]
        frame = view(tab)
        cards = frame.locator("article.account")
        await expect(cards).to_have_count(len(accounts))
        assert len(accounts) == 4
        await expect(frame.locator("header .badge.sandbox")).to_have_text("Sandbox")
        for n, account in enumerate(accounts):
            card = cards.nth(n)
            assert await card.get_attribute("data-account-id") == account["account_id"]
            await expect(card.locator("h2")).to_have_text(account["name"])
            b = account["search_budget"]
            await expect(card.get_by_role("meter", name="Searches this month")).to_have_attribute("aria-valuenow", str(b["used"]))
            searches = card.locator(".meter:has([aria-label='Searches this month']) .value")
            await expect(searches).to_have_text(f"{b['used']} of {b['limit']} · resets 2026-12-01")
            c = account["new_conversations"]
            await expect(card.get_by_role("meter", name="New conversations today")).to_have_attribute("aria-valuemax", str(c["daily_cap"]))
            i = account["invitations"]
            invites = card.get_by_role("meter", name="Connection requests this week")
            await expect(invites).to_have_attribute("aria-valuenow", str(i["used"]))
            await expect(invites).to_have_attribute("aria-valuemax", str(i["limit"]))
            if account["ssi"]:
                await expect(card.locator(".ssi-line .value")).to_have_text(f"{account['ssi']['overall']:.1f}")
            else:
                await expect(card.locator(".ssi-line")).to_contain_text("Sales Navigator seat")
        alex = cards.nth(0)
        assert accounts[0]["account_id"] == DEFAULT_ACCOUNT_ID and accounts[0]["ssi"]["readings"] == 21
        change = accounts[0]["ssi"]["change"]
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        await expect(alex.locator(".ssi-line")).to_contain_text(f"{sign}{abs(change):.1f} over 30 days")
        await expect(alex.locator(".waiting")).to_have_text("1 draft waiting for your approval.")
        await expect(alex.locator(".unknown")).to_have_text("No send in unknown state.")
        assert accounts[0]["invitations"]["acceptance_rate"] == 0.4
        await expect(alex.locator(".accepted")).to_have_text("Connection requests accepted (30 days): 2 of 5 (40%).")
        await expect(cards.nth(1).locator(".accepted")).to_have_count(0)  # sent none: no rate to show
        await expect(cards.nth(1).locator(".review")).to_have_count(0)
        await assert_only_text(tab)
        await shoot(tab, "account-overview")

        review = alex.get_by_role("button", name="Review in the card")
        await expect(review).to_have_accessible_description("Alex Morgan")
        await review.click()
        await expect(frame.locator("#status")).to_have_text("Asked for the review card in the conversation.")
        [message] = await host(tab, "messages")
        text = message["content"][0]["text"]
        assert f"review_drafts with draft_ids {draft_id}" in text and DEFAULT_ACCOUNT_ID in text
        drafts = (await host(tab, "call", "list_drafts", {}))["structuredContent"]["drafts"]
        messages = [(d["draft_id"], d["state"]) for d in drafts if d["channel"] != "invitation"]
        assert messages == [(draft_id, "draft")]  # handed over, not sent
        await fits(tab, 380)
        assert tab.errors == [] and only_local(tab, host_site, live.server.base_url) == []


async def test_export_summary_view(tmp_path: Path, host_site: str) -> None:  # noqa: F811
    async with live_server(tmp_path, host_site, embedded=True) as live, chromium() as browser:
        tab = await open_host(browser, host_site)
        tools = {t["name"]: t for t in await host(tab, "connect", live.server.mcp_url, True)}
        assert tools["export_analytics"]["_meta"]["ui"]["resourceUri"] == EXPORT_VIEW
        arguments = {"export_type": "activity", "start_date": "2026-10-01", "end_date": "2026-10-31"}
        result = await host(tab, "show", "export_analytics", arguments, "light")
        assert not result.get("isError"), result
        summary = result["structuredContent"]["summary"]
        frame = view(tab)
        await expect(frame.locator("h1")).to_have_text("Activity export")
        await expect(frame.locator("header .badge.sandbox")).to_have_text("Sandbox")
        await expect(frame.locator("#meta")).to_have_text("2026-10-01 to 2026-10-31 · job 987654321 · urn:li:salesContract:12345")
        await expect(frame.locator(".total .value")).to_have_text(f"{summary['rows']:,}")
        sections = frame.locator("section.counts")
        await expect(sections.locator("h2")).to_have_text(["Activity by type", "Activity by seat"])
        by_type = sorted(summary["by_activity_type"].items(), key=lambda kv: (-kv[1], kv[0]))
        types = sections.nth(0).locator(".bar")
        await expect(types).to_have_count(len(by_type))
        assert await types.locator(".value").all_text_contents() == [str(v) for _k, v in by_type]
        labels = await types.locator(".label").all_text_contents()
        assert labels == [k.replace("_", " ").capitalize() for k, _v in by_type]
        assert sum(int(v) for v in await types.evaluate_all("els => els.map(e => e.dataset.value)")) == summary["rows"]
        by_seat = sorted(summary["by_seat"].items(), key=lambda kv: (-kv[1], kv[0]))
        seats = sections.nth(1).locator(".bar")
        await expect(seats).to_have_count(min(10, len(by_seat)) + (len(by_seat) > 10))
        assert (await seats.locator(".label").all_text_contents())[:3] == [f"Seat {k}" for k, _v in by_seat[:3]]
        widths = await types.locator(".fill").evaluate_all("els => els.map(e => e.style.width)")
        assert widths[0] == "100%"  # the largest count fills its track; the others in proportion
        assert float(widths[-1].rstrip("%")) == pytest.approx(100 * by_type[-1][1] / by_type[0][1], abs=0.01)
        await assert_only_text(tab)
        await shoot(tab, "export-summary")
        await fits(tab, 380)
        assert tab.errors == [] and only_local(tab, host_site, live.server.base_url) == []

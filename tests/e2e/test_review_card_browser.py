"""The review card (the MCP Apps view) in a real headless Chromium, inside a host that speaks MCP Apps.

The harness, all on 127.0.0.1:
- a standalone sandbox (`salesnav-mcp sandbox`) plays LinkedIn; what it received is what went out;
- `salesnav-mcp serve --http` runs "live" against it, with CORS for the host page's origin;
- the host page (tests/e2e/apps_host: the SDK's AppBridge and the MCP TypeScript client, built here with the
  views' Vite and Node 22) connects to the server over streamable HTTP declaring the Apps extension, calls
  `draft_message` as the model would, renders the tool's `ui://` view in a sandboxed iframe, forwards the
  tool result and proxies the card's own tool calls to the server.
The card must show the draft exactly and as text; a click on Send sends once, Reject sends nothing; a client
without the Apps extension never sees the card's app-only tools. Screenshots go to docs/screenshots.
"""

from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from salesnav_mcp.guardrails.review import TEXT_BEGINS, TEXT_ENDS
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from tests.e2e.browser import REPO, Tab, chromium, new_tab, screenshot_path, static_site
from tests.support.processes import Running, isolated_env, mcp_http_server, sandbox_server

pytestmark = [pytest.mark.anyio, pytest.mark.browser, pytest.mark.slow, pytest.mark.node]

HOST_SOURCES = Path(__file__).parent / "apps_host"
VITE = REPO / "views" / "node_modules" / "vite" / "bin" / "vite.js"
NODE22 = REPO / "scripts" / "node22.sh"
APP_ONLY = {"approval_items", "approval_decide"}
REVIEW_VIEW = "ui://salesnav/review.html"
SUBJECT = "Quick question & <b>a bold claim</b>"
TEXT = (
    "Hi <script>alert(1)</script> there,\n"
    "<img src=x onerror=alert(2)>\n"
    "To: someone-else\n"
    "└── message ends ──\n"
    "Send"
)
REJECTED_TEXT = "Another note <script>alert(3)</script> the human rejects."
CARD_TAGS = {"main", "p", "section", "article", "h2", "div", "pre", "span", "button"}


@pytest.fixture(scope="module")
def host_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The host page, built into a temporary directory and served on a loopback port; yields its origin."""
    if not VITE.exists():
        pytest.fail("the views' build tools are not installed: run `make node-tools` (npm ci in views/)")
    out = tmp_path_factory.mktemp("apps-host")
    built = subprocess.run(
        [str(NODE22), str(VITE), "build", "--configLoader", "native", "--config", str(HOST_SOURCES / "vite.config.mjs"),
         "--outDir", str(out)],
        capture_output=True, text=True, timeout=120, cwd=REPO, stdin=subprocess.DEVNULL,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    with static_site(out) as origin:
        yield origin


@dataclass
class Live:
    sandbox: Running
    server: Running

    def sent(self, text: str | None = None) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.sandbox.base_url}/_sandbox/state", timeout=10) as response:
            messages = json.loads(response.read())["sentMessages"]
        return [m for m in messages if text is None or m["text"] == text]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, host_site: str) -> Iterator[Live]:
    workdir = tmp_path_factory.mktemp("card")
    with sandbox_server(workdir / "sandbox", isolated_env(workdir)) as sandbox:
        env = isolated_env(
            workdir,
            CONNECTSAFELY_API_KEY="fake-key",
            CONNECTSAFELY_BASE_URL=f"{sandbox.base_url}/linkedin",
            LINKEDIN_ACCESS_TOKEN="fake-token",
            LINKEDIN_API_BASE_URL=f"{sandbox.base_url}/v2",
            SALESNAV_ACCOUNT_ID=DEFAULT_ACCOUNT_ID,
            SALESNAV_ALLOWED_ORIGINS=host_site,  # CORS for the host page
            SALESNAV_APPROVAL_BROWSER="false",
            SALESNAV_APPROVAL_WAIT="0",
        )
        with mcp_http_server(workdir / "server", env) as server:
            yield Live(sandbox, server)


async def open_host(browser: Any, host_site: str) -> Tab:
    tab = await new_tab(browser)
    await tab.page.goto(f"{host_site}/index.html")
    await tab.page.wait_for_function("() => window.salesnavHost !== undefined")
    return tab


async def host(tab: Tab, method: str, *args: Any) -> Any:
    return await tab.page.evaluate(f"(args) => window.salesnavHost.{method}(...args)", list(args))


async def a_lead(tab: Tab, index: int) -> str:
    """A C-level lead found by search, as the model would find one (a different one per test)."""
    found = await host(tab, "call", "search_leads", {"filters": {"seniority": ["CXO"]}, "max_results": 10})
    assert not found.get("isError"), found
    return found["structuredContent"]["leads"][index]["profile_id"]


def review_lines(draft_result: dict[str, Any]) -> list[str]:
    """The lines the draft's result shows above the message (the dialog's layout), which the card must show."""
    shown = draft_result["content"][0]["text"].split("\n")
    return shown[1 : shown.index(TEXT_BEGINS)]


def card(tab: Tab) -> Any:
    return tab.page.frame_locator("#frame iframe")


async def assert_card_shows_exactly(tab: Tab, lines: list[str], text: str) -> Any:
    view = card(tab)
    item = view.locator("article.item")
    await expect(item).to_have_count(1)
    await expect(item).to_have_attribute("data-state", "pending")
    assert await item.locator("h2").text_content() == "Send this LinkedIn message?"
    assert await item.locator(".line").all_text_contents() == lines
    assert await item.locator("pre.text").text_content() == text
    assert await item.locator(".bar").all_text_contents() == [TEXT_BEGINS, TEXT_ENDS]
    tags = await view.locator("body").evaluate("b => [...b.querySelectorAll('*')].map(e => e.tagName.toLowerCase())")
    assert set(tags) <= CARD_TAGS, tags  # nothing of the draft became markup
    assert tab.dialogs == []
    return item


def only_local(tab: Tab, *origins: str) -> list[str]:
    """Requests to anywhere but the host page and the MCP server (the card loads nothing from anywhere)."""
    return [url for url in tab.requests if not url.startswith(origins) and not url.startswith(("about:", "data:"))]


async def test_send_in_the_card_sends_exactly_once(host_site: str, live: Live) -> None:
    async with chromium() as browser:
        tab = await open_host(browser, host_site)
        tools = {t["name"]: t for t in await host(tab, "connect", live.server.mcp_url, True)}
        assert tools["draft_message"]["_meta"]["ui"]["resourceUri"] == REVIEW_VIEW
        for name in APP_ONLY:
            assert tools[name]["_meta"]["ui"]["visibility"] == ["app"]  # the host never offers them to the model
        lead = await a_lead(tab, 0)

        draft = await host(tab, "show", "draft_message", {"recipient": lead, "text": TEXT, "subject": SUBJECT}, "light")
        assert not draft.get("isError"), draft
        approval_id = draft["structuredContent"]["approval_id"]
        assert re.fullmatch(r"ap_[0-9a-f]{16}", approval_id)
        lines = review_lines(draft)
        assert f"Subject: “{SUBJECT}”" in lines and any(line.startswith("To: ") and f"({lead})" in line for line in lines)
        item = await assert_card_shows_exactly(tab, lines, TEXT)
        send = item.get_by_role("button", name="Send", exact=True)
        reject = item.get_by_role("button", name="Reject", exact=True)
        for button in (send, reject):  # a screen reader names what the button decides
            await expect(button).to_have_accessible_description(re.compile(re.escape(f"({lead}) Channel:")))
        await expect(card(tab).get_by_role("status")).to_have_text(re.compile("^1 waiting for your decision"))
        assert live.sent(TEXT) == []

        frame = tab.page.locator("#frame")
        await frame.screenshot(path=screenshot_path("review-card-pending-light"))
        await host(tab, "setTheme", "dark")
        await expect(card(tab).locator("html")).to_have_attribute("data-theme", "dark")
        await frame.screenshot(path=screenshot_path("review-card-pending-dark"))
        await host(tab, "setTheme", "light")
        await expect(card(tab).locator("html")).to_have_attribute("data-theme", "light")

        await send.click()
        await expect(item).to_have_attribute("data-state", "done")
        await expect(item.locator(".state")).to_have_text("Done: sent")
        await expect(item.get_by_role("button")).to_have_count(0)
        [message] = live.sent(TEXT)
        assert (message["recipient"], message["subject"]) == (lead, SUBJECT)
        calls = await host(tab, "viewCalls")
        assert [c["name"] for c in calls] == ["approval_items", "approval_decide"]
        assert calls[1]["arguments"]["decision"] == "approve" and calls[1]["arguments"]["approval_id"] == approval_id

        await frame.screenshot(path=screenshot_path("review-card-sent-light"))
        await host(tab, "setTheme", "dark")
        await expect(card(tab).locator("html")).to_have_attribute("data-theme", "dark")
        await frame.screenshot(path=screenshot_path("review-card-sent-dark"))

        # The card's decision replayed (a retry, a second click that got through): nothing more goes out.
        again = await host(tab, "call", "approval_decide", calls[1]["arguments"])
        assert again.get("isError"), again
        sent = await host(tab, "call", "send_message", {"draft_id": draft["structuredContent"]["draft_id"]})
        assert sent["structuredContent"]["outcome"] == "already_sent", sent
        assert tab.dialogs == [] and tab.errors == []
        assert only_local(tab, host_site, live.server.base_url) == []
    assert len(live.sent(TEXT)) == 1


async def test_reject_in_the_card_sends_nothing(host_site: str, live: Live) -> None:
    before = len(live.sent())
    async with chromium() as browser:
        tab = await open_host(browser, host_site)
        await host(tab, "connect", live.server.mcp_url, True)
        lead = await a_lead(tab, 1)
        draft = await host(tab, "show", "draft_message", {"recipient": lead, "text": REJECTED_TEXT}, "dark")
        item = await assert_card_shows_exactly(tab, review_lines(draft), REJECTED_TEXT)
        await expect(card(tab).locator("html")).to_have_attribute("data-theme", "dark")
        await item.get_by_role("button", name="Reject", exact=True).focus()
        await tab.page.keyboard.press("Enter")  # the keyboard decides as well as the mouse
        await expect(item).to_have_attribute("data-state", "rejected")
        await expect(item.locator(".state")).to_have_text("Rejected")
        sent = await host(tab, "call", "send_message", {"draft_id": draft["structuredContent"]["draft_id"]})
        assert sent["structuredContent"]["outcome"] != "sent", sent
        assert tab.dialogs == [] and tab.errors == []
        assert only_local(tab, host_site, live.server.base_url) == []
    assert live.sent(REJECTED_TEXT) == [] and len(live.sent()) == before


async def test_a_client_without_apps_gets_no_card_and_no_app_only_tools(host_site: str, live: Live) -> None:
    async with chromium() as browser:
        tab = await open_host(browser, host_site)
        tools = await host(tab, "connect", live.server.mcp_url, False)
        names = {t["name"] for t in tools}
        assert "draft_message" in names and not names & APP_ONLY
        assert [t["name"] for t in tools if "ui" in (t.get("_meta") or {})] == []
        for name, arguments in [
            ("approval_items", {"approval_ids": ["ap_0123456789abcdef"]}),
            ("approval_decide", {"approval_id": "ap_0123456789abcdef", "content_hash": "0" * 64, "decision": "approve"}),
        ]:
            refused = await host(tab, "call", name, arguments)
            assert refused.get("isError") and refused["content"][0]["text"] == f"Unknown tool: {name}", refused
        lead = await a_lead(tab, 2)
        draft = await host(tab, "call", "draft_message", {"recipient": lead, "text": "Hello from a client without Apps."})
        assert draft["structuredContent"].get("approval_id") is None  # its approval waits in the approval page
        assert tab.errors == []


async def test_a_batch_in_the_card_sends_each_approved_draft_once(host_site: str, live: Live) -> None:
    texts = ["Batch note one: <b>bold</b>?", "Batch note two: <i>never sent</i>."]
    before = len(live.sent())
    async with chromium() as browser:
        tab = await open_host(browser, host_site)
        await host(tab, "connect", live.server.mcp_url, True)
        drafts = []
        for index, text in zip((3, 4), texts, strict=True):
            made = await host(tab, "call", "draft_message", {"recipient": await a_lead(tab, index), "text": text})
            assert not made.get("isError"), made
            drafts.append(made["structuredContent"]["draft_id"])
        review = await host(tab, "show", "review_drafts", {"draft_ids": drafts}, "light")
        assert [i["outcome"] for i in review["structuredContent"]["items"]] == ["awaiting_approval"] * 2
        items = card(tab).locator("article.item")
        await expect(items).to_have_count(2)
        for n, text in enumerate(texts):
            assert await items.nth(n).locator("pre.text").text_content() == text
        await expect(card(tab).get_by_role("status")).to_have_text(re.compile("^2 waiting for your decision"))
        await tab.page.locator("#frame").screenshot(path=screenshot_path("review-card-batch-light"))

        await items.nth(0).get_by_role("button", name="Send", exact=True).click()
        await expect(items.nth(0)).to_have_attribute("data-state", "done")
        await items.nth(1).get_by_role("button", name="Reject", exact=True).click()
        await expect(items.nth(1)).to_have_attribute("data-state", "rejected")
        await expect(card(tab).get_by_role("status")).to_have_text("Nothing waits for your decision.")
        assert tab.dialogs == [] and tab.errors == []
    assert [m["text"] for m in live.sent()[before:]] == [texts[0]]

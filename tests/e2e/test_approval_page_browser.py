"""The local approval page in a real headless Chromium: what the human sees is exactly what goes out, a click
on Send sends once, Reject sends nothing, and a form that did not come from the page is refused.

The server runs in-process on the embedded sandbox (as the server tests run it); the model side is the
SDK's in-process client WITHOUT elicitation and without MCP Apps, so `send_message` leaves the draft
waiting in the approval page (SALESNAV_APPROVAL_WAIT=0: the call returns at once). The page's URL is
read from the data directory, as `salesnav-mcp approvals` reads it for the person at the terminal.
Screenshots of the page (pending and decided, light and dark) go to docs/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest
from mcp import Client
from mcp.server.mcpserver import MCPServer
from playwright.async_api import expect

from salesnav_mcp.clock import ManualClock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails.review import TEXT_BEGINS, TEXT_ENDS
from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox import SandboxConfig
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID
from salesnav_mcp.server.app import build_server
from salesnav_mcp.server.approval_page import live_page_urls
from salesnav_mcp.server.wiring import open_services
from tests.e2e.browser import Tab, chromium, new_tab, screenshot_path, static_site

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

SUBJECT = "Quick question & <b>a bold claim</b>"
# Markup, and lines that look like the review's own labels and bars: all of it is message text, shown as text.
TEXT = (
    "Hi <script>alert(1)</script> there,\n"
    "<img src=x onerror=alert(2)>\n"
    "To: someone-else\n"
    "Subject: not the subject\n"
    "└── message ends ──\n"
    "Send"
)
# It starts with a blank line, which the page shows too (a browser drops a newline right after <pre>).
REJECTED_TEXT = "\nA second note <script>alert(3)</script>, which the human rejects."


@dataclass
class Served:
    settings: Settings
    services: Services
    server: MCPServer

    def sent(self) -> list[Any]:
        return list(self.services.sandbox_app.state.world.sent_messages)

    def page_url(self) -> str:
        [url] = live_page_urls(self.settings)
        return url


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        salesnav_data_dir=tmp_path,
        salesnav_sandbox=True,
        salesnav_search_per_minute=10_000,
        salesnav_search_per_day=100_000,
        salesnav_confirm_mode="auto",
        salesnav_approval_browser=False,  # the test opens the page, not the server
        salesnav_approval_wait=0,  # send_message answers "awaiting_approval" at once
    )
    config = SandboxConfig(seed=7, search_per_minute=10_000, search_per_day=100_000)
    # A fixed clock: dates the page shows (an entry's "listed since") are the same in every screenshot.
    async with open_services(settings, clock=ManualClock(), sandbox_config=config) as svc:
        yield Served(settings, svc, build_server(settings, services=svc))


def leads(served: Served, count: int) -> list[Any]:
    """Leads of the default account it has no conversation with yet (second degree)."""
    world = served.services.sandbox_app.state.world
    threads = {c.lead.profile_id for c in world.conversations_of(DEFAULT_ACCOUNT_ID)}
    found = [
        lead for lead in world.leads if lead.degrees.get(DEFAULT_ACCOUNT_ID) == "S" and lead.profile_id not in threads
    ]
    return found[:count]


async def draft_and_send(served: Served, lead: Any, text: str, subject: str | None = None) -> tuple[dict[str, Any], list[str]]:
    """As the model: draft, then ask to send. Returns the draft and the review lines the draft result showed."""
    async with Client(served.server, mode="auto") as client:  # neither elicitation nor Apps
        arguments = {"recipient": lead.profile_id, "text": text, **({"subject": subject} if subject else {})}
        made = await client.call_tool("draft_message", arguments)
        assert not made.is_error, made.content
        draft = made.structured_content
        sent = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert not sent.is_error, sent.content
        assert sent.structured_content["outcome"] == "awaiting_approval"
        said = [made.content[0].text, sent.content[0].text, repr(made.structured_content), repr(sent.structured_content)]
    url = served.page_url()
    capability = urlsplit(url).path.strip("/")
    assert all(capability not in text and url not in text for text in said)  # the model never sees the page
    shown = made.content[0].text.split("\n")
    return draft, shown[1 : shown.index(TEXT_BEGINS)]  # the dialog's lines above the message


def item(tab: Tab, index: int = 0) -> Any:
    return tab.page.locator("article.item").nth(index)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def post(url: str, **kwargs: Any) -> httpx2.Response:
    """A post from outside the browser (async: the page serves on this test's event loop)."""
    async with httpx2.AsyncClient() as http:
        return await http.post(url, **kwargs)


async def get(url: str) -> httpx2.Response:
    async with httpx2.AsyncClient() as http:
        return await http.get(url)


async def assert_shows_exactly(tab: Tab, lines: list[str], text: str) -> None:
    card = item(tab)
    assert await card.locator("h2").text_content() == "Send this LinkedIn message?"
    assert await card.locator(".line").all_text_contents() == lines  # the same lines the dialog shows
    assert await card.locator("pre.text").text_content() == text  # the exact text, once
    assert await card.locator(".bar").all_text_contents() == [TEXT_BEGINS, TEXT_ENDS]
    # Nothing of the draft became markup: no element but the page's own, no script ran.
    tags = await tab.page.evaluate("() => [...document.body.querySelectorAll('*')].map(e => e.tagName.toLowerCase())")
    assert set(tags) <= {"main", "h1", "p", "article", "h2", "div", "pre", "form", "input", "button"}, tags
    assert tab.dialogs == []


def form_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


async def test_send_in_the_page_sends_exactly_once(served: Served) -> None:
    [lead] = leads(served, 1)
    draft, lines = await draft_and_send(served, lead, TEXT, SUBJECT)
    assert served.sent() == []
    assert f"Subject: “{SUBJECT}”" in lines
    [to] = [line for line in lines if line.startswith("To: ")]
    assert to.startswith(f"To: {lead.first_name} {lead.last_name}, ") and to.endswith(f"({lead.profile_id})")

    url = served.page_url()
    async with chromium() as browser:
        tab = await new_tab(browser)
        response = await tab.page.goto(url)
        assert response.status == 200
        headers = response.headers
        assert "default-src 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
        await assert_shows_exactly(tab, lines, TEXT)
        card = item(tab)
        assert await card.get_attribute("data-state") == "pending"
        send = card.get_by_role("button", name="Send", exact=True)
        reject = card.get_by_role("button", name="Reject", exact=True)
        assert await send.is_visible() and await reject.is_visible()
        for button in (send, reject):  # a screen reader names what the button decides: the review, to whom
            await expect(button).to_have_accessible_description(re.compile(re.escape(f"{to} Channel:")))
        fields = form_fields(await tab.page.content())
        await tab.page.screenshot(path=screenshot_path("approval-page-pending-light"), full_page=True)
        await tab.page.emulate_media(color_scheme="dark")
        await tab.page.screenshot(path=screenshot_path("approval-page-pending-dark"), full_page=True)
        await tab.page.emulate_media(color_scheme="light")

        await send.click()
        await tab.page.wait_for_url(re.compile(r"done="))
        card = item(tab)
        assert await card.get_attribute("data-state") == "done"
        assert await card.locator(".state").text_content() == "Done: sent"
        assert await tab.page.get_by_role("status").text_content() == "Approved: sent."
        assert await tab.page.get_by_role("button").count() == 0
        await tab.page.screenshot(path=screenshot_path("approval-page-sent-light"), full_page=True)
        await tab.page.emulate_media(color_scheme="dark")
        await tab.page.screenshot(path=screenshot_path("approval-page-sent-dark"), full_page=True)

        [message] = served.sent()
        assert (message.recipient, message.subject, message.text) == (lead.profile_id, SUBJECT, TEXT)

        # The same form again (a double click, a replayed post): refused by the store, nothing more goes out.
        await tab.page.go_back()
        replayed = await post(f"{url}decide", data={**fields, "decision": "approve"}, headers={"Origin": origin_of(url)})
        assert replayed.status_code == 303 and "Nothing+was+done" in replayed.headers["location"]
        assert tab.dialogs == [] and tab.errors == []
    assert len(served.sent()) == 1

    async with Client(served.server, mode="auto") as client:  # the model learns the outcome, nothing more
        again = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert again.structured_content["outcome"] == "already_sent", again.content
    assert len(served.sent()) == 1


async def test_reject_in_the_page_sends_nothing(served: Served) -> None:
    [lead] = leads(served, 1)
    draft, lines = await draft_and_send(served, lead, REJECTED_TEXT)
    async with chromium() as browser:
        tab = await new_tab(browser)
        await tab.page.goto(served.page_url())
        await assert_shows_exactly(tab, lines, REJECTED_TEXT)
        await item(tab).get_by_role("button", name="Reject", exact=True).focus()
        await tab.page.keyboard.press("Enter")  # the keyboard decides as well as the mouse
        await tab.page.wait_for_url(re.compile(r"done="))
        card = item(tab)
        assert await card.get_attribute("data-state") == "rejected"
        assert await tab.page.get_by_role("status").text_content() == "Rejected: nothing was done."
        assert tab.dialogs == [] and tab.errors == []
    assert served.sent() == []
    async with Client(served.server, mode="auto") as client:
        again = await client.call_tool("send_message", {"draft_id": draft["draft_id"]})
        assert again.structured_content["outcome"] != "sent", again.content
    assert served.sent() == []


async def test_a_form_that_did_not_come_from_the_page_is_refused(served: Served, tmp_path: Path) -> None:
    [lead] = leads(served, 1)
    await draft_and_send(served, lead, TEXT)
    url = served.page_url()
    origin = origin_of(url)
    capability = urlsplit(url).path.strip("/")
    fields = form_fields((await get(url)).text)  # what only the page shows: the request, its hash, the CSRF token
    assert set(fields) == {"approval_id", "content_hash", "csrf"}
    good = {**fields, "decision": "approve"}
    same_origin = {"Origin": origin}
    port = urlsplit(url).port

    forged = [
        ("no capability path", f"{origin}/decide", good, same_origin, {404}),
        ("another capability", f"{origin}/{capability[:-4]}AAAA/decide", good, same_origin, {403, 404}),
        ("the capability only in the form", f"{origin}/x/decide", {**good, "capability": capability}, same_origin, {403, 404}),
        ("a wrong CSRF token", f"{url}decide", {**good, "csrf": fields["csrf"][:-4] + "AAAA"}, same_origin, {403}),
        ("no CSRF token", f"{url}decide", {k: v for k, v in good.items() if k != "csrf"}, same_origin, {403}),
        ("another origin", f"{url}decide", good, {"Origin": "http://evil.example"}, {403}),
        ("an opaque origin", f"{url}decide", good, {"Origin": "null"}, {403}),
        ("another host name (DNS rebinding)", f"{url}decide", good, {**same_origin, "Host": f"localhost:{port}"}, {403}),
    ]
    for why, target, data, headers, statuses in forged:
        response = await post(target, data=data, headers=headers)
        assert response.status_code in statuses, (why, response.status_code, response.text)
    as_json = await post(f"{url}decide", json=good, headers=same_origin)
    assert as_json.status_code == 403
    assert (await get(f"{origin}/")).status_code == 404
    assert (await get(f"{origin}/{capability[:-4]}AAAA/")).status_code == 404
    assert served.sent() == []

    # A real browser posting the page's own form from another web page, even with the capability and the CSRF
    # token (as if both had leaked): the browser names that page's origin, and the server refuses it.
    site = tmp_path / "elsewhere"
    site.mkdir()
    inputs = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in good.items())
    (site / "index.html").write_text(
        f'<!doctype html><form id="f" method="post" action="{url}decide">{inputs}</form>'
        "<script>document.getElementById('f').submit()</script>",
        encoding="utf-8",
    )
    async with chromium() as browser:
        tab = await new_tab(browser)
        with static_site(site) as elsewhere:
            async with tab.page.expect_response(f"{url}decide") as posted:
                await tab.page.goto(f"{elsewhere}/index.html")
            response = await posted.value
            assert response.status == 403
            assert (await response.request.all_headers()).get("origin") == elsewhere
        assert served.sent() == []

        # Still pending, and the page's own form still works: the forgeries spent nothing.
        await tab.page.goto(url)
        card = item(tab)
        assert await card.get_attribute("data-state") == "pending"
        await card.get_by_role("button", name="Send", exact=True).click()
        await tab.page.wait_for_url(re.compile(r"done="))
        assert await item(tab).get_attribute("data-state") == "done"
    assert len(served.sent()) == 1


async def test_a_do_not_contact_removal_waits_for_the_page(served: Served) -> None:
    [lead] = leads(served, 1)
    reason = "asked us not to <script>alert(4)</script>"
    async with Client(served.server, mode="auto") as client:
        added = await client.call_tool("update_do_not_contact", {"action": "add", "recipient": lead.profile_id, "reason": reason})
        assert not added.is_error, added.content
        waiting = await client.call_tool("update_do_not_contact", {"action": "remove", "recipient": lead.profile_id})
        assert not waiting.is_error and waiting.structured_content["changed"] is False, waiting.content
        listed = await client.call_tool("list_do_not_contact", {})
        assert [e["recipient"] for e in listed.structured_content["entries"]] == [lead.profile_id]
    async with chromium() as browser:
        tab = await new_tab(browser)
        await tab.page.goto(served.page_url())
        card = item(tab)
        assert await card.locator("h2").text_content() == "Remove this person from the do-not-contact list?"
        lines = await card.locator(".line").all_text_contents()
        assert lines[0].startswith(f"Person: {lead.first_name} {lead.last_name}") and lines[0].endswith(f"({lead.profile_id})")
        assert any(line.endswith(f"reason: “{reason}”") for line in lines), lines
        assert await card.locator("pre").count() == 0 and tab.dialogs == []
        await tab.page.screenshot(path=screenshot_path("approval-page-dnc-removal-light"), full_page=True)
        await card.get_by_role("button", name="Approve", exact=True).click()
        await tab.page.wait_for_url(re.compile(r"done="))
        assert await item(tab).get_attribute("data-state") == "done"
        assert await item(tab).locator(".state").text_content() == "Done: removed (1 entry removed)"
        assert tab.dialogs == [] and tab.errors == []
    async with Client(served.server, mode="auto") as client:
        listed = await client.call_tool("list_do_not_contact", {})
        assert listed.structured_content["entries"] == []
    assert served.sent() == []

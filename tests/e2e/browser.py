"""A real headless Chromium for the tests of what a person sees (the approval page, the review card).

Debian's `chromium` package (`make test` installs it: scripts/install-browser.sh), driven by Python
Playwright through its `executable_path`: Playwright never downloads a browser of its own. Pages
are served on 127.0.0.1 only; screenshots go to docs/screenshots (committed, linked from docs).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import LOOPBACK

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--font-render-hinting=none",  # the same glyphs on every run, for screenshots that do not churn
]
INSTALL_HINT = "run `make test` (it installs Debian's chromium via scripts/install-browser.sh) or apt-get install chromium"


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.fail(f"chromium is not installed: {INSTALL_HINT}")
    return found


@asynccontextmanager
async def chromium() -> AsyncIterator[Any]:
    """A headless Chromium (Playwright's async API: the server under test may share the test's event loop)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Tab:
    """A page, with what happened in it that a test asserts never happens (a dialog, a console error)."""

    page: Any
    dialogs: list[str] = field(default_factory=list)  # an alert() that ran: markup in a value became script
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions, in any frame
    requests: list[str] = field(default_factory=list)  # every URL the page or its frames asked for


async def new_tab(browser: Any, *, color_scheme: str = "light") -> Tab:
    """A page of a fixed size and scale (deterministic screenshots) that records dialogs, errors and requests."""
    context = await browser.new_context(
        viewport={"width": 820, "height": 640}, device_scale_factor=1, color_scheme=color_scheme, locale="en-US"
    )
    tab = Tab(await context.new_page())

    async def dialog(d: Any) -> None:
        tab.dialogs.append(d.message)
        await d.dismiss()

    tab.page.on("dialog", dialog)
    tab.page.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.page.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.page.on("request", lambda r: tab.requests.append(r.url))
    return tab


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


@contextmanager
def static_site(root: Path) -> Iterator[str]:
    """Serve a directory on a free loopback port (in a thread); yields its origin, http://127.0.0.1:PORT."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer((LOOPBACK, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="static-site", daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

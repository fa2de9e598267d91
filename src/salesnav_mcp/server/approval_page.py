"""The approval page: where a human approves what waits, for clients with neither a dialog nor a review card.

It runs inside the server process on 127.0.0.1 only, on a random port, under an unguessable
capability path, and the server opens it in the user's browser itself (`webbrowser`); the URL is
never in anything the model reads, only in a file of the data directory that
`salesnav-mcp approvals` opens for the person at the terminal. Every form carries a CSRF token
and must come from the page's own origin; responses forbid framing and load nothing from
anywhere (no third-party assets, a CSP of 'none' but inline styles). Every value shown is
escaped text: a name, a subject or a message body can never become markup.
"""

from __future__ import annotations

import contextlib
import hmac
import html
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import ApprovalRefused, GuardrailError
from salesnav_mcp.guardrails.review import TEXT_BEGINS, TEXT_ENDS
from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.identity import AccessRefused, User
from salesnav_mcp.operations.services import Services

logger = logging.getLogger("salesnav_mcp.server")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": under it a browser names its form posts' origin "null", and the page's own Send
    # button would be refused as a forgery. No other origin ever gets a referrer (the capability path).
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
REOPEN_AFTER = 120.0  # seconds: a browser tab is opened again only if the last one is this old
STYLE = """
:root {
  color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  --bg: #ffffff; --fg: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --panel: #f6f6f8;
  --accent: #0a66c2; --on-accent: #ffffff; --ok: #0b7a3e; --bad: #b3261e; --focus: #0a66c2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #1b1b1f; --fg: #ececf1; --muted: #a5a5ad; --line: #3a3a42; --panel: #25252b;
    --accent: #70b5f9; --on-accent: #0b1b2b; --ok: #5cc98a; --bad: #f2877d; --focus: #70b5f9;
  }
}
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.4; }
main { margin: 0 auto; max-width: 760px; padding: 16px; }
h1 { font-size: 22px; margin: 8px 0 12px; }
.item { border: 1px solid var(--line); border-radius: 8px; padding: 12px; margin: 12px 0; }
.item h2 { font-size: 16px; margin: 0 0 8px; }
.line, pre { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
pre { margin: 0; padding: 8px 10px; background: var(--panel); border-left: 3px solid var(--accent); }
.bar { font-family: ui-monospace, monospace; font-size: 12px; color: var(--muted); margin-top: 8px; }
form.decide { display: flex; gap: 8px; margin-top: 12px; }
button {
  font: inherit; padding: 6px 16px; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--line); background: var(--panel); color: var(--fg);
}
button.approve { background: var(--accent); border-color: var(--accent); color: var(--on-accent); font-weight: 600; }
button:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.note { padding: 8px 12px; border-radius: 6px; background: var(--panel); border: 1px solid var(--line); }
.state { font-weight: 600; margin: 12px 0 0; }
.state.done, .state.sent, .state.removed, .state.approved { color: var(--ok); }
.state.rejected, .state.expired, .state.superseded, .state.refused, .state.failed, .state.unknown { color: var(--bad); }
"""


def page_html(title: str, body: list[str]) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><main>{''.join(body)}</main></body></html>"
    )


def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{html.escape(value, quote=True)}">'


def render_item(item: approvals.Item, *, action: str, csrf: str) -> str:
    """One request: a fixed layout in which every value is escaped text (never markup)."""
    e = html.escape
    key = e(item.approval_id, quote=True)
    parts = [
        f'<article class="item" data-approval-id="{key}" data-state="{e(item.state, quote=True)}" '
        f'aria-labelledby="title-{key}">'
    ]
    parts.append(f'<h2 id="title-{key}">{e(item.title)}</h2><div class="lines" id="review-{key}">')
    parts += [f'<div class="line">{e(line)}</div>' for line in item.lines]
    if item.text is not None:
        parts.append(f'<div class="bar">{e(TEXT_BEGINS)}</div>')
        # A browser drops a newline right after <pre>: this one, never the text's own first line break.
        parts.append(f'<pre class="text">\n{e(item.text)}</pre>')
        parts.append(f'<div class="bar">{e(TEXT_ENDS)}</div>')
    parts.append("</div>")
    if item.state == "pending":
        fields = (
            _hidden("approval_id", item.approval_id)
            + _hidden("content_hash", item.content_hash)
            + _hidden("csrf", csrf)
        )
        approve = "Send" if item.kind == "send" else "Approve"
        # Each button is described by the review it decides, so a screen reader names what it sends.
        about = f'type="submit" name="decision" aria-describedby="title-{key} review-{key}"'
        parts.append(f'<form class="decide" method="post" action="{e(action, quote=True)}">{fields}')
        parts.append(f'<button class="approve" {about} value="approve">{approve}</button>')
        parts.append(f'<button class="reject" {about} value="reject">Reject</button></form>')
    else:
        done = f": {item.outcome}" if item.outcome else ""
        message = f" ({item.message})" if item.message else ""
        kind = e(item.outcome or item.state, quote=True)
        parts.append(f'<p class="state {kind}">{e(item.state.capitalize() + done + message)}</p>')
    parts.append("</article>")
    return "".join(parts)


def render_items(items: list[approvals.Item], *, action: str, csrf: str, note: str | None, who: str | None) -> str:
    waiting = sum(1 for i in items if i.state == "pending")
    count = "1 request waits" if waiting == 1 else f"{waiting} requests wait"
    head = [
        "<h1>Waiting for your approval</h1>" if waiting else "<h1>Approvals</h1>",
        f'<p class="who">Signed in as {html.escape(who)}.</p>' if who else "",
        f'<p class="note" role="status">{html.escape(note)}</p>' if note else "",
        f"<p>{count} for your decision. Nothing goes out until you click.</p>"
        if waiting
        else "<p>Nothing waits for your decision.</p>",
    ]
    return page_html("Approvals: salesnav-mcp", head + [render_item(i, action=action, csrf=csrf) for i in items])


def secured(response: Response) -> Response:
    response.headers.update(SECURITY_HEADERS)
    return response


async def form_of(request: Request) -> dict[str, str]:
    """A small url-encoded form as one value per field (anything else reads as empty)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    if len(body) > 16_384:
        return {}
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


async def decide_from_form(
    svc: Services, form: dict[str, str], user: User | None, surface: approvals.Surface = "approval_page"
) -> str:
    """Apply one form's decision; the note the page shows about it."""
    decision = form.get("decision")
    if decision not in ("approve", "reject"):
        return "Nothing was done: the form named no decision."
    try:
        decided = await approvals.decide(
            svc,
            form.get("approval_id", ""),
            content_hash=form.get("content_hash", ""),
            approve=decision == "approve",
            surface=surface,
            user=user,
        )
    except AccessRefused as exc:  # (tool calls are audited by the tools runtime; the page audits its own)
        await svc.audit_refusal(exc, surface)
        return f"Nothing was done: {exc}"
    except (ApprovalRefused, GuardrailError) as exc:
        return f"Nothing was done: {exc}"
    item = approvals.item_of(decided)
    if decision == "reject":
        return "Rejected: nothing was done."
    what = f" ({item.message})" if item.message else ""
    return f"Approved: {item.outcome or item.state}{what}."


def approvals_dir(settings: Settings) -> Path:
    return Path(settings.salesnav_data_dir) / "approvals"


class LocalApprovalPage:
    """The approval page of one server process, on a loopback port of its own (see the module docstring)."""

    def __init__(self, settings: Settings, start: Callable[..., Awaitable[Any]]) -> None:
        self._settings = settings
        self._start = start  # a task group's `start`: the page serves until the server stops
        self._capability = secrets.token_urlsafe(32)
        self._csrf = secrets.token_urlsafe(32)
        self._svc: Services | None = None
        self._url: str | None = None
        self._opened_at: float | None = None
        self._lock = anyio.Lock()

    def attach(self, svc: Services) -> None:
        self._svc = svc

    async def show(self) -> str:
        async with self._lock:
            if self._url is None:
                self._url = await self._start(self._serve)
        if self._settings.salesnav_approval_browser and (
            self._opened_at is None or time.monotonic() - self._opened_at > REOPEN_AFTER
        ):
            import webbrowser

            self._opened_at = time.monotonic()
            await anyio.to_thread.run_sync(webbrowser.open_new_tab, self._url)
        return (
            "the approval page, which opened in the user's browser (if it did not, the user runs "
            "`salesnav-mcp approvals` in a terminal on this computer)"
        )

    async def _serve(self, *, task_status: anyio.abc.TaskStatus[str]) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        port = sock.getsockname()[1]
        origin = f"http://127.0.0.1:{port}"
        url = f"{origin}/{self._capability}/"
        link = self._write_link(url)
        import uvicorn

        # No access log: the capability is in every request's path, and logs are no place for it.
        config = uvicorn.Config(
            self._app(origin), log_config=None, access_log=False, lifespan="off", server_header=False
        )
        server = quiet_uvicorn(config)
        task_status.started(url)
        try:
            await server.serve(sockets=[sock])
        finally:
            with contextlib.suppress(OSError):
                link.unlink()
            sock.close()

    def _write_link(self, url: str) -> Path:
        """Where `salesnav-mcp approvals` finds this page: a file only the user can read."""
        folder = approvals_dir(self._settings)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        link = folder / f"{os.getpid()}.url"
        fd = os.open(link, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(url + "\n")
        return link

    def _app(self, origin: str) -> Starlette:
        host = origin.removeprefix("http://")
        page_path = f"/{self._capability}/"

        def allowed(request: Request) -> bool:
            return request.headers.get("host") == host and same(
                request.path_params.get("capability", ""), self._capability
            )

        async def page(request: Request) -> Response:
            if not allowed(request) or self._svc is None:
                return PlainTextResponse("Not found", status_code=404)
            items = await approvals.pending_items(self._svc, None)
            done = request.query_params.get("done")
            if done:
                items = [
                    *(await approvals.items(self._svc, None, [done])),
                    *[i for i in items if i.approval_id != done],
                ]
            note = request.query_params.get("note")
            body = render_items(items, action=f"{page_path}decide", csrf=self._csrf, note=note, who=None)
            return secured(HTMLResponse(body))

        async def decide(request: Request) -> Response:
            form = await form_of(request)
            fresh = request.headers.get("origin") in (None, origin) and same(form.get("csrf", ""), self._csrf)
            if not allowed(request) or self._svc is None or not fresh:
                return secured(PlainTextResponse("Refused: this form did not come from the approval page.", 403))
            note = await decide_from_form(self._svc, form, None)
            target = f"{page_path}?{_query(done=form.get('approval_id', ''), note=note)}"
            return secured(RedirectResponse(target, status_code=303))

        app = Starlette(
            routes=[
                Route("/{capability}/", page, methods=["GET"]),
                Route("/{capability}/decide", decide, methods=["POST"]),
            ]
        )
        app.router.redirect_slashes = False  # any other path is not found, never redirected to one that is
        return app


def _query(**values: str) -> str:
    from urllib.parse import urlencode

    return urlencode(values)


def quiet_uvicorn(config: Any) -> Any:
    """Uvicorn without signal handlers of its own: the MCP server's stop signal ends the page with it."""
    import uvicorn

    class Quiet(uvicorn.Server):
        def capture_signals(self) -> contextlib.AbstractContextManager[None]:  # type: ignore[override]
            return contextlib.nullcontext()

    return Quiet(config)


def live_page_urls(settings: Settings) -> list[str]:
    """The approval pages of running server processes sharing this data directory, newest first."""
    folder = approvals_dir(settings)
    found: list[tuple[float, str]] = []
    for link in folder.glob("*.url") if folder.is_dir() else ():
        try:
            os.kill(int(link.stem), 0)  # is that process still running?
        except (ValueError, ProcessLookupError):
            with contextlib.suppress(OSError):
                link.unlink()
            continue
        except PermissionError:
            pass
        with contextlib.suppress(OSError):
            found.append((link.stat().st_mtime, link.read_text(encoding="utf-8").strip()))
    return [url for _, url in sorted(found, reverse=True)]


__all__ = ["LocalApprovalPage", "live_page_urls", "render_items"]

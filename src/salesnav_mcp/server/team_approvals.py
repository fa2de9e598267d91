"""The approval page of a team deployment: `/approvals` on the HTTP server, signed in with an approver secret.

An agent holding a user's MCP bearer token cannot approve: the page ignores bearer tokens and
signs a human in only with their approver secret (a second secret per user in the users file,
never equal to the token), then by a session cookie (HttpOnly, SameSite=Strict). The cookie and
the forms' CSRF tokens are signed with SALESNAV_STATE_KEY, which every replica shares, so a
human signed in on one replica approves on any of them; each decision is one compare-and-set in
the shared store, so it acts once. A user sees and decides only what concerns the accounts
granted to them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import json
import secrets
import time
from collections.abc import Sequence
from urllib.parse import urlencode

from mcp.server.mcpserver import MCPServer
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from salesnav_mcp.config import Settings
from salesnav_mcp.operations import approvals
from salesnav_mcp.operations.identity import User
from salesnav_mcp.operations.services import Services
from salesnav_mcp.server.approval_page import decide_from_form, form_of, page_html, render_items, same, secured
from salesnav_mcp.server.users import UserEntry

PATH = "/approvals"
COOKIE = "salesnav_approver"
SESSION_SECONDS = 8 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TeamApprovalPage:
    def __init__(self, settings: Settings, users: Sequence[UserEntry], server_url: str) -> None:
        state_key = settings.salesnav_state_key.get_secret_value() if settings.salesnav_state_key else ""
        # Replicas sharing SALESNAV_STATE_KEY accept each other's sessions; without it, this replica's own key.
        self._key = hashlib.sha256(b"salesnav-approvals/1" + (state_key.encode() or secrets.token_bytes(32))).digest()
        self._users = {entry.user.name: entry for entry in users}
        self._url = server_url.rstrip("/") + PATH
        self._services: Services | None = None

    def attach(self, svc: Services) -> None:
        self._services = svc

    def _get_services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the approval page is not attached to running services")
        return self._services

    async def show(self) -> str:
        # Safe to tell the model: the page grants nothing without the human's approver secret.
        return f"the team approval page, {self._url} (the user signs in there with their approver secret)"

    # ---- sessions ------------------------------------------------------------------------------
    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._key, payload, hashlib.sha256).digest())

    def _session_cookie(self, name: str) -> str:
        payload = _b64(json.dumps({"u": name, "exp": int(time.time()) + SESSION_SECONDS}).encode())
        return f"{payload}.{self._sign(payload.encode())}"

    def _user(self, request: Request) -> User | None:
        value = request.cookies.get(COOKIE, "")
        payload, _, signature = value.partition(".")
        if not payload or not same(signature, self._sign(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            return None
        entry = self._users.get(data.get("u")) if isinstance(data, dict) else None
        if entry is None or not isinstance(data.get("exp"), int) or data["exp"] < time.time():
            return None
        return entry.user

    def _csrf(self, request: Request) -> str:
        return self._sign(b"csrf|" + request.cookies.get(COOKIE, "").encode())

    # The page's own notes travel in its redirect URLs, signed: the model knows this page's address and could
    # otherwise hand the human a link whose trusted-looking note says anything.
    def _note_query(self, note: str, **more: str) -> str:
        return urlencode({**more, "note": note, "ns": self._sign(b"note|" + note.encode())})

    def _note(self, request: Request) -> str | None:
        note = request.query_params.get("note")
        if not note or not same(request.query_params.get("ns", ""), self._sign(b"note|" + note.encode())):
            return None
        return note

    def _same_origin(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        host = request.headers.get("host", "")
        return origin is None or origin.split("://", 1)[-1] == host

    # ---- pages -----------------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        user = self._user(request)
        if user is None:
            return secured(HTMLResponse(self._login_page(self._note(request))))
        svc = self._get_services()
        items = await approvals.pending_items(svc, user)
        done = request.query_params.get("done")
        if done:
            items = [*(await approvals.items(svc, user, [done])), *[i for i in items if i.approval_id != done]]
        body = render_items(
            items,
            action=f"{PATH}/decide",
            csrf=self._csrf(request),
            note=self._note(request),
            who=user.name,
        )
        return secured(HTMLResponse(body))

    def _login_page(self, note: str | None) -> str:
        note_html = f'<p class="note" role="status">{html.escape(note)}</p>' if note else ""
        return page_html(
            "Sign in: approvals",
            [
                "<h1>Sign in to approve</h1>",
                note_html,
                "<p>Use your name and your approver secret (not your MCP token).</p>",
                f'<form method="post" action="{PATH}/login">',
                '<p><label>Name <input name="name" autocomplete="username" required></label></p>',
                '<p><label>Approver secret <input name="secret" type="password" autocomplete="current-password" '
                "required></label></p>",
                '<button class="approve">Sign in</button></form>',
            ],
        )

    async def login(self, request: Request) -> Response:
        form = await form_of(request)
        if not self._same_origin(request):
            return secured(PlainTextResponse("Refused: this form did not come from the approval page.", 403))
        entry = self._users.get(form.get("name", ""))
        presented = hashlib.sha256(form.get("secret", "").encode("utf-8", "surrogateescape")).digest()
        # Compare with every user's approver digest, so timing tells nothing about names.
        valid = False
        for candidate in self._users.values():
            matched = candidate.approver_sha256 is not None and hmac.compare_digest(
                presented, candidate.approver_sha256
            )
            valid = valid or (matched and candidate is entry)
        if not valid or entry is None:
            note = self._note_query("Not signed in: unknown name or wrong secret.")
            return secured(RedirectResponse(f"{PATH}?{note}", 303))
        response = RedirectResponse(PATH, status_code=303)
        secure = request.headers.get("x-forwarded-proto", request.url.scheme) == "https"
        response.set_cookie(
            COOKIE,
            self._session_cookie(entry.user.name),
            max_age=SESSION_SECONDS,
            path=PATH,
            httponly=True,
            samesite="strict",
            secure=secure,
        )
        return secured(response)

    async def decide(self, request: Request) -> Response:
        user = self._user(request)
        form = await form_of(request)
        if user is None or not self._same_origin(request) or not same(form.get("csrf", ""), self._csrf(request)):
            return secured(PlainTextResponse("Refused: sign in on the approval page, and use its own forms.", 403))
        note = await decide_from_form(self._get_services(), form, user)
        query = self._note_query(note, done=form.get("approval_id", ""))
        return secured(RedirectResponse(f"{PATH}?{query}", status_code=303))

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse(PATH, status_code=303)
        response.delete_cookie(COOKIE, path=PATH)
        return secured(response)

    def mount(self, server: MCPServer) -> None:
        """The page's routes on the MCP server's HTTP app (outside the bearer-token check: it signs in itself)."""
        server.custom_route(PATH, methods=["GET"])(self.page)
        server.custom_route(f"{PATH}/login", methods=["POST"])(self.login)
        server.custom_route(f"{PATH}/decide", methods=["POST"])(self.decide)
        server.custom_route(f"{PATH}/logout", methods=["POST"])(self.logout)

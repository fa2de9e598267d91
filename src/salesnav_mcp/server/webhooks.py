"""ConnectSafely's `message.received` webhook, received by `serve --http` (optional, for teams).

Configured by SALESNAV_WEBHOOK_PATH (e.g. `/webhooks/connectsafely`) and SALESNAV_WEBHOOK_SECRET
(the secret the vendor's dashboard shows for the webhook). A delivery is a POST of JSON signed with
`X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>`:

- a missing or wrong signature is refused with 401 (and audited as `webhook.refused`, at most once a
  minute for each reason), before the body is even parsed; nothing about the body, the signature or
  the secret is echoed back;
- a signed delivery that is not JSON, or a `message.received` event of an unexpected shape, is
  refused with 400 (a retry would not help; the vendor stops after 3 attempts anyway);
- a signed event of another type is acknowledged (202) and ignored;
- a signed `message.received` is recorded once by its `message_urn` (deliveries are at least once
  and unordered), marking the sent draft it answers, and acknowledged with 200 within the vendor's
  15 s; the sender is remembered (URN, public id, name). A duplicate is acknowledged the same way
  and changes nothing.

The receiver sits in front of the MCP app: it answers only its own path and passes everything else
(`/mcp`, lifespan) through untouched. It does not take the MCP bearer token (ConnectSafely cannot
send one): the signature is its authentication. It opens its own store connection on the first
delivery and closes it when the server shuts down.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import datetime, timedelta

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from salesnav_mcp.clock import Clock
from salesnav_mcp.config import Settings
from salesnav_mcp.guardrails import Guardrails, build_guardrails
from salesnav_mcp.operations.replies import inbound_of_event
from salesnav_mcp.store import Person, Store, open_store
from salesnav_mcp.upstream.webhooks import SIGNATURE_HEADER, WebhookError, read_message_received, verify_signature

logger = logging.getLogger("salesnav_mcp.webhooks")

MAX_BODY_BYTES = 1024 * 1024  # a message.received event is a few kilobytes
REFUSAL_AUDIT_INTERVAL = timedelta(minutes=1)


class WebhookReceiver:
    """Records verified `message.received` deliveries in the store (see the module docstring)."""

    def __init__(self, settings: Settings, *, clock: Clock | None = None, store: Store | None = None) -> None:
        if not settings.salesnav_webhook_path or settings.salesnav_webhook_secret is None:
            raise ValueError("the webhook receiver needs SALESNAV_WEBHOOK_PATH and SALESNAV_WEBHOOK_SECRET")
        self.settings = settings
        self.path = settings.salesnav_webhook_path.rstrip("/") or "/"
        self._secret = settings.salesnav_webhook_secret
        self._clock = clock or Clock()
        self._store = store
        self._owns_store = store is None
        self._guardrails: Guardrails | None = None
        self._refusals: dict[str, tuple[datetime, int]] = {}  # reason -> (last audited, refusals folded since)
        self._lock = anyio.Lock()

    def matches(self, scope: Scope) -> bool:
        return scope["type"] == "http" and (scope.get("path", "").rstrip("/") or "/") == self.path

    async def guardrails(self) -> Guardrails:
        async with self._lock:
            if self._guardrails is None:
                if self._store is None:
                    self._store = await open_store(self.settings)
                self._guardrails = build_guardrails(self._store, self.settings, self._clock)
            return self._guardrails

    async def close(self) -> None:
        async with self._lock:
            if self._owns_store and self._store is not None:
                await self._store.close()
                self._store = None
            self._guardrails = None

    async def handle(self, request: Request) -> JSONResponse:
        if request.method != "POST":
            return JSONResponse({"error": "POST a webhook delivery here"}, status_code=405, headers={"Allow": "POST"})
        remote = request.client.host if request.client else None
        body = await _read_body(request)
        if body is None:
            await self._refused("body too large", remote)
            return JSONResponse({"error": "body too large"}, status_code=413)
        header = request.headers.get(SIGNATURE_HEADER)
        if not verify_signature(body, header, self._secret):
            await self._refused(f"missing or invalid {SIGNATURE_HEADER}", remote)
            return JSONResponse({"error": f"missing or invalid {SIGNATURE_HEADER}"}, status_code=401)
        try:
            event_type = json.loads(body).get("event")
        except (ValueError, AttributeError, UnicodeDecodeError):
            await self._refused("signed, but not a JSON object", remote)
            return JSONResponse({"error": "the body is not a JSON object"}, status_code=400)
        if event_type != "message.received":
            return JSONResponse({"ok": True, "ignored": str(event_type)[:60]}, status_code=202)
        try:
            event = read_message_received(body, header, self._secret)
        except WebhookError as exc:
            await self._refused(str(exc), remote)
            return JSONResponse({"error": str(exc)}, status_code=400)
        guards = await self.guardrails()
        inbound = inbound_of_event(event, now=self._clock.now(), default_account=self.settings.salesnav_account_id)
        if inbound.sender_urn and not inbound.sender_public_id:
            person = await guards.store.person_by_urn(inbound.sender_urn)
            if person is not None and person.public_id:
                inbound = replace(inbound, sender_public_id=person.public_id)
        [outcome] = await guards.replies.record([inbound], actor="webhook")
        if outcome.new and inbound.sender_urn:  # remember who wrote, so drafts can address them by any id
            await guards.store.remember_people(
                [Person(inbound.sender_urn, inbound.sender_public_id, inbound.sender_name, None, inbound.recorded_at)]
            )
        return JSONResponse(
            {"ok": True, "duplicate": not outcome.new, "answered_drafts": list(outcome.replied_draft_ids)}
        )

    async def _refused(self, reason: str, remote: str | None) -> None:
        """Log and audit a refusal, at most once a minute for each reason: anyone can post to a public path, and
        the audit trail keeps every entry forever. The next entry counts the refusals folded into it."""
        now = self._clock.now()
        last = self._refusals.get(reason)
        if last is not None and now - last[0] < REFUSAL_AUDIT_INTERVAL:
            self._refusals[reason] = (last[0], last[1] + 1)
            return
        folded = last[1] if last is not None else 0
        self._refusals[reason] = (now, 0)
        logger.warning("webhook delivery refused from %s: %s (%d more since the last entry)", remote or "?", reason, folded)
        try:
            await (await self.guardrails()).replies.refused_delivery(reason, remote=remote, folded=folded)
        except Exception:  # a store problem must not turn a refusal into a crash
            logger.exception("could not audit a refused webhook delivery")


async def _read_body(request: Request) -> bytes | None:
    """The raw body exactly as received (the signature covers these bytes), or None past MAX_BODY_BYTES."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > MAX_BODY_BYTES:
            return None
    return bytes(chunks)


def with_webhook(app: ASGIApp, receiver: WebhookReceiver) -> ASGIApp:
    """`app` with the receiver answering its path; the receiver's store closes when the server shuts down."""

    async def combined(scope: Scope, receive: Receive, send: Send) -> None:
        if receiver.matches(scope):
            response = await receiver.handle(Request(scope, receive))
            await response(scope, receive, send)
            return
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_after_closing(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await receiver.close()
            await send(message)

        await app(scope, receive, send_after_closing)

    return combined

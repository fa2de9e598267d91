"""Fault injection and latency, as ASGI middleware in front of both APIs.

The control endpoints (`/_sandbox/...`) are never faulted or delayed. Which rule
fires is decided by a RNG seeded from the sandbox seed, so the same seed and the
same request sequence give the same faults.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from fnmatch import fnmatchcase
from typing import Any

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .config import FaultRule, SandboxConfig
from .errors import SandboxConnectionDropped
from .world import SandboxWorld, iso

CONTROL_PREFIX = "/_sandbox"
_GATEWAY_PAGES = {
    502: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>",
    503: "<html><head><title>503 Service Unavailable</title></head><body><center><h1>503 Service Temporarily "
         "Unavailable</h1></center></body></html>",
    504: "<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1>"
         "</center></body></html>",
}


@dataclass
class FiredFault:
    route: str  # "METHOD /path" of the request
    kind: str
    rule_index: int


@dataclass
class FaultInjector:
    """The active rules, how often each has fired, and the seeded RNG deciding probabilities."""

    config: SandboxConfig
    rules: list[FaultRule] = field(default_factory=list)
    fired: list[FiredFault] = field(default_factory=list)
    _remaining: list[int | None] = field(default_factory=list)
    _rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.replace(self.config.faults)

    def replace(self, rules: list[FaultRule]) -> None:
        """Install new rules; the RNG restarts from the seed so sequences stay reproducible."""
        self.rules = list(rules)
        self._remaining = [rule.times for rule in self.rules]
        self.fired = []
        self._rng = random.Random(f"salesnav-sandbox-faults:{self.config.seed}")

    def pick(self, route: str) -> FaultRule | None:
        for index, rule in enumerate(self.rules):
            remaining = self._remaining[index]
            if remaining is not None and remaining <= 0:
                continue
            if not fnmatchcase(route, rule.route):
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            if remaining is not None:
                self._remaining[index] = remaining - 1
            self.fired.append(FiredFault(route, rule.kind, index))
            return rule
        return None

    def latency_for(self, route: str) -> float:
        extra = next((s for pattern, s in self.config.route_latency.items() if fnmatchcase(route, pattern)), 0.0)
        return self.config.latency + extra

    def describe(self) -> list[dict[str, Any]]:
        return [rule.model_dump() | {"remaining": left} for rule, left in zip(self.rules, self._remaining, strict=True)]


async def _respond(send: Send, status: int, body: bytes, content_type: str,
                   headers: dict[str, str] | None = None) -> None:
    raw = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _json(send: Send, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
    await _respond(send, status, json.dumps(payload).encode(), "application/json", headers)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, injector: FaultInjector, world: SandboxWorld) -> None:
        self.app = app
        self.injector = injector
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        route = f"{scope['method']} {path}"
        delay = self.injector.latency_for(route)
        if delay > 0:
            await anyio.sleep(delay)
        rule = self.injector.pick(route)
        if rule is None:
            await self.app(scope, receive, send)
            return
        await self._apply(rule, path.startswith("/v2"), scope, receive, send)

    async def _apply(self, rule: FaultRule, partner: bool, scope: Scope, receive: Receive, send: Send) -> None:
        kind = rule.kind
        if kind == "timeout":
            await anyio.sleep(rule.delay)
            await self.app(scope, receive, send)
        elif kind == "hang_after_commit":
            held: list[Message] = []

            async def hold(message: Message) -> None:
                held.append(message)

            await self.app(scope, receive, hold)
            await anyio.sleep(rule.delay)
            for message in held:
                await send(message)
        elif kind == "connection_drop":
            # Start a response and break it off: servers then close the socket mid-response.
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
            raise SandboxConnectionDropped()
        elif kind == "malformed":
            await _respond(send, 200, b'{"success": true, "data": [{"id": 1, "name": "trunc', "application/json")
        elif kind == "429":
            await self._throttle(rule, partner, send)
        elif kind == "session_expired":
            await _json(send, 500, {"error": "Session may have expired"})
        elif kind == "trial_expired":
            await _json(send, 403, {"success": False, "error": "Your trial has expired. Please upgrade your plan to "
                                                               "continue using the API."})
        elif kind == "500":
            body = ({"message": "Internal Server Error", "serviceErrorCode": 0, "status": 500} if partner
                    else {"success": False, "error": "Internal server error"})
            await _json(send, 500, body)
        else:
            status = int(kind)
            await _respond(send, status, _GATEWAY_PAGES[status].encode(), "text/html")

    async def _throttle(self, rule: FaultRule, partner: bool, send: Send) -> None:
        if partner:  # LinkedIn throttles with its error body and no rate-limit headers
            await _json(send, 429, {"message": "Resource level throttle limit for calls to this resource is reached.",
                                    "serviceErrorCode": 101, "status": 429})
            return
        now = self.world.now()
        wait = rule.retry_after if rule.retry_after is not None else 60.0
        reset = now + timedelta(seconds=wait)
        headers: dict[str, str] = {}
        if rule.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(rule.retry_after))
        if rule.reset_style is not None:
            headers["X-RateLimit-Limit"] = str(self.world.config.search_per_minute)
            headers["X-RateLimit-Remaining"] = "0"
            headers["X-RateLimit-Reset"] = str(math.ceil(reset.timestamp())) if rule.reset_style == "unix" \
                else iso(reset)
        body: dict[str, Any] = {"success": False, "error": f"Rate limit exceeded. Resets at {iso(reset)}"}
        if rule.hold_until:
            body["holdUntil"] = iso(reset)
        await _json(send, 429, body, headers)

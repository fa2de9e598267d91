"""Turn an upstream error answer into one of our exceptions -- for both APIs, in one place.

ConnectSafely answers errors in several shapes, all accepted here:
`{success:false, code, message}`, `{error:"..."}`, `{success:false, error:"..."}`,
400 `{success:false, error:{name:"ZodError", issues:[{code, path[], message}]}}`, and
any of them with `premiumType` when the account lacks a Sales Navigator seat. A 200
with `success:false` is an error too. The partner API (Rest.li) answers
`{message, serviceErrorCode, status}`.

Messages quote upstream's text (scrubbed by `redact`) but never request headers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import httpx2

from salesnav_mcp.redaction import redact
from salesnav_mcp.upstream.errors import (
    AuthenticationError,
    ConflictError,
    DownloadExpiredError,
    InsufficientCreditsError,
    NoSeatError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    SessionExpiredError,
    SubscriptionExpiredError,
    UpstreamError,
    UpstreamFailure,
    ValidationError,
)
from salesnav_mcp.upstream.retry import retry_at_from

_MAX_TEXT = 300
_NO_SEAT_CODES = frozenset({"SALES_NAVIGATOR_REQUIRED", "PREMIUM_REQUIRED", "NO_SALES_NAVIGATOR_SEAT"})
_TRIAL_CODES = frozenset({"TRIAL_EXPIRED", "SUBSCRIPTION_EXPIRED", "PLAN_EXPIRED"})


@dataclass(frozen=True)
class ErrorAnswer:
    """Everything known about one error answer."""

    api: str  # "ConnectSafely" | "LinkedIn partner API"
    method: str
    route: str  # path template, e.g. "/conversations/{conversationUrn}/messages"
    response: httpx2.Response
    data: Any  # parsed JSON body, or None
    now: datetime
    secrets: tuple[str, ...] = ()

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> Mapping[str, str]:
        return self.response.headers

    @cached_property
    def text(self) -> str:
        """The raw body text (used when the body is not JSON); empty when it cannot be decoded."""
        try:
            return self.response.text
        except (UnicodeDecodeError, LookupError):
            return ""

    def where(self) -> str:
        return f"{self.api} {self.method} {self.route}"

    def clean(self, text: str) -> str:
        text = " ".join(text.split())
        if len(text) > _MAX_TEXT:
            text = text[: _MAX_TEXT - 1] + "…"
        return redact(text, *self.secrets)


def _zod_fields(error: Any) -> dict[str, str] | None:
    """`{name:"ZodError", issues:[{path, message}]}` -> {"dotted.path": message}."""
    if not (isinstance(error, dict) and isinstance(error.get("issues"), list)):
        return None
    fields: dict[str, str] = {}
    for issue in error["issues"]:
        if not isinstance(issue, dict):
            continue
        path = issue.get("path") or []
        key = ".".join(str(part) for part in path) if isinstance(path, list) else str(path)
        message = str(issue.get("message") or issue.get("code") or "invalid")
        fields[key or "(request)"] = f"{fields[key]}; {message}" if key in fields else message
    return fields


def _connectsafely_text(answer: ErrorAnswer) -> str:
    data = answer.data
    if isinstance(data, dict):
        error, message = data.get("error"), data.get("message")
        if isinstance(error, str) and error.strip():
            return error
        if isinstance(message, str) and message.strip():
            return message
        if isinstance(error, dict):
            if isinstance(error.get("message"), str):
                return error["message"]
            if error.get("name") == "ZodError":
                return "the request's fields are invalid"
    return answer.text.strip() or f"HTTP {answer.status}"


def map_connectsafely_error(answer: ErrorAnswer) -> UpstreamError:
    data = answer.data if isinstance(answer.data, dict) else {}
    code = data.get("code") if isinstance(data.get("code"), str) else None
    text = answer.clean(_connectsafely_text(answer))
    status = answer.status
    head = f"{answer.where()} failed (HTTP {status}{' ' + code if code else ''}): {text}"
    kw: dict[str, Any] = {"status": status, "api": answer.api, "code": code}

    if code in _NO_SEAT_CODES or (status in (400, 403) and isinstance(data.get("premiumType"), str)):
        premium = data.get("premiumType") if isinstance(data.get("premiumType"), str) else None
        return NoSeatError(head, premium_type=premium, **kw)
    if status == 401 or code == "INVALID_API_KEY":
        return AuthenticationError(f"{answer.api} refused the API key (HTTP {status}): {text}", **kw)
    if status == 403 and (code in _TRIAL_CODES or "trial" in text.lower() or "subscription" in text.lower()):
        return SubscriptionExpiredError(head, **kw)
    if status == 403:
        return PermissionDeniedError(head, **kw)
    if code == "INSUFFICIENT_INMAIL_CREDITS":
        return InsufficientCreditsError(head, **kw)
    if status == 404 or (code and code.endswith("NOT_FOUND")):
        return NotFoundError(head, **kw)
    if status == 409:
        return ConflictError(head, **kw)
    if status == 429:
        if answer.headers.get("x-ratelimit-action"):
            kw["code"] = code or answer.headers["x-ratelimit-action"]
        return RateLimitedError(head, retry_at=retry_at_from(answer.headers, data, answer.now), **kw)
    if status in (400, 413, 422):
        fields = _zod_fields(data.get("error")) or {}
        return ValidationError(head, fields={k: answer.clean(v) for k, v in fields.items()}, **kw)
    if status == 500 and (answer.route == "/ssi" or "session" in text.lower()):
        return SessionExpiredError(head, **kw)
    if status >= 500:
        return UpstreamFailure(head, **kw)
    if 200 <= status < 300:  # success:false on a 2xx: upstream says it did not do it
        return UpstreamFailure(f"{answer.where()} reported failure: {text}", **kw)
    return UpstreamError(head, **kw)


def map_restli_error(answer: ErrorAnswer) -> UpstreamError:
    data = answer.data if isinstance(answer.data, dict) else {}
    message = data.get("message") if isinstance(data.get("message"), str) else None
    text = answer.clean(message or answer.text.strip() or f"HTTP {answer.status}")
    service_code = data.get("serviceErrorCode")
    code = str(service_code) if service_code is not None else None
    status = answer.status
    head = f"{answer.where()} failed (HTTP {status}): {text}"
    kw: dict[str, Any] = {"status": status, "api": answer.api, "code": code}

    if status == 401:
        return AuthenticationError(f"{answer.api} refused the access token (HTTP 401): {text}", **kw)
    if status == 403:
        return PermissionDeniedError(head, **kw)
    if status == 404:
        return NotFoundError(head, **kw)
    if status == 409:
        return ConflictError(head, **kw)
    if status == 429:
        return RateLimitedError(head, retry_at=retry_at_from(answer.headers, data, answer.now), **kw)
    if status in (400, 422):
        return ValidationError(head, **kw)
    if status >= 500:
        return UpstreamFailure(head, **kw)
    return UpstreamError(head, **kw)


def map_download_error(answer: ErrorAnswer) -> UpstreamError:
    """Pre-signed export URLs: 403/410 mean the signature expired (the usual cause) or was refused."""
    kw: dict[str, Any] = {"status": answer.status, "api": answer.api}
    if answer.status in (403, 410):
        return DownloadExpiredError(f"The export download link is no longer valid (HTTP {answer.status}).", **kw)
    if answer.status == 404:
        return NotFoundError("The export file was not found (HTTP 404).", **kw)
    if answer.status == 429:
        return RateLimitedError(
            "Export download throttled (HTTP 429).", retry_at=retry_at_from(answer.headers, None, answer.now), **kw
        )
    if answer.status >= 500:
        return UpstreamFailure(f"The export download failed (HTTP {answer.status}).", **kw)
    return UpstreamError(f"The export download failed (HTTP {answer.status}).", **kw)

"""ConnectSafely webhooks (beta): checking a delivery's signature and reading `message.received`.

ConnectSafely POSTs JSON signed with `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw
body>`, keyed with the webhook's secret from the vendor's dashboard (there is no registration
API). Deliveries are retried (at most 3 attempts, a 2xx expected within 15 s) and unordered:
dedupe on `data.message_urn`. Pure functions, no HTTP server: the receiver passes the raw body
bytes exactly as received (re-serialised JSON would not match) and the header's value.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import pydantic
from pydantic import SecretStr

from salesnav_mcp.models.connectsafely import MessageReceivedEvent

SIGNATURE_HEADER = "X-Webhook-Signature"
_SCHEME = "sha256="


class WebhookError(ValueError):
    """A delivery that must be refused. The message never quotes the body, the signature or the secret."""


def signature_for(raw_body: bytes, secret: SecretStr | str) -> str:
    """The header value ConnectSafely sends for this body: `sha256=<hex>`."""
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return _SCHEME + hmac.new(key.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_signature(raw_body: bytes, header: str | None, secret: SecretStr | str) -> bool:
    """Whether `header` is the body's valid signature (constant-time comparison; any malformed header is False)."""
    if not header or not header.strip().lower().startswith(_SCHEME):
        return False
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if not key:
        return False
    given = header.strip()[len(_SCHEME) :].lower()
    return hmac.compare_digest(given.encode(), signature_for(raw_body, key)[len(_SCHEME) :].encode())


def read_message_received(raw_body: bytes, header: str | None, secret: SecretStr | str) -> MessageReceivedEvent:
    """A verified `message.received` event, or WebhookError (bad signature, not JSON, another event, bad shape)."""
    if not verify_signature(raw_body, header, secret):
        raise WebhookError(f"Webhook refused: missing or invalid {SIGNATURE_HEADER}.")
    try:
        data = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookError("Webhook refused: the body is not JSON.") from None
    if not isinstance(data, dict) or data.get("event") != "message.received":
        raise WebhookError("Webhook refused: not a message.received event.")
    try:
        return MessageReceivedEvent.model_validate(data)
    except pydantic.ValidationError as exc:
        where = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors(include_url=False, include_input=False)[:3])
        raise WebhookError(f"Webhook refused: unexpected message.received shape ({where}).") from None

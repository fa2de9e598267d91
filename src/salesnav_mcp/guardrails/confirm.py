"""Human confirmation of a send: elicitation decisions, recorded approvals and HMAC confirmation tokens.

Modes (settings.salesnav_confirm_mode):
  auto    the human confirms through MCP elicitation (`ElicitedApproval`) or, for a client that
          cannot show that dialog, in the review card or the approval page, which records the
          decision in the store (`RecordedApproval`). No token is ever handed to the model.
  strict  only `ElicitedApproval` is accepted: a client that cannot elicit cannot send.
  client  elicitation, or a token the model passes back with the recipient and exact text
          (`TokenConfirmation`): the client's own per-call tool approval is the only human check.

A token is 26 bytes, base64url without padding (35 characters):
nonce (6) | expiry as unix seconds (4, big-endian) | HMAC-SHA256 truncated to 16 bytes.
The MAC binds draft id, account, recipient, the sha256 of the exact text +
subject + attachments (`Draft.content_hash`), expiry and nonce, so any edit of
the draft, another draft, a changed byte or a passed expiry voids it. Tokens are
single use: the sender records a digest of the token in the same atomic step
that starts the send. The key is settings.salesnav_confirm_key, or one generated
once and kept in the store (so every process sharing the store agrees).
With a token the caller must also repeat the recipient and the exact text, which
must match the draft: the human approving the tool call then sees what goes out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.errors import ConfirmationRefused, InvalidDraft
from salesnav_mcp.guardrails.recipients import parse_recipient
from salesnav_mcp.store import Approval, Draft

KEY_NAME = "confirm_key"
_NONCE = 6
_MAC = 16
_TOKEN_BYTES = _NONCE + 4 + _MAC
_DOMAIN = b"salesnav-confirm/1"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ElicitedApproval:
    """The human's answer to an elicitation showing the draft whose hash is `content_hash`."""

    approved: bool
    content_hash: str  # Draft.content_hash of what the human was shown
    actor: str | None = None


@dataclass(frozen=True, repr=False)
class TokenConfirmation:
    """Fallback confirmation: the token from the draft plus the recipient and exact text again."""

    token: str
    recipient: str
    text: str
    actor: str | None = None

    def __repr__(self) -> str:
        return f"TokenConfirmation(token='[redacted]', recipient={self.recipient!r}, text=<{len(self.text)} chars>)"


@dataclass(frozen=True)
class RecordedApproval:
    """A human approved the draft in a review card or the approval page; the store holds the decision."""

    approval: Approval
    actor: str | None = None


Confirmation = ElicitedApproval | TokenConfirmation | RecordedApproval


@dataclass(frozen=True, repr=False)
class IssuedToken:
    token: str
    expires_at: datetime

    def __repr__(self) -> str:
        return f"IssuedToken(token='[redacted]', expires_at={self.expires_at.isoformat()!r})"


@dataclass(frozen=True)
class VerifiedConfirmation:
    method: Literal["elicitation", "token", "review_card", "approval_page"]
    mode: str
    actor: str | None
    token_digest: str | None = None  # consumed atomically when the send starts
    token_expires_at: datetime | None = None


class Confirmer(Guardrail):
    def __init__(self, deps: Deps) -> None:
        super().__init__(deps)
        self._key: bytes | None = None

    @property
    def mode(self) -> str:
        return self._settings.salesnav_confirm_mode

    @property
    def issues_tokens(self) -> bool:
        return self.mode == "client"

    async def _get_key(self) -> bytes:
        if self._key is None:
            configured = self._settings.salesnav_confirm_key
            if configured is not None and configured.get_secret_value():
                value = configured.get_secret_value()
            else:
                value = await self._store.kv_setdefault(KEY_NAME, secrets.token_urlsafe(32))
            self._audit.scrubber.add(value)
            self._key = value.encode("utf-8")
        return self._key

    async def _mac(self, draft: Draft, expiry: int, nonce: bytes) -> bytes:
        fields = [draft.id, draft.account_id, draft.recipient_key, draft.content_hash, expiry, nonce.hex()]
        message = _DOMAIN + json.dumps(fields, separators=(",", ":")).encode("utf-8")
        return hmac.new(await self._get_key(), message, hashlib.sha256).digest()[:_MAC]

    async def issue(self, draft: Draft) -> IssuedToken:
        """A fresh single-use token for the draft as it is now (client mode only)."""
        if not self.issues_tokens:
            raise ConfirmationRefused(
                f"{self.mode} confirmation mode: a human approves sends in a surface the model cannot drive, "
                "so no confirmation token is issued",
                code="mode_forbids_token",
            )
        ttl = self._settings.salesnav_confirm_ttl.total_seconds()
        expiry = math.ceil(self._clock.now().timestamp() + ttl)
        nonce = secrets.token_bytes(_NONCE)
        raw = nonce + struct.pack(">I", expiry) + await self._mac(draft, expiry, nonce)
        token = base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
        return IssuedToken(token=token, expires_at=datetime.fromtimestamp(expiry, UTC))

    async def verify(self, draft: Draft, confirmation: Confirmation | None) -> VerifiedConfirmation:
        """Check the confirmation against the mode and the draft as it is now; raise ConfirmationRefused."""
        if confirmation is None:
            raise ConfirmationRefused(self._missing_reason(), code="missing")
        if isinstance(confirmation, ElicitedApproval):
            return self._verify_elicited(draft, confirmation)
        if isinstance(confirmation, RecordedApproval):
            return self._verify_recorded(draft, confirmation)
        return await self._verify_token(draft, confirmation)

    def _missing_reason(self) -> str:
        if self.mode == "strict":
            return "the send needs the user's confirmation through the client's elicitation prompt"
        if self.mode == "client":
            return (
                "the send needs the user's confirmation: through the client's elicitation prompt, or with the "
                "draft's confirmation token plus the recipient and the exact text"
            )
        return "the send needs the user's approval, in the client's dialog, the review card or the approval page"

    def _verify_recorded(self, draft: Draft, confirmation: RecordedApproval) -> VerifiedConfirmation:
        approval = confirmation.approval
        if self.mode == "strict":
            raise ConfirmationRefused(
                "strict confirmation mode: only the client's elicitation dialog approves a send",
                code="mode_forbids_surface",
            )
        if approval.kind != "send" or approval.subject != draft.id or approval.state != "approved":
            raise ConfirmationRefused("that approval is not an open approval of this draft", code="mismatch")
        shown = str(approval.review.get("content_hash", ""))
        if not hmac.compare_digest(shown.encode(), draft.content_hash.encode()):
            raise ConfirmationRefused(
                "the draft changed after the user approved it; it needs a new approval", code="changed"
            )
        return VerifiedConfirmation(
            method=approval.surface if approval.surface in ("review_card", "approval_page") else "approval_page",  # type: ignore[arg-type]
            mode=self.mode,
            actor=confirmation.actor or approval.decided_by,
        )

    def _verify_elicited(self, draft: Draft, approval: ElicitedApproval) -> VerifiedConfirmation:
        if not approval.approved:
            raise ConfirmationRefused("the user declined the send", code="declined")
        if not hmac.compare_digest(approval.content_hash.encode(), draft.content_hash.encode()):
            raise ConfirmationRefused(
                "the draft changed after the user saw it; ask again with the current text", code="changed"
            )
        return VerifiedConfirmation(method="elicitation", mode=self.mode, actor=approval.actor)

    async def _verify_token(self, draft: Draft, confirmation: TokenConfirmation) -> VerifiedConfirmation:
        if self.mode != "client":
            raise ConfirmationRefused(
                f"{self.mode} confirmation mode: tokens are not accepted; the user approves the send in the client's "
                "dialog, the review card or the approval page",
                code="mode_forbids_token",
            )
        raw = _decode(confirmation.token)
        if raw is None:
            raise ConfirmationRefused("the confirmation token is malformed; copy it exactly", code="malformed")
        nonce, expiry_bytes, mac = raw[:_NONCE], raw[_NONCE : _NONCE + 4], raw[_NONCE + 4 :]
        expiry = struct.unpack(">I", expiry_bytes)[0]
        if not hmac.compare_digest(mac, await self._mac(draft, expiry, nonce)):
            raise ConfirmationRefused(
                f"the confirmation token does not match draft {draft.id} as it is now: it was issued for another "
                "draft, the draft was edited after it was issued, or the token was altered; get a new token",
                code="mismatch",
            )
        if self._clock.now().timestamp() >= expiry:
            raise ConfirmationRefused("the confirmation token has expired; get a new token", code="expired")
        if not _names_recipient(confirmation.recipient, draft):
            raise ConfirmationRefused(
                f"the recipient does not match the draft's recipient ({draft.recipient})", code="recipient_mismatch"
            )
        if not hmac.compare_digest(sha256_hex(confirmation.text).encode(), draft.text_hash.encode()):
            raise ConfirmationRefused(
                "the text does not match the draft's text exactly; repeat it character for character",
                code="text_mismatch",
            )
        return VerifiedConfirmation(
            method="token",
            mode=self.mode,
            actor=confirmation.actor,
            token_digest=hashlib.sha256(raw).hexdigest(),
            token_expires_at=datetime.fromtimestamp(expiry, UTC),
        )


def _decode(token: str) -> bytes | None:
    text = token.strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == _TOKEN_BYTES else None


def _names_recipient(given: str, draft: Draft) -> bool:
    """Whether `given` names the draft's recipient, by URN or by public id."""
    try:
        ref = parse_recipient(given)
    except InvalidDraft:
        return False
    return ref.urn == draft.recipient_key or (ref.public_id is not None and ref.public_id == draft.recipient_public_id)

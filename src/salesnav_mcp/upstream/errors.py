"""One error hierarchy for every caller of the upstream clients.

Messages are written for the person (and the model) reading them: what went
wrong and what to do. They never contain credentials: clients build them from
status codes and upstream error text only, and `redaction.redact` scrubs anything that
looks like a bearer token on the way in.
"""

from __future__ import annotations

from datetime import datetime


class UpstreamError(Exception):
    """Base class: an upstream call did not give the result asked for."""

    hint: str = ""

    def __init__(
        self, message: str, *, status: int | None = None, api: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.api = api
        # Upstream's machine-readable error code when it sent one (e.g. "INSUFFICIENT_INMAIL_CREDITS").
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class AuthenticationError(UpstreamError):
    hint = "Check the API key or access token in the server's configuration."


class NotFoundError(UpstreamError):
    hint = "Check the id: it does not exist for this account."


class NoSeatError(UpstreamError):
    """The LinkedIn account lacks a Sales Navigator seat (or has the wrong premium type)."""

    hint = "This needs a LinkedIn account with an active Sales Navigator seat; pick another account."

    def __init__(self, message: str, *, premium_type: str | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.premium_type = premium_type


class PermissionDeniedError(UpstreamError):
    hint = "The credentials lack the permission (scope or role) this call needs."


class SubscriptionExpiredError(PermissionDeniedError):
    """ConnectSafely refused the call because the plan or trial behind the API key has expired."""

    hint = "The ConnectSafely trial or subscription behind this API key has expired; renew it, then retry."


class InsufficientCreditsError(UpstreamError):
    """A Sales Navigator InMail needs a credit and the account has none left."""

    hint = "No InMail credits left on this account: reply in an existing thread, use the LinkedIn inbox, or wait for credits to renew."


class ConflictError(UpstreamError):
    """Upstream refused because a conflicting job is still running (HTTP 409)."""

    hint = "Another job of this kind is still running; wait for it to finish, then try again."


class DownloadExpiredError(UpstreamError):
    """A pre-signed export download URL has expired (or was refused as no longer valid)."""

    hint = "Fetch the export job again to get a fresh download URL."


class ValidationError(UpstreamError):
    """Upstream (or the client, before sending) rejected the request's fields."""

    hint = "Fix the named fields and try again."

    def __init__(self, message: str, *, fields: dict[str, str] | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.fields = dict(fields or {})

    def __str__(self) -> str:
        detail = "; ".join(f"{k}: {v}" for k, v in self.fields.items())
        return f"{self.message}{' (' + detail + ')' if detail else ''} {self.hint}".strip()


class RateLimitedError(UpstreamError):
    """Upstream said 429 (or the retry budget ran out while it kept saying so)."""

    def __init__(self, message: str, *, retry_at: datetime | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_at = retry_at

    @property
    def hint(self) -> str:  # type: ignore[override]
        if self.retry_at:
            return f"Try again after {self.retry_at.strftime('%Y-%m-%d %H:%M:%S UTC')}."
        return "Try again later."


class SessionExpiredError(UpstreamError):
    hint = "The LinkedIn session behind this account may have expired; reconnect the account in ConnectSafely."


class UpstreamFailure(UpstreamError):
    """Upstream failed (5xx, malformed body, connection failure) and the request did not succeed."""

    hint = "The upstream service failed; try again shortly."


class UnknownOutcomeError(UpstreamError):
    """A non-idempotent request may have reached upstream, but no answer came back.

    Callers must not resend automatically: the action may or may not have happened.
    """

    hint = "It may or may not have happened upstream; check before trying again."


_NOTHING_SENT = (
    AuthenticationError,
    NotFoundError,
    NoSeatError,
    PermissionDeniedError,
    ValidationError,
    RateLimitedError,
)


def proves_not_sent(exc: BaseException) -> bool:
    """True when the error shows upstream refused the request, so nothing went out.

    A refusal class (auth, not found, no seat, permission, validation, rate limited) or any
    4xx status proves it; a 5xx status never does, whatever the class.
    """
    if isinstance(exc, UnknownOutcomeError) or not isinstance(exc, UpstreamError):
        return False
    if exc.status is not None:
        return 400 <= exc.status < 500
    return isinstance(exc, _NOTHING_SENT)

"""When and how long to wait before trying an upstream call again.

Rules (the request helper in `base.py` applies them):

- Retried: HTTP 429, 502, 503, 504, connection failures and timeouts -- but only
  as far as the call's safety allows (see `may_retry`).
- Reads (every GET, and the POST searches and geo lookup, which change nothing)
  are retried on all of the above.
- Calls that act (sends, uploads, export-job creation) are retried only when
  upstream has told us the request was *not processed*:
  * the connection could not even be opened (nothing was written);
  * 429 that says when to come back (Retry-After, X-RateLimit-Reset or a body
    `holdUntil`): ConnectSafely answers 429 before anything reaches LinkedIn;
  * 503 with Retry-After (the service refused before doing anything).
  A timeout, dropped connection, 502/504 or a bare 503 after the request may have
  been written is an unknown outcome: never retried.
- Wait: upstream's own hint when it gave one (the latest of Retry-After,
  X-RateLimit-Reset and holdUntil, exactly, no jitter); otherwise exponential
  backoff with full jitter, `uniform(0, min(max_delay, base_delay * 2**(n-1)))`.
- Bounds: at most `attempts` tries, and at most `max_total_wait` seconds of sleep
  per call. If the next wait would break either bound the caller gets the error
  now (a 429 becomes `RateLimitedError` carrying `retry_at`) instead of a sleep.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from salesnav_mcp.config import Settings

RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})

# Below this a numeric X-RateLimit-Reset is a number of seconds to wait, not an epoch.
_EPOCH_FLOOR = 1_000_000_000
_EPOCH_MS_FLOOR = 100_000_000_000


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    max_total_wait: float = 60.0
    base_delay: float = 0.5
    max_delay: float = 8.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(attempts=settings.salesnav_retry_attempts, max_total_wait=settings.salesnav_retry_max_wait)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff before try number `attempt + 1`."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return rng.uniform(0, ceiling)

    def next_wait(
        self,
        *,
        attempt: int,
        slept: float,
        retry_at: datetime | None,
        now: datetime,
        rng: random.Random,
    ) -> float | None:
        """Seconds to sleep before the next try, or None when the bounds say: give up now."""
        if attempt >= self.attempts:
            return None
        wait = max(0.0, (retry_at - now).total_seconds()) if retry_at else self.backoff(attempt, rng)
        if slept + wait > self.max_total_wait:
            return None
        return wait


def may_retry(*, status: int, idempotent: bool, hinted: bool, retry_after_header: bool) -> bool:
    """Whether an error answer with HTTP `status` may be repeated (see the module docstring).

    `hinted` means upstream said when to come back. (Failures without an answer are
    decided by the request helper: retried when nothing was sent or the call is idempotent.)
    """
    if status not in RETRYABLE_STATUSES:
        return False
    if idempotent:
        return True
    if status == 429:
        return hinted
    if status == 503:
        return retry_after_header
    return False


# --------------------------------------------------------------------------- reading upstream's hints


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def parse_instant(value: Any) -> datetime | None:
    """An ISO-8601 timestamp (aware; naive taken as UTC), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
    try:
        return _aware(datetime.fromisoformat(text))
    except ValueError:
        return None


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After: delta-seconds or an HTTP date."""
    if not value:
        return None
    seconds = _number(value.strip())
    if seconds is not None:
        return now + timedelta(seconds=max(0.0, seconds))
    try:
        return _aware(parsedate_to_datetime(value.strip()))
    except (TypeError, ValueError, IndexError):
        return parse_instant(value)


def parse_reset(value: str | None, now: datetime) -> datetime | None:
    """X-RateLimit-Reset: unix seconds (or ms), ISO-8601, or -- when small -- seconds from now."""
    number = _number(value.strip()) if value else None
    if number is None:
        return parse_instant(value)
    if number >= _EPOCH_MS_FLOOR:
        return datetime.fromtimestamp(number / 1000, tz=UTC)
    if number >= _EPOCH_FLOOR:
        return datetime.fromtimestamp(number, tz=UTC)
    return now + timedelta(seconds=max(0.0, number))


def retry_at_from(headers: Mapping[str, str], body: Any, now: datetime) -> datetime | None:
    """The moment upstream says to come back: the latest of all hints it gave, or None."""
    hints = [
        parse_retry_after(headers.get("retry-after"), now),
        parse_reset(headers.get("x-ratelimit-reset"), now),
        parse_instant(body.get("holdUntil")) if isinstance(body, dict) else None,
    ]
    found = [hint for hint in hints if hint is not None]
    return max(found) if found else None

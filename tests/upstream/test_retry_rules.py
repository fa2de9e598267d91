"""The retry policy and upstream's wait hints, without HTTP."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import httpx2
import pytest

from salesnav_mcp.config import Settings
from salesnav_mcp.upstream.retry import (
    RetryPolicy,
    may_retry,
    parse_reset,
    parse_retry_after,
    retry_at_from,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("2", NOW) == NOW + timedelta(seconds=2)
    assert parse_retry_after("Mon, 02 Nov 2026 09:00:30 GMT", NOW) == NOW + timedelta(seconds=30)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_ratelimit_reset_unix_iso_and_ms() -> None:
    unix = int((NOW + timedelta(seconds=45)).timestamp())
    assert parse_reset(str(unix), NOW) == NOW + timedelta(seconds=45)
    assert parse_reset(str(unix * 1000), NOW) == NOW + timedelta(seconds=45)
    assert parse_reset("2026-11-02T09:01:00Z", NOW) == NOW + timedelta(minutes=1)
    assert parse_reset("2026-11-02T09:01:00.000+00:00", NOW) == NOW + timedelta(minutes=1)
    # Small numbers are a count of seconds, not a date in 1970.
    assert parse_reset("12", NOW) == NOW + timedelta(seconds=12)


def test_latest_hint_wins() -> None:
    headers = httpx2.Headers({"Retry-After": "5", "X-RateLimit-Reset": str(int(NOW.timestamp()) + 20)})
    body = {"holdUntil": "2026-11-02T09:00:10Z"}
    assert retry_at_from(headers, body, NOW) == NOW + timedelta(seconds=20)
    assert retry_at_from(httpx2.Headers(), {"holdUntil": "2026-11-02T09:00:10Z"}, NOW) == NOW + timedelta(seconds=10)
    assert retry_at_from(httpx2.Headers(), {"error": "x"}, NOW) is None


def test_full_jitter_backoff_is_bounded_and_drawn_from_the_given_rng() -> None:
    policy = RetryPolicy(attempts=6, max_total_wait=100, base_delay=0.5, max_delay=8)
    expected_rng = random.Random(3)
    rng = random.Random(3)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0)]:
        delay = policy.backoff(attempt, rng)
        assert delay == expected_rng.uniform(0, ceiling)
        assert 0 <= delay <= ceiling


def test_next_wait_honours_hint_attempts_and_total_bound() -> None:
    policy = RetryPolicy(attempts=3, max_total_wait=10)
    rng = random.Random(0)
    assert policy.next_wait(attempt=1, slept=0, retry_at=NOW + timedelta(seconds=2), now=NOW, rng=rng) == 2
    # A hint in the past means "now".
    assert policy.next_wait(attempt=1, slept=0, retry_at=NOW - timedelta(seconds=2), now=NOW, rng=rng) == 0
    # Beyond the total bound: give up instead of sleeping.
    assert policy.next_wait(attempt=1, slept=9, retry_at=NOW + timedelta(seconds=2), now=NOW, rng=rng) is None
    # Out of attempts.
    assert policy.next_wait(attempt=3, slept=0, retry_at=None, now=NOW, rng=rng) is None


def test_policy_from_settings() -> None:
    settings = Settings(_env_file=None, salesnav_retry_attempts=7, salesnav_retry_max_wait=12.5)
    assert RetryPolicy.from_settings(settings) == RetryPolicy(attempts=7, max_total_wait=12.5)


@pytest.mark.parametrize(
    ("status", "idempotent", "hinted", "retry_after", "expected"),
    [
        (429, True, False, False, True),
        (502, True, False, False, True),
        (503, True, False, False, True),
        (504, True, False, False, True),
        (500, True, False, False, False),
        (400, True, False, False, False),
        # Sends: only when upstream said the request was not processed.
        (429, False, True, False, True),
        (429, False, False, False, False),
        (503, False, False, True, True),
        (503, False, True, False, False),
        (502, False, False, False, False),
        (504, False, False, False, False),
    ],
)
def test_may_retry(status: int, idempotent: bool, hinted: bool, retry_after: bool, expected: bool) -> None:
    assert may_retry(status=status, idempotent=idempotent, hinted=hinted, retry_after_header=retry_after) is expected

"""The export jobs' poll schedule: quick to notice a fast job, no more checks than a fixed 30 s interval for a slow one."""

from __future__ import annotations

import itertools

from salesnav_mcp.operations.partner.jobs import MAX_POLL, backoff


def checks_within(seconds: float) -> int:
    """Status checks a job still pending after `seconds` costs."""
    elapsed = 0.0
    for poll in itertools.count():
        elapsed += backoff(poll)
        if elapsed > seconds:
            return poll
    raise AssertionError("unreachable")


def test_first_check_comes_within_a_quarter_second_and_waits_grow_geometrically() -> None:
    waits = [backoff(poll) for poll in range(12)]
    assert waits[:5] == [0.2, 0.4, 0.8, 1.6, 3.2]
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))
    assert max(waits) == MAX_POLL == backoff(10_000)


def test_a_job_done_in_a_second_is_seen_within_a_second() -> None:
    assert backoff(0) + backoff(1) < 1.0  # two checks: ENQUEUED -> PROCESSING -> done


def test_a_slow_job_costs_about_as_many_checks_as_polling_every_30_seconds() -> None:
    for seconds in (60, 600, 3600, 6 * 3600):
        assert checks_within(seconds) <= seconds / MAX_POLL + 6

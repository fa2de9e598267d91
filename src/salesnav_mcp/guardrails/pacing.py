"""Short-term pacing: keep each account under upstream's per-minute and per-day search limits, and under
its daily quota of distinct profile views (`ProfileViews`).

Every upstream search call (each page) takes a slot first. The slots are a
sliding window of call timestamps kept in the store, so restarts and other
server processes sharing the store see the same history. When the minute
window is full, `acquire` waits (via the Clock) until a slot frees; when the
day window is full, it refuses with `PaceLimitReached` naming when it frees,
rather than blocking a caller for hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from salesnav_mcp.guardrails.base import Deps, Guardrail
from salesnav_mcp.guardrails.errors import PaceLimitReached

MINUTE = 60.0
# Upstream counts a call when it arrives, we when we grant its slot. When one call takes longer to get
# there than the next, a call granted exactly a minute after another can arrive inside that other's
# minute and get a 429. A window this much longer than upstream's absorbs that spread in delay.
MARGIN = 2.0
DAY = 86_400.0
MIN_WAIT = 0.001  # never spin on a slot that frees "now"


class Pacer(Guardrail):
    def __init__(self, deps: Deps, *, kind: str = "search"):
        super().__init__(deps)
        self.kind = kind
        self.windows: list[tuple[float, int]] = [
            (MINUTE + MARGIN, deps.settings.salesnav_search_per_minute),
            (DAY, deps.settings.salesnav_search_per_day),
        ]

    async def acquire(self, account_id: str) -> float:
        """Take a slot for one upstream call, waiting for the minute window; return seconds waited."""
        waited = 0.0
        while True:
            now = self._clock.now()
            decision = await self._store.take_rate_slot(
                account_id=account_id, kind=self.kind, now=now, windows=self.windows
            )
            if decision.granted:
                return waited
            assert decision.retry_at is not None and decision.window_seconds is not None
            if decision.window_seconds >= DAY:
                limit = dict(self.windows)[decision.window_seconds]
                await self._audit.record(
                    "pace.refused",
                    account_id=account_id,
                    details={"kind": self.kind, "limit": limit, "window": "day", "retry_at": decision.retry_at},
                )
                raise PaceLimitReached(account_id, limit, "day", decision.retry_at)
            # Another process may take the freed slot first; then we simply wait again.
            delay = max(MIN_WAIT, (decision.retry_at - now).total_seconds())
            await self._clock.sleep(delay)
            waited += delay


PROFILE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ProfileQuota:
    """Distinct profiles fetched from LinkedIn in the rolling 24 h, as the server counted them."""

    used: int
    limit: int
    frees_at: datetime | None  # when the next slot frees (the oldest counted profile leaves the window)

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


class ProfileViews(Guardrail):
    """Upstream allows each account `salesnav_profile_views_per_day` (120) distinct profiles per rolling 24 h;
    only fetches from LinkedIn count (a profile served from a cache does not), and a profile counted once in
    the window takes no second slot. The count lives in the store, shared by every process; past it a fetch
    is refused with the instant a slot frees, before upstream would answer 429."""

    @property
    def limit(self) -> int:
        return self._settings.salesnav_profile_views_per_day

    async def take(self, account_id: str, public_id: str, *, actor: str | None = None) -> ProfileQuota:
        """Count the fetch of this profile, or raise PaceLimitReached when the window is full."""
        now = self._clock.now()
        decision = await self._store.take_profile_view(
            account_id=account_id, public_id=public_id, now=now, limit=self.limit, window=PROFILE_WINDOW
        )
        if not decision.granted:
            assert decision.retry_at is not None
            await self._audit.record(
                "pace.refused",
                account_id=account_id,
                actor=actor,
                details={"kind": "profile_view", "limit": self.limit, "window": "24 h", "retry_at": decision.retry_at},
            )
            raise PaceLimitReached(account_id, self.limit, "24 hours", decision.retry_at, what="distinct profile views")
        return await self.quota(account_id)

    async def quota(self, account_id: str) -> ProfileQuota:
        now = self._clock.now()
        used, first_out = await self._store.profile_views_used(account_id=account_id, since=now - PROFILE_WINDOW)
        return ProfileQuota(used, self.limit, None if first_out is None else first_out + PROFILE_WINDOW)

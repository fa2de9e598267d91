"""Research: profiles as upstream answered them (a short-lived cache), and the profile views the daily quota counts."""

from __future__ import annotations

from datetime import datetime, timedelta

from salesnav_mcp.store.base import StoreBase
from salesnav_mcp.store.records import ProfileViewDecision, StoredProfile
from salesnav_mcp.store.rows import dump_json
from salesnav_mcp.store.script import Lock, Script, all_rows, one, reads, run, writes


class Research(StoreBase):
    @reads
    def cached_profile(self, *, account_id: str, public_id: str, fetched_since: datetime) -> Script[StoredProfile | None]:
        """The account's stored profile of this person, if it was fetched at or after `fetched_since`."""
        row = yield one(
            "SELECT * FROM profiles WHERE account_id = ? AND public_id = ? AND fetched_at >= ?",
            account_id,
            public_id,
            fetched_since,
        )
        return None if row is None else self._record(StoredProfile, row)

    @writes
    def save_profile(self, profile: StoredProfile) -> Script[None]:
        """Keep (or replace) the account's profile of this person."""
        yield run(
            """INSERT INTO profiles (account_id, public_id, urn, payload, fetched_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (account_id, public_id) DO UPDATE SET urn = excluded.urn, payload = excluded.payload,
                 fetched_at = excluded.fetched_at""",
            profile.account_id,
            profile.public_id,
            profile.urn,
            dump_json(profile.payload),
            profile.fetched_at,
        )

    @staticmethod
    def _views(account_id: str, since: datetime) -> Script[dict[str, object]]:
        """Distinct profiles fetched after `since`, each with its latest fetch (raw values): a profile stays
        counted until its latest fetch leaves the window."""
        rows = yield all_rows(
            "SELECT public_id, MAX(at) AS latest FROM profile_views WHERE account_id = ? AND at > ? GROUP BY public_id",
            account_id,
            since,
        )
        return {r["public_id"]: r["latest"] for r in rows}

    @writes
    def take_profile_view(
        self, *, account_id: str, public_id: str, now: datetime, limit: int, window: timedelta
    ) -> Script[ProfileViewDecision]:
        """Count one profile fetch against the account's quota of `limit` distinct profiles per `window`.

        A profile already counted in the window takes no new slot (upstream counts distinct profiles);
        its fetch is still recorded, so it stays counted for a whole window after it. When the window is
        full, a new profile is refused, with the instant the first slot frees. Views older than the
        window are pruned.
        """
        since = now - window
        yield Lock(("profile-views", account_id))
        yield run("DELETE FROM profile_views WHERE account_id = ? AND at <= ?", account_id, since)
        views = yield from self._views(account_id, since)
        known = public_id in views
        if not known and len(views) >= limit:
            frees = min(self.dialect.dt(v) for v in views.values()) + window  # type: ignore[operator,type-var]
            return ProfileViewDecision(False, len(views), new=False, retry_at=frees)
        yield run("INSERT INTO profile_views (account_id, public_id, at) VALUES (?, ?, ?)", account_id, public_id, now)
        return ProfileViewDecision(True, len(views) + (not known), new=not known)

    @reads
    def profile_views_used(self, *, account_id: str, since: datetime) -> Script[tuple[int, datetime | None]]:
        """Distinct profiles counted after `since`, and the latest fetch of the one that leaves the window first
        (None: none)."""
        views = yield from self._views(account_id, since)
        first_out = min((self.dialect.dt(v) for v in views.values()), default=None)  # type: ignore[type-var]
        return len(views), first_out

"""The Social Selling Index over time, built from the snapshots every SSI read keeps.

Each read stores one snapshot per account and UTC day (a later read the same day replaces
it), so the series has at most one point per day. Ranks are LinkedIn's "top N %" of the
industry and of the member's network: a smaller number is better, so a rank that goes from
top 40% to top 35% moved up 5 points.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, Field

from salesnav_mcp.operations.insights import PILLAR_NAMES, read_ssi
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.store import SsiSnapshot
from salesnav_mcp.upstream.errors import NoSeatError, UpstreamError

DEFAULT_DAYS = 30
MAX_DAYS = 365
PILLARS = tuple(PILLAR_NAMES)
# A pillar that lost at least this much over the period (more than day-to-day noise) deserves attention
# even if it is not the weakest, as long as it is within FOCUS_GAP points of the weakest.
NOTABLE_DROP = 1.0
FOCUS_GAP = 2.0


class SsiPoint(BaseModel):
    day: date
    overall: float | None = Field(description="0-100")
    pillars: dict[str, float | None] = Field(description="Pillar -> score 0-25")
    industry_rank: float | None = Field(default=None, description="Top N % of the industry (smaller is better).")
    network_rank: float | None = Field(default=None, description="Top N % of the network (smaller is better).")


class OverallTrend(BaseModel):
    first: float | None
    last: float | None
    change: float | None = Field(description="last - first over the period")
    low: float | None
    high: float | None


class PillarTrend(BaseModel):
    pillar: str
    name: str
    first: float | None
    last: float | None
    change: float | None


class RankTrend(BaseModel):
    group: str = Field(description="INDUSTRY | NETWORK")
    group_name: str | None = None
    first: float | None = Field(description="Top N % at the start of the period")
    last: float | None = Field(description="Top N % now")
    movement: float | None = Field(description="Points climbed (positive = better rank; first - last)")


class SsiHistoryOut(Result):
    account_id: str
    days: int = Field(description="Length of the period in days, ending today (UTC)")
    since: date
    until: date
    seat: bool | None = Field(description="False when the account has no Sales Navigator seat (no SSI).")
    premium_type: str | None = None
    refreshed: bool = Field(description="Today's SSI was read upstream and stored before building the series.")
    readings: int
    points: list[SsiPoint] = Field(description="One point per day with a reading, oldest first.")
    overall: OverallTrend | None
    pillars: list[PillarTrend]
    strongest_pillar: str | None = Field(description="Highest score at the latest reading")
    weakest_pillar: str | None = Field(description="Lowest score at the latest reading")
    most_improved_pillar: str | None = Field(description="Largest gain over the period (None without a gain)")
    most_declined_pillar: str | None = Field(description="Largest loss over the period (None without a loss)")
    ranks: list[RankTrend]
    note: str | None = Field(default=None, description="Why the series is empty or incomplete, when it is.")


# ----------------------------------------------------------------------------- pure computations


def point_from(snapshot: SsiSnapshot) -> SsiPoint:
    """One series point from a stored snapshot (the `get_ssi` output without its sandbox flag)."""
    payload: dict[str, Any] = snapshot.payload
    pillars: dict[str, float | None] = {p: None for p in PILLARS}
    for entry in payload.get("pillars") or []:
        if isinstance(entry, dict) and entry.get("pillar"):
            pillars[str(entry["pillar"])] = entry.get("score")
    ranks = {str(r.get("group")): r.get("rank_top_percent") for r in payload.get("ranks") or [] if isinstance(r, dict)}
    return SsiPoint(
        day=snapshot.day,
        overall=payload.get("overall"),
        pillars=pillars,
        industry_rank=ranks.get("INDUSTRY"),
        network_rank=ranks.get("NETWORK"),
    )


def _change(first: float | None, last: float | None) -> float | None:
    return None if first is None or last is None else round(last - first, 2)


def _first_last(values: list[float | None]) -> tuple[float | None, float | None]:
    present = [v for v in values if v is not None]
    return (present[0], present[-1]) if present else (None, None)


def _group_names(snapshots: list[SsiSnapshot]) -> dict[str, str | None]:
    names: dict[str, str | None] = {}
    for snapshot in snapshots:
        for r in snapshot.payload.get("ranks") or []:
            if isinstance(r, dict) and r.get("group"):
                names[str(r["group"])] = r.get("group_name") or names.get(str(r["group"]))
    return names


def summarize(
    account_id: str,
    snapshots: list[SsiSnapshot],
    *,
    days: int,
    today: date,
    sandbox: bool,
    seat: bool | None,
    premium_type: str | None = None,
    refreshed: bool,
    note: str | None = None,
) -> SsiHistoryOut:
    """The series and its trend figures for the period [today - days, today]."""
    since = today - timedelta(days=days)
    kept = [s for s in snapshots if since <= s.day <= today]
    points = [point_from(s) for s in kept]
    overall: OverallTrend | None = None
    pillars: list[PillarTrend] = []
    if points:
        values = [p.overall for p in points]
        first, last = _first_last(values)
        present = [v for v in values if v is not None]
        overall = OverallTrend(
            first=first,
            last=last,
            change=_change(first, last),
            low=min(present) if present else None,
            high=max(present) if present else None,
        )
        for pillar in PILLARS:
            p_first, p_last = _first_last([p.pillars.get(pillar) for p in points])
            pillars.append(
                PillarTrend(
                    pillar=pillar,
                    name=PILLAR_NAMES[pillar],
                    first=p_first,
                    last=p_last,
                    change=_change(p_first, p_last) if len(points) > 1 else None,
                )
            )
    scored = [p for p in pillars if p.last is not None]
    changed = [p for p in pillars if p.change is not None]
    gains = [p for p in changed if p.change > 0]  # type: ignore[operator]
    losses = [p for p in changed if p.change < 0]  # type: ignore[operator]
    names = _group_names(kept)
    ranks = []
    for group, attr in (("INDUSTRY", "industry_rank"), ("NETWORK", "network_rank")):
        r_first, r_last = _first_last([getattr(p, attr) for p in points])
        if r_last is None:
            continue
        movement = None if len(points) < 2 or r_first is None else round(r_first - r_last, 2)
        ranks.append(RankTrend(group=group, group_name=names.get(group), first=r_first, last=r_last, movement=movement))
    if not points and note is None:
        note = "No SSI reading is stored for this period."
    return SsiHistoryOut(
        account_id=account_id,
        days=days,
        since=since,
        until=today,
        seat=seat,
        premium_type=premium_type,
        refreshed=refreshed,
        readings=len(points),
        points=points,
        overall=overall,
        pillars=pillars,
        strongest_pillar=max(scored, key=lambda p: p.last).pillar if scored else None,  # type: ignore[arg-type,return-value]
        weakest_pillar=min(scored, key=lambda p: p.last).pillar if scored else None,  # type: ignore[arg-type,return-value]
        most_improved_pillar=max(gains, key=lambda p: p.change).pillar if gains else None,  # type: ignore[arg-type,return-value]
        most_declined_pillar=min(losses, key=lambda p: p.change).pillar if losses else None,  # type: ignore[arg-type,return-value]
        ranks=ranks,
        note=note,
        sandbox=sandbox,
    )


def focus_pillar(history: SsiHistoryOut) -> str | None:
    """The pillar to work on: the weakest now, unless another one is sliding and close to it.

    A slide of NOTABLE_DROP points or more is worth stopping early; a pillar far above the weakest
    can wait, because the weakest one has the most room to grow.
    """
    pillars = {p.pillar: p for p in history.pillars}
    weakest = pillars.get(history.weakest_pillar or "")
    declined = pillars.get(history.most_declined_pillar or "")
    if (
        weakest is not None
        and declined is not None
        and declined.change is not None
        and declined.change <= -NOTABLE_DROP
        and declined.last is not None
        and weakest.last is not None
        and declined.last - weakest.last <= FOCUS_GAP
    ):
        return declined.pillar
    return history.weakest_pillar


# ----------------------------------------------------------------------------- loading


def no_seat_note(exc: NoSeatError) -> str:
    premium = f" (premium type {exc.premium_type})" if exc.premium_type else ""
    return (
        f"This account has no active Sales Navigator seat{premium}: LinkedIn computes the SSI only for Sales "
        "Navigator seats, so there is no new reading."
    )


async def load_ssi_history(
    svc: Services, account_id: str, *, days: int = DEFAULT_DAYS, refresh: bool = True
) -> SsiHistoryOut:
    """The SSI series for the last `days` days; with `refresh`, today's SSI is read (and kept) first.

    Without a seat there is no SSI: the stored readings (if any, from when the seat existed)
    are returned with a note instead of an error. Other upstream errors are raised unless
    stored readings can still be shown.
    """
    today = svc.clock.now().date()
    seat: bool | None = None
    premium: str | None = None
    note: str | None = None
    refreshed = False
    if refresh:
        try:
            current = await read_ssi(svc, account_id)
            refreshed = True
            seat = current.active_seat if current.active_seat is not None else True
        except NoSeatError as exc:
            seat, premium, note = False, exc.premium_type, no_seat_note(exc)
        except UpstreamError as exc:
            stored = await svc.guardrails.store.list_ssi_snapshots(account_id, since=today - timedelta(days=days))
            if not stored:
                raise
            note = f"Today's SSI could not be read ({exc}); the series ends at the last stored reading."
    snapshots = await svc.guardrails.store.list_ssi_snapshots(account_id, since=today - timedelta(days=days))
    if seat is None and snapshots:
        seat = snapshots[-1].payload.get("active_seat")
    if not refresh and not snapshots:
        note = "No SSI reading is stored for this period; read it with refresh=true (or get_ssi) to start the series."
    return summarize(
        account_id,
        snapshots,
        days=days,
        today=today,
        sandbox=svc.connectsafely.sandbox,
        seat=seat,
        premium_type=premium,
        refreshed=refreshed,
        note=note,
    )

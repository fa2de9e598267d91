"""Social Selling Index: deterministic per seed, account and UTC day, drifting gently over time.

Each pillar follows base + a slow wave (period ~8 months) + a little daily noise, so
a history read day by day shows a believable trend and the same day always gives
the same numbers.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from .draws import unit as _unit

PILLARS = ("PROFESSIONAL_BRAND", "FIND_RIGHT_PEOPLE", "INSIGHT_ENGAGEMENT", "STRONG_RELATIONSHIP")
_REFERENCE_DAY = date(2026, 1, 1)


def _pillar(seed: int, key: str, pillar: str, day: date, low: float, high: float) -> float:
    base = low + (high - low) * _unit(seed, key, pillar, "base")
    phase = 2 * math.pi * _unit(seed, key, pillar, "phase")
    days = (day - _REFERENCE_DAY).days
    wave = 2.0 * math.sin(2 * math.pi * days / 240 + phase)
    noise = 0.6 * (_unit(seed, key, pillar, day.isoformat()) - 0.5)
    return round(min(25.0, max(0.0, base + wave + noise)), 2)


def _score(seed: int, key: str, day: date, low: float, high: float) -> dict[str, Any]:
    subs = [{"pillar": p, "score": _pillar(seed, key, p, day, low, high)} for p in PILLARS]
    return {"overall": round(sum(s["score"] for s in subs), 2), "subScores": subs}


def member_score(seed: int, account_id: str, day: date) -> dict[str, Any]:
    return _score(seed, account_id, day, 9.0, 21.0)


def _rank(seed: int, key: str, day: date, own_overall: float) -> int:
    gap = own_overall - _score(seed, key, day, 7.0, 15.0)["overall"]
    return int(min(99, max(1, round(50 - gap * 1.5 + 6 * (_unit(seed, key, day.isoformat()) - 0.5)))))


def group_scores(seed: int, account_id: str, day: date, industry: str, own_overall: float) -> list[dict[str, Any]]:
    """Industry and network comparisons, in both documented shapes at once.

    The notes' shape: `groupType`, `rank` (the member's top-N%), `score` (the group's average
    `{overall, subScores}`). The seed's shape (DEFINE where it is silent): `group` (= groupType),
    `averageScore` (= score.overall), `groupSize` (members in the group), `change` (today's rank
    minus yesterday's, so negative = moved toward the top) and `pillars` (= score.subScores, the
    group's per-pillar averages).
    """
    yesterday = day - timedelta(days=1)
    own_yesterday = member_score(seed, account_id, yesterday)["overall"]
    groups = []
    for group_type, key, low, span in (("INDUSTRY", f"industry:{industry}", 50_000, 2_000_000),
                                       ("NETWORK", f"network:{account_id}", 300, 4_000)):
        score = _score(seed, key, day, 7.0, 15.0)
        rank = _rank(seed, key, day, own_overall)
        entry: dict[str, Any] = {"groupType": group_type, "rank": rank, "score": score}
        if group_type == "INDUSTRY":
            entry["industryName"] = industry
        entry |= {"group": group_type, "averageScore": score["overall"],
                  "groupSize": low + int(span * _unit(seed, key, "size")),
                  "change": rank - _rank(seed, key, yesterday, own_yesterday), "pillars": score["subScores"]}
        groups.append(entry)
    return groups

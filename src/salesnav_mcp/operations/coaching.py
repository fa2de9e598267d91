"""What an SSI coaching brief is built on: the account's SSI history, the pillar to work on, the week's change.

Gathering never fails on an expected condition (a malformed account id, no seat, upstream
trouble): the brief says what happened instead, so the coaching can still explain it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from salesnav_mcp.operations.identity import AccessRefused
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.ssi_history import SsiHistoryOut, focus_pillar, load_ssi_history
from salesnav_mcp.upstream.errors import UpstreamError

COACHING_DAYS = 90
# Starting points per pillar: the coaching prompt has the model adapt them to the rep's numbers and market;
# the SSI dashboard shows those of the weakest pillar as its hint.
WEEKLY_ACTIONS: dict[str, tuple[str, ...]] = {
    "PROFESSIONAL_BRAND": (
        "publish one post a week on a problem your buyers have, with your own point of view",
        "tighten the headline and About section to say who you help and with what result",
        "ask one happy customer or colleague a week for a recommendation",
    ),
    "FIND_RIGHT_PEOPLE": (
        "save 10-15 new leads a week from one or two focused Sales Navigator searches (use Spotlights such as "
        "'changed jobs' or 'posted recently'; repeating an identical search within 24 hours costs no budget)",
        "save the accounts those leads work at so account alerts start flowing",
        "view the profiles of saved leads before reaching out",
    ),
    "INSIGHT_ENGAGEMENT": (
        "leave 3 thoughtful comments a day on posts by leads and customers (a sentence of substance, not 'great post')",
        "share one industry article a week with your own takeaway",
        "act on lead and account alerts within a day (a comment or a short note)",
    ),
    "STRONG_RELATIONSHIP": (
        "send 10-15 personalised connection requests a week to decision makers, including senior levels",
        "answer every message within 24 hours",
        "follow up with new connections within a week with something useful to them (drafts only; the rep "
        "confirms every send)",
    ),
}
_ACCOUNT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


@dataclass(frozen=True)
class CoachingBrief:
    account_id: str | None  # the account coached (as resolved, else as asked; None: the default, unresolved)
    history: SsiHistoryOut | None = None
    focus: str | None = None  # the pillar to work on
    week_change: float | None = None  # overall change over the last 7 days
    unavailable: str | None = None  # why there is nothing to coach on


def week_change(history: SsiHistoryOut) -> float | None:
    """Overall change over the last 7 days, from the first reading inside that week to the latest."""
    if len(history.points) < 2:
        return None
    week_start = history.until - timedelta(days=7)
    inside = [p for p in history.points if p.day >= week_start and p.overall is not None]
    if len(inside) < 2:
        return None
    return round(inside[-1].overall - inside[0].overall, 2)  # type: ignore[operator]


async def coaching_brief(svc: Services, account_id: str | None) -> CoachingBrief:
    """The SSI history of the last COACHING_DAYS (read now and kept) of one account, or why there is none."""
    requested = (account_id or "").strip() or None
    if requested and not _ACCOUNT_ID.match(requested):
        return CoachingBrief(
            requested, unavailable="the account id must be 24 hexadecimal characters (see list_accounts)."
        )
    try:
        resolved = await svc.account_id(requested)
    except AccessRefused as exc:  # audited with the user, as a tool's refusal is, then said in the brief
        await svc.audit_refusal(exc, "ssi_coaching")
        return CoachingBrief(requested, unavailable=exc.message)
    except UpstreamError as exc:
        return CoachingBrief(requested, unavailable=str(exc))
    try:
        history = await load_ssi_history(svc, resolved, days=COACHING_DAYS, refresh=True)
    except UpstreamError as exc:
        return CoachingBrief(resolved, unavailable=str(exc))
    if not history.points:
        return CoachingBrief(resolved, history, unavailable=history.note or "no SSI reading is available.")
    return CoachingBrief(resolved, history, focus=focus_pillar(history), week_change=week_change(history))

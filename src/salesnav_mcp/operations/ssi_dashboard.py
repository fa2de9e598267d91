"""What the SSI dashboard shows, from the store alone: the latest reading (pillars against the industry and
network averages), the series of the period, and a coaching hint for the weakest pillar.

The tools bound to the dashboard (get_ssi, get_ssi_history) have just read and kept today's SSI, so the
dashboard asks upstream for nothing: it spends no call and works on what is stored.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field, ValidationError

from salesnav_mcp.operations.coaching import WEEKLY_ACTIONS
from salesnav_mcp.operations.insights import PILLAR_NAMES, SsiOut
from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.services import Services
from salesnav_mcp.operations.ssi_history import SsiHistoryOut, load_ssi_history


class CoachingHint(BaseModel):
    pillar: str
    name: str
    actions: list[str] = Field(description="Weekly actions that raise this pillar.")


class SsiDashboardOut(Result):
    account_id: str
    latest_day: date | None = Field(description="UTC day of the latest stored reading.")
    latest: SsiOut | None = Field(description="The latest stored reading, with the group averages.")
    history: SsiHistoryOut
    hint: CoachingHint | None = Field(description="For the weakest pillar of the latest reading.")


async def ssi_dashboard(svc: Services, account_id: str, *, days: int) -> SsiDashboardOut:
    """The dashboard of one account the current user may use; no upstream call."""
    account = svc.require_account(account_id)
    history = await load_ssi_history(svc, account, days=days, refresh=False)
    since = svc.clock.now().date() - timedelta(days=days)
    stored = await svc.guardrails.store.list_ssi_snapshots(account, since=since)
    sandbox = svc.connectsafely.sandbox
    latest = None
    if stored:
        try:
            latest = SsiOut.model_validate({**stored[-1].payload, "sandbox": sandbox})
        except ValidationError:  # kept by a release with another shape: the series still shows
            latest = None
    weakest = latest.weakest_pillar if latest else None
    hint = (
        CoachingHint(pillar=weakest, name=PILLAR_NAMES.get(weakest, weakest), actions=list(WEEKLY_ACTIONS[weakest]))
        if weakest in WEEKLY_ACTIONS
        else None
    )
    return SsiDashboardOut(
        account_id=account,
        latest_day=stored[-1].day if stored else None,
        latest=latest,
        history=history,
        hint=hint,
        sandbox=sandbox,
    )

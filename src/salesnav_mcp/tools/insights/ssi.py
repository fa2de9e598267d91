"""The Social Selling Index now and over time; every read keeps the day's reading (operations.insights).

Upstream's `debug` query parameter (its raw LinkedIn payload) is deliberately not reachable: every field
of the answer is already in the structured result (group averages, sizes and rank changes included).
"""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import Field

from salesnav_mcp.operations.insights import PILLAR_NAMES, GroupRankOut, SsiOut, read_ssi
from salesnav_mcp.operations.ssi_history import DEFAULT_DAYS, MAX_DAYS, RankTrend, SsiHistoryOut, load_ssi_history
from salesnav_mcp.tools.apps import SSI_VIEW
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


def _rank_text(r: GroupRankOut) -> str:
    text = f"top {r.rank_top_percent:g}% of {r.group.lower()}"
    if r.group_size:
        text += f" ({r.group_size:,} people"
        text += f", average {r.average_overall:.1f})" if r.average_overall is not None else ")"
    if r.rank_change:
        text += f", {'up' if r.rank_change < 0 else 'down'} {abs(r.rank_change):g} since yesterday"
    return text


def ssi_summary(out: SsiOut) -> str:
    pillars = ", ".join(f"{p.name} {p.score:.1f}/25" for p in out.pillars if p.score is not None)
    ranks = "; ".join(_rank_text(r) for r in out.ranks if r.rank_top_percent)
    weakest = PILLAR_NAMES.get(out.weakest_pillar or "", out.weakest_pillar)
    overall = f"{out.overall:.1f}" if out.overall is not None else "n/a"
    return f"SSI {overall}/100 ({pillars}). Weakest: {weakest}.{' ' + ranks + '.' if ranks else ''}"


@tool(title="Social Selling Index", read_only=True, ui=SSI_VIEW)
async def get_ssi(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, SsiOut]:
    """The Social Selling Index (0-100), its four pillars and ranks; needs a Sales Navigator seat."""
    svc = services(ctx)
    out = await read_ssi(svc, await svc.account_id(account_id))
    return reply(ssi_summary(out), out)


def _signed(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:+.1f}{unit}"


def _short(pillar: str | None) -> str:
    return PILLAR_NAMES.get(pillar or "", pillar or "n/a")


def rank_detail(rank: RankTrend) -> str:
    """'top 38% (up 4 from top 42%)': where the rank stands and how it moved."""
    if rank.movement is None:
        return f"top {rank.last:g}%"
    if rank.movement == 0:
        return f"top {rank.last:g}% (unchanged)"
    direction = "up" if rank.movement > 0 else "down"
    return f"top {rank.last:g}% ({direction} {abs(rank.movement):g} from top {rank.first:g}%)"


def rank_phrase(rank: RankTrend) -> str:
    return f"{rank.group.lower()} {rank_detail(rank)}"


def history_summary(out: SsiHistoryOut) -> str:
    """A few lines for the model; the full series is in the structured content."""
    if not out.points:
        return out.note or "No SSI readings."
    assert out.overall is not None
    span = f"{out.readings} reading(s) {out.points[0].day}..{out.points[-1].day}"
    lines = [
        f"SSI {out.overall.last:.1f}/100, {_signed(out.overall.change)} over {out.days} days ({span}; "
        f"low {out.overall.low:.1f}, high {out.overall.high:.1f}).",
        "Pillars: "
        + "; ".join(
            f"{p.name} {p.last:.1f}" + (f" ({_signed(p.change)})" if p.change is not None else "")
            for p in out.pillars
            if p.last is not None
        )
        + ".",
        f"Strongest: {_short(out.strongest_pillar)}; weakest: {_short(out.weakest_pillar)}"
        + (f"; most improved: {_short(out.most_improved_pillar)}" if out.most_improved_pillar else "")
        + (f"; most declined: {_short(out.most_declined_pillar)}" if out.most_declined_pillar else "")
        + ".",
    ]
    if out.ranks:
        lines.append("Rank: " + "; ".join(rank_phrase(r) for r in out.ranks) + ".")
    if out.note:
        lines.append(out.note)
    return "\n".join(lines)


Days = Annotated[int, Field(description="Days up to today (UTC).", ge=1, le=MAX_DAYS)]


@tool(title="SSI history and trend", read_only=True, ui=SSI_VIEW)
async def get_ssi_history(
    ctx: Context,
    account_id: AccountId = None,
    days: Days = DEFAULT_DAYS,
    refresh: Annotated[bool, Field(description="Read today's SSI first (one upstream call).")] = True,
) -> Annotated[CallToolResult, SsiHistoryOut]:
    """How the SSI and its pillars moved over the last `days` days, from readings kept one per day."""
    svc = services(ctx)
    out = await load_ssi_history(svc, await svc.account_id(account_id), days=days, refresh=refresh)
    return reply(history_summary(out), out)

"""Insights prompt: SSI coaching, written from a coaching brief (operations.coaching) for the model to coach the rep with.

The text carries the numbers (read now and kept, like every SSI read), names the pillar to
work on, and asks for concrete weekly actions per pillar. When the brief has nothing to coach
on (no seat, unknown account, upstream trouble) it says what happened, so the prompt still
renders and the model can explain it.
"""

from __future__ import annotations

from mcp.server.mcpserver import Context

from salesnav_mcp.operations.coaching import WEEKLY_ACTIONS, coaching_brief
from salesnav_mcp.operations.insights import PILLAR_NAMES
from salesnav_mcp.operations.ssi_history import SsiHistoryOut
from salesnav_mcp.tools.insights.ssi import rank_detail
from salesnav_mcp.tools.params import PromptAccountId
from salesnav_mcp.tools.runtime import prompt, services


def _fmt(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None) -> str:
    return "" if value is None else f" ({value:+.1f})"


def _data_lines(history: SsiHistoryOut, focus: str | None, week: float | None) -> list[str]:
    assert history.overall is not None
    first_day, last_day = history.points[0].day, history.points[-1].day
    lines = [
        f"SSI history, last {history.days} days: {history.readings} daily reading(s) from {first_day} to {last_day}.",
        f"- Overall: {_fmt(history.overall.last)}/100"
        + (
            f" ({history.overall.change:+.1f} since {first_day}; low {_fmt(history.overall.low)}, "
            f"high {_fmt(history.overall.high)})"
            if history.readings > 1
            else ""
        ),
    ]
    if week is not None:
        lines.append(f"- Last 7 days: {week:+.1f}")
    for p in history.pillars:
        marker = "  <- focus" if p.pillar == focus else ""
        lines.append(f"- {p.name}: {_fmt(p.last)}/25{_signed(p.change)}{marker}")
    for rank in history.ranks:
        name = f" ({rank.group_name})" if rank.group_name else ""
        lines.append(f"- Rank in {rank.group.lower()}{name}: {rank_detail(rank)}")
    return lines


def _focus_reason(history: SsiHistoryOut, focus: str) -> str:
    pillar = next(p for p in history.pillars if p.pillar == focus)
    if focus == history.weakest_pillar and focus == history.most_declined_pillar:
        return f"it is the lowest pillar ({_fmt(pillar.last)}/25) and it lost the most ({pillar.change:+.1f})"
    if focus == history.weakest_pillar:
        return f"it is the lowest pillar ({_fmt(pillar.last)}/25), so it has the most room to grow"
    return f"it is sliding ({pillar.change:+.1f} over the period) while the others hold"


def _actions_block(focus: str | None) -> str:
    lines = []
    for pillar, actions in WEEKLY_ACTIONS.items():
        tag = " (focus: give this one most of the week)" if pillar == focus else ""
        lines.append(f"- {PILLAR_NAMES[pillar]}{tag}: " + "; ".join(actions) + ".")
    return "\n".join(lines)


def _instructions(focus: str | None, one_reading: bool) -> str:
    focus_name = PILLAR_NAMES.get(focus or "", "the weakest pillar")
    moved = (
        "There is only one reading so far: say so, describe where each pillar stands, and explain that the "
        "trend appears as the SSI is read on later days (each day's reading is kept)."
        if one_reading
        else "Explain in two or three sentences what moved: the overall change, the pillars that rose or fell, "
        "and the rank movement in industry and network (ranks are 'top N %': a smaller number is better)."
    )
    return f"""Write the coaching in four short parts:
1. What moved. {moved}
2. Focus: why {focus_name} is the pillar to work on now, in one or two sentences.
3. This week's plan: for each of the four pillars, two or three concrete actions with a weekly number, most of
   the effort on the focus pillar. Adapt these starting points to the numbers above:
{_actions_block(focus)}
4. How to check progress: read get_ssi_history again in a week and compare the focus pillar; SSI moves slowly,
   so a gain of one or two points a month is real progress.

Use tools only to read (get_ssi_history, get_account_overview, get_search_budget). If you suggest outreach,
it ends in drafts (draft_message) that the rep confirms; never send."""


def _unavailable(account: str, reason: str) -> str:
    return f"""Coach me on my LinkedIn Social Selling Index (SSI){account}.

The SSI could not be read: {reason}

Tell me this plainly, then coach me on the four SSI pillars in general terms (professional brand, finding the
right people, engaging with insights, building relationships), with two concrete weekly actions for each:
{_actions_block(None)}
If I have several LinkedIn accounts, get_account_overview shows which ones have a Sales Navigator seat."""


@prompt(
    title="Coach my Social Selling Index",
    uses=("get_ssi_history", "get_account_overview", "get_search_budget"),
)
async def ssi_coaching(ctx: Context, account_id: PromptAccountId = None) -> str:
    """Coach the Social Selling Index: what moved, the pillar to work on, weekly actions."""
    brief = await coaching_brief(services(ctx), account_id)
    label = f" for account {brief.account_id}" if brief.account_id else ""
    if brief.unavailable is not None or brief.history is None:
        return _unavailable(label, brief.unavailable or "no SSI reading is available.")
    history, focus = brief.history, brief.focus
    focus_line = (
        f"Focus pillar: {PILLAR_NAMES[focus]}, because {_focus_reason(history, focus)}."
        if focus
        else "Focus pillar: n/a."
    )
    note = f"\nNote: {history.note}" if history.note else ""
    return "\n".join(
        [
            f"Coach me on my LinkedIn Social Selling Index (SSI){label}.",
            "",
            *_data_lines(history, focus, brief.week_change),
            "",
            focus_line + note,
            "",
            _instructions(focus, history.readings < 2),
        ]
    )

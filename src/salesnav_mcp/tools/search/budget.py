"""The search budget tool: this month's Sales Navigator searches, without spending one."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult

from salesnav_mcp.operations.results import Result
from salesnav_mcp.operations.search import BudgetOut, budget_line, budget_out
from salesnav_mcp.tools.params import AccountId
from salesnav_mcp.tools.runtime import reply, services, tool


class BudgetStatusOut(Result):
    budget: BudgetOut
    warn_ratio: float


__all__ = ["budget_line", "get_search_budget"]


@tool(title="Search budget", read_only=True, open_world=False)
async def get_search_budget(ctx: Context, account_id: AccountId = None) -> Annotated[CallToolResult, BudgetStatusOut]:
    """This month's Sales Navigator search budget of an account: used, limit, reset date."""
    svc = services(ctx)
    status = await svc.guardrails.budget.status(await svc.account_id(account_id))
    out = BudgetStatusOut(
        budget=budget_out(status), warn_ratio=svc.settings.salesnav_budget_warn_ratio, sandbox=svc.connectsafely.sandbox
    )
    note = " New searches need the user's confirmation." if status.needs_confirmation and status.remaining else ""
    return reply(budget_line(out.budget) + note, out)

"""Insights toolset: the Social Selling Index and its history, InMail credits, the account overview, capacity."""

from salesnav_mcp.tools.insights.capacity import plan_outreach_capacity
from salesnav_mcp.tools.insights.credits import get_inmail_credits
from salesnav_mcp.tools.insights.overview import get_account_overview
from salesnav_mcp.tools.insights.prompts import ssi_coaching
from salesnav_mcp.tools.insights.resources import inmail_history, ssi_history
from salesnav_mcp.tools.insights.ssi import get_ssi, get_ssi_history
from salesnav_mcp.tools.insights.view import ssi_dashboard_data
from salesnav_mcp.tools.runtime import Toolset

toolset = Toolset(
    "insights",
    "Social Selling Index and its history, InMail credits, account overview, outreach capacity.",
    tools=[
        get_ssi,
        get_ssi_history,
        get_inmail_credits,
        get_account_overview,
        plan_outreach_capacity,
        ssi_dashboard_data,
    ],
    resources=[ssi_history, inmail_history],
    prompts=[ssi_coaching],
)

"""Accounts toolset: which LinkedIn accounts are connected and whether they are usable."""

from salesnav_mcp.tools.accounts.connected import get_account_status, list_accounts
from salesnav_mcp.tools.accounts.resources import accounts
from salesnav_mcp.tools.runtime import Toolset

toolset = Toolset(
    "accounts",
    "Connected LinkedIn accounts and their status.",
    tools=[list_accounts, get_account_status],
    resources=[accounts],
)

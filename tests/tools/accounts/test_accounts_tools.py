"""The connected-accounts tools: the default account named, an unknown account a clear error."""

from __future__ import annotations

import pytest
from mcp import Client

from salesnav_mcp.sandbox.data import BUSINESS_ACCOUNT_ID, DEFAULT_ACCOUNT_ID

pytestmark = pytest.mark.anyio


async def test_list_accounts_names_default(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("list_accounts", {})
    assert not result.is_error
    data = result.structured_content
    assert data["sandbox"] is True
    ids = [a["id"] for a in data["accounts"]]
    assert DEFAULT_ACCOUNT_ID in ids and BUSINESS_ACCOUNT_ID in ids
    assert data["default_account_id"] == DEFAULT_ACCOUNT_ID
    assert "[default]" in result.content[0].text


async def test_account_status_unknown_account_is_clear_error(mcp_client: Client) -> None:
    result = await mcp_client.call_tool("get_account_status", {"account_id": "aaaaaaaaaaaaaaaaaaaaaaaa"})
    assert result.is_error
    text = result.content[0].text
    assert "not found" in text.lower()
    assert "Traceback" not in text

"""`prompts/get` with a missing or unknown argument is a client mistake: JSON-RPC -32602 (invalid params)
with a message naming the argument, on both protocol versions, and no traceback in the log."""

from __future__ import annotations

import logging

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS

pytestmark = pytest.mark.anyio


async def refused(client: Client, name: str, arguments: dict[str, str]) -> str:
    with pytest.raises(MCPError) as raised:
        await client.get_prompt(name, arguments)
    assert raised.value.code == INVALID_PARAMS
    return raised.value.message


async def test_a_missing_argument_is_invalid_params_naming_it(
    mcp_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    message = await refused(mcp_client, "prospecting", {"account_id": "5f0c0a1b2c3d4e5f6a7b8c90"})
    assert message.startswith("prompt 'prospecting' needs argument 'ideal_customer_profile' (Who to find")
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_an_unknown_argument_is_invalid_params_with_the_nearest_name(
    mcp_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    arguments = {"ideal_customer_profile": "CTOs in Berlin", "max_lead": "10"}
    message = await refused(mcp_client, "prospecting", arguments)
    assert message == "prompt 'prospecting' has no argument 'max_lead': did you mean 'max_leads'?"
    both = await refused(mcp_client, "ssi_coaching", {"accout": "x", "foo": "y"})
    assert "has no argument 'accout': did you mean 'account_id'?" in both and "'foo': it takes 'account_id'" in both
    assert not [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


async def test_valid_arguments_still_render(mcp_client: Client) -> None:
    prompt = await mcp_client.get_prompt("prospecting", {"ideal_customer_profile": "CTOs in Berlin", "max_leads": "10"})
    assert "CTOs in Berlin" in prompt.messages[0].content.text

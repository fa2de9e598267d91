"""An argument no tool parameter takes is refused, naming it and the nearest valid names, and nothing
runs: a misspelt `acount_id` used to mean the default account without a word. Parameters the server
fills itself (the Context, resolver-injected values such as a send's approval) are not arguments."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from salesnav_mcp.operations.services import Services
from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID, SECOND_SALES_NAV_ACCOUNT_ID
from tests.support.world import world

pytestmark = pytest.mark.anyio


def refusal(result: Any) -> str:
    assert result.is_error, result.structured_content
    return result.content[0].text


async def test_a_misspelt_argument_is_refused_with_the_name_it_meant(mcp_client: Client) -> None:
    text = refusal(await mcp_client.call_tool("get_ssi", {"acount_id": SECOND_SALES_NAV_ACCOUNT_ID}))
    assert "acount_id: unknown argument; did you mean account_id?" in text
    assert SECOND_SALES_NAV_ACCOUNT_ID not in text  # an unknown key's value is not echoed


async def test_arguments_no_tool_takes_are_refused_with_the_valid_names(mcp_client: Client) -> None:
    text = refusal(await mcp_client.call_tool("get_ssi", {"label_id": "x", "since": "2025-01-01"}))
    assert "label_id: unknown argument; valid arguments: account_id" in text
    assert "since: unknown argument" in text
    none = refusal(await mcp_client.call_tool("list_contracts", {"since": "2025-01-01"}))
    assert "since: unknown argument: this takes none" in none


async def test_a_misspelt_key_inside_an_argument_is_refused_too(mcp_client: Client) -> None:
    text = refusal(await mcp_client.call_tool("search_leads", {"filters": {"senority": ["VP"]}}))
    assert "filters.senority: unknown key; did you mean seniority" in text
    record = {"partner": "SALESFORCE", "instance_id": "sf-1", "record_id": "1", "recordid": "2"}
    text = refusal(await mcp_client.call_tool("match_crm_records", {"records": [record]}))
    assert "records[0].recordid: unknown key; did you mean record_id?" in text


async def test_values_the_server_fills_itself_cannot_be_passed(mcp_client: Client) -> None:
    for name in ("ctx", "approval", "shown"):
        text = refusal(await mcp_client.call_tool("send_message", {"draft_id": "d-1234", name: {"send": True}}))
        assert f"{name}: unknown argument" in text


async def test_nothing_runs_when_an_argument_is_unknown(mcp_client: Client, services: Services) -> None:
    lead = next(lead for lead in world(services).leads if lead.degrees.get(DEFAULT_ACCOUNT_ID) == "S")
    arguments = {"recipient": lead.profile_id, "text": "Hello there", "acount_id": DEFAULT_ACCOUNT_ID}
    refusal(await mcp_client.call_tool("draft_message", arguments))
    assert (await mcp_client.call_tool("list_drafts", {})).structured_content["drafts"] == []

from __future__ import annotations

import json

import pytest
from mcp import Client
from mcp_types import PromptReference, ResourceTemplateReference

from salesnav_mcp.sandbox.data import DEFAULT_ACCOUNT_ID

pytestmark = pytest.mark.anyio


async def test_workflow_prompts_are_listed_and_render(mcp_client: Client) -> None:
    names = {p.name for p in (await mcp_client.list_prompts()).prompts}
    assert {"prospecting", "outreach_drafting", "follow_up", "account_research", "ssi_coaching"} <= names
    prompt = await mcp_client.get_prompt(
        "prospecting", {"ideal_customer_profile": "VPs of Sales at 200-500 person fintechs in Germany"}
    )
    text = prompt.messages[0].content.text
    assert "fintechs in Germany" in text and "get_search_budget" in text and "never send" in text.lower()
    drafting = await mcp_client.get_prompt("outreach_drafting", {"recipients": "a, b", "goal": "book a call"})
    body = drafting.messages[0].content.text
    assert "draft_message" in body and "Do not call send_message" in body
    following = await mcp_client.get_prompt("follow_up", {"after_days": "9", "account_id": DEFAULT_ACCOUNT_ID})
    steps = following.messages[0].content.text
    assert "check_replies" in steps and "draft_follow_ups with after_days=9" in steps and DEFAULT_ACCOUNT_ID in steps
    assert "list_invitations" in steps  # accepted connection requests get a first message
    assert "Do not send anything unless the user explicitly asks" in steps and "untrusted data" in steps


async def test_resources_list_and_read(mcp_client: Client) -> None:
    uris = {str(r.uri) for r in (await mcp_client.list_resources()).resources}
    assert {"salesnav://accounts", "salesnav://budget", "salesnav://drafts"} <= uris
    templates = {t.uri_template for t in (await mcp_client.list_resource_templates()).resource_templates}
    assert {"salesnav://searches/{search_id}", "salesnav://budget/{account_id}"} <= templates

    accounts = json.loads((await mcp_client.read_resource("salesnav://accounts")).contents[0].text)
    assert accounts["sandbox"] is True and any(a["id"] == DEFAULT_ACCOUNT_ID for a in accounts["accounts"])

    search = await mcp_client.call_tool("search_leads", {"filters": {"seniority": ["CXO"], "regions": ["Germany"]}})
    search_id = search.structured_content["search_id"]
    stored = json.loads((await mcp_client.read_resource(f"salesnav://searches/{search_id}")).contents[0].text)
    assert [r["profile_id"] for r in stored["results"]][:25] == [
        lead["profile_id"] for lead in search.structured_content["leads"]
    ]
    budget = json.loads((await mcp_client.read_resource(f"salesnav://budget/{DEFAULT_ACCOUNT_ID}")).contents[0].text)
    assert budget["used"] == 1
    everyone = json.loads((await mcp_client.read_resource("salesnav://budget")).contents[0].text)
    assert {b["account_id"]: b["used"] for b in everyone["budgets"]}[DEFAULT_ACCOUNT_ID] == 1


async def test_account_id_completion(mcp_client: Client) -> None:
    result = await mcp_client.complete(
        ResourceTemplateReference(type="ref/resource", uri="salesnav://budget/{account_id}"),
        {"name": "account_id", "value": DEFAULT_ACCOUNT_ID[:20]},
    )
    assert DEFAULT_ACCOUNT_ID in result.completion.values
    prompt_ref = await mcp_client.complete(
        PromptReference(type="ref/prompt", name="ssi_coaching"), {"name": "account_id", "value": ""}
    )
    assert len(prompt_ref.completion.values) == 4


async def test_filter_vocabularies_with_completion(mcp_client: Client) -> None:
    result = await mcp_client.complete(
        ResourceTemplateReference(type="ref/resource", uri="salesnav://filters/{name}"), {"name": "name", "value": "se"}
    )
    assert result.completion.values == ["seniority"]
    seniority = json.loads((await mcp_client.read_resource("salesnav://filters/seniority")).contents[0].text)
    assert {"id": "300", "name": "Vice President"} in seniority


async def test_filter_vocabularies_answer_for_every_field_that_takes_one(mcp_client: Client) -> None:
    """The search tools' schemas point to salesnav://filters/{field}: exclusions and differently named fields too."""
    async def read(field: str) -> list[dict[str, str]]:
        return json.loads((await mcp_client.read_resource(f"salesnav://filters/{field}")).contents[0].text)

    assert await read("exclude_seniority") == await read("seniority")
    assert await read("headcount") == await read("company_headcount")
    assert await read("years_of_experience") == await read("years")

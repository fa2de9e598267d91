"""What every transport test checks once connected: the tools are listed and one really runs."""

from __future__ import annotations

from mcp import Client

# A read-only tool that works on the sandbox's default account without arguments.
PROBE_TOOL = "get_ssi"


async def assert_lists_and_calls_a_tool(client: Client) -> None:
    tools = await client.list_tools()
    names = {tool.name for tool in tools.tools}
    assert PROBE_TOOL in names, f"{PROBE_TOOL} not registered; tools: {sorted(names)}"
    for tool in tools.tools:
        assert tool.description, f"{tool.name} has no description"
        assert tool.input_schema.get("type") == "object", f"{tool.name} input schema is not an object"

    result = await client.call_tool(PROBE_TOOL, {})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert result.structured_content["sandbox"] is True
    assert result.content and result.content[0].type == "text" and result.content[0].text

    prompts = await client.list_prompts()
    assert all(prompt.name for prompt in prompts.prompts)

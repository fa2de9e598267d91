"""The central inventory of toolsets: which tools a server registers.

`--toolsets a,b` keeps only those toolsets; `--read-only` drops every tool that is not
read-only, so a read-only server cannot change anything upstream or in the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from mcp.server.mcpserver.tools.base import Tool

from salesnav_mcp.server.schema import compact_schema, inline_refs
from salesnav_mcp.tools import TOOLSETS
from salesnav_mcp.tools._runtime import ToolSpec


class UnknownToolsetError(ValueError):
    pass


def select_tools(toolsets: Iterable[str] | None = None, *, read_only: bool = False) -> list[ToolSpec]:
    wanted = list(toolsets) if toolsets else list(TOOLSETS)
    unknown = [name for name in wanted if name not in TOOLSETS]
    if unknown:
        raise UnknownToolsetError(f"unknown toolset(s) {', '.join(unknown)}; choose from {', '.join(TOOLSETS)}")
    return [spec for name in wanted for spec in TOOLSETS[name].tools if spec.read_only or not read_only]


def build_tools(specs: Iterable[ToolSpec]) -> list[Tool]:
    """SDK tool objects with compact published schemas (validation still uses the full pydantic models)."""
    tools = []
    for spec in specs:
        tool = Tool.from_function(
            spec.fn, name=spec.name, title=spec.title, description=spec.description, annotations=spec.annotations
        )
        tool.parameters = compact_schema(tool.parameters)
        if tool.fn_metadata.output_schema is not None:
            # Inlined: clients validate each result against it, and $ref resolution is most of that cost.
            output = inline_refs(tool.fn_metadata.output_schema)
            tool.fn_metadata.output_schema = compact_schema(output, output=True)
        tools.append(tool)
    return tools

"""The central inventory: which tools, resources and prompts a server registers.

- `--toolsets a,b` keeps only those toolsets, each with its tools, resources and prompts.
- `--read-only` keeps only the tools that are read-only, so a read-only server cannot change
  anything upstream or in the store. A prompt steers the model to the tools it names in `uses`:
  one that steers to any tool that is not read-only is dropped too, since it would lead to a
  tool the server does not offer. Resources only read: they stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mcp.server.mcpserver.tools.base import Tool

from salesnav_mcp.server.arguments import ArgumentsAsSent, ToolForModels
from salesnav_mcp.server.schema import input_schema, output_schema
from salesnav_mcp.tools import TOOLSETS
from salesnav_mcp.tools.runtime import PromptSpec, ResourceSpec, ToolSpec

TOOLS_BY_NAME: dict[str, ToolSpec] = {spec.name: spec for toolset in TOOLSETS.values() for spec in toolset.tools}


class UnknownToolsetError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    tools: list[ToolSpec]
    resources: list[ResourceSpec]
    prompts: list[PromptSpec]


def steers_to_writes(prompt: PromptSpec) -> bool:
    return any(not TOOLS_BY_NAME[name].read_only for name in prompt.uses)


def select(toolsets: Iterable[str] | None = None, *, read_only: bool = False) -> Selection:
    wanted = list(toolsets) if toolsets else list(TOOLSETS)
    unknown = [name for name in wanted if name not in TOOLSETS]
    if unknown:
        raise UnknownToolsetError(f"unknown toolset(s) {', '.join(unknown)}; choose from {', '.join(TOOLSETS)}")
    chosen = [TOOLSETS[name] for name in wanted]
    return Selection(
        tools=[spec for toolset in chosen for spec in toolset.tools if spec.read_only or not read_only],
        resources=[spec for toolset in chosen for spec in toolset.resources],
        prompts=[spec for toolset in chosen for spec in toolset.prompts if not (read_only and steers_to_writes(spec))],
    )


def build_tools(specs: Iterable[ToolSpec]) -> list[Tool]:
    """SDK tool objects with portable published schemas (validation still uses the full pydantic models)."""
    tools: list[Tool] = []
    for spec in specs:
        tool = ToolForModels.from_function(
            spec.fn,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.annotations,
            meta=spec.meta,
        )
        tool.fn_metadata = ArgumentsAsSent.model_construct(**dict(tool.fn_metadata))
        tool.parameters = input_schema(tool.parameters)
        if tool.fn_metadata.output_schema is not None:
            published = output_schema(tool.fn_metadata.output_schema) if spec.output_schema else None
            tool.fn_metadata.output_schema = published
        tools.append(tool)
    return tools

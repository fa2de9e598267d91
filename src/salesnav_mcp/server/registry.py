"""The central inventory: which tools, resources and prompts a server registers.

- `--toolsets a,b` keeps only those toolsets, each with its tools, resources and prompts.
- `--read-only` keeps only the tools that are read-only, so a read-only server cannot change
  anything upstream or in the store. A prompt steers the model to the tools it names in `uses`:
  one that steers to any tool that is not read-only is dropped too, since it would lead to a
  tool the server does not offer. Resources only read: they stay.

The same rules select from the toolsets themselves (`salesnav_mcp.tools`) or from their entries in
the generated catalog (`server.catalog`), which a server starts from without importing the toolsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mcp.server.mcpserver.tools.base import Tool

    from salesnav_mcp.tools.runtime import Toolset, ToolSpec


class UnknownToolsetError(ValueError):
    pass


@dataclass(frozen=True)
class Selection:
    tools: list[Any]
    resources: list[Any]
    prompts: list[Any]


def toolsets() -> Mapping[str, Toolset]:
    """Every toolset, imported (with its tools' modules) on the first call."""
    from salesnav_mcp.tools import TOOLSETS

    return TOOLSETS


def tool_spec(name: str) -> ToolSpec:
    return next(spec for toolset in toolsets().values() for spec in toolset.tools if spec.name == name)


def select(
    wanted: Iterable[str] | None = None, *, read_only: bool = False, source: Mapping[str, Any] | None = None
) -> Selection:
    """What a server registers, from `source` (default: the toolsets): toolsets or catalog entries alike."""
    source = toolsets() if source is None else source
    names = list(wanted) if wanted else list(source)
    unknown = [name for name in names if name not in source]
    if unknown:
        raise UnknownToolsetError(f"unknown toolset(s) {', '.join(unknown)}; choose from {', '.join(source)}")
    chosen = [source[name] for name in names]
    read_only_tools = {spec.name for toolset in source.values() for spec in toolset.tools if spec.read_only}
    return Selection(
        tools=[spec for toolset in chosen for spec in toolset.tools if spec.read_only or not read_only],
        resources=[spec for toolset in chosen for spec in toolset.resources],
        prompts=[
            spec
            for toolset in chosen
            for spec in toolset.prompts
            if not (read_only and not set(spec.uses) <= read_only_tools)
        ],
    )


def build_tools(specs: Iterable[ToolSpec]) -> list[Tool]:
    """SDK tool objects with portable published schemas (validation still uses the full pydantic models)."""
    from salesnav_mcp.server.arguments import ArgumentsAsSent, ToolForModels
    from salesnav_mcp.server.schema import input_schema, output_schema

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

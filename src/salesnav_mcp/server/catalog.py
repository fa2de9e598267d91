"""The tool surface as the toolsets declare it, generated at build time into `catalog.json` next to this module.

A server lists its tools, resources, resource templates and prompts from the catalog: it starts
without importing the toolsets or building the SDK's tool objects (argument and output models,
JSON schemas); `server.lazy` builds each of those on its first use. Per tool the catalog holds the
SDK tool's published fields (schemas already made portable by `server.schema`) and what selection
needs (read-only, MCP Apps view, app-only).

Regenerate with `make catalog` (`python -m salesnav_mcp.server.catalog`); a test fails while it is stale.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).with_name("catalog.json")


@dataclass(frozen=True)
class ToolEntry:
    name: str
    read_only: bool
    app_only: bool
    ui: str | None
    fields: dict[str, Any]  # the SDK tool's published fields: name, title, description, parameters, ...


@dataclass(frozen=True)
class ResourceEntry:
    uri: str
    name: str
    title: str
    description: str | None
    mime_type: str


@dataclass(frozen=True)
class PromptEntry:
    name: str
    uses: tuple[str, ...]
    fields: dict[str, Any]  # the SDK prompt's published fields: name, title, description, arguments


@dataclass(frozen=True)
class ToolsetEntry:
    name: str
    description: str
    tools: tuple[ToolEntry, ...]
    resources: tuple[ResourceEntry, ...]
    prompts: tuple[PromptEntry, ...]


def load(path: Path = CATALOG_PATH) -> dict[str, ToolsetEntry]:
    """The toolsets as the catalog holds them, by name, in the order they are declared."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        toolset["name"]: ToolsetEntry(
            name=toolset["name"],
            description=toolset["description"],
            tools=tuple(ToolEntry(name=t["fields"]["name"], **t) for t in toolset["tools"]),
            resources=tuple(ResourceEntry(**r) for r in toolset["resources"]),
            prompts=tuple(
                PromptEntry(name=p["fields"]["name"], uses=tuple(p["uses"]), fields=p["fields"])
                for p in toolset["prompts"]
            ),
        )
        for toolset in data["toolsets"]
    }


def generate() -> dict[str, Any]:
    """The catalog of the toolsets as they are now (imports every toolset and builds every SDK tool)."""
    from salesnav_mcp.server.arguments import PromptForModels
    from salesnav_mcp.server.registry import build_tools, toolsets

    published = {"mode": "json", "by_alias": True, "exclude_none": True}
    out: list[dict[str, Any]] = []
    for toolset in toolsets().values():
        tools = build_tools(toolset.tools)
        prompts = [
            PromptForModels.from_function(spec.fn, name=spec.name, title=spec.title, description=spec.description)
            for spec in toolset.prompts
        ]
        out.append(
            {
                "name": toolset.name,
                "description": toolset.description,
                "tools": [
                    {
                        "read_only": spec.read_only,
                        "app_only": spec.app_only,
                        "ui": spec.ui,
                        "fields": {
                            "name": tool.name,
                            "title": tool.title,
                            "description": tool.description,
                            "parameters": tool.parameters,
                            "output_schema": tool.output_schema,
                            "annotations": tool.annotations.model_dump(**published) if tool.annotations else None,
                            "meta": tool.meta,
                        },
                    }
                    for spec, tool in zip(toolset.tools, tools, strict=True)
                ],
                "resources": [
                    {
                        "uri": spec.uri,
                        "name": spec.name,
                        "title": spec.title,
                        "description": spec.description,
                        "mime_type": spec.mime_type,
                    }
                    for spec in toolset.resources
                ],
                "prompts": [
                    {
                        "uses": list(spec.uses),
                        "fields": prompt.model_dump(**published, include={"name", "title", "description", "arguments"}),
                    }
                    for spec, prompt in zip(toolset.prompts, prompts, strict=True)
                ],
            }
        )
    return {"toolsets": out}


def render(catalog: dict[str, Any]) -> str:
    return json.dumps(catalog, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the catalog (`--check`: only say whether the one in the package is current)."""
    args = sys.argv[1:] if argv is None else argv
    text = render(generate())
    current = CATALOG_PATH.exists() and CATALOG_PATH.read_text(encoding="utf-8") == text
    if "--check" in args:
        print(f"{CATALOG_PATH.name} is {'current' if current else 'stale: run make catalog'}")
        return 0 if current else 1
    if not current:
        CATALOG_PATH.write_text(text, encoding="utf-8")
    print(f"{CATALOG_PATH} {'unchanged' if current else 'written'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

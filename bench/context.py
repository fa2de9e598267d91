"""Context cost: the bytes the model reads, from the wire of a real `salesnav-mcp serve` over stdio.

Two totals against their goals: what the model reads of the tool surface (name, description and input
schema of each tool it can see, compact JSON; app-only tools excluded) and the whole `tools/list`
answer line as a client without the MCP Apps extension receives it (with the extension, for reference).
Also each tool's share of both, and a 25-lead search reply: its text content per lead (what a client
shows the model) and, for reference, its structured content per lead. Tokens are estimated as bytes / 4.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bench.harness import (
    LEAD_FILTERS_25,
    PROTOCOL_VERSION,
    Figure,
    Section,
    StdioSession,
    isolated_env,
    salesnav_command,
    workdir,
)

GOAL_MODEL_BYTES = 24_000
GOAL_WIRE_BYTES = 40_000
GOAL_LEAD_BYTES = 300
LEADS = 25
APPS = {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}}


def wire_bytes(value: Any) -> int:
    """Bytes of a JSON value serialized as the server writes it (compact, UTF-8)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def app_only(tool: dict[str, Any]) -> bool:
    return ((tool.get("_meta") or {}).get("ui") or {}).get("visibility") == ["app"]


def model_bytes(tool: dict[str, Any]) -> int:
    """What the model reads of one tool: its name, description and input schema."""
    return len(tool["name"].encode()) + len((tool.get("description") or "").encode()) + wire_bytes(
        tool.get("inputSchema") or {}
    )


def tool_rows(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for tool in tools:
        output = tool.get("outputSchema")
        rows.append(
            {
                "name": tool["name"],
                "model": model_bytes(tool),
                "total": wire_bytes(tool),
                "description": len((tool.get("description") or "").encode()),
                "input": wire_bytes(tool.get("inputSchema") or {}),
                "output": wire_bytes(output) if output else 0,
            }
        )
    return sorted(rows, key=lambda row: -row["model"])


def _no_output(tool: dict[str, Any]) -> dict[str, Any]:
    tool.pop("outputSchema", None)
    return tool


def variants(tools: list[dict[str, Any]]) -> dict[str, int]:
    """Wire bytes of this run's tool list under changes to what is published (the answer's envelope excluded)."""
    return {"no output schemas at all": sum(wire_bytes(_no_output(copy.deepcopy(tool))) for tool in tools)}


def _tools_list(session: StdioSession, capabilities: dict[str, Any]) -> bytes:
    session.request(
        "initialize",
        {
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": capabilities,
            "clientInfo": {"name": "salesnav-bench", "version": "1"},
        },
    )
    session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    line, _ = session.request("tools/list")
    return line


def collect() -> tuple[bytes, bytes, bytes]:
    """(tools/list answer line without Apps, the same with Apps, 25-lead search_leads answer line)."""
    with workdir("context") as wd:
        env = isolated_env(wd / "data")
        with StdioSession(salesnav_command("serve"), env, wd, wd / "serve.log") as session:
            plain_line = _tools_list(session, {})
            search_line, _ = session.request(
                "tools/call",
                {"name": "search_leads", "arguments": {"filters": LEAD_FILTERS_25, "max_results": LEADS}},
            )
        with StdioSession(salesnav_command("serve"), env, wd, wd / "serve-apps.log") as session:
            apps_line = _tools_list(session, {"extensions": APPS})
    return plain_line, apps_line, search_line


def run(quick: bool) -> Section:
    plain_line, apps_line, search_line = collect()
    tools = json.loads(plain_line)["result"]["tools"]
    apps_tools = json.loads(apps_line)["result"]["tools"]
    seen = [tool for tool in apps_tools if not app_only(tool)]
    result = json.loads(search_line)["result"]
    if result.get("isError"):
        raise RuntimeError(f"search_leads failed: {result['content']}")
    leads = result["structuredContent"]["leads"]
    if len(leads) != LEADS:
        raise RuntimeError(f"expected {LEADS} leads, got {len(leads)}")
    text_bytes = sum(len(c["text"].encode()) for c in result["content"] if c.get("type") == "text")
    rows = tool_rows(tools)
    model = sum(model_bytes(tool) for tool in seen)
    wire = len(plain_line)

    section = Section(
        key="context",
        title="Context cost",
        method=(
            "Bytes on the wire of a real `salesnav-mcp serve` (stdio, all toolsets, protocol 2025-11-25); "
            "tokens estimated as bytes / 4. What the model reads: for each tool the model can see (app-only tools "
            "excluded), its name, description and input schema as compact JSON. On the wire: the whole "
            "`tools/list` answer line, for a client without the MCP Apps extension (and, for reference, with it: "
            "`_meta.ui` and the views' app-only tools). Per lead: the text content of a `search_leads` reply "
            f"showing {LEADS} leads (`filters={json.dumps(LEAD_FILTERS_25)}`), divided by 25 (header and budget "
            "line included)."
        ),
    )
    section.figures = [
        Figure(
            f"what the model reads of the tool surface ({len(seen)} tools)",
            model,
            "B",
            goal=GOAL_MODEL_BYTES,
            goal_on="value",
            goal_text=f"<= {GOAL_MODEL_BYTES:,} B (~{model / 4 / 1000:.1f}k tokens now)",
            digits=0,
        ),
        Figure(
            f"tools/list answer on the wire, client without MCP Apps ({len(tools)} tools)",
            wire,
            "B",
            goal=GOAL_WIRE_BYTES,
            goal_on="value",
            goal_text=f"<= {GOAL_WIRE_BYTES:,} B (~{wire / 4 / 1000:.1f}k tokens now)",
            digits=0,
        ),
        Figure(
            f"tools/list answer on the wire, client with MCP Apps ({len(apps_tools)} tools)",
            len(apps_line),
            "B",
            digits=0,
            goal_text="none (adds `_meta.ui` and the views' app-only tools)",
        ),
        Figure(
            "bytes per tool on the wire, average (without MCP Apps)",
            sum(row["total"] for row in rows) / len(rows),
            "B",
            digits=0,
            goal_text="none",
        ),
        Figure(
            "text content bytes per lead (25-lead search)",
            text_bytes / LEADS,
            "B",
            goal=GOAL_LEAD_BYTES,
            goal_on="value",
            goal_text=f"<= {GOAL_LEAD_BYTES} B (~{text_bytes / LEADS / 4:.0f} tokens now)",
            digits=0,
        ),
        Figure(
            "structured content bytes per lead (25-lead search)",
            wire_bytes(result["structuredContent"]) / LEADS,
            "B",
            digits=0,
            goal_text="none (clients that show structured content to the model pay this instead)",
        ),
    ]
    section.data["variants"] = variants(tools)
    section.data["rows"] = rows
    section.data["without_output_schema"] = [tool["name"] for tool in tools if not tool.get("outputSchema")]
    for name, value in section.data["variants"].items():
        section.figures.append(
            Figure(
                f"tools/list tools on the wire, {name}",
                value,
                "B",
                digits=0,
                goal_text="none (an option, for reference)",
                summary=False,
            )
        )
    table = [
        "| tool | model reads | ~tokens | description | inputSchema | outputSchema | on the wire |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    table += [
        f"| {r['name']} | {r['model']} | {r['model'] // 4} | {r['description']} | {r['input']} | {r['output']} "
        f"| {r['total']} |"
        for r in rows
    ]
    totals = {key: sum(r[key] for r in rows) for key in ("model", "total", "description", "input", "output")}
    table.append(
        f"| **all {len(rows)}** | {totals['model']} | {totals['model'] // 4} | {totals['description']} | "
        f"{totals['input']} | {totals['output']} | {totals['total']} |"
    )
    section.details.append(
        "Per tool, by what the model reads (bytes; without MCP Apps, so no app-only tools):\n\n" + "\n".join(table)
    )
    section.details.append(
        f"Where the wire bytes go: output schemas {totals['output'] / totals['total']:.0%}, input schemas "
        f"{totals['input'] / totals['total']:.0%}, descriptions {totals['description'] / totals['total']:.0%}; "
        f"the rest is names, titles and annotations. Text of the 25-lead reply: {text_bytes} B; first lines:\n\n```\n"
        + "\n".join(result["content"][0]["text"].splitlines()[:3])
        + "\n```"
    )
    return section

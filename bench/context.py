"""Context cost: the bytes the model reads, from the wire of a real `salesnav-mcp serve` over stdio.

The whole `tools/list` answer line, each tool's share of it (description, input schema, output
schema), and a 25-lead search reply: its text content per lead (what a client shows the model)
and, for reference, its structured content per lead. Tokens are estimated as bytes / 4.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from bench.harness import LEAD_FILTERS_25, Figure, Section, StdioSession, isolated_env, salesnav_command, workdir

GOAL_TOOL_BYTES = 1024
GOAL_LEAD_BYTES = 300
LEADS = 25


def wire_bytes(value: Any) -> int:
    """Bytes of a JSON value serialized as the server writes it (compact, UTF-8)."""
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def tool_rows(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for tool in tools:
        output = tool.get("outputSchema")
        inp = tool.get("inputSchema") or {}
        rows.append(
            {
                "name": tool["name"],
                "total": wire_bytes(tool),
                "description": len((tool.get("description") or "").encode()),
                "input": wire_bytes(inp),
                "output": wire_bytes(output) if output else 0,
                "defs": wire_bytes(inp.get("$defs", {})) * ("$defs" in inp)
                + (wire_bytes(output.get("$defs", {})) * ("$defs" in output) if output else 0),
            }
        )
    return sorted(rows, key=lambda row: -row["total"])


def _variant(tools: list[dict[str, Any]], change: Any) -> float:
    changed = [change(copy.deepcopy(tool)) for tool in tools]
    return sum(wire_bytes(tool) for tool in changed) / len(changed)


def _undup_title(tool: dict[str, Any]) -> dict[str, Any]:
    annotations = tool.get("annotations") or {}
    if annotations.get("title") is not None and annotations.get("title") == tool.get("title"):
        del annotations["title"]
    return tool


def _no_output(tool: dict[str, Any]) -> dict[str, Any]:
    tool = _undup_title(tool)
    tool.pop("outputSchema", None)
    return tool


def variants(tools: list[dict[str, Any]]) -> dict[str, float]:
    """Average bytes per tool of this run's `tools/list` under changes to what is published."""
    return {
        "no annotations.title duplicating title": _variant(tools, _undup_title),
        "that, and no output schemas at all": _variant(tools, _no_output),
    }


def collect() -> tuple[bytes, bytes]:
    """(tools/list answer line, 25-lead search_leads answer line) from a fresh stdio server."""
    with (
        workdir("context") as wd,
        StdioSession(salesnav_command("serve"), isolated_env(wd / "data"), wd, wd / "serve.log") as session,
    ):
        _, _, tools_line = session.handshake()
        search_line, _ = session.request(
            "tools/call",
            {"name": "search_leads", "arguments": {"filters": LEAD_FILTERS_25, "max_results": LEADS}},
        )
    return tools_line, search_line


def run(quick: bool) -> Section:
    tools_line, search_line = collect()
    tools = json.loads(tools_line)["result"]["tools"]
    result = json.loads(search_line)["result"]
    if result.get("isError"):
        raise RuntimeError(f"search_leads failed: {result['content']}")
    leads = result["structuredContent"]["leads"]
    if len(leads) != LEADS:
        raise RuntimeError(f"expected {LEADS} leads, got {len(leads)}")
    text_bytes = sum(len(c["text"].encode()) for c in result["content"] if c.get("type") == "text")
    rows = tool_rows(tools)
    per_tool = sum(row["total"] for row in rows) / len(rows)

    section = Section(
        key="context",
        title="Context cost",
        method=(
            "Bytes on the wire of a real `salesnav-mcp serve` (stdio, all toolsets, protocol 2025-11-25); "
            "tokens estimated as bytes / 4. Per tool: the tool's JSON object in the `tools/list` answer. Per lead: "
            f"the text content of a `search_leads` reply showing {LEADS} leads (`filters={json.dumps(LEAD_FILTERS_25)}`)"
            ", divided by 25 (header and budget line included)."
        ),
    )
    section.figures = [
        Figure(
            f"tools/list answer, whole ({len(tools)} tools)",
            len(tools_line),
            "B",
            digits=0,
            goal_text=f"~{len(tools_line) / 4 / 1000:.1f}k tokens",
        ),
        Figure(
            "bytes per tool, average",
            per_tool,
            "B",
            goal=GOAL_TOOL_BYTES,
            goal_on="value",
            goal_text=f"<= {GOAL_TOOL_BYTES} B (~{per_tool / 4:.0f} tokens now)",
            digits=0,
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
    for name, value in section.data["variants"].items():
        section.figures.append(
            Figure(
                f"bytes per tool, {name}",
                value,
                "B",
                goal=GOAL_TOOL_BYTES,
                goal_on="value",
                goal_text=f"<= {GOAL_TOOL_BYTES} B",
                digits=0,
                summary=False,
            )
        )
    table = [
        "| tool | bytes | ~tokens | description | inputSchema | outputSchema | of which $defs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    table += [
        f"| {r['name']} | {r['total']} | {r['total'] // 4} | {r['description']} | {r['input']} | {r['output']} | {r['defs']} |"
        for r in rows
    ]
    totals = {key: sum(r[key] for r in rows) for key in ("total", "description", "input", "output", "defs")}
    table.append(
        f"| **all {len(rows)}** | {totals['total']} | {totals['total'] // 4} | {totals['description']} | "
        f"{totals['input']} | {totals['output']} | {totals['defs']} |"
    )
    section.details.append("Per tool, largest first (bytes):\n\n" + "\n".join(table))
    section.details.append(
        f"Where the bytes go: output schemas {totals['output'] / totals['total']:.0%}, input schemas "
        f"{totals['input'] / totals['total']:.0%}, descriptions {totals['description'] / totals['total']:.0%}; "
        f"the rest is names, titles and annotations. Text of the 25-lead reply: {text_bytes} B; first lines:\n\n```\n"
        + "\n".join(result["content"][0]["text"].splitlines()[:3])
        + "\n```"
    )
    return section

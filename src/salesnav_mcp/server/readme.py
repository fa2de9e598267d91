"""The README's tool table, generated from the toolsets, between `<!-- tools:start -->` and `<!-- tools:end -->`.

`make readme` (python -m salesnav_mcp.server.readme) rewrites it; a test fails while it is stale.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from salesnav_mcp.tools import TOOLSETS
from salesnav_mcp.tools.runtime import Toolset

START = "<!-- tools:start -->"
END = "<!-- tools:end -->"
README = Path(__file__).resolve().parents[3] / "README.md"


def tools_table(toolsets: Iterable[Toolset]) -> str:
    """One row per toolset; the tools only its MCP Apps views call (never offered to a model) are named apart."""
    rows = ["| toolset | what it covers | tools |", "| --- | --- | --- |"]
    for toolset in toolsets:
        names = ", ".join(f"`{spec.name}`" for spec in toolset.tools if not spec.app_only)
        views_only = ", ".join(f"`{spec.name}`" for spec in toolset.tools if spec.app_only)
        if views_only:
            names += f"; for its views only: {views_only}"
        rows.append(f"| {toolset.name} | {toolset.description} | {names} |")
    return "\n".join(rows)


def with_tools_table(readme: str, table: str) -> str:
    """The README text with the part between the markers replaced by `table`."""
    head, start, rest = readme.partition(START)
    _old, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"the README needs the markers {START} and {END} around the tool table")
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else README
    text = path.read_text(encoding="utf-8")
    updated = with_tools_table(text, tools_table(TOOLSETS.values()))
    if updated != text:
        path.write_text(updated, encoding="utf-8")
        print(f"{path}: tool table updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The README's tool table is the registry's: regenerate it with `make readme` after changing a toolset."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesnav_mcp.server.readme import END, START, tools_table, with_tools_table
from salesnav_mcp.tools import TOOLSETS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_tool_table_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert with_tools_table(text, tools_table(TOOLSETS.values())) == text, (
        "README.md's tool table is stale: run `make readme`"
    )


def test_the_table_names_every_toolset_and_tool() -> None:
    table = tools_table(TOOLSETS.values())
    for toolset in TOOLSETS.values():
        assert f"| {toolset.name} | {toolset.description} |" in table
        assert all(f"`{spec.name}`" in table for spec in toolset.tools)


def test_only_the_part_between_the_markers_is_replaced() -> None:
    text = f"before\n{START}\nold table\n{END}\nafter\n"
    assert with_tools_table(text, "new table") == f"before\n{START}\nnew table\n{END}\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        with_tools_table("no markers here", "new table")

"""Layering: operations know no MCP and no layer above them; tools reach persistence only through operations."""

from __future__ import annotations

import ast
from pathlib import Path

import salesnav_mcp

PACKAGE = Path(salesnav_mcp.__file__).parent


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_operations_import_no_mcp_and_nothing_above_them() -> None:
    forbidden = ("mcp", "mcp_types", "salesnav_mcp.tools", "salesnav_mcp.server")
    for path in (PACKAGE / "operations").rglob("*.py"):
        bad = [m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in forbidden)]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"


def test_tools_do_not_touch_the_store() -> None:
    for path in (PACKAGE / "tools").rglob("*.py"):
        bad = [m for m in imported_modules(path) if m == "salesnav_mcp.store" or m.startswith("salesnav_mcp.store.")]
        assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
        assert "guardrails.store" not in path.read_text(encoding="utf-8"), path.relative_to(PACKAGE)

"""Layering: every module imports only the layers below its own (ARCHITECTURE.md draws the same table).

The test walks every import statement of the package with `ast`, including imports inside
functions, and fails on any arrow the table does not allow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import salesnav_mcp

PACKAGE = Path(salesnav_mcp.__file__).parent

# Leaves: pure modules every layer may use; they import no other part of the package.
LEAVES = {"clock", "config", "models", "redaction", "salesnav_ids", "salesnav_url"}
# What each layer may import from the package, besides itself. Leaves import nothing of it.
ALLOWED: dict[str, set[str]] = {
    **{leaf: set() for leaf in LEAVES},
    "config": {"clock"},
    "store": {"config", "clock"},
    "guardrails": {"store", "clock", "config", "redaction", "models", "salesnav_ids"},
    "upstream": {"clock", "config", "models", "redaction", "salesnav_ids"},
    # An honest simulator shares no code with the clients it tests (nor with the URL codec they use).
    "sandbox": {"clock", "salesnav_ids"},
    "operations": {"guardrails", "store", "upstream", *LEAVES},
    # Tools reach persistence only through operations.
    "tools": {"operations", "guardrails", "upstream", *LEAVES},
    "views": set(),
    "server": {"tools", "operations", "guardrails", "store", "upstream", "sandbox", "views", *LEAVES},
    "cli": {"server", "tools", "operations", "guardrails", "store", "upstream", "sandbox", *LEAVES},
    "__main__": {"cli"},
    "__init__": set(),
}
# Frameworks by layer: MCP only at the top, HTTP only where HTTP is spoken.
FRAMEWORKS = {"mcp", "mcp_types", "httpx2", "starlette", "uvicorn"}
FRAMEWORKS_ALLOWED: dict[str, set[str]] = {
    "upstream": {"httpx2"},
    "sandbox": {"httpx2", "starlette", "uvicorn"},
    "tools": {"mcp", "mcp_types"},
    "server": FRAMEWORKS,
    "cli": FRAMEWORKS,
}


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def forbidden_imports(path: Path) -> list[str]:
    layer = layer_of(path)
    bad = []
    for module in imports(path):
        top, _, rest = module.partition(".")
        if top == "salesnav_mcp" and rest:
            target = rest.split(".")[0]
            if target != layer and target not in ALLOWED[layer]:
                bad.append(module)
        elif top in FRAMEWORKS and top not in FRAMEWORKS_ALLOWED.get(layer, set()):
            bad.append(module)
    return sorted(bad)


def test_every_module_imports_only_the_layers_below_it() -> None:
    unknown = {layer_of(p) for p in MODULES} - set(ALLOWED)
    assert not unknown, f"new layer(s) {unknown}: give each a row in ALLOWED (and in ARCHITECTURE.md)"
    bad = {str(p.relative_to(PACKAGE)): forbidden_imports(p) for p in MODULES}
    assert {k: v for k, v in bad.items() if v} == {}


def test_tools_do_not_reach_the_store_through_the_guardrails() -> None:
    for path in (PACKAGE / "tools").rglob("*.py"):
        assert "guardrails.store" not in path.read_text(encoding="utf-8"), path.relative_to(PACKAGE)


def test_the_table_forbids_what_the_design_forbids() -> None:
    # Guard the table itself, so nobody widens an arrow the design rules out.
    assert "upstream" not in ALLOWED["guardrails"]
    assert "store" not in ALLOWED["tools"]
    assert not {"upstream", "guardrails", "salesnav_url"} & ALLOWED["sandbox"]
    assert ALLOWED["models"] == ALLOWED["salesnav_url"] == set()
    assert not {"tools", "server", "cli"} & ALLOWED["operations"]
    assert "mcp" not in FRAMEWORKS_ALLOWED.get("operations", set())

"""The views shipped in the package are built from the sources in views/ as they are now (`make views`).

Each built file (gzipped) starts with `<!-- salesnav-mcp view, sources sha256:<digest> -->`, the digest views/build.mjs
computes (`sourceDigest`): sha256 over package.json, package-lock.json, build.mjs and every file under src/,
each as its "/"-separated path relative to views/, a NUL, its bytes, a NUL, in path order. Recomputed here
without Node, so a change to a view's source that was not rebuilt fails the fast tests.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

from salesnav_mcp.tools import TOOLSETS

REPO = Path(__file__).resolve().parents[2]
VIEWS = REPO / "views"
BUILT = REPO / "src" / "salesnav_mcp" / "views"
SOURCES = ["package.json", "package-lock.json", "build.mjs", "src"]
HEADER = re.compile(r"<!-- salesnav-mcp view, sources sha256:([0-9a-f]{64}) -->\n")


def source_digest(root: Path = VIEWS) -> str:
    files = [path for name in SOURCES for path in ([root / name] if (root / name).is_file() else (root / name).rglob("*"))]
    named = sorted((path.relative_to(root).as_posix(), path) for path in files if path.is_file())
    digest = hashlib.sha256()
    for name, path in named:
        digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def test_every_view_is_built_from_the_current_sources() -> None:
    views = sorted(p.name for p in (VIEWS / "src").iterdir() if p.is_dir() and p.name != "shared")
    assert views, "no view sources under views/src"
    assert sorted(p.name.removesuffix(".html.gz") for p in BUILT.glob("*.html.gz")) == views, "a view without its built file, or the reverse"
    expected = source_digest()
    for view in views:
        head = gzip.decompress((BUILT / f"{view}.html.gz").read_bytes())[:200].decode("utf-8")
        found = HEADER.match(head)
        assert found, f"{view}.html has no sources digest: rebuild it with `make views`"
        assert found.group(1) == expected, f"{view}.html is stale (built from other sources): run `make views`"


def test_the_digest_covers_exactly_the_sources(tmp_path: Path) -> None:
    """The Python digest is build.mjs's: same files, paths and order (a change anywhere in them changes it)."""
    (tmp_path / "src" / "b").mkdir(parents=True)
    (tmp_path / "src" / "a.css").write_bytes(b"x")
    (tmp_path / "src" / "b" / "c.ts").write_bytes(b"y")
    for name in ("package.json", "package-lock.json", "build.mjs"):
        (tmp_path / name).write_bytes(name.encode())
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "ignored.js").write_bytes(b"z")
    order = ["build.mjs", "package-lock.json", "package.json", "src/a.css", "src/b/c.ts"]
    manual = hashlib.sha256(b"".join(n.encode() + b"\0" + (tmp_path / n).read_bytes() + b"\0" for n in order))
    assert source_digest(tmp_path) == manual.hexdigest()
    (tmp_path / "src" / "b" / "c.ts").write_bytes(b"y2")
    assert source_digest(tmp_path) != manual.hexdigest()


def test_every_view_a_tool_is_bound_to_is_built_and_every_built_view_is_bound() -> None:
    """A `ui=` naming a view that was never built would fail only when a client reads it; a built view no tool
    names would ship for nothing."""
    bound = {spec.ui for toolset in TOOLSETS.values() for spec in toolset.tools if spec.ui}
    assert bound == {f"ui://salesnav/{path.name.removesuffix('.gz')}" for path in BUILT.glob("*.html.gz")}
    for uri in bound:  # each has a tool the model calls, besides the view's own app-only tools
        assert any(spec.ui == uri and not spec.app_only for ts in TOOLSETS.values() for spec in ts.tools), uri

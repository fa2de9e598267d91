"""Command line: `salesnav-mcp serve | demo | sandbox | doctor | install | budget | audit`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("salesnav-mcp: not wired yet", file=sys.stderr)
    return 2

"""`salesnav-mcp` plus the floor's trivial `echo` tool: our serving stack measured apart from our tools' work.

    python -m bench.with_echo [--proposals] <salesnav-mcp arguments>

With `--proposals`, every process-level proposal of bench/proposals.py is applied too. Adding a tool
changes nothing for the others: the server's own tools behave exactly as shipped.
"""

from __future__ import annotations

import sys
from typing import Any

from bench import proposals


async def echo(text: str = "pong") -> str:
    """Return the text it is given."""
    return text


def add_echo() -> None:
    from salesnav_mcp.server import app

    original = app.build_server

    def build_server(*args: Any, **kwargs: Any) -> Any:
        server = original(*args, **kwargs)
        server.tool()(echo)
        return server

    app.build_server = build_server


def main(argv: list[str]) -> int:
    if argv[:1] == ["--proposals"]:
        argv = argv[1:]
        for patch in proposals.PROCESS_PATCHES:
            patch()
    add_echo()
    from salesnav_mcp import cli

    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
